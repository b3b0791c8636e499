"""The facts behind a KPI figure (the drill-down): the missing report days behind a filing rate, the reviews behind a
turnaround, the acknowledged intel behind a count … — the same rows the rollups count, for one person and period.

Each kind returns its columns and a queryset of plain values (one query per page plus the count; no photos, no
drafts: only submitted reports' facts and decisions). Unknown kinds are a 404, like a person one may not see.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, full_name
from approvals.models import ApprovalStep, Decision, ExecutabilityRating, StepKind, StepStatus
from campaigns.models import PlanVersion, Promotion, PromotionOrigin, PromotionStatus
from campaigns.selectors.plans import plan_versions_with_readers
from coordination.db import reporting_alias
from coordination.models import ActionItem, KpiDaily, KpiMonthly
from coordination.selectors.kpis import Period, Scorecard
from feedback.models import DailyReport, FollowUp, IntelItem, PromotionFeedbackLine, ReportStatus, Section


@dataclass(frozen=True)
class Facts:
    title: str
    columns: list[tuple[str, str]]
    rows: QuerySet
    labels: dict[str, dict] = field(default_factory=dict)  # column → {stored code: its label}, for the page
    computed: dict[str, Callable[[dict], object]] = field(default_factory=dict)  # column → its value from the row

    def complete(self, row: dict) -> dict:
        """The row with its computed columns (what the API answers)."""
        return row | {key: compute(row) for key, compute in self.computed.items()} if self.computed else row

    def display(self, row: dict) -> list:
        """The row's values in column order, codes shown as their labels and months as "2026-09"."""
        values = []
        row = self.complete(row)
        for key, _label in self.columns:
            value = self.labels.get(key, {}).get(row.get(key), row.get(key))
            values.append(f"{value:%Y-%m}" if key == "month" and value is not None else value)
        return values


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _missing_days(card: Scorecard, period: Period) -> Facts:
    rows = (
        KpiDaily.objects.using(reporting_alias())
        .filter(person_id=card.person_id, date__gte=period.first, date__lte=period.last, days_expected__gt=0)
        .filter(days_filed=0)
        .order_by("date")
        .values("date")
    )
    return Facts(_("Working days without a submitted report"), [("date", _("date"))], rows)


def _late_days(card: Scorecard, period: Period) -> Facts:
    rows = (
        DailyReport.objects.using(reporting_alias())
        .filter(rep_id=card.person_id, status=ReportStatus.SUBMITTED, on_time=False)
        .filter(date__gte=period.first, date__lte=period.last)
        .order_by("date")
        .values("date", "submitted_at")
    )
    return Facts(_("Reports submitted after their day"), [("date", _("date")), ("submitted_at", _("submitted"))], rows)


def _thin_reports(card: Scorecard, period: Period) -> Facts:
    rows = (
        KpiDaily.objects.using(reporting_alias())
        .filter(person_id=card.person_id, date__gte=period.first, date__lte=period.last, days_filed__gt=0)
        .filter(sections_filled__lt=9)
        .order_by("date")
        .values("date", "sections_filled")
    )
    return Facts(
        _("Reports with sections marked “nothing to report”"),
        [("date", _("date")), ("sections_filled", _("sections with items (of 9)"))],
        rows,
    )


def _sales(card: Scorecard, period: Period) -> Facts:
    rows = (
        KpiMonthly.objects.using(reporting_alias())
        .filter(person_id=card.person_id, month__gte=period.first, month__lte=period.last)
        .values("month")
        .annotate(
            units_sold=Sum("units"),
            units_target=Sum("target_units"),
            revenue_sold=Sum("revenue"),
            revenue_target=Sum("target_revenue"),
        )
        .order_by("month")
    )
    return Facts(
        _("Reported sales against the monthly targets"),
        [
            ("month", _("month")),
            ("units_sold", _("units")),
            ("units_target", _("target units")),
            ("revenue_sold", _("revenue")),
            ("revenue_target", _("target revenue")),
        ],
        rows,
    )


def _intel(
    card: Scorecard, period: Period, section: str, title: str, extra: list[tuple[str, str]], labels: dict | None = None
) -> Facts:
    rows = (
        IntelItem.objects.using(reporting_alias())
        .filter(rep_id=card.person_id, section=section, superseded=False)
        .filter(date__gte=period.first, date__lte=period.last)
        .order_by("date", "pk")
        .values("date", "text", *[key for key, _label in extra])
    )
    return Facts(title, [("date", _("date")), ("text", _("text")), *extra], rows, labels=labels or {})


def _competitor_intel(card, period) -> Facts:
    return _intel(
        card,
        period,
        Section.COMPETITOR_INTEL,
        _("Competitor intel contributed"),
        [("useful", _("marked useful")), ("acknowledged_at", _("acknowledged"))],
    )


