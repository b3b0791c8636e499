"""Build, freeze and mail the monthly digest."""
