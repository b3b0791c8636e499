"""Admin for alerts (filled in by its area)."""
