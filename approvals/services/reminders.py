"""The approval SLA job (DESIGN §4, hourly): "due soon" reminders to the deciders of open steps, and escalation of
overdue steps to the deciders' managers.

- **Due soon**: an open step due within ``APPROVAL_REMINDER_HOURS`` working hours (not overdue yet) reminds
  everyone who may decide it — its assignee or the holders of its role (never the promotion's author or owner,
  as ``approvals.permissions.decider_for``), and whoever stands in for one of them today. Once per step
  (key ``approval_due_soon:<step>``).
- **Overdue**: a step past its due time is escalated to each decider's manager (the general manager for a decider
  without one), saying by how many working hours, who is waited for and which promotion. At most once per step
  and day (key ``approval_overdue:<step>:<date>``).

The job only speaks during the company's working time (a working day of the company calendar, between
``WORKDAY_START`` and ``WORKDAY_END``): the hourly runs at night or on a holiday send nothing, and the first run of
the next working morning catches up — so nobody is chased at 3 a.m. and weekends never escalate.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.calendar import WorkCalendar
from accounts.models import Delegation, NotificationKind, User
from accounts.notifications import notify
from accounts.roles import Role

from ..models import ApprovalStep, StepStatus
from ..selectors.steps import overdue_steps, step_sla


@dataclass(frozen=True)
class ApprovalReminders:
    due_soon: int  # reminders created now
    escalated: int  # escalation notifications created now


def in_working_time(now: datetime.datetime, calendar: WorkCalendar) -> bool:
    """Whether ``now`` falls inside a working day's working hours (company time zone)."""
    local = timezone.localtime(now)
    if not calendar.is_working_day(local.date()):
        return False
    opens = datetime.time.fromisoformat(settings.WORKDAY_START)
    closes = datetime.time.fromisoformat(settings.WORKDAY_END)
    return opens <= local.time().replace(tzinfo=None) < closes


@dataclass
class _Deciders:
    primary: list[User]  # the assignee, or the role's holders (not the promotion's author/owner)
    delegates: list[User]  # standing in for one of them today


def _deciders(steps: list[ApprovalStep], today: datetime.date) -> dict[int, _Deciders]:
    """Who may decide each step: two queries whatever the number of steps and people (role holders, then today's
    delegations). ``steps`` come with ``assignee__manager`` and ``flow__promotion`` fetched."""
    roles = sorted({step.assignee_role for step in steps if step.assignee_role})
    holders: dict[str, list[User]] = {role: [] for role in roles}
    if roles:
        memberships = (
            User.groups.through.objects.filter(group__name__in=roles, user__is_active=True)
            .select_related("user__manager", "group")
            .order_by("user_id")
        )
        for membership in memberships:
            holders[membership.group.name].append(membership.user)
    primary: dict[int, list[User]] = {}
    for step in steps:
        promotion = step.flow.promotion
        people = [step.assignee] if step.assignee_id else holders.get(step.assignee_role, [])
        primary[step.pk] = [
            p for p in people if p.is_active and p.pk not in (promotion.created_by_id, promotion.owner_id)
        ]
    ids = {person.pk for people in primary.values() for person in people}
    standing_in: dict[int, list[User]] = {}
    if ids:
        delegations = Delegation.objects.filter(
            delegator_id__in=ids,
            starts_on__lte=today,
            ends_on__gte=today,
            delegate__is_active=True,
            delegator__is_active=True,
        ).select_related("delegate")
        for delegation in delegations:
            standing_in.setdefault(delegation.delegator_id, []).append(delegation.delegate)
    result = {}
    for step in steps:
        promotion = step.flow.promotion
        delegates = {
            delegate.pk: delegate
            for person in primary[step.pk]
            for delegate in standing_in.get(person.pk, [])
            if delegate.pk not in (promotion.created_by_id, promotion.owner_id)
        }
        result[step.pk] = _Deciders(primary=primary[step.pk], delegates=list(delegates.values()))
    return result


