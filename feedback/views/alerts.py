"""Pages for alerts (filled in by its area)."""

urlpatterns: list = []
