"""Pages of feedback: each area's module declares its own urlpatterns."""

from .views import alerts, board, intel, outlets, photos, reports

app_name = "feedback"

urlpatterns = [
    *reports.urlpatterns,
    *board.urlpatterns,
    *intel.urlpatterns,
    *alerts.urlpatterns,
    *outlets.urlpatterns,
    *photos.urlpatterns,
]
