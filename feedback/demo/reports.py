"""Demo daily reports: four weeks of the demo reps' field facts, so every page has something true-looking to show.

For rep.zhang (Shanghai), rep.liu (Hangzhou) and rep.chen (Beijing): a report on each weekday of the 28 days before
today — with a few days missing, two filed late (the next morning) and one amended (its POS section corrected, with
a reason) — each complete: all nine sections filled or marked "nothing to report". In the last week a competitor
price cut shows up in two Shanghai outlets and three Hangzhou ones, and a Shanghai store sells the promoted green tea
below the promotion's floor: the alert rules catch all of it (``demo_alerts_sweep``). Marketing has already answered
two of rep.zhang's intel items. Today rep.zhang has not filed yet (the demo files it live), rep.liu has a draft and
rep.chen nothing, so the managers' board has someone to chase.

History cannot go through ``report_create`` (its back-filing window closes after a few days), so the rows are
written in bulk with the same shapes the service writes: the report, its lines by position, and the intel-feed rows
of the submitted intel lines (``feedback.services.reports.intel_items_create``). Content is drawn from ``random.Random``
seeded per rep and day, so it is the same on every run. Idempotent: a rep's day that has a report is left alone.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from accounts.models import User
from campaigns.models import PROMOTION_PUBLISHED_STATUSES, Brand, Product, Promotion

from ..models import (
    INTEL_SECTIONS,
    SECTION_MODELS,
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    IntelItem,
    MerchandisingLine,
    Outlet,
    PopDistributionLine,
    PromotionFeedbackLine,
    ReportAmendment,
    ReportLine,
    ReportStatus,
    Section,
    ShelfDisplayLine,
)
from ..selectors.board import working_days
from ..services.alerts import alerts_sweep
from ..services.reports import intel_items_create, promotion_runs_at

HISTORY_DAYS = 28
_NAMESPACE = uuid.UUID("5f0d7c1e-6a43-4c1b-9a57-3c2f8d7e4b10")  # the demo's client_uuids are uuid5 in this space
_CENT = Decimal("0.01")

# The products each rep's outlets carry (SKUs of campaigns.demo.master), the first ones the best sellers.
REP_PRODUCTS = {
    "rep.zhang": ["QY-BEV-001", "QY-BEV-002", "QY-BEV-003", "QY-SNK-001", "QY-CARE-001"],
    "rep.liu": ["QY-SNK-001", "QY-SNK-002", "QY-BEV-001", "QY-BEV-002", "QY-SNK-003"],
    "rep.chen": ["QY-BEV-001", "QY-BEV-004", "QY-BEV-003", "QY-SNK-005", "QY-CARE-002"],
}
REPS = list(REP_PRODUCTS)

# Everyday competitor intel: (brand, activity, their product, our comparable SKU, observed price, description).
# Each (brand, activity) pair appears once and none is far below our price, and a rep cycles through them one a
# day: so everyday intel never reaches the spread rule's 3 outlets in a week, nor the price-gap rule. The big
# price cut (康师傅, price cut) is kept for the planned events below.
ROUTINE_INTEL = [
    ("统一", "gift", "统一冰红茶 500ml", "QY-BEV-002", "3.50", "统一冰红茶买二送一，赠同款 330ml 小瓶"),
    ("农夫山泉", "display", "农夫山泉 550ml", "QY-BEV-003", "2.00", "农夫山泉在收银台旁新增一台冰柜陈列"),
    ("洽洽", "tasting", "洽洽香瓜子 200g", "QY-SNK-003", "8.50", "洽洽周末店内试吃，两名促销员"),
    ("康师傅", "new_product", "康师傅无糖冰红茶 500ml", "QY-BEV-002", "3.80", "康师傅无糖冰红茶上市，端架首发"),
    ("统一", "price_cut", "统一绿茶 500ml", "QY-BEV-001", "3.20", "统一绿茶会员价 3.2 元，限本周"),
    ("农夫山泉", "advertising", "农夫山泉东方树叶", None, None, "门店入口新挂东方树叶大幅海报"),
    ("洽洽", "display", "洽洽每日坚果", "QY-SNK-004", "38.90", "洽洽每日坚果堆头，占据主通道"),
    ("康师傅", "gift", "康师傅绿茶 500ml", "QY-BEV-001", "3.50", "康师傅绿茶买一箱送两瓶"),
    ("统一", "tasting", "统一阿萨姆奶茶", None, None, "统一阿萨姆奶茶店内试饮，反响一般"),
    ("农夫山泉", "price_cut", "农夫山泉 1.5L", None, None, "农夫山泉 1.5L 第二件 8 折"),
]

# Everyday customer feedback: (customer type, category, our SKU or None, what they said). A rep cycles through them
# like through the intel; the two complaints lie five apart, so a week never holds enough for the spike rule.
ROUTINE_FEEDBACK = [
    ("consumer", "complaint", "QY-SNK-001", "顾客反映薯片袋内空气太多，觉得分量少"),
    ("outlet", "suggestion", "QY-BEV-005", "店长建议气泡水出 6 连包，方便家庭购买"),
    ("consumer", "praise", "QY-BEV-004", "顾客说橙汁口感比同价位竞品好"),
    ("distributor", "inquiry", None, "经销商询问下月绿茶是否有返利政策"),
    ("consumer", "suggestion", "QY-SNK-003", "顾客希望瓜子出 100g 小包装"),
    ("outlet", "complaint", "QY-BEV-001", "上周到货的绿茶外箱破损 3 箱，门店要求换货"),
    ("outlet", "inquiry", "QY-SNK-002", "门店询问番茄味薯片断货何时恢复"),
    ("outlet", "praise", "QY-SNK-001", "门店反映薯片动销快，希望加大配货"),
    ("distributor", "suggestion", None, "经销商建议配送改到上午，避开门店高峰"),
    ("consumer", "inquiry", "QY-CARE-001", "顾客询问牙膏是否有家庭装"),
]

POP_MATERIALS = ["poster", "shelf_talker", "dm_flyer", "stand", "banner", "gift"]

# The planned events, on the weekdays of the last week (index 0 = the oldest of the five weekdays before today).
PRICE_CUT = ("康师傅", "price_cut", "康师傅冰红茶 500ml", "QY-BEV-002")
PRICE_CUT_EVENTS = {
    # rep: [(weekday index, outlet code, observed price, description)]
    "rep.zhang": [
        (1, "SH-001", "2.50", "康师傅冰红茶限时特价 2.5 元，原价 3.5 元，堆头陈列"),
        (3, "SH-002", "2.50", "康师傅冰红茶特价 2.5 元，并配合买二送一"),
    ],
    "rep.liu": [
        (2, "HZ-001", "2.60", "康师傅冰红茶降价到 2.6 元，价签为红色特价签"),
        (2, "HZ-002", "2.60", "康师傅冰红茶特价 2.6 元，端架满陈列"),
        (3, "HZ-004", "2.60", "康师傅冰红茶 2.6 元，便利店也跟进降价"),
    ],
}
SH_PROMOTION_TITLE = "上海清源绿茶月度特价"
PROMOTION_BREACH = ("rep.zhang", 2, "SH-003", "2.50", "门店为清库存自行降到 2.5 元，低于活动限价，已要求恢复 2.99 元")
ANSWERED_FEEDBACK = (
    "rep.zhang",
    3,
    "SH-001",
    "consumer",
    "complaint",
    "QY-BEV-001",
    "顾客投诉绿茶价签 2.99 元，收银却按 3.5 元结算",
)
AMENDED = ("rep.zhang", 8)  # weekdays back from today
LATE = {"rep.liu": 11, "rep.chen": 6}  # weekdays back from today: filed the next morning
# rep.liu has not filed the last weekday (still within the back-filing window): East's board has a gap to chase.
MISSING_LAST_WEEKDAY = {"rep.liu"}
AMENDMENT_REASON = "POS 数据录入错误：第一家门店的销量多录了一个 0，已按门店小票更正。"
ANSWERS = {
    Section.COMPETITOR_INTEL: (
        "收到，已上报市场部经理。下周起联华超市增加冰红茶端架陈列并配合买赠，请继续关注康师傅价格走势。"
    ),
    Section.CUSTOMER_FEEDBACK: "已联系联华采购更正收银系统价格，请明天到店复查并拍照反馈。",
}


def _dice(key: str) -> random.Random:
    """Reproducible dice: the same key rolls the same numbers on every run (demo data, not secrets)."""
    return random.Random(key)  # noqa: S311


def _weekdays_before(today: datetime.date, days: int) -> list[datetime.date]:
    """The working days among the ``days`` days before ``today``, oldest first."""
    return working_days(today - datetime.timedelta(days=days), today - datetime.timedelta(days=1))


def _aware(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass
class _Territory:
    rep: User
    outlets: list[Outlet]
    products: list[Product]


@dataclass
class _Day:
    """The events planned for one rep's day (forced into the report whatever the dice say)."""

    price_cuts: list[tuple[str, str, str]] = field(default_factory=list)  # (outlet code, price, description)
    breach: tuple[str, str, str] | None = None  # (outlet code, actual price, issues)
    feedback: tuple | None = None  # an ANSWERED_FEEDBACK row without rep and index
    late: bool = False
    amended: bool = False

    @property
    def outlet_codes(self) -> list[str]:
        codes = [code for code, _price, _text in self.price_cuts]
        if self.breach:
            codes.append(self.breach[0])
        if self.feedback:
            codes.append(self.feedback[0])
        return codes


