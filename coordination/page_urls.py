"""Pages of the joint layer: meetings and action items, digests, joint KPIs."""

from . import digest_views, kpi_views, meeting_views

app_name = "coordination"

urlpatterns = [*meeting_views.urlpatterns, *digest_views.urlpatterns, *kpi_views.urlpatterns]
