"""/api/v1/ for photos (filled in by its area)."""

urlpatterns: list = []
