"""Reads of approval steps and timelines, always for a user, in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.calendar import WorkCalendar
from accounts.models import Region, User
from campaigns.models import Promotion

from ..models import ApprovalEvent, ApprovalFlow, ApprovalStep, StepStatus
from ..permissions import decidable_steps_q, steps_visible_q


@dataclass(frozen=True)
class Sla:
    """A step's clock: due time, working hours left (negative: overdue by) and whether it is overdue."""

    due_at: datetime.datetime | None
    hours_left: float | None
    overdue: bool


def step_sla(step: ApprovalStep, *, now: datetime.datetime, calendar: WorkCalendar) -> Sla:
    if step.status != StepStatus.OPEN or step.due_at is None:
        return Sla(due_at=step.due_at, hours_left=None, overdue=False)
    left = calendar.working_hours_between(now, step.due_at)
    return Sla(due_at=step.due_at, hours_left=round(left, 1), overdue=step.is_overdue(now))


def _with_promotion(queryset: QuerySet[ApprovalStep]) -> QuerySet[ApprovalStep]:
    return queryset.select_related(
        "flow__promotion__created_by", "flow__promotion__owner", "assignee"
    ).prefetch_related(
        Prefetch("flow__promotion__regions", queryset=Region.objects.order_by("path")),
    )


def inbox(*, user: User, filters: dict | None = None, now: datetime.datetime | None = None) -> QuerySet[ApprovalStep]:
    """The open steps ``user`` may decide now (theirs, their role's, their delegators'), oldest due first.

    ``filters``: ``kind``, ``overdue`` ("true"/"false"), ``origin``. Queries: the user's roles, their delegations,
    the steps, the promotions' regions — whatever the number of steps.
    """
    from ..filters import StepFilter

    now = now or timezone.now()
    queryset = ApprovalStep.objects.filter(decidable_steps_q(user, timezone.localtime(now).date()))
    filterset = StepFilter(filters or {}, queryset=queryset, request=None)
    filterset.now = now
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors)
    return _with_promotion(filterset.qs).order_by("due_at", "id")


def step_decided_by(*, user: User, pk: int) -> ApprovalStep:
    """A step ``user`` has just decided, for the answer to their decision (a delegate may not see it otherwise)."""
    try:
        return _with_promotion(ApprovalStep.objects.filter(decided_by=user)).get(pk=pk)
    except ApprovalStep.DoesNotExist:
        raise Http404(_("No such approval step.")) from None


def step_get_for_user(*, user: User, pk: int) -> ApprovalStep:
    """A step the user may see (its promotion is visible to them, or they may decide it); ``Http404`` otherwise."""
    queryset = _with_promotion(ApprovalStep.objects.filter(steps_visible_q(user)))
    try:
        return queryset.get(pk=pk)
    except ApprovalStep.DoesNotExist:
        raise Http404(_("No such approval step.")) from None


def promotion_flow(*, promotion: Promotion) -> ApprovalFlow | None:
    """The promotion's flow with every step of every round (history included), or None before a submission."""
    return (
        ApprovalFlow.objects.filter(promotion=promotion)
        .select_related("rule")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=ApprovalStep.objects.select_related("assignee", "decided_by", "on_behalf_of").order_by(
                    "-round", "sequence", "id"
                ),
            )
        )
        .first()
    )


def promotion_timeline(*, promotion: Promotion) -> QuerySet[ApprovalEvent]:
    """Every event of the promotion, oldest first, with the people involved (one query)."""
    return (
        ApprovalEvent.objects.filter(promotion=promotion)
        .select_related("actor", "on_behalf_of", "step")
        .order_by("created_at", "id")
    )


def overdue_steps(*, now: datetime.datetime | None = None) -> QuerySet[ApprovalStep]:
    """All open steps past their due time (for escalation jobs and reports)."""
    now = now or timezone.now()
    return ApprovalStep.objects.filter(status=StepStatus.OPEN, due_at__lt=now)
