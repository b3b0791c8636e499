"""The evidence a decider reads beside a promotion (issue 5 §2): what the field reported recently in the promotion's
regions about its products — competitor intel, feedback on earlier promotions of the same products, and point-of-sale
sales week by week.

Only facts of submitted reports count, and only current lines (an amendment's replaced lines are left out). The
regions are the promotion's regions with everything below them. Four queries whatever the volume (plus two for the
promotion's regions and products when they are not prefetched).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from campaigns.models import Promotion
from feedback.models import IntelItem, PosSalesLine, ReportStatus, Section

EVIDENCE_DAYS = 30  # today and the 29 days before
SALES_WEEKS = 4  # full weeks (Monday to Sunday) before the current one
INTEL_LIMIT = 10
FEEDBACK_LIMIT = 10


@dataclass(frozen=True)
class SalesWeek:
    starts_on: datetime.date  # a Monday
    ends_on: datetime.date  # the Sunday after
    units: int
    revenue: Decimal


@dataclass
class PromotionEvidence:
    since: datetime.date
    until: datetime.date
    competitor_intel: list[IntelItem] = field(default_factory=list)  # newest first, at most INTEL_LIMIT
    competitor_intel_count: int = 0  # all of the period
    promotion_feedback: list[IntelItem] = field(default_factory=list)  # newest first, at most FEEDBACK_LIMIT
    promotion_feedback_count: int = 0
    sales_weeks: list[SalesWeek] = field(default_factory=list)  # oldest first
    sales_units: int = 0
    sales_revenue: Decimal = Decimal("0.00")

    @property
    def is_empty(self) -> bool:
        return not (self.competitor_intel_count or self.promotion_feedback_count or self.sales_units)


def _in_regions(paths: list[str], field_name: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field_name}__path__startswith": path})
    return query


def _sales_weeks(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    this_monday = today - datetime.timedelta(days=today.weekday())
    return [
        (
            this_monday - datetime.timedelta(weeks=SALES_WEEKS - n),
            this_monday - datetime.timedelta(weeks=SALES_WEEKS - n) + datetime.timedelta(days=6),
        )
        for n in range(SALES_WEEKS)
    ]


def promotion_evidence(*, promotion: Promotion, today: datetime.date | None = None) -> PromotionEvidence:
    """What the field said recently about the promotion's products in its regions (see the module's docstring)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=EVIDENCE_DAYS - 1)
    paths = [region.path for region in promotion.regions.all()]
    product_ids = [product.pk for product in promotion.products.all()]
    evidence = PromotionEvidence(since=since, until=today)
    weeks = _sales_weeks(today)
    if not paths:
        evidence.sales_weeks = [SalesWeek(start, end, 0, Decimal("0.00")) for start, end in weeks]
        return evidence

    recent = IntelItem.objects.filter(
        _in_regions(paths, "region"), date__range=(since, today), report__status=ReportStatus.SUBMITTED
    )
    # Competitor intel about our products — or about no product in particular (a general price war in the region).
    intel = recent.filter(
        Q(product_id__in=product_ids) | Q(product__isnull=True),
        section=Section.COMPETITOR_INTEL,
        competitor_intel__superseded_by__isnull=True,
    )
    # Feedback from the field on earlier promotions of any of the same products.
    same_products = Promotion.products.through.objects.filter(product_id__in=product_ids).values("promotion_id")
    feedback = recent.filter(
        section=Section.PROMOTION_FEEDBACK,
        promotion_feedback__superseded_by__isnull=True,
        promotion_id__in=same_products,
    ).exclude(promotion_id=promotion.pk)

    counts = IntelItem.objects.filter(Q(pk__in=intel.values("pk")) | Q(pk__in=feedback.values("pk"))).aggregate(
        intel=Count("pk", filter=Q(section=Section.COMPETITOR_INTEL)),
        feedback=Count("pk", filter=Q(section=Section.PROMOTION_FEEDBACK)),
    )
    evidence.competitor_intel_count = counts["intel"]
    evidence.promotion_feedback_count = counts["feedback"]
    newest = ("-date", "-submitted_at", "-pk")
    evidence.competitor_intel = list(
        intel.select_related("brand", "product", "outlet", "region", "rep", "competitor_intel").order_by(*newest)[
            :INTEL_LIMIT
        ]
    )
    evidence.promotion_feedback = list(
        feedback.select_related("promotion", "outlet", "region", "rep", "promotion_feedback").order_by(*newest)[
            :FEEDBACK_LIMIT
        ]
    )

    sums = {}
    for n, (start, end) in enumerate(weeks):
        in_week = Q(report__date__range=(start, end))
        sums[f"units_{n}"] = Sum("units", filter=in_week)
        sums[f"revenue_{n}"] = Sum("revenue", filter=in_week)
    totals = PosSalesLine.objects.filter(
        _in_regions(paths, "outlet__region"),
        report__status=ReportStatus.SUBMITTED,
        superseded_by__isnull=True,
        product_id__in=product_ids,
        report__date__range=(weeks[0][0], weeks[-1][1]),
    ).aggregate(**sums)
    evidence.sales_weeks = [
        SalesWeek(
            starts_on=start,
            ends_on=end,
            units=totals[f"units_{n}"] or 0,
            revenue=(totals[f"revenue_{n}"] or Decimal("0")).quantize(Decimal("0.01")),
        )
        for n, (start, end) in enumerate(weeks)
    ]
    evidence.sales_units = sum(week.units for week in evidence.sales_weeks)
    evidence.sales_revenue = sum((week.revenue for week in evidence.sales_weeks), Decimal("0.00"))
    return evidence
