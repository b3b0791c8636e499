"""The figures of the monthly joint-meeting digest (DESIGN §4), for the month and per sales area.

Every figure is aggregated in the database: one grouped query per kind of fact, whatever the number of reports,
reps or lines (``digest_figures`` runs a fixed number of queries — a test pins it). Facts are grouped by *area*:
the regions one level below the company (华东 East, 华北 North, …), matched on the materialised region path inside
the query (a ``CASE`` over the areas' paths), so a city's report counts in its area and everything counts in the
company total. The result is plain JSON (numbers as strings or floats, dates ISO) because it is frozen into
``Digest.content``: the digest never changes once built.

Reads go to ``reporting_alias()`` (the read replica when one is configured).
"""

import calendar
import datetime
import re
from decimal import Decimal

from django.db.models import Avg, Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts.models import Region, User
from approvals.models import ApprovalFlow, ApprovalStep, ExecutabilityRating, FlowStatus, StepStatus
from campaigns.models import PlanVersion, Promotion, PromotionCost, PromotionStatus, SalesTarget
from campaigns.selectors.plans import plan_versions_with_readers
from coordination.db import reporting_alias
from coordination.models import ActionItem
from feedback.models import (
    Alert,
    AlertStatus,
    CompetitorIntelLine,
    CustomerFeedbackLine,
    MerchandisingLine,
    OutletCoverageLine,
    PopDistributionLine,
    PosSalesLine,
    PromotionFeedbackLine,
    RegionalSalesLine,
    ReportStatus,
    ShelfDisplayLine,
)

