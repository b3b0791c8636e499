"""The effect of a promotion from hand-built field facts: exact execution rate, price compliance, uplift, cost % and
ratings; amendments (a replaced line does not count) and drafts (they do not count); the query count pinned at
small and large data; the API."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals.models import ExecutabilityRating
from approvals.selectors.effect import EFFECT_QUERIES, promotion_effect
from campaigns.models import CostCategory, Promotion, PromotionCost
from feedback.models import PosSalesLine, PromotionFeedbackLine, PromotionOutlet
from tests.approvals.effect_setup import agreed_promotion, build_world
from tests.factories import PhotoFactory

TODAY = timezone.localdate()
Y, P, N = PromotionFeedbackLine.Executed.YES, PromotionFeedbackLine.Executed.PARTLY, PromotionFeedbackLine.Executed.NO


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def world(regions):
    return build_world(regions)


@pytest.fixture
def promotion(world):
    """Running in Shanghai since 9 days ago (10 days measured), floor 4.00, ceiling 4.80, budget 1000."""
    return agreed_promotion(world)


def feedback(world, promotion, day, outlet, executed, price, response=4, *, rep=None, submitted=True, photo=None):
    return PromotionFeedbackLine.objects.create(
        report=world.report(rep or world.people.rep_sh, day, submitted=submitted),
        promotion=promotion,
        outlet=outlet,
        executed=executed,
        actual_price=Decimal(price) if price is not None else None,
        consumer_response=response,
        photo=photo,
    )


def sale(world, day, outlet, units, revenue, *, product=None, rep=None, submitted=True):
    return PosSalesLine.objects.create(
        report=world.report(rep or world.people.rep_sh, day, submitted=submitted),
        outlet=outlet,
        product=product or world.cola,
        units=units,
        revenue=Decimal(revenue),
    )


def cost(world, promotion, amount):
    PromotionCost.objects.create(
        promotion=promotion,
        category=CostCategory.DISPLAY_FEE,
        amount=Decimal(amount),
        spent_on=TODAY,
        description="",
        booked_by=world.people.rep_sh,
        client_uuid=uuid.uuid4(),
        total_after=Decimal(amount),
    )


def fresh(promotion) -> Promotion:
    return Promotion.objects.get(pk=promotion.pk)


def build_facts(world, promotion):
    """The hand-built facts whose effect the tests below know exactly."""
    start = promotion.starts_on
    sh1, sh2, sh3 = world.sh1, world.sh2, world.sh3
    photo = PhotoFactory(uploaded_by=world.people.rep_sh)
    # promotion feedback: counted lines
    feedback(world, promotion, start, sh1, Y, "4.50", 4, photo=photo)  # within
    feedback(world, promotion, start, sh2, P, "3.90", 2)  # below the floor
    feedback(world, promotion, start + days(1), sh1, Y, "5.00", 5)  # above the ceiling
    # a line replaced by an amendment (sh3, with a photo) and its replacement (sh2, not executed, no price)
    report = world.report(world.people.rep_sh, start + days(2))
    amendment = world.amend(report, ["promotion_feedback"])
    replaced = feedback(world, promotion, start + days(2), sh3, Y, "4.60", 5, photo=PhotoFactory())
    replaced.superseded_by = amendment
    replaced.save(update_fields=["superseded_by"])
    PromotionFeedbackLine.objects.create(
        report=report, amendment=amendment, promotion=promotion, outlet=sh2, executed=N, consumer_response=3
    )
    # a draft's line does not count
    feedback(world, promotion, start + days(3), sh3, Y, "4.40", 1, rep=world.people.rep_hz, submitted=False)

    # sales: baseline 56 units / ¥280 over the 4 weeks before; during 30 units / ¥165 in 10 days
    sale(world, start - days(28), sh1, 20, "100.00")
    sale(world, start - days(10), sh2, 30, "150.00", rep=world.people.mgr_east)
    sale(world, start - days(1), sh3, 6, "30.00")
    sale(world, start, sh1, 10, "55.00")
    sale(world, start + days(4), sh2, 12, "66.00", rep=world.people.mgr_east)
    sale(world, start + days(9), sh1, 8, "44.00")
    # not counted: another product, an outlet outside the targets, a closed outlet, a draft, a replaced line, the
    # day before the baseline, tomorrow
    sale(world, start, sh1, 100, "400.00", product=world.tea)
    sale(world, start, world.hz, 100, "500.00", rep=world.people.rep_hz)
    sale(world, start + days(1), world.sh_closed, 100, "500.00")
    sale(world, start + days(3), sh1, 100, "500.00", rep=world.people.rep_hz, submitted=False)
    replaced_sale = sale(world, start + days(2), sh1, 100, "500.00")
    replaced_sale.superseded_by = amendment
    replaced_sale.save(update_fields=["superseded_by"])
    sale(world, start - days(29), sh1, 100, "500.00")
    sale(world, TODAY + days(1), sh1, 100, "500.00")

    cost(world, promotion, "300.00")
    cost(world, promotion, "450.00")
    ExecutabilityRating.objects.create(promotion=promotion, rater=world.people.rep_sh, score=5, comment="顺利")
    ExecutabilityRating.objects.create(promotion=promotion, rater=world.people.mgr_east, score=2, comment="价格太低")
    return photo


def test_the_effect_from_hand_built_facts(world, promotion):
    photo = build_facts(world, promotion)

    effect = promotion_effect(promotion=fresh(promotion), today=TODAY)

    # execution: targets are the 3 active Shanghai outlets (the closed one and Hangzhou are not); sh1 and sh2 reported
    assert (effect.target_outlets, effect.targets_named, effect.outlets_reported) == (3, False, 2)
    assert effect.execution_rate == Decimal("66.7")
    assert (effect.feedback_lines, effect.executed_yes, effect.executed_partly, effect.executed_no) == (4, 2, 1, 1)
    assert effect.consumer_response_avg == Decimal("3.5")  # (4 + 2 + 5 + 3) / 4
    # price compliance: 4.50 within, 3.90 below, 5.00 above; the replacement line has no price
    assert (effect.prices_reported, effect.prices_within, effect.prices_below, effect.prices_above) == (3, 1, 1, 1)
    assert effect.price_compliance_rate == Decimal("33.3")
    # sales per day: during 30 / 10 = 3.00 units, ¥16.50; baseline 56 / 28 = 2.00 units, ¥10.00
    assert (effect.days_elapsed, effect.measured_to) == (10, TODAY)
    assert (effect.units_during, effect.revenue_during) == (30, Decimal("165.00"))
    assert (effect.units_baseline, effect.revenue_baseline) == (56, Decimal("280.00"))
    assert (effect.units_per_day_during, effect.units_per_day_baseline) == (Decimal("3.00"), Decimal("2.00"))
    assert (effect.revenue_per_day_during, effect.revenue_per_day_baseline) == (Decimal("16.50"), Decimal("10.00"))
    assert (effect.units_uplift_pct, effect.revenue_uplift_pct) == (Decimal("50.0"), Decimal("65.0"))
    assert [(p.day - promotion.starts_on).days for p in effect.daily] == list(range(10))
    assert [p.units for p in effect.daily] == [10, 0, 0, 0, 12, 0, 0, 0, 0, 8]
    # cost vs budget
    assert (effect.costs.total, effect.costs.pct_of_budget, effect.costs.over_budget) == (
        Decimal("750.00"),
        Decimal("75.0"),
        False,
    )
    # ratings: mgr.east's consultation answer (4) and two after execution
    assert (effect.consultation.average, effect.consultation.count) == (Decimal("4.0"), 1)
    assert [(r.person.username, r.score, r.decision) for r in effect.consultation.ratings] == [
        ("mgr.east", 4, "support")
    ]
    assert (effect.after_execution.average, effect.after_execution.count) == (Decimal("3.5"), 2)
    assert [(r.person.username, r.score) for r in effect.after_execution.ratings] == [("rep.sh", 5), ("mgr.east", 2)]
    # photos: only the current line's
    assert effect.photo_count == 1
    assert [p.pk for p in effect.photos] == [photo.pk]


def test_named_target_outlets_replace_the_regions(world, promotion):
    PromotionOutlet.objects.create(promotion=promotion, outlet=world.sh1)
    PromotionOutlet.objects.create(promotion=promotion, outlet=world.sh3)
    feedback(world, promotion, promotion.starts_on, world.sh1, Y, "4.50")
    feedback(world, promotion, promotion.starts_on, world.sh2, Y, "4.50")  # not a named target
    sale(world, promotion.starts_on, world.sh2, 50, "250.00")  # not a named target
    sale(world, promotion.starts_on, world.sh3, 20, "100.00")

    effect = promotion_effect(promotion=fresh(promotion), today=TODAY)

    assert (effect.target_outlets, effect.targets_named, effect.outlets_reported) == (2, True, 1)
    assert effect.execution_rate == Decimal("50.0")
    assert effect.units_during == 20


def test_before_the_start_and_without_a_baseline(world):
    promotion = agreed_promotion(world, starts_on=TODAY + days(5), price_floor=None, price_ceiling=None)

    effect = promotion_effect(promotion=fresh(promotion), today=TODAY)

    assert (effect.started, effect.measured_to, effect.days_elapsed, effect.daily) == (False, None, 0, [])
    assert (effect.units_uplift_pct, effect.revenue_uplift_pct, effect.execution_rate) == (None, None, Decimal("0.0"))
    assert (effect.has_price_limits, effect.price_compliance_rate) == (False, None)
    assert (effect.costs.total, effect.costs.pct_of_budget) == (Decimal("0.00"), Decimal("0.0"))
    assert effect.after_execution.average is None


def test_an_ended_promotion_is_measured_over_its_whole_period_and_uplift_needs_a_baseline(world):
    promotion = agreed_promotion(world, starts_on=TODAY - days(20), ends_on=TODAY - days(11), budget=Decimal("0"))
    sale(world, promotion.starts_on, world.sh1, 10, "50.00")
    sale(world, promotion.ends_on + days(1), world.sh1, 99, "50.00")  # after the end
    cost(world, promotion, "10.00")

    effect = promotion_effect(promotion=fresh(promotion), today=TODAY)

    assert (effect.measured_to, effect.days_elapsed, effect.units_during) == (promotion.ends_on, 10, 10)
    assert (effect.has_baseline, effect.units_uplift_pct) == (False, None)
    assert (effect.costs.pct_of_budget, effect.costs.over_budget) == (None, True)  # no budget: any cost is over


def test_photos_are_those_the_user_may_see(world, promotion):
    own = PhotoFactory(uploaded_by=world.people.rep_sh, region=world.regions.sh)
    colleague = PhotoFactory(uploaded_by=world.people.mgr_east, region=world.regions.east)
    feedback(world, promotion, promotion.starts_on, world.sh1, Y, "4.50", photo=own)
    feedback(world, promotion, promotion.starts_on, world.sh2, Y, "4.50", photo=colleague, rep=world.people.mgr_east)

    for who, expected in (("rep_sh", [own]), ("mgr_east", [colleague, own]), ("mkt_manager", [colleague, own])):
        effect = promotion_effect(promotion=fresh(promotion), today=TODAY, user=getattr(world.people, who))
        assert sorted(p.pk for p in effect.photos) == sorted(p.pk for p in expected), who
        assert effect.photo_count == 2


def _many_facts(world, promotion, n: int):
    start = promotion.starts_on
    outlets = [world.sh1, world.sh2, world.sh3]
    for i in range(n):
        day = start + days(i % 10)
        rep = [world.people.rep_sh, world.people.mgr_east][i % 2]
        feedback(world, promotion, day, outlets[i % 3], Y, "4.50", rep=rep, photo=PhotoFactory() if i < 3 else None)
        sale(world, day, outlets[i % 3], 5, "25.00", rep=rep)
        sale(world, start - days(1 + i % 28), outlets[i % 3], 4, "20.00", rep=rep)


@pytest.mark.parametrize("n", [1, 60])
def test_the_effect_takes_a_fixed_number_of_queries(world, promotion, django_assert_num_queries, n):
    _many_facts(world, promotion, n)
    for i in range(min(n, 5)):
        cost(world, promotion, f"{10 + i}.00")
    promotion = fresh(promotion)

    with django_assert_num_queries(EFFECT_QUERIES):
        effect = promotion_effect(promotion=promotion, today=TODAY)

    assert effect.feedback_lines == n
    assert effect.units_during == 5 * n


# --- the API -----------------------------------------------------------------------------------------------------


def test_api_effect(world, promotion, api_client):
    build_facts(world, promotion)
    api_client.force_authenticate(world.people.mkt_manager)

    response = api_client.get(f"/api/v1/promotions/{promotion.pk}/effect/")

    assert response.status_code == 200
    body = response.json()
    assert (body["promotion"], body["status"], body["as_of"]) == (promotion.pk, "running", TODAY.isoformat())
    assert body["execution"] == {
        "target_outlets": 3,
        "targets_named": False,
        "outlets_reported": 2,
        "rate_pct": "66.7",
        "feedback_lines": 4,
        "executed_yes": 2,
        "executed_partly": 1,
        "executed_no": 1,
        "consumer_response_avg": "3.5",
    }
    assert body["price_compliance"] == {
        "price_floor": "4.00",
        "price_ceiling": "4.80",
        "prices_reported": 3,
        "within": 1,
        "below_floor": 1,
        "above_ceiling": 1,
        "rate_pct": "33.3",
    }
    sales = body["sales"]
    assert (sales["units_uplift_pct"], sales["revenue_uplift_pct"], sales["expected_uplift_pct"]) == (
        "50.0",
        "65.0",
        "30.0",
    )
    assert (sales["units_per_day_during"], sales["units_per_day_baseline"], sales["days"]) == ("3.00", "2.00", 10)
    assert sales["daily"][0] == {"day": promotion.starts_on.isoformat(), "units": 10, "revenue": "55.00"}
    assert body["cost"] == {
        "budget": "1000.00",
        "total": "750.00",
        "count": 2,
        "pct_of_budget": "75.0",
        "over_budget": False,
        "by_category": {"display_fee": "750.00"},
    }
    assert (body["executability_ratings"]["average"], body["executability_ratings"]["count"]) == ("3.5", 2)
    assert body["consultation_ratings"]["ratings"][0]["person"]["username"] == "mgr.east"
    assert body["photo_count"] == 1
    assert body["photos"][0]["thumbnail_url"].endswith(f"/api/v1/photos/{body['photos'][0]['id']}/thumbnail/")


def test_api_effect_is_409_before_agreement(world, promotion, api_client):
    Promotion.objects.filter(pk=promotion.pk).update(status="review")
    api_client.force_authenticate(world.people.mkt_manager)

    response = api_client.get(f"/api/v1/promotions/{promotion.pk}/effect/")

    assert response.status_code == 409
    assert response.json() == {"detail": "The promotion is not agreed yet: its effect is measured once it is approved."}


@pytest.mark.parametrize(("who", "status"), [("rep_sh", 200), ("rep_bj", 404), ("mgr_north", 404), ("hr", 404)])
def test_api_effect_follows_promotion_visibility(world, promotion, api_client, who, status):
    api_client.force_authenticate(getattr(world.people, who))

    assert api_client.get(f"/api/v1/promotions/{promotion.pk}/effect/").status_code == status
