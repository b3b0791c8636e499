"""Pages of the monthly digest."""

urlpatterns: list = []
