"""Pages for intel (filled in by its area)."""

urlpatterns: list = []