@dataclass
class _Draft:
    """A report being built: the unsaved report and its lines per section."""

    report: DailyReport
    lines: dict[str, list[ReportLine]] = field(default_factory=dict)
    day: _Day = field(default_factory=_Day)

    def add(self, line: ReportLine) -> None:
        section = self.lines.setdefault(line.section.value, [])
        line.report = self.report
        line.position = len(section)
        section.append(line)


class _Catalogue:
    """What the reports name, fetched once: products by SKU, competitor brands by name, promotions agreed."""

    def __init__(self) -> None:
        self.products = {p.sku: p for p in Product.objects.filter(sku__startswith="QY-", active=True)}
        self.brands = {b.name: b for b in Brand.objects.filter(kind=Brand.Kind.COMPETITOR)}
        self.promotions = list(
            Promotion.objects.filter(status__in=PROMOTION_PUBLISHED_STATUSES).prefetch_related(
                "regions", "target_outlets"
            )
        )

    def running_at(self, outlet: Outlet, day: datetime.date) -> list[Promotion]:
        """Agreed promotions running at ``outlet`` on ``day`` (the rule ``report_create`` checks)."""
        return [
            promotion
            for promotion in self.promotions
            if promotion_runs_at(
                promotion=promotion,
                outlet=outlet,
                day=day,
                target_outlet_ids={t.outlet_id for t in promotion.target_outlets.all()},
                region_paths=[r.path for r in promotion.regions.all()],
            )
        ]


