"""A small company like the demo one, and helpers that draft a marketing proposal or a sales request and push it
to any status through the real services.

Users carry the demo usernames and managers (gm ← dir.sales, mkt.wang; mkt.wang ← mkt.li; dir.sales ← mgr.east,
mgr.north; mgr.east ← rep.zhang, rep.liu; mgr.north ← rep.chen; gm ← hr.zhao). Time is set: ``NOW`` is a Monday
10:00 in the company's time zone, and promotions run in April 2026.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import User
from accounts.roles import Role
from approvals.models import ApprovalStep, StepKind, StepStatus
from approvals.services.flows import promotion_submit, promotion_withdraw, step_decide
from campaigns.models import Promotion, PromotionStatus, PromotionType
from campaigns.services.promotions import promotion_create
from tests.factories import ProductFactory, RegionTree, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday
STARTS_ON = datetime.date(2026, 4, 1)
ENDS_ON = datetime.date(2026, 4, 30)

USERNAMES = (
    "gm",
    "dir.sales",
    "mkt.wang",
    "mkt.li",
    "mgr.east",
    "mgr.north",
    "rep.zhang",
    "rep.liu",
    "rep.chen",
    "hr.zhao",
)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime.datetime:
    """A moment in 2026 in the company's time zone (March by default)."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Company:
    regions: RegionTree
    gm: User
    dir_sales: User
    mkt_wang: User
    mkt_li: User
    mgr_east: User
    mgr_north: User
    rep_zhang: User
    rep_liu: User
    rep_chen: User
    hr_zhao: User
    product: object

    def user(self, username: str) -> User:
        return getattr(self, username.replace(".", "_"))

    @property
    def users(self) -> list[User]:
        return [self.user(name) for name in USERNAMES]


def build_company(regions: RegionTree) -> Company:
    def person(username, role, region, manager=None):
        return UserFactory(username=username, role=role, region=region, manager=manager)

    gm = person("gm", Role.GENERAL_MANAGER, regions.cn)
    dir_sales = person("dir.sales", Role.SALES_DIRECTOR, regions.cn, gm)
    mkt_wang = person("mkt.wang", Role.MARKETING_MANAGER, regions.cn, gm)
    mgr_east = person("mgr.east", Role.SALES_MANAGER, regions.east, dir_sales)
    mgr_north = person("mgr.north", Role.SALES_MANAGER, regions.north, dir_sales)
    return Company(
        regions=regions,
        gm=gm,
        dir_sales=dir_sales,
        mkt_wang=mkt_wang,
        mkt_li=person("mkt.li", Role.MARKETING_STAFF, regions.cn, mkt_wang),
        mgr_east=mgr_east,
        mgr_north=mgr_north,
        rep_zhang=person("rep.zhang", Role.SALES_REP, regions.sh, mgr_east),
        rep_liu=person("rep.liu", Role.SALES_REP, regions.hz, mgr_east),
        rep_chen=person("rep.chen", Role.SALES_REP, regions.bj, mgr_north),
        hr_zhao=person("hr.zhao", Role.HR, regions.cn, gm),
        product=ProductFactory(sku="QY-COLA", name="清源可乐"),
    )


def draft(
    company: Company,
    *,
    author: User,
    budget: Decimal | int | str = Decimal("10000"),
    regions: list | None = None,
    title: str = "",
    starts_on: datetime.date = STARTS_ON,
    ends_on: datetime.date = ENDS_ON,
) -> Promotion:
    """A draft through ``promotion_create``: a proposal when marketing writes it, a request when sales does."""
    return promotion_create(
        user=author,
        title=title or f"Cola special by {author.username}",
        type=PromotionType.SPECIAL_PRICE,
        starts_on=starts_on,
        ends_on=ends_on,
        mechanics="Second bottle half price.",
        expected_effect="+20% units",
        products=[company.product],
        regions=regions if regions is not None else [author.region],
        budget=Decimal(budget),
    )


