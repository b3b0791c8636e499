"""Pages for outlets (filled in by its area)."""

urlpatterns: list = []
