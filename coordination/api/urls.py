"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("campaigns.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("approvals.api_urls")),
    path("", include("coordination.api.meetings")),
    path("", include("coordination.api.digests")),
    path("", include("coordination.api.kpis")),
]