def proposal(company: Company, *, author: User | None = None, regions: list | None = None, **kwargs) -> Promotion:
    """A marketing proposal (by mkt.li unless told) for East unless told."""
    return draft(company, author=author or company.mkt_li, regions=regions or [company.regions.east], **kwargs)


def request(company: Company, *, author: User | None = None, **kwargs) -> Promotion:
    """A sales request by rep.zhang (Shanghai) unless told."""
    return draft(company, author=author or company.rep_zhang, **kwargs)


def open_steps(promotion: Promotion) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.filter(flow__promotion=promotion, status=StepStatus.OPEN)
        .select_related("assignee", "flow__promotion")
        .order_by("sequence", "id")
    )


def decider_of(company: Company, step: ApprovalStep) -> User:
    """Someone who may decide ``step``: its assignee, else a holder of its role who is not the author/owner."""
    if step.assignee_id:
        return step.assignee
    promotion = step.flow.promotion
    return (
        User.objects.filter(groups__name=step.assignee_role, is_active=True)
        .exclude(pk__in=[promotion.created_by_id, promotion.owner_id])
        .order_by("pk")
        .first()
    )


def decide(
    company: Company,
    step: ApprovalStep,
    decision: str = "approve",
    *,
    by: User | None = None,
    comment: str = "",
    now: datetime.datetime = NOW,
) -> ApprovalStep:
    """Decide one step (a consultation answers ``support`` with executability 4 when ``decision`` is approve)."""
    executability = None
    if step.kind == StepKind.CONSULTATION:
        executability = 4
        if decision == "approve":
            decision = "support"
    if decision != "approve" and decision != "support" and not comment:
        comment = f"Because of {decision}."
    return step_decide(
        user=by or decider_of(company, step),
        step=step,
        decision=decision,
        comment=comment,
        executability=executability,
        now=now,
    )


def approve_all(company: Company, promotion: Promotion, *, now: datetime.datetime = NOW) -> Promotion:
    """Approve (support) every step until nothing is open."""
    for _ in range(20):
        steps = open_steps(promotion)
        if not steps:
            break
        for step in steps:
            decide(company, step, now=now)
    promotion.refresh_from_db()
    return promotion


def push(company: Company, promotion: Promotion, status: str, *, now: datetime.datetime = NOW) -> Promotion:
    """Drive a draft to ``status`` through the services (the calendar ones by choosing ``now``)."""
    from approvals.services.flows import promotion_cancel, promotion_evaluate, promotions_follow_calendar

    S = PromotionStatus
    author = promotion.created_by
    if status == S.DRAFT:
        return promotion
    promotion_submit(user=author, promotion=promotion, now=now)
    promotion.refresh_from_db()
    if status in (S.CONSULTATION, S.ENDORSEMENT):
        assert promotion.status == status, (promotion.status, status)
        return promotion
    if status == S.WITHDRAWN:
        promotion_withdraw(user=author, promotion=promotion, now=now)
    elif status in (S.RETURNED, S.REJECTED):
        decide(company, open_steps(promotion)[0], "return" if status == S.RETURNED else "reject", now=now)
    elif status == S.REVIEW:
        while promotion.status != S.REVIEW:
            for step in open_steps(promotion):
                decide(company, step, now=now)
            promotion.refresh_from_db()
    else:
        approve_all(company, promotion, now=now)
        later = datetime.datetime.combine(promotion.starts_on, datetime.time(8), tzinfo=TZ)
        if status in (S.RUNNING, S.CANCELLED):
            promotions_follow_calendar(today=promotion.starts_on, now=later)
        if status in (S.ENDED, S.EVALUATED):
            promotions_follow_calendar(today=promotion.ends_on + datetime.timedelta(days=1), now=later)
        if status == S.CANCELLED:
            promotion_cancel(user=company.mkt_wang, promotion=promotion, comment="Stock shortage.", now=later)
        if status == S.EVALUATED:
            promotion_evaluate(user=company.mkt_wang, promotion=promotion, comment="Worked.", now=later)
    promotion.refresh_from_db()
    assert promotion.status == status, (promotion.status, status)
    return promotion
