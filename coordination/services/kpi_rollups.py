"""The KPI rollups (DESIGN §3, §4): the facts every KPI counts, pre-aggregated per person and day (``KpiDaily``) and
per person and month (``KpiMonthly``), so the KPI views read a few thousand rollup rows, never the raw reports.

Each kind of fact is one grouped query over its own table (``_facts``), grouped either per person, region and day
(building the daily rollup) or per person only (``kpi_counters_raw``: the same facts computed straight from the raw
rows, which the tests and ``bench/kpis.py`` compare the rollups with). A fact is dated by the event that makes it:
a report by its day, a decision by when it was taken, an acknowledgement by when it was given — so a rebuild of the
recent months (the nightly job) picks up everything that happened since.

Writers: ``kpi_rollups_rebuild`` (a period; the nightly job and ``rebuild_kpi_rollups``) and
``kpi_rollups_refresh`` (one person's day, after they submit or amend a report). Both take one advisory lock before
replacing rows, so two writers of the same rows run one after the other (and nobody else waits for them).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate, TruncMonth
from django.db.models.lookups import StartsWith
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.models import User
from accounts.roles import Role
from approvals.models import ApprovalFlow, ApprovalStep, ExecutabilityRating, FlowStatus, StepKind, StepStatus
from campaigns.models import PlanVersion, Promotion, PromotionOrigin, PromotionStatus, SalesTarget
from campaigns.selectors.plans import plan_versions_with_readers
from coordination.models import ActionItem, KpiCounters, KpiDaily, KpiMonthly
from feedback.models import (
    SECTION_MODELS,
    DailyReport,
    IntelItem,
    Outlet,
    PromotionFeedbackLine,
    PromotionOutlet,
    RegionalSalesLine,
    ReportStatus,
    Section,
)
from feedback.models import FollowUp as IntelFollowUp

# The counters of ``KpiCounters`` (everything but the keys).
COUNTERS = tuple(
    f.name for f in KpiCounters._meta.get_fields() if f.concrete and f.name not in {"id", "person", "region"}
)
MONTHLY_ONLY = ("target_units", "target_revenue", "promo_expected", "promo_covered")
SECONDS = ("endorse_seconds", "consult_seconds", "review_seconds", "answer_seconds")
RAN = (PromotionStatus.RUNNING, PromotionStatus.ENDED, PromotionStatus.EVALUATED)


def _group(qs: QuerySet, *, by_day: bool, person, day, region, **aggregates) -> QuerySet:
    """``aggregates`` per person — and per region and day when building the daily rollup — as one query."""
    keys = {"k_person": person}
    if by_day:
        keys |= {"k_date": day, "k_region": region}
    return qs.annotate(**keys).values(*keys).annotate(**aggregates).order_by()


def _seconds(expression) -> Sum:
    return Sum(ExpressionWrapper(expression, output_field=DurationField()))


def _period(qs: QuerySet, field: str, first: datetime.date, last: datetime.date, *, is_datetime: bool) -> QuerySet:
    """Rows of [first, last]: a datetime between the company-time midnights (an index range, not a function)."""
    if is_datetime:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    return qs.filter(**{f"{field}__gte": first, f"{field}__lte": last})


def _people(qs: QuerySet, field: str, people: list[int] | None) -> QuerySet:
    return qs if people is None else qs.filter(**{f"{field}__in": people})


def _facts(first: datetime.date, last: datetime.date, *, people: list[int] | None, by_day: bool) -> Iterable[dict]:
    """Every fact of [first, last] as rows of counters keyed by ``k_person`` (+ ``k_date``, ``k_region``)."""
    working = WorkCalendar().working_days(first, last)
    group = {"by_day": by_day}

    # Daily reports: filed on working days, on time, sections with items (the facts of a submitted report).
    reports = _people(DailyReport.objects.filter(status=ReportStatus.SUBMITTED, date__in=working), "rep", people)
    yield from _group(
        reports,
        **group,
        person=F("rep"),
        day=F("date"),
        region=F("region"),
        days_filed=Count("pk"),
        days_on_time=Count("pk", filter=Q(on_time=True)),
    )
    for model in SECTION_MODELS.values():
        lines = _people(
            model.objects.filter(
                superseded_by__isnull=True, report__status=ReportStatus.SUBMITTED, report__date__in=working
            ),
            "report__rep",
            people,
        )
        yield from _group(
            lines,
            **group,
            person=F("report__rep"),
            day=F("report__date"),
            region=F("report__region"),
            sections_filled=Count("report", distinct=True),
        )

    def current(model):
        qs = model.objects.filter(
            superseded_by__isnull=True,
            report__status=ReportStatus.SUBMITTED,
            report__date__gte=first,
            report__date__lte=last,
        )
        return _people(qs, "report__rep", people)

    by_report = {"person": F("report__rep"), "day": F("report__date"), "region": F("report__region")}
    yield from _group(current(RegionalSalesLine), **group, **by_report, units=Sum("units"), revenue=Sum("revenue"))
    within = (Q(promotion__price_floor__isnull=True) | Q(actual_price__gte=F("promotion__price_floor"))) & (
        Q(promotion__price_ceiling__isnull=True) | Q(actual_price__lte=F("promotion__price_ceiling"))
    )
    priced = Q(actual_price__isnull=False) & (
        Q(promotion__price_floor__isnull=False) | Q(promotion__price_ceiling__isnull=False)
    )
    yield from _group(
        current(PromotionFeedbackLine),
        **group,
        **by_report,
        promo_checks=Count("pk"),
        price_checks=Count("pk", filter=priced),
        price_compliant=Count("pk", filter=priced & within),
    )
    intel = _people(IntelItem.objects.filter(superseded=False, date__gte=first, date__lte=last), "rep", people)
    yield from _group(
        intel.filter(section=Section.COMPETITOR_INTEL),
        **group,
        person=F("rep"),
        day=F("date"),
        region=F("region"),
        intel_items=Count("pk"),
        intel_useful=Count("pk", filter=Q(useful=True)),
    )
    yield from _group(
        intel.filter(section=Section.CUSTOMER_FEEDBACK),
        **group,
        person=F("rep"),
        day=F("date"),
        region=F("region"),
        feedback_items=Count("pk"),
        feedback_followed=Count("pk", filter=Q(follow_up=IntelFollowUp.DONE)),
    )

    # Approval steps, dated by the decision (a consultation left unanswered: by its deadline).
    decided = ApprovalStep.objects.filter(status=StepStatus.DECIDED, opened_at__isnull=False)
    for kind, prefix in ((StepKind.ENDORSEMENT, "endorse"), (StepKind.REVIEW, "review")):
        steps = _people(
            _period(decided.filter(kind=kind), "decided_at", first, last, is_datetime=True), "decided_by", people
        )
        yield from _group(
            steps,
            **group,
            person=F("decided_by"),
            day=TruncDate("decided_at"),
            region=F("decided_by__region"),
            **{
                f"{prefix}_count": Count("pk"),
                f"{prefix}_seconds": _seconds(F("decided_at") - F("opened_at")),
                f"{prefix}_on_time": Count("pk", filter=Q(due_at__isnull=True) | Q(decided_at__lte=F("due_at"))),
            },
        )
    consultations = ApprovalStep.objects.filter(
        kind=StepKind.CONSULTATION, status__in=[StepStatus.DECIDED, StepStatus.NO_ANSWER], assignee__isnull=False
    ).annotate(_closed=Coalesce("decided_at", "due_at"))
    consultations = _people(_period(consultations, "_closed", first, last, is_datetime=True), "assignee", people)
    answered = Q(status=StepStatus.DECIDED)
    yield from _group(
        consultations,
        **group,
        person=F("assignee"),
        day=TruncDate("_closed"),
        region=F("assignee__region"),
        consult_count=Count("pk"),
        consult_answered=Count("pk", filter=answered),
        consult_seconds=Sum(
            Case(
                When(answered, then=ExpressionWrapper(F("decided_at") - F("opened_at"), output_field=DurationField())),
                default=Value(datetime.timedelta(0)),
                output_field=DurationField(),
            )
        ),
    )

    # Marketing's proposals: approved (the flow closed approved), executed (on the shelves from that day), rated.
    flows = _period(
        ApprovalFlow.objects.filter(status=FlowStatus.APPROVED, promotion__origin=PromotionOrigin.MARKETING),
        "closed_at",
        first,
        last,
        is_datetime=True,
    )
    yield from _group(
        _people(flows, "promotion__owner", people),
        **group,
        person=F("promotion__owner"),
        day=TruncDate("closed_at"),
        region=F("promotion__owner__region"),
        proposals_approved=Count("pk"),
    )
    executed = Promotion.objects.filter(
        origin=PromotionOrigin.MARKETING, status__in=RAN, starts_on__gte=first, starts_on__lte=last
    )
    yield from _group(
        _people(executed, "owner", people),
        **group,
        person=F("owner"),
        day=F("starts_on"),
        region=F("owner__region"),
        proposals_executed=Count("pk"),
    )
    ratings = _period(ExecutabilityRating.objects.all(), "created_at", first, last, is_datetime=True)
    yield from _group(
        _people(ratings, "promotion__owner", people),
        **group,
        person=F("promotion__owner"),
        day=TruncDate("created_at"),
        region=F("promotion__owner__region"),
        rating_count=Count("pk"),
        rating_sum=Sum("score"),
    )

    # Marketing's answers to the field's intel.
    acknowledged = _period(
        IntelItem.objects.filter(acknowledged_by__isnull=False), "acknowledged_at", first, last, is_datetime=True
    )
    yield from _group(
        _people(acknowledged, "acknowledged_by", people),
        **group,
        person=F("acknowledged_by"),
        day=TruncDate("acknowledged_at"),
        region=F("acknowledged_by__region"),
        intel_acknowledged=Count("pk"),
    )
    answers = _period(IntelItem.objects.filter(answered_by__isnull=False), "answered_at", first, last, is_datetime=True)
    yield from _group(
        _people(answers, "answered_by", people),
        **group,
        person=F("answered_by"),
        day=TruncDate("answered_at"),
        region=F("answered_by__region"),
        intel_answered=Count("pk"),
        answer_seconds=_seconds(F("answered_at") - F("submitted_at")),
    )

    # Plans: of the reps in a published version's region, how many acknowledged it (so far).
    versions = _people(
        _period(PlanVersion.objects.all(), "published_at", first, last, is_datetime=True), "plan__owner", people
    )
    yield from _group(
        plan_versions_with_readers(versions),
        **group,
        person=F("plan__owner"),
        day=TruncDate("published_at"),
        region=F("plan__owner__region"),
        plan_readers=Sum("readers"),
        plan_acknowledged=Sum("acknowledged"),
    )

    # Action items of joint meetings, due in the period (cancelled ones don't count).
    items = _people(
        ActionItem.objects.exclude(status=ActionItem.Status.CANCELLED).filter(due_on__gte=first, due_on__lte=last),
        "owner",
        people,
    )
    yield from _group(
        items.annotate(_closed_on=TruncDate("closed_at")),
        **group,
        person=F("owner"),
        day=F("due_on"),
        region=F("owner__region"),
        actions_due=Count("pk"),
        actions_on_time=Count("pk", filter=Q(status=ActionItem.Status.DONE, _closed_on__lte=F("due_on"))),
    )

    # Working days every active rep was expected to file (in the region of that day's report, else their own).
    yield from _expected_days(working, people=people, by_day=by_day)


def _expected_days(working: list[datetime.date], *, people: list[int] | None, by_day: bool) -> Iterable[dict]:
    if not working:
        return
    reps = User.objects.filter(is_active=True, groups__name=Role.SALES_REP)
    reps = _people(reps, "pk", people)
    reps = list(reps.values_list("pk", "region_id", "date_joined"))
    filed_in = {
        (rep, day): region
        for rep, day, region in _people(
            DailyReport.objects.filter(status=ReportStatus.SUBMITTED, date__in=working), "rep", people
        ).values_list("rep", "date", "region")
    }
    today = timezone.localdate()
    for pk, region, joined in reps:
        joined_on = timezone.localtime(joined).date()
        # Days that are over, and today once its report is in (a day still running is not missed yet).
        days = [day for day in working if joined_on <= day and (day < today or (pk, day) in filed_in)]
        if not by_day:
            if days:
                yield {"k_person": pk, "days_expected": len(days)}
            continue
        for day in days:
            yield {"k_person": pk, "k_date": day, "k_region": filed_in.get((pk, day), region), "days_expected": 1}


def _merge(rows: Iterable[dict], key_names: tuple[str, ...]) -> dict[tuple, dict]:
    merged: dict[tuple, dict] = defaultdict(dict)
    for row in rows:
        key = tuple(row.pop(name) for name in key_names)
        target = merged[key]
        for name, value in row.items():
            if value is None:
                continue
            if isinstance(value, datetime.timedelta):
                value = int(value.total_seconds())
            target[name] = target.get(name, 0) + value
    return merged


def kpi_counters_raw(first: datetime.date, last: datetime.date, *, people: list[int] | None = None) -> dict[int, dict]:
    """Every person's counters for [first, last] (whole months) computed from the raw rows, not the rollups: what
    the rollups must add up to (tested), and the baseline ``bench/kpis.py`` times the KPI views against."""
    result = _merge(_facts(first, last, people=people, by_day=False), ("k_person",))
    counters = {key[0]: values for key, values in result.items()}
    for month in months_between(first, last):
        for key, values in _monthly_extras(month, people=people).items():
            target = counters.setdefault(key[0], {})
            for name, value in values.items():
                if value is not None:
                    target[name] = (target.get(name) or 0) + value
    return counters


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_last(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _monthly_extras(month: datetime.date, *, people: list[int] | None) -> dict[tuple, dict]:
    """What only a month has, keyed (person, region): the rep's sales target for the month (all products), and the
    running promotions' outlets assigned to the rep — expected to be checked — and how many they checked."""
    last = month_last(month)
    extras: dict[tuple, dict] = defaultdict(dict)
    targets = SalesTarget.objects.filter(
        year=month.year, month=month.month, rep__isnull=False, category__isnull=True, product__isnull=True
    )
    for row in _people(targets, "rep", people).values("rep", "region", "units", "revenue"):
        extras[(row["rep"], row["region"])] |= {"target_units": row["units"], "target_revenue": row["revenue"]}
    running = Promotion.objects.filter(status__in=RAN, starts_on__lte=last, ends_on__gte=month)
    # Expected: each running promotion × each active outlet assigned to the rep where it runs — its target outlets,
    # or, when it names none, every outlet in its regions (as the report form's validation has it).
    targeted = _people(
        PromotionOutlet.objects.filter(promotion__in=running, outlet__active=True, outlet__reps__isnull=False),
        "outlet__reps",
        people,
    )
    for row in targeted.values("outlet__reps", "outlet__reps__region").annotate(n=Count("pk")).order_by():
        extras[(row["outlet__reps"], row["outlet__reps__region"])]["promo_expected"] = row["n"]
    untargeted = running.filter(~Exists(PromotionOutlet.objects.filter(promotion=OuterRef("pk"))))
    in_regions = (
        Promotion.regions.through.objects.filter(
            StartsWith(OuterRef("outlet__region__path"), F("region__path")), promotion__in=untargeted
        )
        .order_by()
        .annotate(n=Func(F("promotion"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)"))
        .values("n")[:1]
    )
    assigned = _people(Outlet.reps.through.objects.filter(outlet__active=True), "user", people)
    for row in (
        assigned.annotate(n=Subquery(in_regions)).values("user", "user__region").annotate(total=Sum("n")).order_by()
    ):
        if row["total"]:
            key = (row["user"], row["user__region"])
            extras[key]["promo_expected"] = extras[key].get("promo_expected", 0) + row["total"]
    pair = Concat(
        Cast("promotion_id", CharField()), Value("-"), Cast("outlet_id", CharField()), output_field=CharField()
    )
    covered = _people(
        PromotionFeedbackLine.objects.filter(
            superseded_by__isnull=True,
            report__status=ReportStatus.SUBMITTED,
            report__date__gte=month,
            report__date__lte=last,
            promotion__in=running,
            outlet__reps=F("report__rep"),
        ),
        "report__rep",
        people,
    )
    for row in covered.values("report__rep", "report__rep__region").annotate(n=Count(pair, distinct=True)).order_by():
        extras[(row["report__rep"], row["report__rep__region"])]["promo_covered"] = row["n"]
    return extras


ROLLUP_LOCK = 7_300_001  # the advisory lock every rollup writer takes (any number unique to this job)


def _lock() -> None:
    """Serialise the rollup writers (the nightly rebuild, the per-report refreshes, a rebuild by hand) for the rest
    of the transaction: they delete and re-insert the same rows. A PostgreSQL advisory lock, so no user row or table
    is locked for anyone else; SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


@transaction.atomic
def kpi_rollups_rebuild(
    first: datetime.date, last: datetime.date, *, people: list[int] | None = None
) -> tuple[int, int]:
    """Replace the daily rows of [first, last] and the monthly rows of the months it touches (the whole months are
    rebuilt: a partial ``first``/``last`` is widened). Returns (daily rows, monthly rows) written."""
    months = months_between(first, last)
    first, last = months[0], month_last(months[-1])
    _lock()
    daily_scope = _people(KpiDaily.objects.filter(date__gte=first, date__lte=last), "person", people)
    daily_scope.delete()
    merged = _merge(_facts(first, last, people=people, by_day=True), ("k_person", "k_date", "k_region"))
    KpiDaily.objects.bulk_create(
        [
            KpiDaily(person_id=person, date=day, region_id=region, **values)
            for (person, day, region), values in merged.items()
        ],
        batch_size=2000,
    )
    monthly = _monthly_from_daily(months, people=people)
    return len(merged), monthly


def _monthly_from_daily(months: list[datetime.date], *, people: list[int] | None) -> int:
    first, last = months[0], month_last(months[-1])
    _people(KpiMonthly.objects.filter(month__gte=first, month__lte=last), "person", people).delete()
    sums = (
        _people(KpiDaily.objects.filter(date__gte=first, date__lte=last), "person", people)
        .annotate(k_month=TruncMonth("date"))
        .values("person", "region", "k_month")
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by()
    )
    rows: dict[tuple, dict] = {}
    for row in sums:
        month = row.pop("k_month")
        month = month.date() if isinstance(month, datetime.datetime) else month
        rows[(row.pop("person"), row.pop("region"), month)] = row
    for month in months:
        for (person, region), values in _monthly_extras(month, people=people).items():
            rows.setdefault((person, region, month), {}).update(values)
    KpiMonthly.objects.bulk_create(
        [
            KpiMonthly(person_id=person, region_id=region, month=month, **values)
            for (person, region, month), values in rows.items()
        ],
        batch_size=2000,
    )
    return len(rows)


def kpi_rollups_refresh(*, person_id: int, day: datetime.date) -> None:
    """One person's day and its month again (a report was submitted or amended): milliseconds, not a rebuild."""
    with transaction.atomic():
        _lock()
        KpiDaily.objects.filter(person_id=person_id, date=day).delete()
        merged = _merge(_facts(day, day, people=[person_id], by_day=True), ("k_person", "k_date", "k_region"))
        KpiDaily.objects.bulk_create(
            [KpiDaily(person_id=p, date=d, region_id=r, **values) for (p, d, r), values in merged.items()]
        )
        _monthly_from_daily([day.replace(day=1)], people=[person_id])


def kpi_rollups_nightly(today: datetime.date, *, months: int = 3) -> tuple[int, int]:
    """The nightly job: rebuild the last ``months`` months up to yesterday (facts dated by their event, so late
    acknowledgements, decisions and follow-ups of recent months are counted)."""
    yesterday = today - datetime.timedelta(days=1)
    first = yesterday.replace(day=1)
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return kpi_rollups_rebuild(first, yesterday)


__all__ = [
    "COUNTERS",
    "kpi_counters_raw",
    "kpi_rollups_nightly",
    "kpi_rollups_rebuild",
    "kpi_rollups_refresh",
]
