"""Demo promotions: four in East around today, all drafted here — a summer marketing proposal for East, a gift in
Hangzhou and a special price in Shanghai (whose floor the field's demo reports breach once) by the marketing
manager, and a display request by a Shanghai rep. Idempotent by title.

Only drafts are written here: statuses move through the approval workflow, never directly. The approvals demo
(``approvals.demo``) submits and decides them with times in the past — the two running ones were agreed weeks ago —
and it runs before the feedback demo, which files the field's feedback on the agreed ones.

Needs the demo accounts (``accounts.demo.seed_accounts_demo``) and master data (``campaigns.demo.master``).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User

from ..models import Product, Promotion, PromotionType
from ..services.promotions import promotion_create


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def seed_promotions() -> int:
    """Create the demo promotions that are missing, as drafts; return how many were created."""
    today = timezone.localdate()
    monday = _monday(today)
    users = {u.username: u for u in User.objects.filter(username__in=["mkt.li", "mkt.wang", "rep.zhang", "mgr.east"])}
    regions = {r.code: r for r in Region.objects.filter(code__in=["EAST", "SH", "HZ"])}
    products = {p.sku: p for p in Product.objects.filter(sku__startswith="QY-")}
    existing = set(Promotion.objects.values_list("title", flat=True))
    created = 0

    specs = [
        {
            "user": "mkt.li",
            "title": "华东夏季饮料特价 · 绿茶第二瓶半价",
            "type": PromotionType.SPECIAL_PRICE,
            "starts_on": monday + datetime.timedelta(weeks=2),
            "ends_on": monday + datetime.timedelta(weeks=6, days=-1),
            "mechanics": "清源绿茶、冰红茶 500ml 第二瓶半价；门店端架陈列，每店至少 2 个排面。",
            "expected_effect": "活动门店绿茶销量较前四周平均提升 25%。",
            "expected_uplift_pct": Decimal("25.0"),
            "regions": ["EAST"],
            "products": ["QY-BEV-001", "QY-BEV-002"],
            "price_floor": Decimal("2.60"),
            "price_ceiling": Decimal("3.50"),
            "budget": Decimal("80000.00"),
            "responsible": ["mgr.east"],
        },
        {
            "user": "mkt.wang",
            "title": "杭州薯片买二送一",
            "type": PromotionType.GIFT_WITH_PURCHASE,
            "starts_on": monday - datetime.timedelta(weeks=1),
            "ends_on": monday + datetime.timedelta(weeks=3, days=-1),
            "mechanics": "任选两袋清源薯片 70g 送一袋同款；赠品由经销商随货配送。",
            "expected_effect": "薯片在杭州重点商超的动销提升 30%，铺市率达到 85%。",
            "expected_uplift_pct": Decimal("30.0"),
            "regions": ["HZ"],
            "products": ["QY-SNK-001", "QY-SNK-002"],
            "price_floor": Decimal("6.00"),
            "price_ceiling": Decimal("6.50"),
            "budget": Decimal("45000.00"),
            "responsible": ["mgr.east"],
        },
        {
            "user": "rep.zhang",
            "title": "上海社区店牙膏堆头申请",
            "type": PromotionType.DISPLAY_FEE,
            "starts_on": monday + datetime.timedelta(weeks=1),
            "ends_on": monday + datetime.timedelta(weeks=5, days=-1),
            "mechanics": "在 12 家社区超市做牙膏堆头，每店陈列费 500 元，配合 POP 海报。",
            "expected_effect": "竞品正在社区店降价，堆头稳住我方牙膏份额，目标销量提升 15%。",
            "expected_uplift_pct": Decimal("15.0"),
            "regions": ["SH"],
            "products": ["QY-CARE-001"],
            "price_floor": Decimal("11.90"),
            "price_ceiling": Decimal("12.90"),
            "budget": Decimal("6000.00"),
            "responsible": ["rep.zhang"],
        },
        {
            "user": "mkt.wang",
            "title": "上海清源绿茶月度特价",
            "type": PromotionType.SPECIAL_PRICE,
            "starts_on": monday - datetime.timedelta(weeks=2),
            "ends_on": monday + datetime.timedelta(weeks=3, days=-1),
            "mechanics": "清源绿茶 500ml 特价 2.99 元/瓶（原价 3.50 元）；门店统一更换价签，货架排面不少于 4 个。",
            "expected_effect": "上海重点门店绿茶销量较前四周平均提升 20%；零售价不得低于 2.80 元，以免扰乱价格体系。",
            "expected_uplift_pct": Decimal("20.0"),
            "regions": ["SH"],
            "products": ["QY-BEV-001"],
            "price_floor": Decimal("2.80"),
            "price_ceiling": Decimal("3.20"),
            "budget": Decimal("30000.00"),
            "responsible": ["mgr.east"],
        },
    ]
    for spec in specs:
        if spec["title"] in existing:
            continue
        author = users[spec["user"]]
        promotion_create(
            user=author,
            title=spec["title"],
            type=spec["type"],
            starts_on=spec["starts_on"],
            ends_on=spec["ends_on"],
            mechanics=spec["mechanics"],
            expected_effect=spec["expected_effect"],
            expected_uplift_pct=spec["expected_uplift_pct"],
            products=[products[sku] for sku in spec["products"]],
            regions=[regions[code] for code in spec["regions"]],
            price_floor=spec["price_floor"],
            price_ceiling=spec["price_ceiling"],
            budget=spec["budget"],
            owner=author,
            responsible=[users[name] for name in spec["responsible"]],
        )
        created += 1
    return created
