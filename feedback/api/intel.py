"""/api/v1/ for intel (filled in by its area)."""

urlpatterns: list = []