def _territories() -> list[_Territory]:
    reps = (
        User.objects.filter(username__in=REPS, region__isnull=False)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "outlets",
                queryset=Outlet.objects.filter(active=True).select_related("region").order_by("code"),
                to_attr="demo_outlets",
            )
        )
    )
    products = {p.sku: p for p in Product.objects.filter(sku__in={s for skus in REP_PRODUCTS.values() for s in skus})}
    territories = []
    for rep in sorted(reps, key=lambda u: REPS.index(u.username)):
        assortment = [products[sku] for sku in REP_PRODUCTS[rep.username] if sku in products]
        if rep.demo_outlets and assortment:
            territories.append(_Territory(rep=rep, outlets=rep.demo_outlets, products=assortment))
    return territories


def _plan(days: list[datetime.date]) -> dict[str, dict[datetime.date, _Day]]:
    """Which weekdays each rep reports, and the planned events on them; the rest are missing days."""
    last_week = days[-5:]
    plans: dict[str, dict[datetime.date, _Day]] = {}
    for username in REPS:
        planned: dict[datetime.date, _Day] = {}

        def day(index: int) -> _Day:
            return planned.setdefault(last_week[index], _Day())  # noqa: B023 - used within this iteration only

        for index, code, price, text in PRICE_CUT_EVENTS.get(username, []):
            day(index).price_cuts.append((code, price, text))
        if PROMOTION_BREACH[0] == username:
            day(PROMOTION_BREACH[1]).breach = PROMOTION_BREACH[2:]
        if ANSWERED_FEEDBACK[0] == username:
            day(ANSWERED_FEEDBACK[1]).feedback = ANSWERED_FEEDBACK[2:]
        if AMENDED[0] == username:
            planned.setdefault(days[-AMENDED[1]], _Day()).amended = True
        if username in LATE:
            planned.setdefault(days[-LATE[username]], _Day()).late = True
        # Two or three missing days, never a day with a planned event.
        dice = _dice(f"demo-missing:{username}")
        count = dice.choice([2, 3])
        missing = {days[-1]} if username in MISSING_LAST_WEEKDAY and days[-1] not in planned else set()
        free = [d for d in days if d not in planned and d not in missing]
        missing |= set(dice.sample(free, count - len(missing)))
        plans[username] = {d: planned.get(d, _Day()) for d in days if d not in missing}
    return plans


