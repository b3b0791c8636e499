"""Admin: targets."""
