"""Pages for board (filled in by its area)."""

urlpatterns: list = []
