"""The digest's figures section by section, on a small hand-built October: every number is worked out by hand
here (per area and for the company), including what must be left out (drafts, other months, other statuses)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals.models import ExecutabilityRating, FlowStatus, StepStatus
from campaigns.models import PlanAcknowledgement, PlanVersion, PromotionCost, PromotionStatus
from coordination.selectors.digest import COMPANY, digest_figures
from coordination.services.digest import digest_build
from feedback.models import Alert, AlertRule, AlertStatus, PromotionFeedbackLine, ShelfDisplayLine
from tests.factories import UserFactory
from tests.factories.approvals import ApprovalFlowFactory, ApprovalStepFactory
from tests.factories.campaigns import MarketingPlanFactory, PromotionFactory
from tests.factories.feedback import (
    DailyReportFactory,
    OutletCoverageLineFactory,
    PopDistributionLineFactory,
    PosSalesLineFactory,
    PromotionFeedbackLineFactory,
    RegionalSalesLineFactory,
    ShelfDisplayLineFactory,
)

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
EAST, NORTH, SOUTH = "CN/EAST/", "CN/NORTH/", "CN/SOUTH/"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


@pytest.fixture
def october(regions):
    zhang = UserFactory(username="rep.zhang", role=Role.SALES_REP, region=regions.sh)
    chen = UserFactory(username="rep.chen", role=Role.SALES_REP, region=regions.bj)
    sh = DailyReportFactory(rep=zhang, date=datetime.date(2026, 10, 9), submitted=True)
    bj = DailyReportFactory(rep=chen, date=datetime.date(2026, 10, 9), submitted=True)
    draft = DailyReportFactory(rep=zhang, date=datetime.date(2026, 10, 10))
    september = DailyReportFactory(rep=zhang, date=datetime.date(2026, 9, 30), submitted=True)

    PopDistributionLineFactory(report=sh, quantity=5)
    PopDistributionLineFactory(report=sh, quantity=3)
    PopDistributionLineFactory(report=bj, quantity=4)
    PopDistributionLineFactory(report=draft, quantity=100)
    PopDistributionLineFactory(report=september, quantity=100)

    OutletCoverageLineFactory(report=sh, new_outlets=2, outlets_visited=6, active_outlets=20)
    OutletCoverageLineFactory(report=bj, new_outlets=1, outlets_visited=5, active_outlets=10)

    PosSalesLineFactory(report=sh, units=10, revenue=Decimal("59.00"))
    PosSalesLineFactory(report=sh, units=10, revenue=Decimal("59.00"))
    PosSalesLineFactory(report=bj, units=7, revenue=Decimal("41.30"))
    PosSalesLineFactory(report=september, units=1000, revenue=Decimal("9999.00"))

    ShelfDisplayLineFactory(report=sh)  # eye level, on the shelf
    ShelfDisplayLineFactory(
        report=sh,
        shelf_position=ShelfDisplayLine.ShelfPosition.OTHER,
        display_type=ShelfDisplayLine.DisplayType.END_CAP,
    )

    running = PromotionFactory(
        title="国庆特价",
        status=PromotionStatus.RUNNING,
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 31),
        price_floor=Decimal("4.00"),
        price_ceiling=Decimal("5.00"),
        budget=Decimal("10000.00"),
    )
    PromotionFactory(title="Draft in October", starts_on=OCTOBER, ends_on=datetime.date(2026, 10, 31))
    PromotionFactory(
        title="Ended in September",
        status=PromotionStatus.ENDED,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 30),
    )
    yes, partly = PromotionFeedbackLine.Executed.YES, PromotionFeedbackLine.Executed.PARTLY
    PromotionFeedbackLineFactory(report=sh, promotion=running, executed=yes, actual_price=Decimal("4.50"))
    PromotionFeedbackLineFactory(report=sh, promotion=running, executed=partly, actual_price=Decimal("3.50"))
    PromotionFeedbackLineFactory(report=bj, promotion=running, executed=yes, actual_price=None)
    booker = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    for amount in ("2500.00", "1500.00"):
        PromotionCost.objects.create(
            promotion=running,
            category="gifts",
            amount=Decimal(amount),
            spent_on=datetime.date(2026, 10, 5),
            description="礼品",
            booked_by=booker,
            client_uuid=uuid.uuid4(),
            total_after=Decimal(amount),
        )
    ExecutabilityRating.objects.create(promotion=running, rater=booker, score=4)
    ExecutabilityRating.objects.create(promotion=running, rater=zhang, score=3)
    return regions, zhang, chen, running


def test_shelf_pop_coverage_and_point_of_sale_per_area_and_company(october):
    field = digest_figures(OCTOBER)["field"]

    assert (field[EAST]["pop_pieces"], field[NORTH]["pop_pieces"], field[COMPANY]["pop_pieces"]) == (8, 4, 12)
    assert (field[EAST]["new_outlets"], field[NORTH]["new_outlets"], field[COMPANY]["new_outlets"]) == (2, 1, 3)
    assert (field[EAST]["coverage_pct"], field[NORTH]["coverage_pct"], field[COMPANY]["coverage_pct"]) == (
        30.0,
        50.0,
        36.7,
    )
    assert field[SOUTH]["coverage_pct"] is None
    assert (field[EAST]["pos_units"], field[EAST]["pos_revenue"]) == (20, 118.0)
    assert (field[COMPANY]["pos_units"], field[COMPANY]["pos_revenue"]) == (27, 159.3)
    assert (field[EAST]["display_lines"], field[EAST]["eye_level_pct"], field[EAST]["secondary_display_pct"]) == (
        2,
        50.0,
        50.0,
    )


def test_promotion_execution_price_compliance_and_the_promotions_that_ran(october):
    figures = digest_figures(OCTOBER)
    field = figures["field"]

    # East: one executed of two checks; one of its two priced checks inside the 4.00–5.00 band.
    assert (field[EAST]["promotion_checks"], field[EAST]["execution_pct"], field[EAST]["price_compliance_pct"]) == (
        2,
        50.0,
        50.0,
    )
    # North: executed, but no price noted — no compliance figure rather than a made-up one.
    assert (field[NORTH]["execution_pct"], field[NORTH]["price_compliance_pct"]) == (100.0, None)
    assert (field[COMPANY]["execution_pct"], field[COMPANY]["price_compliance_pct"]) == (66.7, 50.0)

    (promotion,) = figures["promotions"]  # the draft and September's are not "run in October"
    assert promotion == {
        "id": october[3].pk,
        "title": "国庆特价",
        "status": "running",
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-31",
        "feedback": 3,
        "execution_pct": 66.7,
        "cost": 4000.0,
        "budget": 10000.0,
        "cost_pct": 40.0,
        "executability": 3.5,
    }


def test_approvals_count_median_turnaround_and_overdue_steps(october):
    for submitted, closed, status in [
        (at(10, 1, 8), at(10, 1, 10), FlowStatus.APPROVED),  # 2 h
        (at(10, 2, 8), at(10, 2, 12), FlowStatus.APPROVED),  # 4 h
        (at(10, 3, 8), at(10, 3, 18), FlowStatus.REJECTED),  # 10 h
        (at(10, 4, 8), at(10, 4, 9), FlowStatus.RETURNED),  # counted, not a final decision: no turnaround
        (at(10, 31, 20), at(11, 1, 1), FlowStatus.APPROVED),  # closed in November
    ]:
        flow = ApprovalFlowFactory(submitted_at=submitted, closed_at=closed, status=status)
    ApprovalFlowFactory(submitted_at=at(9, 28), closed_at=None)  # submitted in September, still open
    decided = {"status": StepStatus.DECIDED, "decision": "approve", "decided_at": at(10, 5)}
    ApprovalStepFactory(flow=flow, sequence=1, due_at=at(10, 4), **decided)  # late
    ApprovalStepFactory(flow=flow, sequence=2, due_at=at(10, 6), **decided)  # on time
    ApprovalStepFactory(flow=flow, sequence=3, due_at=at(10, 20))  # open past its due time at month end
    ApprovalStepFactory(flow=flow, sequence=4, due_at=at(11, 20))  # open, not due yet

    approvals = digest_figures(OCTOBER)["approvals"]

    assert approvals == {
        "submitted": 5,
        "decided": 4,
        "approved": 2,
        "rejected": 1,
        "returned": 1,
        "median_turnaround_hours": 4.0,
        "steps_decided": 2,
        "steps_decided_late": 1,
        "steps_overdue_at_month_end": 1,
    }


def test_plan_acknowledgement_counts_the_reps_of_the_plans_region(october):
    regions, zhang, _chen, _promotion = october
    UserFactory(role=Role.SALES_REP, region=regions.hz)  # East too: expected, has not read it
    UserFactory(role=Role.SALES_REP, region=regions.sz, is_active=False)
    plan = MarketingPlanFactory(title="华东年度计划", region=regions.east)
    version = PlanVersion.objects.create(
        plan=plan, number=1, content={}, published_at=at(10, 10), published_by=plan.owner
    )
    PlanVersion.objects.create(plan=plan, number=0, content={}, published_at=at(9, 10), published_by=plan.owner)
    PlanAcknowledgement.objects.create(version=version, user=zhang, acknowledged_at=at(10, 11))
    PlanAcknowledgement.objects.create(version=version, user=plan.owner, acknowledged_at=at(10, 11))  # not a rep

    assert digest_figures(OCTOBER)["plans"] == [
        {
            "plan": "华东年度计划",
            "version": 1,
            "published": "2026-10-10",
            "expected": 2,
            "acknowledged": 1,
            "acknowledged_pct": 50.0,
        }
    ]


def test_alerts_raised_and_handled_per_area(october):
    regions = october[0]
    rule = AlertRule.objects.create(kind="promotion_price_breach", name="Breach")
    raised = [
        (regions.sh, AlertStatus.OPEN, at(10, 3)),
        (regions.hz, AlertStatus.ACKNOWLEDGED, at(10, 4)),
        (regions.sh, AlertStatus.RESOLVED, at(10, 5)),
        (regions.bj, AlertStatus.OPEN, at(10, 31, 23)),
        (regions.bj, AlertStatus.RESOLVED, at(9, 30, 23)),  # September
    ]
    for n, (region, status, created) in enumerate(raised):
        alert = Alert.objects.create(
            rule=rule,
            kind=rule.kind,
            fingerprint=f"f{n}",
            region=region,
            date=created.date(),
            title=f"Alert {n}",
            status=status,
        )
        Alert.objects.filter(pk=alert.pk).update(created_at=created)  # raised on that day

    alerts = digest_figures(OCTOBER)["alerts"]

    assert alerts[EAST] == {"raised": 3, "handled": 2, "resolved": 1, "handled_pct": 66.7}
    assert alerts[NORTH] == {"raised": 1, "handled": 0, "resolved": 0, "handled_pct": 0.0}
    assert alerts[SOUTH] == {"raised": 0, "handled": 0, "resolved": 0, "handled_pct": None}
    assert alerts[COMPANY] == {"raised": 4, "handled": 2, "resolved": 1, "handled_pct": 50.0}


def test_the_built_digest_shows_the_sections_in_both_languages(october):
    RegionalSalesLineFactory(
        report=DailyReportFactory(rep=october[1], date=datetime.date(2026, 10, 12), submitted=True)
    )
    digest = digest_build(OCTOBER, today=datetime.date(2026, 11, 2))

    english, chinese = digest.html["en"], digest.html["zh-hans"]
    assert "国庆特价" in english
    assert "国庆特价" in chinese
    assert "East" in english
    assert "华东" in chinese
    # Bars are inline-styled table cells sized in %, nothing an e-mail client would block.
    assert "width:" in english
    assert "%" in english
    assert "<script" not in english
    assert "<img" not in english


def test_building_takes_a_fixed_number_of_queries_whatever_the_rows(october, django_assert_max_num_queries):
    today = datetime.date(2026, 11, 2)
    with django_assert_max_num_queries(40) as few:
        digest_build(OCTOBER, today=today)
    _regions, zhang, chen, running = october
    for day in range(12, 28):
        for rep in (zhang, chen):
            report = DailyReportFactory(rep=rep, date=datetime.date(2026, 10, day), submitted=True)
            PopDistributionLineFactory(report=report)
            PosSalesLineFactory(report=report)
            PromotionFeedbackLineFactory(report=report, promotion=running)
    with django_assert_max_num_queries(len(few.captured_queries)):
        digest_build(OCTOBER, rebuild=True, today=today)
