"""/api/v1/ routes of campaigns: targets."""

urlpatterns: list = []
