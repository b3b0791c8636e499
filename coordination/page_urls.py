"""Pages of the joint layer: meetings and action items, digests."""

from . import digest_views, meeting_views

app_name = "coordination"

urlpatterns = [*meeting_views.urlpatterns, *digest_views.urlpatterns]