def _build_report(
    territory: _Territory, day: datetime.date, plan: _Day, catalogue: _Catalogue, position_in_history: int
) -> _Draft:
    rep = territory.rep
    dice = _dice(f"demo-report:{rep.username}:{day.isoformat()}")
    if plan.late:
        submitted_at = _aware(day + datetime.timedelta(days=1), 8, dice.randint(5, 55))
    else:
        submitted_at = _aware(day, dice.randint(17, 20), dice.randint(0, 59))
    report = DailyReport(
        rep=rep,
        region=rep.region,
        date=day,
        status=ReportStatus.SUBMITTED,
        client_uuid=uuid.uuid5(_NAMESPACE, f"report:{rep.username}:{day.isoformat()}"),
        submitted_at=submitted_at,
        on_time=timezone.localtime(submitted_at).date() <= day,
    )
    draft = _Draft(report=report, day=plan)
    by_code = {o.code: o for o in territory.outlets}
    forced = [by_code[code] for code in dict.fromkeys(plan.outlet_codes) if code in by_code]
    others = [o for o in territory.outlets if o not in forced]
    visited = forced + dice.sample(others, max(0, min(len(others), dice.randint(2, 4) - len(forced))))
    visited.sort(key=lambda o: o.code)
    products = territory.products

    for outlet in visited:
        for product in dice.sample(products, dice.randint(1, 2)):
            big = outlet.channel == "hypermarket"
            draft.add(
                ShelfDisplayLine(
                    outlet=outlet,
                    product=product,
                    facings=dice.randint(4, 12) if big else dice.randint(2, 6),
                    shelf_position="eye_level" if dice.random() < 0.6 else "other",
                    display_type=dice.choice(["end_cap", "pile"]) if big and dice.random() < 0.5 else "shelf",
                )
            )
    out_of_stock_left = 1 if dice.random() < 0.3 else 0  # at most one per report: a problem, not a crisis
    for outlet in visited:
        for product in dice.sample(products, dice.randint(1, 2)):
            if out_of_stock_left:
                out_of_stock_left = 0
                draft.add(
                    MerchandisingLine(
                        outlet=outlet,
                        product=product,
                        on_hand=0,
                        out_of_stock=True,
                        action_taken="已通知经销商当天补货",
                    )
                )
                continue
            near_expiry = dice.randint(1, 4) if dice.random() < 0.15 else 0
            draft.add(
                MerchandisingLine(
                    outlet=outlet,
                    product=product,
                    on_hand=dice.randint(6, 60),
                    near_expiry=near_expiry,
                    action_taken="临期品已移到货架前排并通知店长" if near_expiry else "",
                )
            )
    if dice.random() < 0.4:
        for outlet in dice.sample(visited, min(len(visited), dice.randint(1, 2))):
            draft.add(
                PopDistributionLine(outlet=outlet, material=dice.choice(POP_MATERIALS), quantity=dice.randint(1, 6))
            )
    draft.add(
        SECTION_MODELS[Section.OUTLET_COVERAGE](
            new_outlets=1 if dice.random() < 0.1 else 0,
            outlets_visited=len(visited),
            active_outlets=len(territory.outlets),
        )
    )
    for outlet in visited:
        for product in products[:2] + dice.sample(products[2:], 1):
            base = _dice(f"demo-pos:{outlet.code}:{product.sku}").randint(15, 60)
            units = max(1, round(base * dice.uniform(0.85, 1.15)))
            draft.add(
                SECTION_MODELS[Section.POS_SALES](
                    outlet=outlet,
                    product=product,
                    units=units,
                    revenue=_money(units * product.list_price * Decimal(str(round(dice.uniform(0.97, 1.0), 3)))),
                )
            )
    _promotion_feedback(draft, visited, catalogue, dice)
    rep_region = rep.region
    units = dice.randint(1800, 2600)
    revenue = _money(units * Decimal("5.20") * Decimal(str(round(dice.uniform(0.95, 1.05), 3))))
    draft.add(
        SECTION_MODELS[Section.REGIONAL_SALES](
            region=rep_region,
            units=units,
            revenue=revenue,
            payments_collected=_money(revenue * Decimal(str(round(dice.uniform(0.7, 0.95), 3)))),
            distributor_stock=dice.randint(3000, 6000),
        )
    )
    _competitor_intel(draft, visited, catalogue, dice, by_code, position_in_history)
    _customer_feedback(draft, visited, catalogue, dice, by_code, position_in_history)
    if plan.amended:
        # Typed with a 0 too many at the first outlet; the amendment (``_amend_pos``) corrects it.
        wrong = draft.lines[Section.POS_SALES.value][0]
        wrong.units *= 10
        wrong.revenue *= 10
    report.nothing_to_report = [key for key in SECTION_MODELS if not draft.lines.get(key)]
    return draft


