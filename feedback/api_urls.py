"""/api/v1/ routes of feedback: each area's API module declares its own urlpatterns."""

from .api import alerts, board, intel, outlets, photos, reports

urlpatterns = [
    *outlets.urlpatterns,
    *photos.urlpatterns,
    *reports.urlpatterns,
    *board.urlpatterns,
    *intel.urlpatterns,
    *alerts.urlpatterns,
]
