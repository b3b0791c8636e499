"""Pages for reports (filled in by its area)."""

urlpatterns: list = []
