"""A small field world for the effect tests: people of every role (tests.campaigns.plan_setup), our products,
outlets in Shanghai (three active, one closed), Hangzhou and Beijing, and marketing proposals for Shanghai taken
through the real workflow (submitted, consulted by mgr.east with an executability rating, approved by the marketing
manager, then moved by the calendar). Reports and their lines are written directly: the effect reads facts far
outside the filing window (the 4 weeks before the promotion)."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from approvals.models import ApprovalStep, Decision, StepKind, StepStatus
from approvals.services.flows import promotion_submit, promotions_follow_calendar, step_decide
from approvals.workflow import Action, promotion_transition
from campaigns.models import Brand, Promotion, PromotionStatus, PromotionType
from campaigns.services.promotions import promotion_create
from feedback.models import DailyReport, ReportAmendment, ReportStatus
from tests.campaigns.plan_setup import People, build_people
from tests.factories import BrandFactory, OutletFactory, ProductFactory, RegionTree


@dataclass
class World:
    regions: RegionTree
    people: People
    cola: object
    tea: object
    sh1: object
    sh2: object
    sh3: object
    sh_closed: object
    hz: object
    bj: object
    _reports: dict = field(default_factory=dict)

    def report(self, rep, day: datetime.date, *, submitted: bool = True) -> DailyReport:
        """The rep's report of ``day`` (one per rep and day), submitted unless told otherwise."""
        key = (rep.pk, day)
        if key not in self._reports:
            self._reports[key] = DailyReport.objects.create(
                rep=rep,
                region=rep.region,
                date=day,
                client_uuid=uuid.uuid4(),
                status=ReportStatus.SUBMITTED if submitted else ReportStatus.DRAFT,
                submitted_at=timezone.now() if submitted else None,
                on_time=True if submitted else None,
            )
        return self._reports[key]

    def amend(self, report: DailyReport, sections: list[str]) -> ReportAmendment:
        return ReportAmendment.objects.create(
            report=report, author=report.rep, reason="数字写错了", client_uuid=uuid.uuid4(), sections=sections
        )


def build_world(regions: RegionTree) -> World:
    people = build_people(regions)
    own = BrandFactory(name="清源", name_en="Qingyuan", kind=Brand.Kind.OWN)
    return World(
        regions=regions,
        people=people,
        cola=ProductFactory(sku="QY-COLA", name="清源可乐", brand=own, list_price=Decimal("5.00")),
        tea=ProductFactory(sku="QY-TEA", name="清源绿茶", brand=own, list_price=Decimal("4.00")),
        sh1=OutletFactory(code="SH-001", name="联华超市", region=regions.sh, reps=[people.rep_sh]),
        sh2=OutletFactory(code="SH-002", name="全家便利店", region=regions.sh),
        sh3=OutletFactory(code="SH-003", name="好德便利", region=regions.sh),
        sh_closed=OutletFactory(code="SH-009", name="已关店", region=regions.sh, active=False),
        hz=OutletFactory(code="HZ-001", name="世纪联华", region=regions.hz, reps=[people.rep_hz]),
        bj=OutletFactory(code="BJ-001", name="物美超市", region=regions.bj, reps=[people.rep_bj]),
    )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def agreed_promotion(
    world: World,
    *,
    today: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    budget: Decimal = Decimal("1000.00"),
    price_floor: Decimal | None = Decimal("4.00"),
    price_ceiling: Decimal | None = Decimal("4.80"),
    executability: int = 4,
    regions=None,
    title: str = "上海可乐特价",
    responsible=(),
) -> Promotion:
    """A marketing proposal by mkt.staff, agreed through the workflow, then moved by the calendar as of ``today``:
    approved before its start, running in its period, ended after it. Default period: started 9 days ago, ends in
    10 days (running)."""
    today = today or timezone.localdate()
    starts_on = starts_on or today - datetime.timedelta(days=9)
    ends_on = ends_on or starts_on + datetime.timedelta(days=19)
    people = world.people
    promotion = promotion_create(
        user=people.mkt_staff,
        title=title,
        type=PromotionType.SPECIAL_PRICE,
        starts_on=starts_on,
        ends_on=ends_on,
        mechanics="第二瓶半价",
        expected_effect="+30% units",
        expected_uplift_pct=Decimal("30.0"),
        products=[world.cola],
        regions=regions or [world.regions.sh],
        budget=budget,
        price_floor=price_floor,
        price_ceiling=price_ceiling,
        responsible=list(responsible),
    )
    asked = _at(starts_on - datetime.timedelta(days=5))
    promotion_submit(user=people.mkt_staff, promotion=promotion, now=asked)
    for step in ApprovalStep.objects.filter(flow__promotion=promotion, status=StepStatus.OPEN).select_related(
        "assignee"
    ):
        assert step.kind == StepKind.CONSULTATION
        step_decide(
            user=step.assignee,
            step=step,
            decision=Decision.SUPPORT,
            comment="",
            executability=executability,
            now=asked,
        )
    approval = ApprovalStep.objects.get(flow__promotion=promotion, status=StepStatus.OPEN)
    step_decide(user=people.mkt_manager, step=approval, decision=Decision.APPROVE, now=asked)
    promotions_follow_calendar(today=today, now=_at(today, 1))
    promotion.refresh_from_db()
    return promotion


def move_to(promotion: Promotion, status: str, *, actor=None) -> Promotion:
    """Put an agreed promotion in ``status`` through the workflow's transitions (evaluated, cancelled), or — for a
    state the calendar reaches — straight from the table's path. Only for setting up tests."""
    from django.db import transaction

    path = {
        PromotionStatus.EVALUATED: [Action.END, Action.EVALUATE],
        PromotionStatus.CANCELLED: [Action.CANCEL],
        PromotionStatus.ENDED: [Action.END],
        PromotionStatus.RUNNING: [Action.START],
    }[status]
    with transaction.atomic():
        locked = Promotion.objects.select_for_update().get(pk=promotion.pk)
        for action in path:
            if locked.status == status:
                break
            if (locked.status, action) == (PromotionStatus.ENDED, Action.END):
                continue
            promotion_transition(promotion=locked, action=action, actor=actor)
    promotion.refresh_from_db()
    return promotion