def _promotion_feedback(draft: _Draft, visited, catalogue: _Catalogue, dice: random.Random) -> None:
    day = draft.report.date
    breach = draft.day.breach
    for outlet in visited:
        for promotion in catalogue.running_at(outlet, day):
            if breach and outlet.code == breach[0] and promotion.title == SH_PROMOTION_TITLE:
                price, issues, executed, response = Decimal(breach[1]), breach[2], "partly", 4
            else:
                if dice.random() < 0.4:
                    continue  # not every visit checks every promotion
                price = promotion.price_ceiling or promotion.price_floor
                if promotion.price_floor and promotion.price_ceiling:
                    price = dice.choice([promotion.price_floor, promotion.price_ceiling])
                    if promotion.title == SH_PROMOTION_TITLE:
                        price = Decimal("2.99")
                executed = "yes" if dice.random() < 0.8 else "partly"
                issues = "" if executed == "yes" else "赠品/价签未全部到位，已提醒门店"
                response = dice.randint(3, 5)
            draft.add(
                PromotionFeedbackLine(
                    promotion=promotion,
                    outlet=outlet,
                    executed=executed,
                    actual_price=price,
                    consumer_response=response,
                    issues=issues,
                )
            )


def _competitor_intel(draft: _Draft, visited, catalogue: _Catalogue, dice: random.Random, by_code, index: int) -> None:
    brand_name, activity, their_product, sku = PRICE_CUT
    for code, price, text in draft.day.price_cuts:
        if code not in by_code:
            continue  # the outlet is no longer the rep's
        draft.add(
            CompetitorIntelLine(
                brand=catalogue.brands[brand_name],
                product_name=their_product,
                product=catalogue.products.get(sku),
                observed_price=Decimal(price),
                activity=activity,
                description=text,
                outlet=by_code[code],
            )
        )
    if draft.day.price_cuts or dice.random() < 0.2:
        return  # most days, not every day
    shift = REPS.index(draft.report.rep.username) * 3
    picks = [index + shift]
    if dice.random() < 0.3:
        picks.append(index + shift + 3)  # a template recurs at most twice in any five weekdays
    for pick in picks:
        brand_name, activity, their_product, sku, price, text = ROUTINE_INTEL[pick % len(ROUTINE_INTEL)]
        if brand_name not in catalogue.brands:
            continue
        draft.add(
            CompetitorIntelLine(
                brand=catalogue.brands[brand_name],
                product_name=their_product,
                product=catalogue.products.get(sku) if sku else None,
                observed_price=Decimal(price) if price else None,
                activity=activity,
                description=text,
                outlet=dice.choice(visited),
            )
        )


