"""Admin for outlets (filled in by its area)."""
