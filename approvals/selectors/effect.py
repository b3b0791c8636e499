"""The effect of a promotion, from the field's facts (DESIGN §1: "status feedback and effect feedback").

What counts:
- **Target outlets**: the promotion's ``PromotionOutlet`` rows; when it names none, every active outlet in its
  regions and below.
- **Field facts**: only the *current* lines (not replaced by an amendment) of *submitted* reports.
- **Execution rate**: target outlets with at least one promotion-feedback line / target outlets.
  ``executed`` counts (yes / partly / no) are per line (per outlet visit).
- **Price compliance**: the lines with an actual shelf price, within [floor, ceiling] vs below the floor vs above
  the ceiling; the rate is within / priced (None without price limits or without prices).
- **Sales**: point-of-sale lines for the promotion's products in the target outlets, during the period so far
  (starts_on … min(today, ends_on)) against the 4 weeks before starts_on, compared per calendar day (average
  daily units and revenue). Uplift % = (during − baseline) / baseline; None when the baseline has no sales.
- **Cost** vs budget, **executability** (the consultation's ratings of the latest round and sales' ratings after
  execution), **photos** of the feedback lines, and the average **consumer response**.

Everything is aggregated in the database, in a fixed number of queries whatever the number of lines
(``EFFECT_QUERIES``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from campaigns.models import PROMOTION_PUBLISHED_STATUSES, Promotion, PromotionStatus
from campaigns.selectors.costs import CostTotals, promotion_cost_totals
from feedback.models import Outlet, Photo, PosSalesLine, PromotionFeedbackLine, PromotionOutlet, ReportStatus
from feedback.permissions import photos_visible_q

from ..models import ApprovalStep, ExecutabilityRating, StepKind

BASELINE_DAYS = 28
PHOTO_LIMIT = 24
# Statuses with an effect to show: agreed (approved and later), and cancelled (it may have run for a while).
EFFECT_STATUSES = frozenset({*PROMOTION_PUBLISHED_STATUSES, PromotionStatus.CANCELLED})
_ZERO = Decimal("0")


def has_effect(promotion: Promotion) -> bool:
    return promotion.status in EFFECT_STATUSES


def _money(value) -> Decimal:
    """A sum of money with its cents (SQLite sums decimals without their scale)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _pct(part, whole, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _avg(total, days: int, places: str = "0.01") -> Decimal:
    if not days:
        return _ZERO
    return (Decimal(total or 0) / days).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DayPoint:
    day: datetime.date
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class Rating:
    person: User | None
    score: int
    comment: str
    at: datetime.datetime | None
    decision: str = ""  # consultation answers: support / support_with_changes / oppose


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None
    count: int
    ratings: list[Rating]


@dataclass
class PromotionEffect:
    promotion: Promotion
    status: str
    today: datetime.date
    # the window measured
    measured_from: datetime.date
    measured_to: datetime.date | None  # None: the promotion has not started yet
    days_elapsed: int
    baseline_from: datetime.date
    baseline_to: datetime.date
    # execution
    target_outlets: int
    targets_named: bool  # True: PromotionOutlet rows; False: every active outlet of its regions
    outlets_reported: int
    feedback_lines: int
    executed_yes: int
    executed_partly: int
    executed_no: int
    consumer_response_avg: Decimal | None
    # price compliance
    price_floor: Decimal | None
    price_ceiling: Decimal | None
    prices_reported: int
    prices_within: int
    prices_below: int
    prices_above: int
    # sales
    units_during: int
    revenue_during: Decimal
    units_baseline: int
    revenue_baseline: Decimal
    daily: list[DayPoint] = field(default_factory=list)
    # cost, executability, photos
    costs: CostTotals | None = None
    consultation: RatingSummary | None = None
    after_execution: RatingSummary | None = None
    photo_count: int = 0
    photos: list[Photo] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.measured_to is not None

    @property
    def execution_rate(self) -> Decimal | None:
        return _pct(self.outlets_reported, self.target_outlets)

    @property
    def has_price_limits(self) -> bool:
        return self.price_floor is not None or self.price_ceiling is not None

    @property
    def price_compliance_rate(self) -> Decimal | None:
        if not self.has_price_limits:
            return None
        return _pct(self.prices_within, self.prices_reported)

    @property
    def units_per_day_during(self) -> Decimal:
        return _avg(self.units_during, self.days_elapsed)

    @property
    def revenue_per_day_during(self) -> Decimal:
        return _avg(self.revenue_during, self.days_elapsed)

    @property
    def units_per_day_baseline(self) -> Decimal:
        return _avg(self.units_baseline, BASELINE_DAYS)

    @property
    def revenue_per_day_baseline(self) -> Decimal:
        return _avg(self.revenue_baseline, BASELINE_DAYS)

    @property
    def has_baseline(self) -> bool:
        return bool(self.units_baseline)

    @property
    def units_uplift_pct(self) -> Decimal | None:
        """Average daily units during vs the baseline's, in per cent (exact, not from the rounded averages)."""
        if not self.started or not self.units_baseline:
            return None
        during = Decimal(self.units_during) / self.days_elapsed
        baseline = Decimal(self.units_baseline) / BASELINE_DAYS
        return ((during - baseline) * 100 / baseline).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def revenue_uplift_pct(self) -> Decimal | None:
        if not self.started or not self.revenue_baseline:
            return None
        during = Decimal(self.revenue_during) / self.days_elapsed
        baseline = Decimal(self.revenue_baseline) / BASELINE_DAYS
        return ((during - baseline) * 100 / baseline).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def expected_uplift_pct(self) -> Decimal | None:
        return self.promotion.expected_uplift_pct


def target_outlets(promotion: Promotion, region_paths: list[str], named: bool) -> QuerySet[Outlet]:
    """The outlets the promotion targets (see the module docstring)."""
    if named:
        return Outlet.objects.filter(pk__in=PromotionOutlet.objects.filter(promotion=promotion).values("outlet_id"))
    in_regions = Q(pk__in=[])
    for path in region_paths:
        in_regions |= Q(region__path__startswith=path)
    return Outlet.objects.filter(in_regions, active=True)


def _current_submitted(queryset: QuerySet) -> QuerySet:
    return queryset.filter(superseded_by__isnull=True, report__status=ReportStatus.SUBMITTED)


def _ratings_summary(rows: list[Rating], aggregate: dict) -> RatingSummary:
    average = aggregate["average"]
    return RatingSummary(
        average=Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if average is not None else None,
        count=aggregate["count"],
        ratings=rows,
    )


def promotion_effect(
    *, promotion: Promotion, today: datetime.date | None = None, user: User | None = None
) -> PromotionEffect:
    """The effect of ``promotion`` as of ``today`` (see the module docstring). With ``user``, the photos are those
    that user may see (the photo pages refuse the others anyway); without, all of them.

    Queries (``EFFECT_QUERIES``): regions, named targets?, target count, feedback aggregate, sales aggregate,
    daily series, costs, consultation ratings (list + average), ratings after execution (list + average), photos.
    """
    today = today or timezone.localdate()
    starts_on, ends_on = promotion.starts_on, promotion.ends_on
    measured_to = min(today, ends_on) if today >= starts_on else None
    days_elapsed = (measured_to - starts_on).days + 1 if measured_to else 0
    baseline_from = starts_on - datetime.timedelta(days=BASELINE_DAYS)
    baseline_to = starts_on - datetime.timedelta(days=1)

    region_paths = [region.path for region in promotion.regions.all()]  # the prefetched ones when fetched so
    named = PromotionOutlet.objects.filter(promotion=promotion).exists()
    targets = target_outlets(promotion, region_paths, named)
    target_ids = targets.values("pk")
    target_count = targets.count()

    floor, ceiling = promotion.price_floor, promotion.price_ceiling
    lines = _current_submitted(PromotionFeedbackLine.objects.filter(promotion=promotion))
    priced = Q(actual_price__isnull=False)
    below = priced & Q(actual_price__lt=floor) if floor is not None else Q(pk__in=[])
    above = priced & Q(actual_price__gt=ceiling) if ceiling is not None else Q(pk__in=[])
    feedback = lines.aggregate(
        outlets=Count("outlet", distinct=True, filter=Q(outlet__in=target_ids)),
        lines=Count("id"),
        yes=Count("id", filter=Q(executed=PromotionFeedbackLine.Executed.YES)),
        partly=Count("id", filter=Q(executed=PromotionFeedbackLine.Executed.PARTLY)),
        no=Count("id", filter=Q(executed=PromotionFeedbackLine.Executed.NO)),
        response=Avg("consumer_response"),
        priced=Count("id", filter=priced),
        below=Count("id", filter=below),
        above=Count("id", filter=above),
        photos=Count("photo", distinct=True),
    )

    products = Promotion.products.through.objects.filter(promotion=promotion).values("product_id")
    last_day = measured_to or baseline_to
    sales = _current_submitted(
        PosSalesLine.objects.filter(
            outlet__in=target_ids, product__in=products, report__date__gte=baseline_from, report__date__lte=last_day
        )
    )
    during = Q(report__date__gte=starts_on)
    totals = sales.aggregate(
        units_during=Sum("units", filter=during),
        revenue_during=Sum("revenue", filter=during),
        units_baseline=Sum("units", filter=~during),
        revenue_baseline=Sum("revenue", filter=~during),
    )
    daily: list[DayPoint] = []
    if measured_to is not None:
        per_day = {
            row["report__date"]: row
            for row in sales.filter(during)
            .values("report__date")
            .annotate(units=Sum("units"), revenue=Sum("revenue"))
            .order_by("report__date")
        }
        for offset in range(days_elapsed):
            day = starts_on + datetime.timedelta(days=offset)
            row = per_day.get(day)
            daily.append(
                DayPoint(day=day, units=row["units"] if row else 0, revenue=_money(row["revenue"] if row else 0))
            )

    consultation_steps = ApprovalStep.objects.filter(
        flow__promotion=promotion,
        round=F("flow__round"),
        kind=StepKind.CONSULTATION,
        executability__isnull=False,
    )
    consultation = _ratings_summary(
        [
            Rating(person=s.decided_by, score=s.executability, comment=s.comment, at=s.decided_at, decision=s.decision)
            for s in consultation_steps.select_related("decided_by").order_by("decided_at", "id")
        ],
        consultation_steps.aggregate(average=Avg("executability"), count=Count("id")),
    )
    post = ExecutabilityRating.objects.filter(promotion=promotion)
    after_execution = _ratings_summary(
        [
            Rating(person=r.rater, score=r.score, comment=r.comment, at=r.created_at)
            for r in post.select_related("rater").order_by("created_at", "id")
        ],
        post.aggregate(average=Avg("score"), count=Count("id")),
    )

    photos = Photo.objects.filter(pk__in=lines.filter(photo__isnull=False).values("photo_id"))
    if user is not None:
        photos = photos.filter(photos_visible_q(user))
    photo_list = list(photos.order_by("-created_at", "-id")[:PHOTO_LIMIT])

    response = feedback["response"]
    return PromotionEffect(
        promotion=promotion,
        status=promotion.status,
        today=today,
        measured_from=starts_on,
        measured_to=measured_to,
        days_elapsed=days_elapsed,
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        target_outlets=target_count,
        targets_named=named,
        outlets_reported=feedback["outlets"],
        feedback_lines=feedback["lines"],
        executed_yes=feedback["yes"],
        executed_partly=feedback["partly"],
        executed_no=feedback["no"],
        consumer_response_avg=(
            Decimal(str(response)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if response is not None else None
        ),
        price_floor=floor,
        price_ceiling=ceiling,
        prices_reported=feedback["priced"],
        prices_within=feedback["priced"] - feedback["below"] - feedback["above"],
        prices_below=feedback["below"],
        prices_above=feedback["above"],
        units_during=totals["units_during"] or 0,
        revenue_during=_money(totals["revenue_during"]),
        units_baseline=totals["units_baseline"] or 0,
        revenue_baseline=_money(totals["revenue_baseline"]),
        daily=daily,
        costs=promotion_cost_totals(promotion=promotion),
        consultation=consultation,
        after_execution=after_execution,
        photo_count=feedback["photos"],
        photos=photo_list,
    )


# regions (none when prefetched), named?, targets, feedback, sales totals, daily series, costs, 2 × consultation,
# 2 × ratings, photos
EFFECT_QUERIES = 12

__all__ = ["EFFECT_QUERIES", "PromotionEffect", "has_effect", "promotion_effect", "target_outlets"]
