"""Admin for intel (filled in by its area)."""
