"""The evidence beside a decision: competitor intel, feedback on earlier promotions of the same products and weekly
POS sales, for the promotion's regions (and below) and products, from submitted reports' current lines only — in a
fixed number of queries — and the same over the API for whoever may see the step."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db.models import prefetch_related_objects

from approvals.selectors.evidence import INTEL_LIMIT, promotion_evidence
from campaigns.models import PromotionStatus
from feedback.models import DailyReport, IntelItem, ReportAmendment, Section
from feedback.services.reports import intel_items_create
from tests.approvals.flow_setup import NOW, open_steps, proposal
from tests.factories import BrandFactory, DailyReportFactory, OutletFactory, ProductFactory, PromotionFactory
from tests.factories.feedback import CompetitorIntelLineFactory, PosSalesLineFactory, PromotionFeedbackLineFactory

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Monday 2 March 2026: the last four full weeks are 2 Feb – 1 Mar, the 30 days 1 Feb – 2 Mar


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2026, month, number)


def report(rep, on: datetime.date, *, submitted: bool = True):
    """The rep's report of the day (one per rep and day), made on first use."""
    existing = DailyReport.objects.filter(rep=rep, date=on).first()
    if existing is not None:
        assert existing.is_submitted == submitted
        return existing
    return DailyReportFactory(rep=rep, date=on, submitted=submitted)


def intel(rep, on: datetime.date, *, submitted: bool = True, **line):
    """A competitor intel line in a (submitted) report of ``rep`` and its feed item."""
    r = report(rep, on, submitted=submitted)
    written = CompetitorIntelLineFactory(report=r, **line)
    if submitted:
        intel_items_create(r, {Section.COMPETITOR_INTEL: [written]})
    return written


def feedback(rep, on: datetime.date, promotion, **line):
    r = report(rep, on)
    written = PromotionFeedbackLineFactory(report=r, promotion=promotion, **line)
    intel_items_create(r, {Section.PROMOTION_FEEDBACK: [written]})
    return written


def pos(rep, on: datetime.date, product, units: int, revenue: str, *, submitted: bool = True, outlet=None):
    r = report(rep, on, submitted=submitted)
    return PosSalesLineFactory(
        report=r,
        product=product,
        units=units,
        revenue=Decimal(revenue),
        outlet=outlet or OutletFactory(region=r.region),
    )


def supersede(line):
    amendment = ReportAmendment.objects.create(
        report=line.report, author=line.report.rep, reason="Typo", client_uuid=uuid.uuid4(), sections=[line.section]
    )
    line.superseded_by = amendment
    line.save(update_fields=["superseded_by"])
    if line.section in (Section.COMPETITOR_INTEL, Section.PROMOTION_FEEDBACK):
        IntelItem.objects.filter(**{line.section: line}).update(superseded=True)


@pytest.fixture
def world(company):
    c = company
    cola, other = c.product, ProductFactory(sku="QY-TEA")
    master_kong = BrandFactory(name="康师傅", name_en="Master Kong")
    promotion = proposal(c, title="East cola special")  # East (SH, HZ below it), cola
    earlier = PromotionFactory(
        title="Cola in Shanghai last month", regions=[c.regions.sh], products=[cola], status=PromotionStatus.ENDED
    )
    tea_promo = PromotionFactory(title="Tea", regions=[c.regions.sh], products=[other], status=PromotionStatus.ENDED)
    zhang, liu, chen = c.rep_zhang, c.rep_liu, c.rep_chen
    shown = {
        "intel_sh": intel(zhang, day(2, 25), brand=master_kong, product=cola, observed_price=Decimal("3.50")),
        "intel_hz_general": intel(liu, day(2, 20), brand=master_kong, product=None, observed_price=None),
        "intel_today": intel(zhang, TODAY, brand=master_kong, product=cola),
        "feedback_sh": feedback(zhang, day(2, 24), earlier, actual_price=Decimal("4.20"), issues="堆头偏"),
    }
    # Left out: another product, another region, too old, a draft report, a replaced line, the promotion itself,
    # a promotion of other products.
    intel(zhang, day(2, 25), brand=master_kong, product=other)
    intel(chen, day(2, 25), brand=master_kong, product=cola)
    intel(zhang, day(1, 31), brand=master_kong, product=cola)
    intel(zhang, day(2, 27), brand=master_kong, product=cola, submitted=False)
    supersede(intel(zhang, day(2, 26), brand=master_kong, product=cola))
    feedback(zhang, day(2, 24), promotion)
    feedback(zhang, day(2, 24), tea_promo)
    supersede(feedback(zhang, day(2, 23), earlier))
    # POS: weeks 2 Feb, 9 Feb, 16 Feb, 23 Feb.
    pos(zhang, day(2, 3), cola, 7, "41.30")
    pos(zhang, day(2, 25), cola, 10, "59.00")
    pos(liu, day(3, 1), cola, 5, "29.50")  # Sunday: still the last full week
    pos(zhang, day(2, 25), other, 99, "500.00")  # another product
    pos(chen, day(2, 25), cola, 100, "590.00")  # another region
    pos(zhang, day(2, 27), cola, 50, "295.00", submitted=False)  # a draft
    pos(zhang, day(3, 2), cola, 40, "236.00")  # this week: not a full week yet
    pos(zhang, day(2, 1), cola, 30, "177.00")  # before the four weeks
    supersede(pos(zhang, day(2, 17), cola, 60, "354.00"))
    return promotion, shown


