"""Pages of approvals: the inbox and a step's decision page (built out by the pages work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_safe

from ..selectors.steps import step_get_for_user


@login_required
@require_safe
def step_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_get_for_user(user=request.user, pk=pk)
    return redirect("campaigns:promotion_detail", pk=step.flow.promotion_id)


urlpatterns = [
    path("approvals/<int:pk>/", step_detail_view, name="step_detail"),
]