def _customer_feedback(draft: _Draft, visited, catalogue: _Catalogue, dice: random.Random, by_code, index: int) -> None:
    if draft.day.feedback and draft.day.feedback[0] in by_code:
        code, customer_type, category, sku, text = draft.day.feedback
        rows = [(by_code[code], customer_type, category, sku, text)]
    elif dice.random() < 0.4:
        pick = index + REPS.index(draft.report.rep.username) * 2
        customer_type, category, sku, text = ROUTINE_FEEDBACK[pick % len(ROUTINE_FEEDBACK)]
        rows = [(dice.choice(visited), customer_type, category, sku, text)]
    else:
        return
    for outlet, customer_type, category, sku, text in rows:
        draft.add(
            CustomerFeedbackLine(
                customer_type=customer_type,
                category=category,
                text=text,
                outlet=outlet,
                product=catalogue.products.get(sku) if sku else None,
            )
        )


def _today_draft(territory: _Territory, today: datetime.date) -> _Draft:
    """rep.liu's report of today, half done: two sections filled, one marked, six to go."""
    rep = territory.rep
    report = DailyReport(
        rep=rep,
        region=rep.region,
        date=today,
        status=ReportStatus.DRAFT,
        client_uuid=uuid.uuid5(_NAMESPACE, f"report:{rep.username}:{today.isoformat()}"),
        nothing_to_report=[Section.POP_DISTRIBUTION.value],
    )
    draft = _Draft(report=report)
    for outlet in territory.outlets[:2]:
        product = territory.products[0]
        draft.add(
            ShelfDisplayLine(
                outlet=outlet, product=product, facings=4, shelf_position="eye_level", display_type="shelf"
            )
        )
        draft.add(MerchandisingLine(outlet=outlet, product=product, on_hand=18))
    return draft


def _amend_pos(draft: _Draft) -> None:
    """The amended report: its first POS line was typed with a 0 too many; the amendment replaces the section."""
    lines = draft.lines[Section.POS_SALES.value]
    wrong = lines[0]
    report = draft.report
    amendment = ReportAmendment.objects.create(
        report=report,
        author=report.rep,
        reason=AMENDMENT_REASON,
        client_uuid=uuid.uuid5(_NAMESPACE, f"amendment:{report.client_uuid}"),
        sections=[Section.POS_SALES.value],
        nothing_to_report=[],
    )
    wrong_model = type(wrong)
    wrong_model.objects.filter(report=report, superseded_by__isnull=True).update(superseded_by=amendment)
    corrected = [
        wrong_model(
            report=report,
            position=line.position,
            amendment=amendment,
            outlet=line.outlet,
            product=line.product,
            units=line.units // 10 if line is wrong else line.units,
            revenue=line.revenue / 10 if line is wrong else line.revenue,
        )
        for line in lines
    ]
    wrong_model.objects.bulk_create(corrected)
    # The rep noticed it the next morning.
    ReportAmendment.objects.filter(pk=amendment.pk).update(
        created_at=report.submitted_at + datetime.timedelta(hours=14)
    )


