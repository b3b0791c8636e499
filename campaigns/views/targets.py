"""Pages of campaigns: targets."""

urlpatterns: list = []
