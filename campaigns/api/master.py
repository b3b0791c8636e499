"""/api/v1/ routes of campaigns: master."""

urlpatterns: list = []