def _answer(items: list[IntelItem]) -> None:
    """mkt.li has acknowledged and answered rep.zhang's first price cut and his price complaint."""
    people = {u.username: u for u in User.objects.filter(username__in=["mkt.li", ANSWERED_FEEDBACK[0]])}
    marketing, rep = people.get("mkt.li"), people.get(ANSWERED_FEEDBACK[0])
    if marketing is None or rep is None:
        return
    answered = set()
    for item in sorted(items, key=lambda i: i.submitted_at):
        wanted = item.section in ANSWERS and item.rep_id == rep.pk
        if item.section == Section.COMPETITOR_INTEL:
            line = item.competitor_intel
            wanted = wanted and (line.activity, line.product_name) == (PRICE_CUT[1], PRICE_CUT[2])
        elif item.section == Section.CUSTOMER_FEEDBACK:
            wanted = wanted and item.customer_feedback.text == ANSWERED_FEEDBACK[-1]
        if not wanted or item.section in answered:
            continue
        answered.add(item.section)
        at = item.submitted_at + datetime.timedelta(minutes=35)
        item.acknowledged_by = item.answered_by = marketing
        item.acknowledged_at = item.answered_at = at
        item.answer = ANSWERS[item.section]
        item.useful = True
        if item.section == Section.CUSTOMER_FEEDBACK:
            item.follow_up = "in_progress"
    IntelItem.objects.bulk_update(
        [i for i in items if i.answered_by_id],
        ["acknowledged_by", "acknowledged_at", "answer", "answered_by", "answered_at", "useful", "follow_up"],
    )


@transaction.atomic
def seed_reports(*, today: datetime.date | None = None) -> int:
    """Write the demo reps' reports of the last four weeks and today's draft; returns how many reports were created.

    A rep's day that already has a report (from an earlier run, or filed for real) is left alone."""
    today = today or timezone.localdate()
    territories = _territories()
    if not territories:
        return 0
    days = _weekdays_before(today, HISTORY_DAYS)
    plans = _plan(days)
    existing = set(
        DailyReport.objects.filter(rep__in=[t.rep for t in territories], date__range=(days[0], today)).values_list(
            "rep_id", "date"
        )
    )
    catalogue = _Catalogue()
    drafts: list[_Draft] = []
    for territory in territories:
        rep = territory.rep
        for index, day in enumerate(days):
            plan = plans[rep.username].get(day)
            if plan is not None and (rep.pk, day) not in existing:
                drafts.append(_build_report(territory, day, plan, catalogue, index))
        if rep.username == "rep.liu" and (rep.pk, today) not in existing:
            drafts.append(_today_draft(territory, today))
    if not drafts:
        return 0

    DailyReport.objects.bulk_create([d.report for d in drafts])
    for key, model in SECTION_MODELS.items():
        model.objects.bulk_create([line for d in drafts for line in d.lines.get(key, [])])
    submitted = [d for d in drafts if d.report.status == ReportStatus.SUBMITTED]
    # History was filed on its day, not now.
    DailyReport.objects.filter(pk__in=[d.report.pk for d in submitted]).update(
        created_at=F("submitted_at"), updated_at=F("submitted_at")
    )
    items: list[IntelItem] = []
    for d in submitted:
        items += intel_items_create(d.report, {key: d.lines.get(key, []) for key in INTEL_SECTIONS})
    for d in submitted:
        if d.day.amended:
            _amend_pos(d)
    _answer(items)
    return len(drafts)


def demo_alerts_sweep(*, today: datetime.date | None = None) -> int:
    """Run the alert rules over the demo's history, day by day as the nightly sweep would have; returns how many
    alerts were raised now (none on a second run: the same facts never raise twice)."""
    today = today or timezone.localdate()
    return sum(alerts_sweep(date=day) for day in _weekdays_before(today, HISTORY_DAYS))
