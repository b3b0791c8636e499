"""Admin: plans."""