def _customer_feedback(card, period) -> Facts:
    return _intel(
        card,
        period,
        Section.CUSTOMER_FEEDBACK,
        _("Customer feedback reported"),
        [("follow_up", _("follow-up"))],
        labels={"follow_up": dict(FollowUp.choices)},
    )


def _promotion_checks(card, period) -> Facts:
    rows = (
        PromotionFeedbackLine.objects.using(reporting_alias())
        .filter(superseded_by__isnull=True, report__status=ReportStatus.SUBMITTED, report__rep_id=card.person_id)
        .filter(report__date__gte=period.first, report__date__lte=period.last)
        .order_by("report__date", "pk")
        .values(
            date=F("report__date"),
            promotion_title=F("promotion__title"),
            outlet_name=F("outlet__name"),
            executed_answer=F("executed"),
            shelf_price=F("actual_price"),
            floor=F("promotion__price_floor"),
            ceiling=F("promotion__price_ceiling"),
        )
    )
    return Facts(
        _("In-store promotion feedback filed"),
        [
            ("date", _("date")),
            ("promotion_title", _("promotion")),
            ("outlet_name", _("outlet")),
            ("executed_answer", _("executed")),
            ("shelf_price", _("shelf price")),
            ("floor", _("price floor")),
            ("ceiling", _("price ceiling")),
        ],
        rows,
        labels={"executed_answer": dict(PromotionFeedbackLine.Executed.choices)},
    )


def _team(card, period) -> Facts:
    using = reporting_alias()
    path = Region.objects.using(using).filter(pk=card.region_id).values_list("path", flat=True).first() or "-"
    rows = (
        KpiMonthly.objects.using(using)
        .filter(month__gte=period.first, month__lte=period.last, region__path__startswith=path)
        .filter(Q(days_expected__gt=0) | Q(days_filed__gt=0) | ~Q(revenue=0))
        .values("person")
        .annotate(
            username=F("person__username"),
            first_name=F("person__first_name"),
            last_name=F("person__last_name"),
            filed=Sum("days_filed"),
            expected=Sum("days_expected"),
            revenue_sold=Sum("revenue"),
        )
        .order_by("username")
    )
    return Facts(
        _("The reps of the region"),
        [
            ("name", _("name")),
            ("username", _("user")),
            ("filed", _("days filed")),
            ("expected", _("working days")),
            ("revenue_sold", _("revenue")),
        ],
        rows,
        computed={"name": lambda row: full_name(row["first_name"], row["last_name"])},
    )


def _steps(kind: str, title: str):
    def facts(card, period) -> Facts:
        start, end = _bounds(period)
        steps = ApprovalStep.objects.using(reporting_alias()).filter(kind=kind)
        if kind == StepKind.CONSULTATION:
            steps = steps.filter(
                assignee_id=card.person_id, status__in=[StepStatus.DECIDED, StepStatus.NO_ANSWER]
            ).annotate(_closed=Coalesce("decided_at", "due_at"))
        else:
            steps = steps.filter(decided_by_id=card.person_id, status=StepStatus.DECIDED, opened_at__isnull=False)
            steps = steps.annotate(_closed=F("decided_at"))
        rows = (
            steps.filter(_closed__gte=start, _closed__lt=end)
            .annotate(
                hours=ExpressionWrapper(F("decided_at") - F("opened_at"), output_field=DurationField()),
            )
            .order_by("_closed", "pk")
            .values(
                "opened_at",
                "due_at",
                "decided_at",
                "hours",
                promotion_title=F("flow__promotion__title"),
                step_status=F("status"),
                answer=F("decision"),
            )
        )
        return Facts(
            title,
            [
                ("promotion_title", _("promotion")),
                ("opened_at", _("opened")),
                ("due_at", _("due")),
                ("decided_at", _("decided")),
                ("hours", _("time taken")),
                ("step_status", _("status")),
                ("answer", _("decision")),
            ],
            rows,
            labels={"step_status": dict(StepStatus.choices), "answer": dict(Decision.choices)},
        )

    return facts


def _proposals(card, period) -> Facts:
    start, end = _bounds(period)
    rows = (
        Promotion.objects.using(reporting_alias())
        .filter(owner_id=card.person_id, origin=PromotionOrigin.MARKETING)
        .filter(
            Q(approval_flow__status="approved", approval_flow__closed_at__gte=start, approval_flow__closed_at__lt=end)
            | Q(starts_on__gte=period.first, starts_on__lte=period.last, status__in=["running", "ended", "evaluated"])
        )
        .order_by("starts_on", "pk")
        .values("title", "status", "starts_on", "ends_on", approved_at=F("approval_flow__closed_at"))
    )
    return Facts(
        _("Proposals approved or executed"),
        [
            ("title", _("promotion")),
            ("status", _("status")),
            ("approved_at", _("approved")),
            ("starts_on", _("starts")),
            ("ends_on", _("ends")),
        ],
        rows,
        labels={"status": dict(PromotionStatus.choices)},
    )


