"""/api/v1/ for alerts (filled in by its area)."""

urlpatterns: list = []
