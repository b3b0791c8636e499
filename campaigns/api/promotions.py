"""/api/v1/ routes of campaigns: promotions."""

urlpatterns: list = []
