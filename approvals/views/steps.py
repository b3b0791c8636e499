"""Pages of approvals: the inbox, a step's decision page (facts, evidence, SLA clock, the round, the form), and the
author's submit / withdraw buttons of the promotion's approval panel.

Reads go through ``approvals.selectors``, writes through ``approvals.services.flows``: a step the user may not see is
a 404, a decision they may not take a 403, a step decided meanwhile a 409 page that shows what happened.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.calendar import WorkCalendar
from accounts.permissions import can_delegate_approvals
from campaigns.models import Product, Promotion
from campaigns.selectors.promotions import promotion_get_for_user
from coordination.errors import Conflict
from coordination.pages import form_add_service_errors, paginate

from ..filters import StepFilter
from ..forms import DecisionForm, WithdrawForm
from ..models import ApprovalStep, StepKind, StepStatus
from ..permissions import (
    active_delegators,
    can_open_inbox,
    can_read_approval_rules,
    decider_for,
    is_own_promotion_step,
)
from ..selectors.evidence import promotion_evidence
from ..selectors.steps import inbox, step_get_for_user, step_sla
from ..services.flows import promotion_submit, promotion_withdraw, step_decide

INBOX_FILTERS = ("kind", "overdue")
# An open step with this many working hours left or fewer is shown as due soon (the SLA reminder's threshold).
DUE_SOON_HOURS = 4


@dataclass(frozen=True)
class Clock:
    """A step's SLA clock as the pages show it: the due time, the working hours left or overdue by (never
    negative), and whether it is overdue or due soon. ``hours`` is None for a step that is not open."""

    due_at: datetime.datetime | None
    hours: float | None
    overdue: bool
    due_soon: bool


def step_clock(step: ApprovalStep, *, now: datetime.datetime, calendar: WorkCalendar) -> Clock:
    sla = step_sla(step, now=now, calendar=calendar)
    hours = None if sla.hours_left is None else abs(sla.hours_left)
    soon = not sla.overdue and sla.hours_left is not None and sla.hours_left <= DUE_SOON_HOURS
    return Clock(due_at=sla.due_at, hours=hours, overdue=sla.overdue, due_soon=soon)


def _with_clock(steps, *, now: datetime.datetime, calendar: WorkCalendar):
    for step in steps:
        step.clock = step_clock(step, now=now, calendar=calendar)
    return steps


@login_required
@require_safe
def inbox_view(request: HttpRequest) -> HttpResponse:
    if not can_open_inbox(request.user):
        raise PermissionDenied(_("Your role is never asked to decide on promotions."))
    now = timezone.now()
    filters = {name: request.GET[name] for name in INBOX_FILTERS if request.GET.get(name)}
    filter_errors = []
    try:
        steps = inbox(user=request.user, filters=filters, now=now)
    except ValidationError as error:
        steps = ApprovalStep.objects.none()
        filter_errors = error.messages
    page = paginate(request, steps)
    _with_clock(page.object_list, now=now, calendar=WorkCalendar())
    return render(
        request,
        "approvals/inbox.html",
        {
            "page_obj": page,
            "filtered": bool(filters),
            "filter_errors": filter_errors,
            "kinds": StepFilter.base_filters["kind"].extra["choices"],
            "current_kind": filters.get("kind", ""),
            "current_overdue": filters.get("overdue", ""),
            # The way to the pages around the inbox, for those who may open them (the delegations page also lists
            # the colleagues one stands in for; the delegators are cached by can_open_inbox: no query).
            "show_rules": can_read_approval_rules(request.user),
            "show_delegations": can_delegate_approvals(request.user) or bool(active_delegators(request.user)),
        },
    )


def _step_page(request: HttpRequest, step: ApprovalStep, *, form=None, status: int = 200) -> HttpResponse:
    """The decision page of ``step``: facts, evidence, SLA clock, the round's other steps and — for a decider of an
    open step — the form."""
    now = timezone.now()
    calendar = WorkCalendar()
    promotion: Promotion = step.flow.promotion
    prefetch_related_objects(
        [promotion],
        Prefetch("products", queryset=Product.objects.select_related("category").order_by("sku")),
    )
    round_steps = list(
        ApprovalStep.objects.filter(flow_id=step.flow_id, round=step.round)
        .select_related("assignee", "decided_by", "on_behalf_of")
        .order_by("sequence", "id")
    )
    _with_clock(round_steps, now=now, calendar=calendar)
    step.clock = step_clock(step, now=now, calendar=calendar)
    may_decide, on_behalf_of = decider_for(request.user, step, timezone.localtime(now).date())
    can_decide = may_decide and step.status == StepStatus.OPEN and step.round == step.flow.round
    if can_decide and form is None:
        form = DecisionForm(step=step)
    elif form is not None:
        form.focus_first_error()
    return render(
        request,
        "approvals/step_detail.html",
        {
            "step": step,
            "promotion": promotion,
            "round_steps": round_steps,
            "evidence": promotion_evidence(promotion=promotion, today=timezone.localtime(now).date()),
            "form": form if can_decide else None,
            "on_behalf_of": on_behalf_of,
            "own_promotion": is_own_promotion_step(request.user, step),
            "is_consultation": step.kind == StepKind.CONSULTATION,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def step_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return _step_page(request, step)
    # The same refusals as step_decide, before looking at the input: a 403 for whoever may not decide, a 409 for
    # a step that is not open any more (whatever was posted).
    if not decider_for(request.user, step, timezone.localdate())[0]:
        if is_own_promotion_step(request.user, step):
            raise PermissionDenied(_("Nobody decides on their own promotion."))
        raise PermissionDenied(_("This step is assigned to someone else."))
    form = DecisionForm(request.POST, step=step)
    try:
        if step.status == StepStatus.WAITING and step.round == step.flow.round:
            raise Conflict(_("This step is not open yet: it opens when the steps before it are through."))
        if step.status != StepStatus.OPEN or step.round != step.flow.round:
            raise Conflict(_("This step has already been decided or closed; nothing was changed."))
        if not form.is_valid():
            return _step_page(request, step, form=form, status=400)
        step_decide(user=request.user, step=step, **form.decide_kwargs())
    except ValidationError as error:
        form_add_service_errors(form, error)
        return _step_page(request, step, form=form, status=400)
    except Conflict as conflict:
        # Someone decided first (or the round moved on): say so and show the step as it is now.
        messages.error(request, conflict.message)
        try:
            current = step_get_for_user(user=request.user, pk=pk)
        except Http404:  # a delegate no longer sees a step once it is decided
            current = step
        return _step_page(request, current, status=409)
    title = {"title": step.flow.promotion.title}
    if step.kind == StepKind.CONSULTATION:
        messages.success(request, _("Your answer on “%(title)s” is recorded.") % title)
    else:
        messages.success(request, _("Your decision on “%(title)s” is recorded.") % title)
    return redirect("approvals:inbox")


def _back_to_panel(promotion: Promotion) -> HttpResponse:
    return redirect(reverse("campaigns:promotion_detail", args=[promotion.pk]) + "#approval")


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def promotion_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    try:
        flow = promotion_submit(user=request.user, promotion=promotion)
    except ValidationError as error:
        _error_messages(request, error)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        opened = list(flow.steps.filter(round=flow.round, status=StepStatus.OPEN).select_related("assignee"))
        who = ", ".join(s.assignee.display_name if s.assignee else s.get_assignee_role_display() for s in opened)
        messages.success(request, _("Submitted. It is now with: %(who)s.") % {"who": who})
    return _back_to_panel(promotion)


@login_required
@require_POST
def promotion_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back_to_panel(promotion)
    try:
        promotion_withdraw(user=request.user, promotion=promotion, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        _error_messages(request, error)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Withdrawn. Nobody is asked to decide on it any more."))
    return _back_to_panel(promotion)


urlpatterns = [
    path("approvals/", inbox_view, name="inbox"),
    path("approvals/<int:pk>/", step_detail_view, name="step_detail"),
    path("promotions/<int:pk>/submit/", promotion_submit_view, name="promotion_submit"),
    path("promotions/<int:pk>/withdraw/", promotion_withdraw_view, name="promotion_withdraw"),
]
