"""/api/v1/ for outlets (filled in by its area)."""

urlpatterns: list = []
