"""Admin of the monthly digest (imported by coordination.admin)."""
