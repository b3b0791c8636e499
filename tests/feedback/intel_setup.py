"""Intel items for the feed tests: the field world of ``field_setup`` plus helpers that write submitted lines and
their feed rows the way report submission does (one at a time, or in bulk for the query-count tests)."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from feedback.models import (
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    FollowUp,
    IntelItem,
    PromotionFeedbackLine,
    ReportStatus,
    Section,
)

from .field_setup import Field

DAY = datetime.date(2025, 3, 5)


def submitted_report(rep, day: datetime.date = DAY) -> DailyReport:
    """The submitted report of ``rep`` on ``day`` (one per rep and day: a second call returns the first)."""
    existing = DailyReport.objects.filter(rep=rep, date=day).first()
    if existing is not None:
        return existing
    return DailyReport.objects.create(
        rep=rep,
        region=rep.region,
        date=day,
        status=ReportStatus.SUBMITTED,
        client_uuid=uuid.uuid4(),
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0))),
        on_time=True,
    )


def _feed_row(section: str, line, report: DailyReport, **extra) -> IntelItem:
    return IntelItem(
        section=section,
        report=report,
        rep_id=report.rep_id,
        region_id=report.region_id,
        date=report.date,
        submitted_at=report.submitted_at,
        outlet_id=line.outlet_id,
        product_id=getattr(line, "product_id", None),
        photo_id=getattr(line, "photo_id", None),
        **{section: line},
        **extra,
    )


def competitor_intel(
    rep,
    *,
    brand,
    day=DAY,
    outlet=None,
    product=None,
    product_name="冰红茶 500ml",
    description="全场特价 3.5 元",
    observed_price=Decimal("3.50"),
    activity=CompetitorIntelLine.Activity.PRICE_CUT,
    photo=None,
    submitted_at=None,
) -> IntelItem:
    report = submitted_report(rep, day)
    line = CompetitorIntelLine.objects.create(
        report=report,
        brand=brand,
        product=product,
        product_name=product_name,
        observed_price=observed_price,
        activity=activity,
        description=description,
        outlet=outlet,
        photo=photo,
    )
    item = _feed_row(
        Section.COMPETITOR_INTEL, line, report, brand_id=brand.pk, text=f"{product_name} {description}".strip()
    )
    if submitted_at:
        item.submitted_at = submitted_at
    item.save()
    return item


def customer_feedback(rep, *, day=DAY, text="瓶盖难拧开", outlet=None, product=None, category="complaint") -> IntelItem:
    report = submitted_report(rep, day)
    line = CustomerFeedbackLine.objects.create(
        report=report, customer_type="consumer", category=category, text=text, outlet=outlet, product=product
    )
    item = _feed_row(Section.CUSTOMER_FEEDBACK, line, report, text=text, follow_up=FollowUp.OPEN)
    item.save()
    return item


def promotion_feedback(rep, *, promotion, outlet, day=DAY, issues="堆头位置偏", photo=None) -> IntelItem:
    report = submitted_report(rep, day)
    line = PromotionFeedbackLine.objects.create(
        report=report,
        promotion=promotion,
        outlet=outlet,
        executed="partly",
        actual_price=Decimal("4.50"),
        consumer_response=4,
        issues=issues,
        photo=photo,
    )
    item = _feed_row(Section.PROMOTION_FEEDBACK, line, report, promotion_id=promotion.pk, text=issues)
    item.save()
    return item


def bulk_items(f: Field, count: int, *, photos=(), answered_by=None) -> None:
    """``count`` items in East and North, of all three sections, some with photos, some answered — written in
    bulk (lines first, then their feed rows), each on its own day so reports stay one per rep and day."""
    people = f.people
    reps = [(people.rep_sh, f.outlet_sh), (people.rep_hz, f.outlet_hz), (people.rep_bj, f.outlet_bj)]
    start = DAY - datetime.timedelta(days=count)
    reports, lines = [], []
    for n in range(count):
        rep, outlet = reps[n % 3]
        day = start + datetime.timedelta(days=n // 3)
        report = submitted_report(rep, day)
        reports.append(report)
        photo = photos[n % len(photos)] if photos else None
        kind = n % 3
        if kind == 0:
            lines.append(
                CompetitorIntelLine(
                    report=report,
                    brand=f.competitor,
                    product=f.cola,
                    product_name=f"冰红茶 {n}",
                    observed_price=Decimal("3.50"),
                    activity="price_cut",
                    description="特价",
                    outlet=outlet,
                    photo=photo,
                )
            )
        elif kind == 1:
            lines.append(CustomerFeedbackLine(report=report, customer_type="consumer", category="complaint", text="x"))
        else:
            lines.append(
                PromotionFeedbackLine(
                    report=report,
                    promotion=f.promotion_sh,
                    outlet=outlet,
                    executed="yes",
                    actual_price=Decimal("4.50"),
                    consumer_response=4,
                    photo=photo,
                )
            )
    for model in (CompetitorIntelLine, CustomerFeedbackLine, PromotionFeedbackLine):
        model.objects.bulk_create([line for line in lines if isinstance(line, model)])
    now = timezone.now()
    rows = []
    for n, (report, line) in enumerate(zip(reports, lines, strict=True)):
        extra = {"text": getattr(line, "text", "") or getattr(line, "description", "") or line.issues}
        if isinstance(line, CompetitorIntelLine):
            extra["brand_id"] = line.brand_id
        if isinstance(line, PromotionFeedbackLine):
            extra["promotion_id"] = line.promotion_id
        if isinstance(line, CustomerFeedbackLine):
            extra["follow_up"] = FollowUp.OPEN
        if answered_by is not None and n % 2 == 0:
            extra.update(
                answer="收到",
                answered_by=answered_by,
                answered_at=now,
                acknowledged_by=answered_by,
                acknowledged_at=now,
            )
        rows.append(_feed_row(line.section.value, line, report, **extra))
    IntelItem.objects.bulk_create(rows)
