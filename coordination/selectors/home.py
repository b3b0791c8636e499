"""Reads of the joint layer."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from accounts.calendar import WorkCalendar
from accounts.models import User
from accounts.roles import Role
from approvals.models import ApprovalStep, StepKind
from approvals.permissions import decidable_steps_one_query_q
from approvals.selectors.steps import step_sla
from campaigns.selectors.plans import plans_awaiting_publication, plans_drafted_by, plans_to_read
from feedback.models import ReportStatus
from feedback.permissions import can_triage_alerts, is_sales_manager
from feedback.selectors.alerts import alert_list, alert_title
from feedback.selectors.board import expected_to_file, is_working_day, rep_today, team_not_filed

from .meetings import action_items_due_for


@dataclass(frozen=True)
class HomeItem:
    """One thing that needs the user today: a title, why, and where to act on it."""

    title: str
    detail: str
    url: str
    due: str = ""


@dataclass(frozen=True)
class HomeSection:
    title: str
    items: list[HomeItem] = field(default_factory=list)


# What each role will find on the home page once the later capabilities are in — shown in the empty state so a
# new user knows what the page is for.
_ROLE_PROMISES = {
    Role.MARKETING_STAFF: _(
        "Alerts from the field, sales requests waiting for your review and plans you are drafting."
    ),
    Role.MARKETING_MANAGER: _("Proposals and requests waiting for your decision, alerts, and plans ready to publish."),
    Role.SALES_REP: _("Today's field report, newly published plans to read and your promotion requests."),
    Role.SALES_MANAGER: _("Your team's filing status, requests to endorse and proposals that ask for your opinion."),
    Role.SALES_DIRECTOR: _("Approvals above your threshold and the regions falling behind target."),
    Role.GENERAL_MANAGER: _("Final approvals and the monthly joint-meeting digest."),
    Role.HR: _("The joint KPI scorecards of marketing and sales."),
}


_HOME_LIMIT = 10  # each section shows the first few; its page lists them all


def home_sections(*, user: User) -> list[HomeSection]:
    """What needs ``user`` today, section by section (empty sections are left out). Later capabilities add theirs.

    One query per section, whatever the number of items; one company calendar (one query per year) for them all.
    """
    now = timezone.now()
    calendar = WorkCalendar()
    sections = [
        _decision_section(user, now=now, calendar=calendar),
        *_report_sections(user, calendar=calendar),
        HomeSection(
            _("Plans to read"),
            [
                HomeItem(
                    plan.title,
                    _("%(period)s · version %(n)s") % {"period": plan.period_label, "n": plan.published_version.number},
                    reverse("campaigns:plan_detail", args=[plan.pk]),
                )
                for plan in plans_to_read(user=user)[:_HOME_LIMIT]
            ],
        ),
        HomeSection(
            _("Plans waiting for you to publish"),
            [
                HomeItem(plan.title, plan.owner.display_name, reverse("campaigns:plan_preview", args=[plan.pk]))
                for plan in plans_awaiting_publication(user=user)[:_HOME_LIMIT]
            ],
        ),
        _action_item_section(user),
        _alert_section(user),
        HomeSection(
            _("Plans you are drafting"),
            [
                HomeItem(plan.title, plan.period_label, reverse("campaigns:plan_edit", args=[plan.pk]))
                for plan in plans_drafted_by(user=user)[:_HOME_LIMIT]
            ],
        ),
    ]
    return [section for section in sections if section.items]


_STEP_TITLES = {
    StepKind.CONSULTATION: _("Your opinion: %(title)s"),
    StepKind.ENDORSEMENT: _("To endorse: %(title)s"),
    StepKind.REVIEW: _("To review: %(title)s"),
    StepKind.APPROVAL: _("To approve: %(title)s"),
}


def _due_text(step: ApprovalStep, *, now: datetime.datetime, calendar: WorkCalendar) -> str:
    """ "Due 06-12 17:00 · 5.5 working hours left", or "Overdue by 3 working hours"."""
    sla = step_sla(step, now=now, calendar=calendar)
    if sla.due_at is None:
        return ""
    if sla.overdue:
        return gettext_now("Overdue by %(hours)s working hours") % {"hours": _hours(-sla.hours_left)}
    due = timezone.localtime(sla.due_at).strftime("%m-%d %H:%M")
    return gettext_now("Due %(due)s · %(hours)s working hours left") % {"due": due, "hours": _hours(sla.hours_left)}


def _hours(value: float) -> str:
    return f"{value:g}"


def _decision_section(user: User, *, now: datetime.datetime, calendar: WorkCalendar) -> HomeSection:
    """The open approval steps ``user`` may decide now (theirs, their role's, those of people they stand in for),
    oldest due first: one query, delegations included."""
    steps = (
        ApprovalStep.objects.filter(decidable_steps_one_query_q(user, timezone.localtime(now).date()))
        .select_related("flow__promotion__created_by")
        .order_by("due_at", "id")[:_HOME_LIMIT]
    )
    return HomeSection(
        _("Waiting for your decision"),
        [
            HomeItem(
                str(_STEP_TITLES[step.kind]) % {"title": step.flow.promotion.title},
                step.flow.promotion.created_by.display_name,
                reverse("approvals:step_detail", args=[step.pk]),
                due=_due_text(step, now=now, calendar=calendar),
            )
            for step in steps
        ],
    )


def _action_item_section(user: User) -> HomeSection:
    """The user's own open action items due within a week or overdue (one query)."""
    today = timezone.localdate()
    items = []
    for item in action_items_due_for(user=user, today=today)[:_HOME_LIMIT]:
        due = item.due_on.isoformat()
        why = (_("Overdue since %(day)s") if item.due_on < today else _("Due %(day)s")) % {"day": due}
        items.append(HomeItem(item.title, why, reverse("coordination:action_item_detail", args=[item.pk])))
    return HomeSection(_("Action items due"), items)


def _alert_section(user: User) -> HomeSection:
    """Marketing: the open alerts to triage, newest first (one query)."""
    if not can_triage_alerts(user):
        return HomeSection(_("Alerts to triage"), [])
    alerts = alert_list(user=user, filters={"status": ["open"]})[:_HOME_LIMIT]
    return HomeSection(
        _("Alerts to triage"),
        [
            HomeItem(alert_title(alert), alert.date.isoformat(), reverse("feedback:alert_detail", args=[alert.pk]))
            for alert in alerts
        ],
    )


def _report_sections(user: User, *, calendar: WorkCalendar) -> list[HomeSection]:
    """A rep: today's report and the days they can still catch up (one query for both). A sales manager: who of
    their team has not filed today (one query)."""
    sections = []
    if expected_to_file(user):
        owed = rep_today(rep=user, calendar=calendar)
        today = owed.today.isoformat()
        if owed.status == ReportStatus.SUBMITTED:
            item = HomeItem(
                _("Today's report is filed ✓"), today, reverse("feedback:report_detail", args=[owed.report_id])
            )
        elif owed.status == ReportStatus.DRAFT:
            item = HomeItem(_("Continue today's report"), _("Draft saved, not submitted yet"), "/reports/today/")
        elif owed.working_day:
            item = HomeItem(_("File today's report"), _("Not filed yet"), "/reports/today/")
        else:
            item = None
        sections.append(HomeSection(_("Today's report"), [item] if item else []))
        sections.append(
            HomeSection(
                _("Days to catch up"),
                [
                    HomeItem(
                        day.date.isoformat(),
                        _("Draft not submitted") if day.report_id else _("No report"),
                        f"/reports/{day.report_id}/edit/"
                        if day.report_id
                        else f"/reports/new/?date={day.date:%Y-%m-%d}",
                    )
                    for day in owed.catch_up
                ],
            )
        )
    if is_sales_manager(user) and is_working_day(timezone.localdate(), calendar):
        board = reverse("feedback:filing_board")
        sections.append(
            HomeSection(
                _("Not filed today"),
                [
                    HomeItem(rep.display_name, rep.region.display_name if rep.region else "", board)
                    for rep in team_not_filed(manager=user).select_related("region")[:_HOME_LIMIT]
                ],
            )
        )
    return sections


def home_promises(*, user: User) -> list[str]:
    return [str(_ROLE_PROMISES[Role(role)]) for role in sorted(user.role_names)]
