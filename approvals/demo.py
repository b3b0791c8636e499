"""Demo of the approval workflow: promotions in every state, each with a history that went through the workflow.

The campaigns demo drafts four promotions; this module drafts nine more and runs all of them (but one draft)
through ``approvals.services.flows`` with ``now`` set in the past, so the timeline shows real times days apart and
every due time is the one the company calendar gives. The calendar job (``promotions_follow_calendar``) is replayed
at 00:05 of each day a demo promotion starts or ends, and the consultation job at :10 of the hour it ran. Nothing
sets a status directly.

What the demo company then holds (T = today, wd = working day):

- draft: mkt.li's tasting in Beijing.
- consultation: mkt.li's summer proposal for East (above threshold A), waiting for mgr.east's opinion.
- endorsement: rep.liu's freezer request in Hangzhou, waiting for mgr.east.
- review, overdue: rep.zhang's toothpaste display request, endorsed by mgr.east, waiting for mkt.wang past its SLA.
- review above threshold A: rep.chen's Beijing request — returned once, resubmitted (round 2), approved by mkt.wang,
  waiting for dir.sales.
- approved, starting next week: mkt.li's orange-juice display for Shanghai and Beijing — mgr.north did not answer
  the consultation by its deadline (recorded), mkt.wang approved with changes.
- running: the Shanghai green-tea price and the Hangzhou chips gift (the field's feedback comes from the feedback
  demo, which runs after this), with costs booked and a rep's executability rating.
- ended: rep.zhang's chips display, reviewed by mkt.li on behalf of mkt.wang (a delegation while she was away),
  costs over budget, rated by the field.
- evaluated: the Hangzhou iced-tea tasting, with costs, the field's ratings and marketing's conclusion.
- returned (rep.liu, waiting for the author), rejected (rep.zhang), withdrawn (rep.chen), cancelled (mkt.li's
  Tianjin display, stopped after approval).

Idempotent: a promotion that has left its draft (or has any approval event) is left alone, so a second run
changes nothing. Needs the accounts and campaigns demos; run before the feedback demo.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.models import Delegation, Notification, Region, User
from campaigns.models import CostCategory, Product, Promotion, PromotionCost, PromotionStatus, PromotionType
from campaigns.services.costs import promotion_cost_book
from campaigns.services.promotions import promotion_create

from .models import ApprovalEvent, ApprovalStep, ExecutabilityRating, StepStatus
from .permissions import decider_for
from .services.flows import (
    consultations_close_overdue,
    promotion_cancel,
    promotion_evaluate,
    promotion_submit,
    promotion_withdraw,
    promotions_follow_calendar,
    step_decide,
)
from .services.ratings import executability_rate

_NAMESPACE = uuid.UUID("0c6a4a7e-2f7b-4a55-8f0e-9d3b51c2e7a4")  # the demo's cost client_uuids are uuid5 in this space
USERNAMES = ["gm", "dir.sales", "mkt.wang", "mkt.li", "mgr.east", "mgr.north", "rep.zhang", "rep.liu", "rep.chen"]
DELEGATION_REASON = "参加广州行业展会，期间营销审批由李明代为处理"
OVERDUE_REVIEW_TITLE = "上海社区店牙膏堆头申请"
OVER_BUDGET_TITLE = "上海便利店薯片端架申请"


@dataclass
class _Clock:
    """The demo's calendar: today, this week's Monday and working days counted from a date."""

    now: datetime.datetime
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    @property
    def monday(self) -> datetime.date:
        return self.today - datetime.timedelta(days=self.today.weekday())

    def days(self, offset: int) -> datetime.date:
        return self.monday + datetime.timedelta(days=offset)

    def wd(self, n: int, day: datetime.date | None = None) -> datetime.date:
        """The working day ``n`` working days from ``day`` (default today): negative counts back."""
        day = day or self.today
        step = 1 if n > 0 else -1
        for _ in range(abs(n)):
            day += datetime.timedelta(days=step)
            while not self.calendar.is_working_day(day):
                day += datetime.timedelta(days=step)
        return day

    def this_morning(self) -> datetime.datetime:
        """Earlier today if today is a working day already under way, else the last working day's end: a step
        opened then is not overdue yet even with the shortest SLA (8 working hours)."""
        if self.calendar.is_working_day(self.today) and self.now >= self.at(self.today, "09:40"):
            return self.at(self.today, "09:10")
        return self.at(self.wd(-1), "16:50")

    @staticmethod
    def at(day: datetime.date, hhmm: str) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm)))


@dataclass(frozen=True)
class _Act:
    """One thing that happened to a promotion: ``run(promotion, when)`` calls a workflow service."""

    when: datetime.datetime
    run: Callable[[Promotion, datetime.datetime], object]


def _submit(author: User) -> Callable:
    return lambda promotion, when: promotion_submit(user=author, promotion=promotion, now=when)


def _decide(user: User, decision: str, comment: str = "", executability: int | None = None) -> Callable:
    """``user`` decides the open step of the promotion that is theirs (or that they stand in for)."""

    def run(promotion: Promotion, when: datetime.datetime):
        steps = ApprovalStep.objects.filter(
            flow__promotion=promotion, status=StepStatus.OPEN, round=promotion.approval_flow.round
        ).select_related("flow__promotion", "assignee")
        day = timezone.localtime(when).date()
        step = next(s for s in steps if decider_for(user, s, day)[0])
        return step_decide(
            user=user, step=step, decision=decision, comment=comment, executability=executability, now=when
        )

    return run


def _withdraw(author: User, comment: str) -> Callable:
    return lambda promotion, when: promotion_withdraw(user=author, promotion=promotion, comment=comment, now=when)


def _cancel(user: User, comment: str) -> Callable:
    return lambda promotion, when: promotion_cancel(user=user, promotion=promotion, comment=comment, now=when)


def _evaluate(user: User, comment: str) -> Callable:
    return lambda promotion, when: promotion_evaluate(user=user, promotion=promotion, comment=comment, now=when)


def _close_consultations(promotion: Promotion, when: datetime.datetime):
    return consultations_close_overdue(now=when)


def _book(user: User, category: str, amount: str, description: str) -> Callable:
    """``user`` books a cost spent on the day of ``when``; it is dated as booked then, not when the demo ran."""

    def run(promotion: Promotion, when: datetime.datetime):
        day = timezone.localtime(when).date()
        key = f"cost:{promotion.title}:{user.username}:{day.isoformat()}:{category}"
        cost, created = promotion_cost_book(
            user=user,
            promotion=promotion,
            category=category,
            amount=Decimal(amount),
            spent_on=day,
            description=description,
            client_uuid=uuid.uuid5(_NAMESPACE, key),
            today=day,
        )
        if created:
            PromotionCost.objects.filter(pk=cost.pk).update(created_at=when)
        return cost

    return run


def _rate(user: User, score: int, comment: str) -> Callable:
    """``user`` rates how workable the promotion was in the field, dated when it happened."""

    def run(promotion: Promotion, when: datetime.datetime):
        rating, created = executability_rate(user=user, promotion=promotion, score=score, comment=comment)
        if created:
            ExecutabilityRating.objects.filter(pk=rating.pk).update(created_at=when)
        return rating

    return run


def _delegate(delegator: User, delegate: User, starts_on: datetime.date, ends_on: datetime.date) -> Callable:
    """A delegation in the past (the delegation service only takes present and future ranges, as people do)."""

    def run(promotion: Promotion, when: datetime.datetime):
        delegation, _created = Delegation.objects.get_or_create(
            delegator=delegator,
            delegate=delegate,
            starts_on=starts_on,
            defaults={"ends_on": ends_on, "reason": DELEGATION_REASON},
        )
        Delegation.objects.filter(pk=delegation.pk).update(created_at=when)
        return delegation

    return run


@dataclass
class _Script:
    """A promotion (drafted here, or by the campaigns demo when ``draft`` is None) and what happens to it."""

    title: str
    acts: list[_Act]
    draft: dict | None = None


def _scripts(clock: _Clock, people: dict[str, User]) -> list[_Script]:
    p = people
    at, wd, days = clock.at, clock.wd, clock.days
    previous_wd = wd(-1)
    scripts: list[_Script] = []

    # --- the four promotions the campaigns demo drafted ------------------------------------------------------
    # Running since two weeks ago: consulted with East, approved by the GM (the author is the marketing manager).
    start = days(-14)
    scripts.append(
        _Script(
            "上海清源绿茶月度特价",
            [
                _Act(at(wd(-8, start), "10:00"), _submit(p["mkt.wang"])),
                _Act(
                    at(wd(-7, start), "15:20"),
                    _decide(p["mgr.east"], "support", "门店更换价签需要两天，请提前一周通知门店。", 4),
                ),
                _Act(at(wd(-6, start), "11:05"), _decide(p["gm"], "approve", "同意，注意守住 2.80 元的限价。")),
                _Act(
                    at(wd(1, start), "18:30"),
                    _book(p["rep.zhang"], CostCategory.PRICE_SUPPORT, "8000.00", "12 家重点门店特价差价补贴（首批）"),
                ),
                _Act(
                    at(wd(2, start), "17:45"),
                    _book(p["rep.zhang"], CostCategory.POP, "1500.00", "特价价签、跳跳卡印制"),
                ),
                _Act(at(wd(5, start), "18:10"), _rate(p["rep.zhang"], 4, "价签到位快，个别门店自行降价需要盯紧。")),
            ],
        )
    )
    # Running since last week: mgr.east asked for a change, the GM approved with it.
    start = days(-7)
    scripts.append(
        _Script(
            "杭州薯片买二送一",
            [
                _Act(at(wd(-7, start), "09:40"), _submit(p["mkt.wang"])),
                _Act(
                    at(wd(-6, start), "16:10"),
                    _decide(
                        p["mgr.east"],
                        "support_with_changes",
                        "赠品全部由经销商配送容易断货，建议其中 30% 由公司直接配送到重点门店。",
                        3,
                    ),
                ),
                _Act(
                    at(wd(-5, start), "10:30"),
                    _decide(
                        p["gm"], "approve_with_changes", "采纳周涛的意见：30% 赠品由公司直接配送，费用在预算内列支。"
                    ),
                ),
                _Act(
                    at(wd(1, start), "18:05"),
                    _book(p["mgr.east"], CostCategory.GIFTS, "12000.00", "赠品薯片 4000 袋（公司直配部分）"),
                ),
                _Act(
                    at(wd(2, start), "19:20"),
                    _book(p["rep.liu"], CostCategory.DISPLAY_FEE, "5000.00", "杭州 10 家商超端架陈列费"),
                ),
            ],
        )
    )
    # The overdue review: endorsed five working days ago, mkt.wang's 24 working hours have run out.
    scripts.append(
        _Script(
            OVERDUE_REVIEW_TITLE,
            [
                _Act(at(wd(-6), "16:30"), _submit(p["rep.zhang"])),
                _Act(
                    at(wd(-5), "10:15"),
                    _decide(p["mgr.east"], "approve", "竞品正在社区店降价，堆头能稳住份额，同意。"),
                ),
            ],
        )
    )
    # Consultation: submitted on the last working day, waiting for mgr.east (the evidence is beside his form).
    scripts.append(_Script("华东夏季饮料特价 · 绿茶第二瓶半价", [_Act(at(previous_wd, "16:00"), _submit(p["mkt.li"]))]))

    # --- promotions drafted here ---------------------------------------------------------------------------------
    def draft(user, title, type, starts, ends, regions, products, budget, mechanics, effect, floor=None, ceiling=None):
        return {
            "user": user,
            "title": title,
            "type": type,
            "starts_on": starts,
            "ends_on": ends,
            "regions": regions,
            "products": products,
            "budget": Decimal(budget),
            "mechanics": mechanics,
            "expected_effect": effect,
            "price_floor": Decimal(floor) if floor else None,
            "price_ceiling": Decimal(ceiling) if ceiling else None,
        }

    scripts.append(
        _Script(
            "北京冰红茶校园试饮",
            [],
            draft(
                "mkt.li",
                "北京冰红茶校园试饮",
                PromotionType.TASTING,
                days(21),
                days(34),
                ["BJ"],
                ["QY-BEV-002"],
                "25000.00",
                "在北京 6 所高校周边便利店做冰红茶试饮，每店每周末 2 场。",
                "高校周边门店冰红茶销量提升 20%。",
            ),
        )
    )
    title = "杭州社区便利店冰柜陈列申请"
    scripts.append(
        _Script(
            title,
            [_Act(clock.this_morning(), _submit(p["rep.liu"]))],
            draft(
                "rep.liu",
                title,
                PromotionType.DISPLAY_FEE,
                days(14),
                days(41),
                ["HZ"],
                ["QY-BEV-001", "QY-BEV-003"],
                "9000.00",
                "在 15 家社区便利店投放清源品牌冰柜，每店陈列费 600 元，冰柜内我方产品占比不低于 70%。",
                "夏季冷饮动销提升 25%，挤压康师傅在社区店的冰柜位置。",
            ),
        )
    )
    title = "北京大卖场冰红茶买赠申请"
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-9), "11:00"), _submit(p["rep.chen"])),
                _Act(at(wd(-8), "09:50"), _decide(p["mgr.north"], "approve", "北京大卖场竞争激烈，支持。")),
                _Act(
                    at(wd(-7), "15:00"),
                    _decide(p["mkt.wang"], "return", "请补充参与门店清单和每店赠品数量，预算按门店拆分。"),
                ),
                _Act(at(wd(-3), "10:20"), _submit(p["rep.chen"])),
                _Act(at(wd(-3), "14:00"), _decide(p["mgr.north"], "approve", "门店清单已补齐，同意。")),
                _Act(at(previous_wd, "11:30"), _decide(p["mkt.wang"], "approve", "门店和赠品安排合理，同意。")),
            ],
            draft(
                "rep.chen",
                title,
                PromotionType.GIFT_WITH_PURCHASE,
                days(14),
                days(27),
                ["BJ"],
                ["QY-BEV-002"],
                "68000.00",
                "北京 8 家大卖场冰红茶整箱买赠：买一箱送 4 瓶，配合堆头和促销员。",
                "大卖场冰红茶销量提升 35%，守住夏季旺季份额。",
                "3.20",
                "3.50",
            ),
        )
    )
    title = "京沪便利店橙汁新品陈列"
    start = days(7)
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-6), "10:00"), _submit(p["mkt.li"])),
                _Act(
                    at(wd(-5), "16:40"),
                    _decide(p["mgr.east"], "support", "上海便利店有冷柜位置，可以执行。", 4),
                ),
                # mgr.north never answered: the hourly job records it when the deadline passes.
                _Act(at(wd(-4), "10:10"), _close_consultations),
                _Act(
                    at(wd(-3), "14:30"),
                    _decide(
                        p["mkt.wang"],
                        "approve_with_changes",
                        "北京未反馈意见，先做 10 家试点；上海按原计划 20 家，预算不变。",
                    ),
                ),
            ],
            draft(
                "mkt.li",
                title,
                PromotionType.DISPLAY_FEE,
                start,
                days(27),
                ["SH", "BJ"],
                ["QY-BEV-004"],
                "40000.00",
                "清源橙汁 1L 在京沪 30 家便利店冷柜陈列，配合新品价签。",
                "新品橙汁在便利店渠道 4 周铺市率达到 80%。",
                "9.50",
                "9.90",
            ),
        )
    )
    title = "天津超市薯片堆头月"
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-8), "10:00"), _submit(p["mkt.li"])),
                _Act(at(wd(-7), "09:30"), _decide(p["mgr.north"], "support", "天津商超配合度高，可执行。", 5)),
                _Act(at(wd(-6), "16:00"), _decide(p["mkt.wang"], "approve")),
                _Act(
                    at(wd(-2), "11:00"),
                    _cancel(p["mkt.wang"], "天津经销商合同到期更换，堆头暂停；新经销商确定后重新提报。"),
                ),
            ],
            draft(
                "mkt.li",
                title,
                PromotionType.DISPLAY_FEE,
                days(14),
                days(41),
                ["TJ"],
                ["QY-SNK-001", "QY-SNK-002"],
                "20000.00",
                "天津 10 家超市薯片堆头，每店陈列费 1500 元，配合 POP。",
                "薯片在天津超市动销提升 20%。",
            ),
        )
    )
    title = "上海大卖场全场饮料八折申请"
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-10), "15:00"), _submit(p["rep.zhang"])),
                _Act(at(wd(-9), "10:00"), _decide(p["mgr.east"], "approve", "竞品压力大，建议批准。")),
                _Act(
                    at(wd(-8), "17:00"),
                    _decide(
                        p["mkt.wang"],
                        "reject",
                        "全场八折会击穿终端限价（绿茶最低 2.80 元），且与绿茶月度特价重叠。请改为单品堆头申请。",
                    ),
                ),
            ],
            draft(
                "rep.zhang",
                title,
                PromotionType.SPECIAL_PRICE,
                days(7),
                days(20),
                ["SH"],
                ["QY-BEV-001", "QY-BEV-002", "QY-BEV-003"],
                "35000.00",
                "上海 5 家大卖场清源全系饮料八折。",
                "应对康师傅降价，守住大卖场饮料份额。",
            ),
        )
    )
    title = "北京社区店薯片试吃"
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-4), "10:00"), _submit(p["rep.chen"])),
                _Act(at(wd(-3), "09:20"), _withdraw(p["rep.chen"], "门店装修推迟到下月，先撤回，下月重新申请。")),
            ],
            draft(
                "rep.chen",
                title,
                PromotionType.TASTING,
                days(14),
                days(20),
                ["BJ"],
                ["QY-SNK-001"],
                "5000.00",
                "北京 4 家社区店周末薯片试吃。",
                "试吃门店薯片销量提升 15%。",
            ),
        )
    )
    title = "杭州高校超市饮料促销申请"
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-5), "11:00"), _submit(p["rep.liu"])),
                _Act(at(wd(-4), "16:00"), _decide(p["mgr.east"], "approve", "高校开学季，支持。")),
                _Act(
                    at(wd(-2), "10:30"),
                    _decide(p["mkt.wang"], "return", "请说明学生价与现有终端限价的关系，并附参与门店名单。"),
                ),
            ],
            draft(
                "rep.liu",
                title,
                PromotionType.SPECIAL_PRICE,
                days(14),
                days(27),
                ["HZ"],
                ["QY-BEV-001", "QY-BEV-002"],
                "12000.00",
                "杭州 6 所高校校内超市饮料学生价，凭学生证第二瓶半价。",
                "高校渠道饮料销量提升 30%。",
            ),
        )
    )
    # Ended, over budget: reviewed by mkt.li on behalf of mkt.wang while she was at a trade fair.
    title = OVER_BUDGET_TITLE
    start, end = days(-21), days(-8)
    endorsed = wd(-5, start)
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-6, start), "14:00"), _submit(p["rep.zhang"])),
                _Act(at(endorsed, "09:30"), _decide(p["mgr.east"], "approve", "便利店薯片动销好，同意。")),
                _Act(at(endorsed, "09:35"), _delegate(p["mkt.wang"], p["mkt.li"], endorsed, wd(2, endorsed))),
                _Act(at(wd(1, endorsed), "15:00"), _decide(p["mkt.li"], "approve", "费用合理，同意（代王芳审批）。")),
                _Act(
                    at(start, "18:00"),
                    _book(p["rep.zhang"], CostCategory.DISPLAY_FEE, "6000.00", "上海 12 家便利店端架陈列费"),
                ),
                _Act(at(wd(1, start), "18:40"), _book(p["rep.zhang"], CostCategory.POP, "1200.00", "端架 POP 和价签")),
                _Act(
                    at(wd(-3, end), "17:30"),
                    _book(p["mgr.east"], CostCategory.LOGISTICS, "1500.00", "门店补货加急配送两次"),
                ),
                _Act(at(wd(1, end), "10:00"), _rate(p["rep.zhang"], 3, "端架位置好，但补货跟不上，加急配送超了预算。")),
                _Act(at(wd(1, end), "11:30"), _rate(p["mgr.east"], 3, "执行可以，下次备货要提前。")),
            ],
            draft(
                "rep.zhang",
                title,
                PromotionType.DISPLAY_FEE,
                start,
                end,
                ["SH"],
                ["QY-SNK-001"],
                "8000.00",
                "上海 12 家便利店薯片端架陈列，每店 500 元，配合 POP。",
                "便利店薯片销量提升 20%。",
                "6.00",
                "6.50",
            ),
        )
    )
    # Evaluated: consulted with a change asked, approved by the GM, run, costs within budget, concluded.
    title = "杭州冰红茶试饮周"
    start, end = days(-20), days(-10)
    scripts.append(
        _Script(
            title,
            [
                _Act(at(wd(-8, start), "10:00"), _submit(p["mkt.wang"])),
                _Act(
                    at(wd(-7, start), "14:20"),
                    _decide(p["mgr.east"], "support_with_changes", "试饮员建议每店 2 人，周末加场。", 3),
                ),
                _Act(at(wd(-6, start), "09:45"), _decide(p["gm"], "approve", "同意。")),
                _Act(
                    at(wd(2, start), "19:00"),
                    _book(p["rep.liu"], CostCategory.STAFF, "6000.00", "试饮促销员 10 人次 × 2 周末"),
                ),
                _Act(at(wd(3, start), "18:15"), _book(p["rep.liu"], CostCategory.GIFTS, "3500.00", "试饮装 2000 瓶")),
                _Act(at(wd(1, end), "09:40"), _rate(p["rep.liu"], 5, "门店配合好，试饮员按时到岗。")),
                _Act(at(wd(1, end), "14:00"), _rate(p["mgr.east"], 4, "周末加场后效果明显。")),
                _Act(
                    at(wd(4, end), "16:00"),
                    _evaluate(
                        p["mkt.wang"],
                        "试饮带动冰红茶动销，门店反馈积极，费用在预算内。下次周末加场，并提前备足试饮装；"
                        "建议下季度推广到上海。",
                    ),
                ),
            ],
            draft(
                "mkt.wang",
                title,
                PromotionType.TASTING,
                start,
                end,
                ["HZ"],
                ["QY-BEV-002"],
                "15000.00",
                "杭州 10 家商超周末冰红茶试饮，每店 2 名试饮员。",
                "试饮门店冰红茶销量提升 25%。",
                "3.30",
                "3.50",
            ),
        )
    )
    return scripts


def _create_draft(spec: dict, people: dict[str, User]) -> Promotion:
    regions = {r.code: r for r in Region.objects.filter(code__in=spec["regions"])}
    products = {p.sku: p for p in Product.objects.filter(sku__in=spec["products"])}
    author = people[spec["user"]]
    return promotion_create(
        user=author,
        title=spec["title"],
        type=spec["type"],
        starts_on=spec["starts_on"],
        ends_on=spec["ends_on"],
        mechanics=spec["mechanics"],
        expected_effect=spec["expected_effect"],
        products=[products[sku] for sku in spec["products"]],
        regions=[regions[code] for code in spec["regions"]],
        price_floor=spec["price_floor"],
        price_ceiling=spec["price_ceiling"],
        budget=spec["budget"],
        owner=author,
        responsible=[author],
    )


def _calendar_days(promotion: Promotion, today: datetime.date) -> set[datetime.date]:
    """The days the daily calendar job moves ``promotion`` (if it is agreed by then), up to today."""
    return {day for day in (promotion.starts_on, promotion.ends_on + datetime.timedelta(days=1)) if day <= today}


def _follow_calendar(promotion: Promotion, when: datetime.datetime):
    return promotions_follow_calendar(today=timezone.localtime(when).date(), now=when)


def _mark_history_read(*, after: int, now: datetime.datetime) -> None:
    """The demo's notifications about steps long decided and rounds resubmitted were read back then; only what
    still waits for someone stays unread."""
    created = Notification.objects.filter(pk__gt=after, read_at__isnull=True)
    open_steps = {
        f"approval_step:{pk}" for pk in ApprovalStep.objects.filter(status=StepStatus.OPEN).values_list("pk", flat=True)
    }
    returned = {
        f"promotion_returned:{pk}:{round}"
        for pk, round in Promotion.objects.filter(status=PromotionStatus.RETURNED).values_list(
            "pk", "approval_flow__round"
        )
    }
    done = [
        n.pk
        for n in created.filter(kind__in=["approval_step", "promotion_returned"]).only("pk", "key")
        if n.key not in open_steps and n.key not in returned
    ]
    Notification.objects.filter(pk__in=done).update(read_at=now)


@transaction.atomic
def seed_approvals_demo(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Draft the demo's promotions that are missing and run every untouched one through the workflow, in the order
    things happened. Returns how many promotions were drafted, flows started, costs booked, ratings given and
    delegations made."""
    clock = _Clock(now=now or timezone.now())
    people = {u.username: u for u in User.objects.filter(username__in=USERNAMES).prefetch_related("groups")}
    if len(people) < len(USERNAMES):
        return {"promotions": 0, "approval flows": 0, "cost bookings": 0, "executability ratings": 0, "delegations": 0}
    scripts = _scripts(clock, people)
    promotions = {p.title: p for p in Promotion.objects.filter(title__in=[s.title for s in scripts])}
    touched = set(
        ApprovalEvent.objects.filter(promotion__in=promotions.values()).values_list("promotion_id", flat=True)
    )
    counts = {"promotions": 0, "approval flows": 0, "cost bookings": 0, "executability ratings": 0, "delegations": 0}
    costs_before = PromotionCost.objects.count()
    ratings_before = ExecutabilityRating.objects.count()
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    delegations_before = Delegation.objects.count()

    timeline: list[tuple[datetime.datetime, int, int | None, Callable]] = []
    calendar_days: set[datetime.date] = set()
    for order, script in enumerate(scripts):
        promotion = promotions.get(script.title)
        if promotion is None:
            if script.draft is None:
                continue  # the campaigns demo did not draft it (deleted since): nothing to run
            promotion = promotions[script.title] = _create_draft(script.draft, people)
            counts["promotions"] += 1
        elif promotion.status != PromotionStatus.DRAFT or promotion.pk in touched:
            continue  # already on its way (an earlier run, or someone clicked through the demo)
        for act in script.acts:
            if act.when >= clock.now:
                raise ValueError(f"demo act of {script.title!r} lies in the future ({act.when.isoformat()})")
            timeline.append((act.when, order, promotion.pk, act.run))
        if script.acts:
            counts["approval flows"] += 1
            calendar_days |= _calendar_days(promotion, clock.today)
    for day in calendar_days:
        timeline.append((clock.at(day, "00:05"), -1, None, _follow_calendar))

    # In the order it happened: a calendar run only moves what was agreed by then, as the real job would.
    for when, _order, pk, run in sorted(timeline, key=lambda row: (row[0], row[1])):
        run(Promotion.objects.get(pk=pk) if pk else None, when)
    _mark_history_read(after=last_notification, now=clock.now)
    counts["cost bookings"] = PromotionCost.objects.count() - costs_before
    counts["executability ratings"] = ExecutabilityRating.objects.count() - ratings_before
    counts["delegations"] = Delegation.objects.count() - delegations_before
    return counts
