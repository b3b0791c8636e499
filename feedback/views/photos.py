"""Pages for photos (filled in by its area)."""

urlpatterns: list = []
