"""Pages of campaigns: promotions."""

urlpatterns: list = []
