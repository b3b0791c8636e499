"""Admin: master."""
