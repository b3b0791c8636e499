"""A small, hand-built September 2026 whose every KPI is known exactly (see the numbers in each comment).

September 2026 has 22 weekdays; the 25th is a company holiday (Mid-Autumn), so 21 working days.

- ``rep_a`` (Shanghai, joined in August, target 1,000 units / 10,000 CNY): reports on the 1st–4th (the 4th late), a
  report on the holiday (its sales count, its filing does not) and a draft on the 7th (counts for nothing). The
  2nd's sales were amended (50 → 70 units). Two competitor intel items (one marked useful), a third replaced by
  an amendment; two customer-feedback items on the 2nd (one followed up). A promotion runs in Shanghai with two of
  his outlets to check: he checked one, twice (one price within the limits, one below the floor).
- ``rep_b`` moved from Beijing to Shanghai mid-month: a report on the 1st in Beijing, one on the 16th in Shanghai;
  no target.
- ``manager`` (East): two endorsements (6 h on time, 48 h late), two consultations (one answered in 4 h, one left
  unanswered).
- ``marketer`` (East): one review in 12 h within SLA; one proposal approved, one executed; ratings 4 and 5; one intel
  item acknowledged and answered 16 h after submission; a plan version two reps should read, one did; action items:
  one on time, one late, one cancelled.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.roles import Role
from approvals.models import ExecutabilityRating, FlowStatus, StepKind, StepStatus
from campaigns.models import PlanAcknowledgement, PlanVersion, PromotionOrigin, PromotionStatus
from coordination.models import ActionItem
from feedback.models import DailyReport, IntelItem, ReportAmendment, ReportStatus, Section
from feedback.models import FollowUp as IntelFollowUp
from tests.factories import BrandFactory, OutletFactory, RegionTree, UserFactory
from tests.factories.approvals import ApprovalFlowFactory, ApprovalStepFactory, CalendarDayFactory
from tests.factories.campaigns import MarketingPlanFactory, PromotionFactory, SalesTargetFactory
from tests.factories.coordination import ActionItemFactory
from tests.factories.feedback import (
    CompetitorIntelLineFactory,
    CustomerFeedbackLineFactory,
    PromotionFeedbackLineFactory,
    RegionalSalesLineFactory,
)

SEPTEMBER = datetime.date(2026, 9, 1)
SEPTEMBER_END = datetime.date(2026, 9, 30)
HOLIDAY = datetime.date(2026, 9, 25)


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


@dataclass
class World:
    regions: RegionTree
    rep_a: object
    rep_b: object
    manager: object
    marketer: object
    hr: object
    promotion: object


def filed_report(rep, day: datetime.date, region, *, on_time=True, status=ReportStatus.SUBMITTED) -> DailyReport:
    submitted = status == ReportStatus.SUBMITTED
    return DailyReport.objects.create(
        rep=rep,
        region=region,
        date=day,
        status=status,
        client_uuid=uuid.uuid4(),
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(19 if on_time else 23, 0)))
        + (datetime.timedelta(days=0 if on_time else 1))
        if submitted
        else None,
        on_time=on_time if submitted else None,
    )


def _intel(report, section, text, **fields) -> IntelItem:
    return IntelItem.objects.create(
        section=section,
        report=report,
        rep=report.rep,
        region=report.region,
        date=report.date,
        submitted_at=report.submitted_at,
        text=text,
        **fields,
    )


def build_world(regions: RegionTree) -> World:
    joined = at(1, 9, month=8)
    rep_a = UserFactory(username="rep.a", role=Role.SALES_REP, region=regions.sh, date_joined=joined)
    rep_b = UserFactory(username="rep.b", role=Role.SALES_REP, region=regions.sh, date_joined=joined)
    manager = UserFactory(username="mgr.east", role=Role.SALES_MANAGER, region=regions.east, date_joined=joined)
    marketer = UserFactory(username="mkt.east", role=Role.MARKETING_STAFF, region=regions.east, date_joined=joined)
    hr = UserFactory(username="hr", role=Role.HR, region=regions.cn)
    rep_a.manager = manager
    rep_a.save(update_fields=["manager"])
    CalendarDayFactory(date=HOLIDAY, is_working_day=False, name="Mid-Autumn")

    # rep_a's reports
    day = SEPTEMBER.replace
    r1 = filed_report(rep_a, day(day=1), regions.sh)
    r2 = filed_report(rep_a, day(day=2), regions.sh)
    filed_report(rep_a, day(day=3), regions.sh)
    r4 = filed_report(rep_a, day(day=4), regions.sh, on_time=False)
    holiday = filed_report(rep_a, HOLIDAY, regions.sh)
    draft = filed_report(rep_a, day(day=7), regions.sh, status=ReportStatus.DRAFT)
    RegionalSalesLineFactory(report=r1, region=regions.sh, units=100, revenue=Decimal("1000"))
    RegionalSalesLineFactory(report=holiday, region=regions.sh, units=30, revenue=Decimal("300"))
    RegionalSalesLineFactory(report=draft, region=regions.sh, units=999, revenue=Decimal("9999"))
    amendment = ReportAmendment.objects.create(
        report=r2, author=rep_a, reason="Wrong units", client_uuid=uuid.uuid4(), sections=["regional_sales"]
    )
    RegionalSalesLineFactory(report=r2, region=regions.sh, units=50, revenue=Decimal("500"), superseded_by=amendment)
    RegionalSalesLineFactory(report=r2, region=regions.sh, units=70, revenue=Decimal("700"), amendment=amendment)
    SalesTargetFactory(year=2026, quarter=3, month=9, region=regions.sh, rep=rep_a, units=1000, revenue=10000)
    SalesTargetFactory(year=2026, quarter=3, month=9, region=regions.east, units=4000, revenue=5000)

    competitor = BrandFactory()
    useful = _intel(
        r1, Section.COMPETITOR_INTEL, "降价", competitor_intel=CompetitorIntelLineFactory(report=r1, brand=competitor)
    )
    useful.useful = True
    _intel(
        r1, Section.COMPETITOR_INTEL, "新品", competitor_intel=CompetitorIntelLineFactory(report=r1, brand=competitor)
    )
    fix = ReportAmendment.objects.create(
        report=r1, author=rep_a, reason="Wrong brand", client_uuid=uuid.uuid4(), sections=["competitor_intel"]
    )
    replaced = CompetitorIntelLineFactory(report=r1, brand=competitor, superseded_by=fix)
    _intel(r1, Section.COMPETITOR_INTEL, "replaced", competitor_intel=replaced, superseded=True, useful=True)
    for text, follow_up in (("投诉", IntelFollowUp.DONE), ("建议", IntelFollowUp.OPEN)):
        line = CustomerFeedbackLineFactory(report=r2)
        _intel(r2, Section.CUSTOMER_FEEDBACK, text, customer_feedback=line, follow_up=follow_up)

    # A promotion running in Shanghai all month (no target outlets: every outlet of the region), rep_a has two.
    promotion = PromotionFactory(
        title="中秋特价",
        created_by=marketer,
        owner=marketer,
        regions=[regions.sh],
        starts_on=SEPTEMBER,
        ends_on=SEPTEMBER_END,
        price_floor=Decimal("9.00"),
        price_ceiling=Decimal("12.00"),
        status=PromotionStatus.RUNNING,
    )
    outlet_1 = OutletFactory(region=regions.sh, reps=[rep_a])
    OutletFactory(region=regions.sh, reps=[rep_a])
    r3 = DailyReport.objects.get(rep=rep_a, date=day(day=3))
    PromotionFeedbackLineFactory(report=r3, promotion=promotion, outlet=outlet_1, actual_price=Decimal("10.00"))
    PromotionFeedbackLineFactory(report=r4, promotion=promotion, outlet=outlet_1, actual_price=Decimal("8.00"))

    # rep_b moved from Beijing to Shanghai on the 15th
    b1 = filed_report(rep_b, day(day=1), regions.bj)
    b2 = filed_report(rep_b, day(day=16), regions.sh)
    RegionalSalesLineFactory(report=b1, region=regions.bj, units=40, revenue=Decimal("400"))
    RegionalSalesLineFactory(report=b2, region=regions.sh, units=50, revenue=Decimal("500"))

    # The manager's endorsements and consultations
    for opened, decided, due in ((at(7, 9), at(7, 15), at(8, 9)), (at(8, 9), at(10, 9), at(9, 9))):
        ApprovalStepFactory(
            kind=StepKind.ENDORSEMENT,
            assignee=manager,
            assignee_role="",
            status=StepStatus.DECIDED,
            decision="approve",
            decided_by=manager,
            opened_at=opened,
            decided_at=decided,
            due_at=due,
        )
    ApprovalStepFactory(
        kind=StepKind.CONSULTATION,
        assignee=manager,
        assignee_role="",
        status=StepStatus.DECIDED,
        decision="support",
        decided_by=manager,
        opened_at=at(14, 10),
        decided_at=at(14, 14),
        due_at=at(15, 18),
    )
    ApprovalStepFactory(
        kind=StepKind.CONSULTATION,
        assignee=manager,
        assignee_role="",
        status=StepStatus.NO_ANSWER,
        opened_at=at(14, 10),
        due_at=at(15, 18),
    )

    # The marketer's review, proposals, ratings, intel answers, plan and action items
    ApprovalStepFactory(
        kind=StepKind.REVIEW,
        status=StepStatus.DECIDED,
        decision="approve",
        decided_by=marketer,
        opened_at=at(21, 9),
        decided_at=at(21, 21),
        due_at=at(22, 9),
    )
    ApprovalFlowFactory(promotion=promotion, status=FlowStatus.APPROVED, closed_at=at(28, 10, month=8))
    approved = PromotionFactory(created_by=marketer, owner=marketer, origin=PromotionOrigin.MARKETING)
    ApprovalFlowFactory(promotion=approved, status=FlowStatus.APPROVED, closed_at=at(10, 11))
    for score in (4, 5):
        rating = ExecutabilityRating.objects.create(
            promotion=promotion, rater=UserFactory(role=Role.SALES_REP), score=score
        )
        ExecutabilityRating.objects.filter(pk=rating.pk).update(created_at=at(29, 10))
    useful.acknowledged_by, useful.acknowledged_at = marketer, at(2, 10)
    useful.answered_by, useful.answered_at, useful.answer = marketer, at(2, 12), "谢谢"
    useful.submitted_at = at(1, 20)
    useful.save()
    plan = MarketingPlanFactory(owner=marketer, region=regions.east)
    version = PlanVersion.objects.create(plan=plan, number=1, content={}, published_at=at(5, 10), published_by=marketer)
    PlanAcknowledgement.objects.create(version=version, user=rep_a, acknowledged_at=at(6, 9))
    ActionItemFactory(owner=marketer, due_on=day(day=20), status=ActionItem.Status.DONE, closed_at=at(19, 17))
    ActionItemFactory(owner=marketer, due_on=day(day=24), status=ActionItem.Status.DONE, closed_at=at(28, 17))
    ActionItemFactory(owner=marketer, due_on=day(day=10), status=ActionItem.Status.CANCELLED, closed_at=at(9, 17))
    return World(regions, rep_a, rep_b, manager, marketer, hr, promotion)
