"""Pages of campaigns: each area's module declares its own urlpatterns."""

from .views import plans, promotions, targets

app_name = "campaigns"

urlpatterns = [*plans.urlpatterns, *targets.urlpatterns, *promotions.urlpatterns]
