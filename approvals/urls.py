"""Pages of approvals: each area's module declares its own urlpatterns."""

from .views import delegations, effect, rules, steps

app_name = "approvals"

urlpatterns = [*steps.urlpatterns, *rules.urlpatterns, *delegations.urlpatterns, *effect.urlpatterns]
