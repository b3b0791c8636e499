"""/api/v1/ routes of campaigns: plans."""

urlpatterns: list = []
