"""Admin for photos (filled in by its area)."""
