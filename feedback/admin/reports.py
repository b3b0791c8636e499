"""Admin for reports (filled in by its area)."""
