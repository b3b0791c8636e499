"""/api/v1/ routes of campaigns: each area's API module declares its own urlpatterns."""

from .api import master, plans, promotions, targets

urlpatterns = [*master.urlpatterns, *plans.urlpatterns, *targets.urlpatterns, *promotions.urlpatterns]
