"""/api/v1/ routes of approvals: each area's API module declares its own urlpatterns."""

from django.urls import path

from .api import delegations, effect, rules, steps

urlpatterns = [
    *steps.urlpatterns,
    *rules.urlpatterns,
    *delegations.urlpatterns,
    *effect.urlpatterns,
    path("promotions/<int:pk>/submit/", steps.PromotionSubmitView.as_view(), name="promotion-submit"),
    path("promotions/<int:pk>/withdraw/", steps.PromotionWithdrawView.as_view(), name="promotion-withdraw"),
    path("promotions/<int:pk>/timeline/", steps.PromotionTimelineView.as_view(), name="promotion-timeline"),
]
