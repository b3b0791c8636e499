"""Pages of approvals: each area's module declares its own urlpatterns."""

from .views import steps

app_name = "approvals"

urlpatterns = [*steps.urlpatterns]