def _ratings(card, period) -> Facts:
    start, end = _bounds(period)
    rows = (
        ExecutabilityRating.objects.using(reporting_alias())
        .filter(promotion__owner_id=card.person_id, created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "pk")
        .values("created_at", "score", "comment", promotion_title=F("promotion__title"))
    )
    return Facts(
        _("Executability ratings from sales"),
        [
            ("created_at", _("rated")),
            ("promotion_title", _("promotion")),
            ("score", _("score")),
            ("comment", _("comment")),
        ],
        rows,
    )


def _acknowledged_intel(card, period) -> Facts:
    start, end = _bounds(period)
    rows = (
        IntelItem.objects.using(reporting_alias())
        .filter(acknowledged_by_id=card.person_id, acknowledged_at__gte=start, acknowledged_at__lt=end)
        .order_by("acknowledged_at", "pk")
        .values("date", "section", "text", "acknowledged_at")
    )
    return Facts(
        _("Field intel acknowledged"),
        [("date", _("date")), ("section", _("section")), ("text", _("text")), ("acknowledged_at", _("acknowledged"))],
        rows,
        labels={"section": dict(Section.choices)},
    )


def _answered_intel(card, period) -> Facts:
    start, end = _bounds(period)
    rows = (
        IntelItem.objects.using(reporting_alias())
        .filter(answered_by_id=card.person_id, answered_at__gte=start, answered_at__lt=end)
        .annotate(hours=ExpressionWrapper(F("answered_at") - F("submitted_at"), output_field=DurationField()))
        .order_by("answered_at", "pk")
        .values("submitted_at", "section", "text", "answered_at", "hours")
    )
    return Facts(
        _("Field intel answered"),
        [
            ("submitted_at", _("submitted")),
            ("section", _("section")),
            ("text", _("text")),
            ("answered_at", _("answered")),
            ("hours", _("time taken")),
        ],
        rows,
        labels={"section": dict(Section.choices)},
    )


def _plans(card, period) -> Facts:
    start, end = _bounds(period)
    rows = (
        plan_versions_with_readers(
            PlanVersion.objects.using(reporting_alias()).filter(
                plan__owner_id=card.person_id, published_at__gte=start, published_at__lt=end
            )
        )
        .order_by("published_at")
        .values("number", "published_at", "readers", "acknowledged", plan_title=F("plan__title"))
    )
    return Facts(
        _("Plan versions published and who acknowledged them"),
        [
            ("plan_title", _("plan")),
            ("number", _("version")),
            ("published_at", _("published")),
            ("readers", _("reps expected")),
            ("acknowledged", _("acknowledged")),
        ],
        rows,
    )


def _action_items(card, period) -> Facts:
    rows = (
        ActionItem.objects.using(reporting_alias())
        .filter(owner_id=card.person_id, due_on__gte=period.first, due_on__lte=period.last)
        .exclude(status=ActionItem.Status.CANCELLED)
        .order_by("due_on", "pk")
        .values("title", "due_on", "status", "closed_at")
    )
    return Facts(
        _("Action items due"),
        [("title", _("action")), ("due_on", _("due")), ("status", _("status")), ("closed_at", _("closed"))],
        rows,
        labels={"status": dict(ActionItem.Status.choices)},
    )


FACTS: dict[str, Callable[[Scorecard, Period], Facts]] = {
    "missing_days": _missing_days,
    "late_days": _late_days,
    "thin_reports": _thin_reports,
    "sales": _sales,
    "intel": _competitor_intel,
    "customer_feedback": _customer_feedback,
    "promotion_checks": _promotion_checks,
    "team": _team,
    "endorsements": _steps(StepKind.ENDORSEMENT, _("Endorsements decided")),
    "consultations": _steps(StepKind.CONSULTATION, _("Consultations closed")),
    "reviews": _steps(StepKind.REVIEW, _("Sales requests reviewed")),
    "proposals": _proposals,
    "ratings": _ratings,
    "acknowledged_intel": _acknowledged_intel,
    "answered_intel": _answered_intel,
    "plans": _plans,
    "action_items": _action_items,
}


def kpi_facts(*, card: Scorecard, kind: str, period: Period) -> Facts:
    """The facts of ``kind`` behind ``card``'s figures (only kinds its role's KPIs link to; else 404)."""
    if kind not in {figure.kpi.facts for figure in card.figures} or kind not in FACTS:
        raise Http404
    return FACTS[kind](card, period)
