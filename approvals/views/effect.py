"""Pages of a promotion followed through execution: the effect page (headline figures, the daily-units chart,
costs with the booking form, executability ratings, photos, marketing's evaluation) and the effect panel on the
promotion page.

Reads go through ``promotion_get_for_user`` (404 when not visible; HR sees no promotion) and
``approvals.selectors.effect``; writes through the services, whose refusals show on the page: a field's message
at its field (400), a state conflict at the top of its form (409), a forbidden action as 403.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from campaigns.models import PROMOTION_PUBLISHED_STATUSES, Promotion, PromotionStatus
from campaigns.permissions import can_book_costs, is_marketing
from campaigns.selectors.costs import promotion_costs
from campaigns.selectors.promotions import promotion_get_for_user
from campaigns.services.costs import costs_bookable, promotion_cost_book, spend_window
from coordination.errors import Conflict
from coordination.pages import form_add_service_errors, paginate

from ..effect_forms import CostForm, EvaluateForm, RatingForm
from ..permissions import can_rate_executability
from ..selectors.effect import PromotionEffect, has_effect, promotion_effect
from ..services.flows import promotion_evaluate
from ..services.ratings import executability_rate, rating_open

COSTS_PER_PAGE = 20


# --- the chart ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: object
    units: int


@dataclass(frozen=True)
class Chart:
    """Daily units as bars over the promotion's whole period (days still to come stay empty), with the baseline's
    daily average as a line. The SVG is drawn in a ``width`` × 100 box stretched to the page's width; labels are
    HTML around it so they stay readable on a phone and on a wide screen alike."""

    width: int
    bars: list[Bar]
    y_max: int
    baseline: Decimal
    baseline_y: float | None
    first_day: object
    last_day: object
    days_total: int

    @property
    def gridlines(self) -> list[float]:
        return [0.0, 25.0, 50.0, 75.0]


SLOT = 10


def _nice_ceiling(value: float) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 10
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def effect_chart(effect: PromotionEffect) -> Chart | None:
    if not effect.started:
        return None
    promotion = effect.promotion
    days_total = (promotion.ends_on - promotion.starts_on).days + 1
    baseline = effect.units_per_day_baseline
    peak = max([p.units for p in effect.daily] + [float(baseline)])
    y_max = _nice_ceiling(peak * 1.1)
    bars = []
    for index, point in enumerate(effect.daily):
        height = round(point.units * 100 / y_max, 2)
        bars.append(
            Bar(
                x=index * SLOT + 1.5,
                y=round(100 - height, 2),
                width=SLOT - 3,
                height=height,
                day=point.day,
                units=point.units,
            )
        )
    baseline_y = round(100 - float(baseline) * 100 / y_max, 2) if effect.has_baseline else None
    return Chart(
        width=days_total * SLOT,
        bars=bars,
        y_max=y_max,
        baseline=baseline,
        baseline_y=baseline_y,
        first_day=promotion.starts_on,
        last_day=promotion.ends_on,
        days_total=days_total,
    )


# --- the page ----------------------------------------------------------------------------------------------------


def _own_rating(effect: PromotionEffect | None, user):
    if effect is None:
        return None
    return next((r for r in effect.after_execution.ratings if r.person and r.person.pk == user.pk), None)


def _render(
    request: HttpRequest,
    promotion: Promotion,
    *,
    cost_form: CostForm | None = None,
    rating_form: RatingForm | None = None,
    evaluate_form: EvaluateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    effect = promotion_effect(promotion=promotion, today=today, user=user) if has_effect(promotion) else None
    # A posted form is shown again with its errors even when the state moved on meanwhile (a 409).
    may_book = cost_form is not None or (can_book_costs(user, promotion) and costs_bookable(promotion))
    if may_book and cost_form is None:
        cost_form = CostForm(window=spend_window(promotion, today))
    may_rate = rating_form is not None or (can_rate_executability(user, promotion) and rating_open(promotion))
    own_rating = _own_rating(effect, user)
    if may_rate and rating_form is None:
        initial = {"score": own_rating.score, "comment": own_rating.comment} if own_rating else None
        rating_form = RatingForm(initial=initial)
    may_evaluate = evaluate_form is not None or (is_marketing(user) and promotion.status == PromotionStatus.ENDED)
    if may_evaluate and evaluate_form is None:
        evaluate_form = EvaluateForm()
    costs_page = paginate(request, promotion_costs(promotion=promotion), per_page=COSTS_PER_PAGE)
    return render(
        request,
        "approvals/effect.html",
        {
            "promotion": promotion,
            "effect": effect,
            "chart": effect_chart(effect) if effect else None,
            "costs_page": costs_page,
            "cost_form": cost_form if may_book else None,
            "rating_form": rating_form if may_rate else None,
            "own_rating": own_rating,
            "evaluate_form": evaluate_form if may_evaluate else None,
        },
        status=status,
    )


@login_required
@require_safe
def promotion_effect_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, promotion_get_for_user(user=request.user, pk=pk))


def _answer_after_error(request, promotion, form, form_name: str, error: Exception) -> HttpResponse:
    if isinstance(error, Conflict):
        form.add_error(None, error.message)
        return _render(request, promotion, status=409, **{form_name: form})
    form_add_service_errors(form, error)
    return _render(request, promotion, status=400, **{form_name: form})


@login_required
@require_POST
def promotion_cost_book_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    if not can_book_costs(request.user, promotion):
        raise PermissionDenied(
            _("Costs are booked by the sales people of the promotion's regions and its owner and responsible people.")
        )
    form = CostForm(request.POST, window=spend_window(promotion, timezone.localdate()))
    if not form.is_valid():
        return _render(request, promotion, cost_form=form, status=400)
    try:
        cost, created = promotion_cost_book(user=request.user, promotion=promotion, **form.cleaned_data)
    except (ValidationError, Conflict) as error:
        return _answer_after_error(request, promotion, form, "cost_form", error)
    if created:
        messages.success(
            request,
            _("Booked ¥%(amount)s. Total booked: ¥%(total)s.") % {"amount": cost.amount, "total": cost.total_after},
        )
        if cost.over_budget:
            messages.warning(
                request, _("The costs are now over the budget of ¥%(budget)s.") % {"budget": promotion.budget}
            )
    else:
        messages.info(request, _("This booking was already made; nothing was booked twice."))
    return redirect(reverse("approvals:promotion_effect", args=[promotion.pk]) + "#costs")


@login_required
@require_POST
def promotion_rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    if not can_rate_executability(request.user, promotion):
        raise PermissionDenied(_("Executability is rated by the sales people of the promotion's regions."))
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render(request, promotion, rating_form=form, status=400)
    try:
        _rating, created = executability_rate(user=request.user, promotion=promotion, **form.cleaned_data)
    except (ValidationError, Conflict) as error:
        return _answer_after_error(request, promotion, form, "rating_form", error)
    messages.success(request, _("Thank you: your rating is recorded.") if created else _("Your rating is updated."))
    return redirect(reverse("approvals:promotion_effect", args=[promotion.pk]) + "#ratings")


@login_required
@require_POST
def promotion_evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    if not is_marketing(request.user):
        raise PermissionDenied(_("Only marketing evaluates a promotion."))
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        return _render(request, promotion, evaluate_form=form, status=400)
    try:
        promotion_evaluate(user=request.user, promotion=promotion, comment=form.cleaned_data["comment"])
    except (ValidationError, Conflict) as error:
        return _answer_after_error(request, promotion, form, "evaluate_form", error)
    messages.success(request, _("The promotion is marked evaluated."))
    return redirect("approvals:promotion_effect", pk=promotion.pk)


# --- the panel on the promotion page -----------------------------------------------------------------------------


def effect_panel(request: HttpRequest, promotion: Promotion) -> str | None:
    """Key figures and a link to the effect page, for agreed promotions (approved and later) only."""
    if promotion.status not in PROMOTION_PUBLISHED_STATUSES:
        return None
    effect = promotion_effect(promotion=promotion, user=request.user)
    return render_to_string("approvals/effect_panel.html", {"promotion": promotion, "effect": effect}, request=request)


PROMOTION_PANELS = [effect_panel]

urlpatterns = [
    path("promotions/<int:pk>/effect/", promotion_effect_view, name="promotion_effect"),
    path("promotions/<int:pk>/effect/costs/", promotion_cost_book_view, name="promotion_cost_book"),
    path("promotions/<int:pk>/effect/rating/", promotion_rate_view, name="promotion_rate"),
    path("promotions/<int:pk>/effect/evaluate/", promotion_evaluate_view, name="promotion_evaluate"),
]