COMPANY = "company"  # the key of the company-wide column in every section
TOP_COMPETITOR_ACTIVITIES = 5


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of ``month`` (any day in it)."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_parse(value: str) -> datetime.date:
    """ "YYYY-MM" → the month's first day; ``ValueError`` for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match:
        raise ValueError(value)
    return datetime.date(int(match[1]), int(match[2]), 1)


def _aware_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the month as aware datetimes in the company time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _number(value) -> float | int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal("0.01")))
    return value


def _rate(part, whole) -> float | None:
    """``part / whole`` as a percentage with one decimal, None when there is nothing to divide by."""
    if not whole:
        return None
    return round(float(part or 0) * 100 / float(whole), 1)


class _Areas:
    """The company's sales areas and the SQL that maps a region path to its area's path."""

    def __init__(self, using: str):
        root = Region.objects.using(using).filter(parent__isnull=True).order_by("path").first()
        self.root = root
        self.regions = list(Region.objects.using(using).filter(parent=root).order_by("path")) if root else []

    def case(self, path_field: str) -> Case:
        whens = [When(**{f"{path_field}__startswith": area.path}, then=Value(area.path)) for area in self.regions]
        return Case(*whens, default=Value(""))

    def keys(self) -> list[str]:
        return [area.path for area in self.regions]

    def describe(self) -> list[dict]:
        return [
            {"key": area.path, "code": area.code, "name": area.name, "name_en": area.name_en} for area in self.regions
        ]


def _grouped(queryset: QuerySet, areas: _Areas, path_field: str, **aggregates) -> dict[str, dict]:
    """One query: ``aggregates`` per area (key: the area's path; "" for facts outside every area)."""
    rows = queryset.annotate(_area=areas.case(path_field)).values("_area").annotate(**aggregates).order_by()
    return {row.pop("_area"): row for row in rows}


def _columns(grouped: dict[str, dict], areas: _Areas, fields: list[str]) -> dict[str, dict]:
    """Per-area rows plus the company column (the sum of every group, including facts outside the areas)."""
    columns = {key: {field: grouped.get(key, {}).get(field) or 0 for field in fields} for key in areas.keys()}  # noqa: SIM118 (a method, not a dict)
    columns[COMPANY] = {field: sum((row.get(field) or 0) for row in grouped.values()) for field in fields}
    return columns


def _current(model, using: str, first: datetime.date, last: datetime.date) -> QuerySet:
    """The current lines (not replaced by an amendment) of submitted reports dated in the month."""
    return model.objects.using(using).filter(
        superseded_by__isnull=True,
        report__status=ReportStatus.SUBMITTED,
        report__date__gte=first,
        report__date__lte=last,
    )


def _median_duration(queryset: QuerySet, expression) -> float | None:
    """The median of ``expression`` (a duration) in hours, found by the database: count, then the middle row(s)
    by ordering — works on PostgreSQL and SQLite alike and never loads the rows."""
    annotated = queryset.annotate(_d=ExpressionWrapper(expression, output_field=DurationField()))
    count = annotated.count()
    if not count:
        return None
    middle = list(annotated.order_by("_d").values_list("_d", flat=True)[(count - 1) // 2 : count // 2 + 1])
    seconds = sum(d.total_seconds() for d in middle) / len(middle)
    return round(seconds / 3600, 1)


def _sales(areas, using, first, last) -> dict:
    grouped = _grouped(
        _current(RegionalSalesLine, using, first, last),
        areas,
        "region__path",
        units=Sum("units"),
        revenue=Sum("revenue"),
        collected=Sum("payments_collected"),
    )
    columns = _columns(grouped, areas, ["units", "revenue", "collected"])
    # Month targets for the whole product range of each area (and the company: the root region), no rep.
    target_rows = (
        SalesTarget.objects.using(using)
        .filter(year=first.year, month=first.month, rep__isnull=True, category__isnull=True, product__isnull=True)
        .filter(region__in=[*areas.regions, areas.root] if areas.root else [])
        .values("region__path", "units", "revenue")
    )
    targets = {row["region__path"]: row for row in target_rows}
    for key, column in columns.items():
        path = areas.root.path if key == COMPANY and areas.root else key
        target = targets.get(path)
        column["target_revenue"] = _number(target["revenue"]) if target else None
        column["target_units"] = target["units"] if target else None
        column["revenue"] = _number(column["revenue"])
        column["collected"] = _number(column["collected"])
        column["attainment_pct"] = _rate(column["revenue"], column["target_revenue"])
        column["collection_pct"] = _rate(column["collected"], column["revenue"])
    return columns


def _field_sections(areas, using, first, last) -> dict:
    path = "report__region__path"
    display = _columns(
        _grouped(
            _current(ShelfDisplayLine, using, first, last),
            areas,
            path,
            lines=Count("pk"),
            eye_level=Count("pk", filter=Q(shelf_position=ShelfDisplayLine.ShelfPosition.EYE_LEVEL)),
            secondary=Count("pk", filter=~Q(display_type=ShelfDisplayLine.DisplayType.SHELF)),
            facings=Sum("facings"),
        ),
        areas,
        ["lines", "eye_level", "secondary", "facings"],
    )
    stock = _columns(
        _grouped(
            _current(MerchandisingLine, using, first, last),
            areas,
            path,
            checks=Count("pk"),
            out_of_stock=Count("pk", filter=Q(out_of_stock=True)),
            near_expiry=Sum("near_expiry"),
        ),
        areas,
        ["checks", "out_of_stock", "near_expiry"],
    )
    pop = _columns(
        _grouped(_current(PopDistributionLine, using, first, last), areas, path, pieces=Sum("quantity")),
        areas,
        ["pieces"],
    )
    coverage = _columns(
        _grouped(
            _current(OutletCoverageLine, using, first, last),
            areas,
            path,
            new_outlets=Sum("new_outlets"),
            visited=Sum("outlets_visited"),
            active=Sum("active_outlets"),
        ),
        areas,
        ["new_outlets", "visited", "active"],
    )
    pos = _columns(
        _grouped(_current(PosSalesLine, using, first, last), areas, path, units=Sum("units"), revenue=Sum("revenue")),
        areas,
        ["units", "revenue"],
    )
    in_band = (
        Q(actual_price__isnull=False)
        & (Q(promotion__price_floor__isnull=True) | Q(actual_price__gte=F("promotion__price_floor")))
        & (Q(promotion__price_ceiling__isnull=True) | Q(actual_price__lte=F("promotion__price_ceiling")))
    )
    execution = _columns(
        _grouped(
            _current(PromotionFeedbackLine, using, first, last),
            areas,
            path,
            checks=Count("pk"),
            executed=Count("pk", filter=Q(executed=PromotionFeedbackLine.Executed.YES)),
            priced=Count("pk", filter=Q(actual_price__isnull=False)),
            compliant=Count("pk", filter=in_band),
        ),
        areas,
        ["checks", "executed", "priced", "compliant"],
    )
    sections = {}
    for key in [*areas.keys(), COMPANY]:
        d, s, c, e = display[key], stock[key], coverage[key], execution[key]
        sections[key] = {
            "display_lines": d["lines"],
            "eye_level_pct": _rate(d["eye_level"], d["lines"]),
            "secondary_display_pct": _rate(d["secondary"], d["lines"]),
            "stock_checks": s["checks"],
            "out_of_stock_pct": _rate(s["out_of_stock"], s["checks"]),
            "near_expiry_units": s["near_expiry"],
            "pop_pieces": pop[key]["pieces"],
            "new_outlets": c["new_outlets"],
            "outlets_visited": c["visited"],
            "coverage_pct": _rate(c["visited"], c["active"]),
            "pos_units": pos[key]["units"],
            "pos_revenue": _number(pos[key]["revenue"]),
            "promotion_checks": e["checks"],
            "execution_pct": _rate(e["executed"], e["checks"]),
            "price_compliance_pct": _rate(e["compliant"], e["priced"]),
        }
    return sections


def _competitors(areas, using, first, last) -> dict:
    rows = (
        _current(CompetitorIntelLine, using, first, last)
        .annotate(_area=areas.case("report__region__path"))
        .values("_area", "brand__name", "activity")
        .annotate(reports=Count("pk"))
        .order_by("-reports", "brand__name", "activity")
    )
    result: dict[str, list] = {key: [] for key in [*areas.keys(), COMPANY]}
    company: dict[tuple, int] = {}
    for row in rows:  # grouped rows (area × brand × activity), never report lines
        item = {"brand": row["brand__name"], "activity": row["activity"], "reports": row["reports"]}
        if row["_area"] in result and len(result[row["_area"]]) < TOP_COMPETITOR_ACTIVITIES:
            result[row["_area"]].append(item)
        company[(row["brand__name"], row["activity"])] = (
            company.get((row["brand__name"], row["activity"]), 0) + (row["reports"])
        )
    ranked = sorted(company.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_COMPETITOR_ACTIVITIES]
    result[COMPANY] = [{"brand": brand, "activity": activity, "reports": n} for (brand, activity), n in ranked]
    return result


def _customer_themes(areas, using, first, last) -> dict:
    categories = [value for value, _label in CustomerFeedbackLine.Category.choices]
    aggregates = {category: Count("pk", filter=Q(category=category)) for category in categories}
    return _columns(
        _grouped(_current(CustomerFeedbackLine, using, first, last), areas, "report__region__path", **aggregates),
        areas,
        categories,
    )


def _promotions(using, first, last) -> list[dict]:
    """Promotions that ran in the month (approved and on the shelves on at least one of its days): execution from
    the field's feedback, costs against budget, the field's executability ratings — one grouped query each."""
    ran = (
        Promotion.objects.using(using)
        .filter(
            starts_on__lte=last,
            ends_on__gte=first,
            status__in=[PromotionStatus.RUNNING, PromotionStatus.ENDED, PromotionStatus.EVALUATED],
        )
        .order_by("starts_on", "pk")
    )
    feedback = {
        row["promotion"]: row
        for row in _current(PromotionFeedbackLine, using, first, last)
        .filter(promotion__in=ran)
        .values("promotion")
        .annotate(checks=Count("pk"), executed=Count("pk", filter=Q(executed=PromotionFeedbackLine.Executed.YES)))
        .order_by()
    }
    costs = {
        row["promotion"]: row["total"]
        for row in PromotionCost.objects.using(using)
        .filter(promotion__in=ran)
        .values("promotion")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    ratings = {
        row["promotion"]: row["average"]
        for row in ExecutabilityRating.objects.using(using)
        .filter(promotion__in=ran)
        .values("promotion")
        .annotate(average=Avg("score"))
        .order_by()
    }
    result = []
    for promotion in ran.values("pk", "title", "status", "starts_on", "ends_on", "budget"):
        fb = feedback.get(promotion["pk"], {})
        cost = costs.get(promotion["pk"]) or Decimal(0)
        result.append(
            {
                "id": promotion["pk"],
                "title": promotion["title"],
                "status": promotion["status"],
                "starts_on": promotion["starts_on"].isoformat(),
                "ends_on": promotion["ends_on"].isoformat(),
                "feedback": fb.get("checks", 0),
                "execution_pct": _rate(fb.get("executed"), fb.get("checks")),
                "cost": _number(cost),
                "budget": _number(promotion["budget"]),
                "cost_pct": _rate(cost, promotion["budget"]),
                "executability": round(float(ratings[promotion["pk"]]), 1) if promotion["pk"] in ratings else None,
            }
        )
    return result


def _approvals(using, start, end) -> dict:
    closed = ApprovalFlow.objects.using(using).filter(closed_at__gte=start, closed_at__lt=end)
    counts = closed.aggregate(
        decided=Count("pk"),
        approved=Count("pk", filter=Q(status=FlowStatus.APPROVED)),
        rejected=Count("pk", filter=Q(status=FlowStatus.REJECTED)),
        returned=Count("pk", filter=Q(status=FlowStatus.RETURNED)),
    )
    submitted = ApprovalFlow.objects.using(using).filter(submitted_at__gte=start, submitted_at__lt=end).count()
    steps = ApprovalStep.objects.using(using).filter(due_at__isnull=False)
    overdue = steps.aggregate(
        decided_late=Count("pk", filter=Q(decided_at__gte=start, decided_at__lt=end, decided_at__gt=F("due_at"))),
        decided=Count("pk", filter=Q(decided_at__gte=start, decided_at__lt=end)),
        still_open=Count("pk", filter=Q(status=StepStatus.OPEN, due_at__lt=end)),
    )
    return {
        "submitted": submitted,
        **counts,
        "median_turnaround_hours": _median_duration(
            closed.filter(status__in=[FlowStatus.APPROVED, FlowStatus.REJECTED]), F("closed_at") - F("submitted_at")
        ),
        "steps_decided": overdue["decided"],
        "steps_decided_late": overdue["decided_late"],
        "steps_overdue_at_month_end": overdue["still_open"],
    }


def _plan_acknowledgement(using, start, end) -> list[dict]:
    """Plan versions published in the month: how many of the reps in each plan's region have acknowledged it."""
    versions = (
        plan_versions_with_readers(
            PlanVersion.objects.using(using).filter(published_at__gte=start, published_at__lt=end)
        )
        .order_by("published_at")
        .values("plan__title", "number", "published_at", "readers", "acknowledged")
    )
    return [
        {
            "plan": row["plan__title"],
            "version": row["number"],
            "published": timezone.localtime(row["published_at"]).date().isoformat(),
            "expected": row["readers"],
            "acknowledged": row["acknowledged"],
            "acknowledged_pct": _rate(row["acknowledged"], row["readers"]),
        }
        for row in versions
    ]


def _action_items(using, last) -> dict:
    open_items = ActionItem.objects.using(using).filter(status=ActionItem.Status.OPEN)
    counts = open_items.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=last)))
    closed = ActionItem.objects.using(using).filter(
        status=ActionItem.Status.DONE, closed_at__date__gte=last.replace(day=1), closed_at__date__lte=last
    )
    overdue_rows = (
        open_items.filter(due_on__lt=last)
        .order_by("due_on", "pk")
        .values("title", "due_on", "owner__first_name", "owner__last_name", "owner__username")[:10]
    )
    return {
        "open": counts["open"],
        "overdue": counts["overdue"],
        "done_in_month": closed.count(),
        "overdue_items": [
            {
                "title": row["title"],
                "due_on": row["due_on"].isoformat(),
                "owner": f"{row['owner__last_name']}{row['owner__first_name']}" or row["owner__username"],
            }
            for row in overdue_rows
        ],
    }


def _alerts(areas, using, start, end) -> dict:
    grouped = _grouped(
        Alert.objects.using(using).filter(created_at__gte=start, created_at__lt=end),
        areas,
        "region__path",
        raised=Count("pk"),
        handled=Count("pk", filter=~Q(status=AlertStatus.OPEN)),
        resolved=Count("pk", filter=Q(status=AlertStatus.RESOLVED)),
    )
    columns = _columns(grouped, areas, ["raised", "handled", "resolved"])
    for column in columns.values():
        column["handled_pct"] = _rate(column["handled"], column["raised"])
    return columns


def digest_figures(month: datetime.date) -> dict:
    """Everything the digest shows for ``month`` (see the module): a fixed number of queries, all aggregated in
    the database. Language-neutral: names and labels are resolved when the digest is rendered."""
    first, last = month_bounds(month)
    start, end = _aware_bounds(first, last)
    using = reporting_alias()
    areas = _Areas(using)
    return {
        "month": first.isoformat(),
        "areas": areas.describe(),
        "sales": _sales(areas, using, first, last),
        "field": _field_sections(areas, using, first, last),
        "competitors": _competitors(areas, using, first, last),
        "customer_feedback": _customer_themes(areas, using, first, last),
        "promotions": _promotions(using, first, last),
        "approvals": _approvals(using, start, end),
        "plans": _plan_acknowledgement(using, start, end),
        "action_items": _action_items(using, last),
        "alerts": _alerts(areas, using, start, end),
    }


# --- reads of built digests, for a user -------------------------------------------------------------------------


def digests_for(*, user: User):
    """The digests ``user`` may read (``coordination.permissions``), newest first, without their heavy columns."""
    from coordination.models import Digest
    from coordination.permissions import digests_visible_q

    q = digests_visible_q(user)
    queryset = Digest.objects.all() if not q else Digest.objects.filter(pk__in=Digest.objects.filter(q).values("pk"))
    return queryset.defer("content", "html").order_by("-month")


def digest_get_for_user(*, user: User, month: str):
    """The digest of ``month`` ("YYYY-MM") if ``user`` may read it; else (or if there is none) ``Http404`` — a
    denial never tells whether the month was built."""
    from django.http import Http404

    from coordination.models import Digest
    from coordination.permissions import digests_visible_q

    try:
        first = month_parse(month)
    except ValueError as error:
        raise Http404 from error
    q = digests_visible_q(user)
    queryset = Digest.objects.all() if not q else Digest.objects.filter(pk__in=Digest.objects.filter(q).values("pk"))
    digest = queryset.filter(month=first).first()
    if digest is None:
        raise Http404
    return digest