def _steps(queryset) -> list[ApprovalStep]:
    return list(
        queryset.filter(status=StepStatus.OPEN)
        .select_related("assignee__manager", "flow__promotion")
        .order_by("due_at", "pk")
    )


def _remind_due_soon(steps: list[ApprovalStep], deciders: dict[int, _Deciders], *, now, calendar) -> int:
    created = 0
    for step in steps:
        people = deciders[step.pk]
        promotion = step.flow.promotion
        sla = step_sla(step, now=now, calendar=calendar)

        def message(step=step, promotion=promotion, sla=sla):
            due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
            return (
                _("Decision due soon: %(title)s") % {"title": promotion.title},
                _("%(kind)s due %(due)s: %(hours)s working hours left.")
                % {"kind": step.get_kind_display(), "due": due, "hours": sla.hours_left},
            )

        created += len(
            notify(
                recipients=people.primary + people.delegates,
                kind=NotificationKind.APPROVAL_DUE_SOON,
                key=f"approval_due_soon:{step.pk}",
                message=message,
                url=reverse("approvals:step_detail", args=[step.pk]),
            )
        )
    return created


def _escalate_overdue(steps: list[ApprovalStep], deciders: dict[int, _Deciders], *, now, calendar) -> int:
    today = timezone.localtime(now).date()
    general_managers: list[User] | None = None
    created = 0
    for step in steps:
        people = deciders[step.pk].primary
        if not people and step.assignee_id:
            people = [step.assignee]  # an assignee who left still needs someone to take the step over
        managers: dict[int, User] = {}
        for person in people:
            if person.manager_id and person.manager.is_active:
                managers[person.manager_id] = person.manager
                continue
            if general_managers is None:
                general_managers = list(User.objects.filter(is_active=True, groups__name=Role.GENERAL_MANAGER))
            managers.update({gm.pk: gm for gm in general_managers if gm.pk != person.pk})
        if not managers:
            continue
        promotion = step.flow.promotion
        sla = step_sla(step, now=now, calendar=calendar)
        who = ", ".join(person.display_name for person in people) or step.get_assignee_role_display()

        def message(step=step, promotion=promotion, sla=sla, who=who):
            due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
            return (
                _("Overdue decision: %(title)s") % {"title": promotion.title},
                _(
                    "%(kind)s waiting for %(who)s was due %(due)s and is overdue by %(hours)s working hours. "
                    "Please follow it up."
                )
                % {"kind": step.get_kind_display(), "who": who, "due": due, "hours": abs(sla.hours_left or 0)},
            )

        created += len(
            notify(
                recipients=managers.values(),
                kind=NotificationKind.APPROVAL_OVERDUE,
                key=f"approval_overdue:{step.pk}:{today.isoformat()}",
                message=message,
                url=reverse("campaigns:promotion_detail", args=[promotion.pk]),
            )
        )
    return created


@transaction.atomic
def approval_reminders_send(*, now: datetime.datetime | None = None) -> ApprovalReminders:
    """Remind the deciders of steps due soon and escalate overdue steps (see the module). Idempotent; a fixed
    number of queries plus one ``notify`` per step, whatever the number of deciders."""
    now = now or timezone.now()
    calendar = WorkCalendar()
    if not in_working_time(now, calendar):
        return ApprovalReminders(due_soon=0, escalated=0)
    horizon = calendar.add_working_hours(now, settings.APPROVAL_REMINDER_HOURS)
    due_soon = _steps(ApprovalStep.objects.filter(due_at__gte=now, due_at__lte=horizon))
    overdue = _steps(overdue_steps(now=now))
    deciders = _deciders(due_soon + overdue, timezone.localtime(now).date())
    return ApprovalReminders(
        due_soon=_remind_due_soon(due_soon, deciders, now=now, calendar=calendar),
        escalated=_escalate_overdue(overdue, deciders, now=now, calendar=calendar),
    )
