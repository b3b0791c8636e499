"""Pages of campaigns: plans."""

urlpatterns: list = []