def test_evidence_is_the_promotions_regions_and_products_from_submitted_current_lines(world):
    promotion, shown = world

    evidence = promotion_evidence(promotion=promotion, today=TODAY)

    assert (evidence.since, evidence.until) == (day(2, 1), TODAY)
    assert [item.competitor_intel_id for item in evidence.competitor_intel] == [
        shown["intel_today"].pk,
        shown["intel_sh"].pk,
        shown["intel_hz_general"].pk,
    ]
    assert evidence.competitor_intel_count == 3
    assert [item.promotion_feedback_id for item in evidence.promotion_feedback] == [shown["feedback_sh"].pk]
    assert evidence.promotion_feedback_count == 1
    assert [(w.starts_on, w.ends_on, w.units, w.revenue) for w in evidence.sales_weeks] == [
        (day(2, 2), day(2, 8), 7, Decimal("41.30")),
        (day(2, 9), day(2, 15), 0, Decimal("0.00")),
        (day(2, 16), day(2, 22), 0, Decimal("0.00")),
        (day(2, 23), day(3, 1), 15, Decimal("88.50")),
    ]
    assert (evidence.sales_units, evidence.sales_revenue) == (22, Decimal("129.80"))
    assert evidence.is_empty is False


def test_evidence_takes_four_queries_whatever_the_volume(company, world, django_assert_num_queries):
    promotion, _shown = world
    prefetch_related_objects([promotion], "regions", "products")
    with django_assert_num_queries(4):  # counts, intel, feedback, sales
        small = promotion_evidence(promotion=promotion, today=TODAY)
    brand = BrandFactory(name="农夫山泉")
    for n in range(25):
        intel(company.rep_zhang, day(2, 10), brand=brand, product=company.product, description=f"#{n}")
    with django_assert_num_queries(4):
        large = promotion_evidence(promotion=promotion, today=TODAY)

    assert small.competitor_intel_count == 3
    assert large.competitor_intel_count == 28
    assert len(large.competitor_intel) == INTEL_LIMIT


def test_a_promotion_without_regions_has_empty_evidence(company):
    promotion = PromotionFactory(products=[company.product])

    evidence = promotion_evidence(promotion=promotion, today=TODAY)

    assert evidence.is_empty is True
    assert [(w.starts_on, w.units) for w in evidence.sales_weeks] == [
        (day(2, 2), 0),
        (day(2, 9), 0),
        (day(2, 16), 0),
        (day(2, 23), 0),
    ]


def test_the_api_gives_the_evidence_to_whoever_sees_the_step(company, world, api_client, frozen_now):
    from approvals.services.flows import promotion_submit

    promotion, _shown = world
    promotion_submit(user=company.mkt_li, promotion=promotion, now=NOW)
    step = open_steps(promotion)[0]  # mgr.east's consultation

    api_client.force_authenticate(company.mgr_east)
    answer = api_client.get(f"/api/v1/approvals/{step.pk}/evidence/")
    api_client.force_authenticate(company.rep_chen)
    outsider = api_client.get(f"/api/v1/approvals/{step.pk}/evidence/")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["since"], body["until"]) == ("2026-02-01", "2026-03-02")
    assert (body["competitor_intel_count"], body["promotion_feedback_count"]) == (3, 1)
    first = body["competitor_intel"][1]
    assert first["brand"] == "Master Kong"
    assert first["observed_price"] == "3.50"
    assert first["our_product"] == company.product.display_name
    assert first["region"]["code"] == "SH"
    assert first["has_photo"] is False
    assert body["promotion_feedback"][0]["promotion"]["title"] == "Cola in Shanghai last month"
    assert body["promotion_feedback"][0]["actual_price"] == "4.20"
    assert body["promotion_feedback"][0]["issues"] == "堆头偏"
    assert body["sales_weeks"][3] == {
        "starts_on": "2026-02-23",
        "ends_on": "2026-03-01",
        "units": 15,
        "revenue": "88.50",
    }
    assert (body["sales_units"], body["sales_revenue"]) == (22, "129.80")
    assert outsider.status_code == 404
