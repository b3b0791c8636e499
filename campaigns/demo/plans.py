"""Demo plans: a published annual plan and a published monthly plan for East, and one draft.

Created through the services (so versions, snapshots and notifications are real). Idempotent by title.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User

from ..models import MarketingPlan, PlanKind
from ..services.plans import plan_create, plan_publish, plan_submit, plan_update

ANNUAL_SECTIONS = {
    "sales_promotion": {
        "goals": "饮料品类全年销量同比增长 15%，重点 SKU 清源绿茶 500ml 铺货率达到 90%。",
        "rationale": "去年华东区绿茶份额被竞品蚕食 3 个点，主要原因是终端铺货不足和促销节奏落后。",
        "body": (
            "# 节奏\n- 一季度：春节礼盒 + 买赠\n- 二、三季度：夏季冰柜陈列 + 特价\n- 四季度：年终堆头\n\n"
            "**终端限价**：绿茶 500ml 不低于 3.2 元。"
        ),
    },
    "activity_schedule": {
        "goals": "每季度至少一次大型路演，每月重点卖场试饮不少于 8 场。",
        "rationale": "试饮转化率是我们所有活动中最高的（去年 23%），而且能直接收集消费者反馈。",
        "body": "- 4 月：上海、杭州春季路演\n- 7 月：夏日冰爽季试饮\n- 10 月：国庆卖场联合活动",
    },
    "advertising_pop": {
        "goals": "重点门店 POP 覆盖率 95%，礼品发放全部登记到店。",
        "rationale": "POP 是终端唯一能持续传递卖点的物料；礼品去年出现串货，需要登记追踪。",
        "body": (
            "- 海报、价格牌随新品同步下发\n- **DM 单**：每月一期，各城市按门店数分配\n"
            "- 赠品（环保袋）每店每月上限 50 个"
        ),
    },
    "sales_targets": {
        "goals": "华东全年销售额 1,200 万元，其中上海 700 万、杭州 500 万。",
        "rationale": "目标按去年实际 + 品类增长 + 新开网点测算，分解到季度和月份，已与区域经理沟通。",
        "body": "详细目标见销售目标表（年度 → 季度 → 月，区域 → 业务员，按品类）。",
    },
    "brand_share": {
        "goals": "绿茶品类市场占有率从 18% 提升到 21%。",
        "rationale": "品牌认知度调研显示我们在 25-35 岁人群中认知度最低，这是增长空间。",
        "body": "- 社交媒体内容合作\n- 校园渠道试点\n- 包装焕新（三季度）",
    },
}

MONTHLY_SECTIONS = {
    "sales_promotion": {
        "goals": "本月绿茶 500ml 特价活动覆盖 60 家重点门店。",
        "rationale": "竞品本月在上海卖场有降价动作，需要稳住货架和价格。",
        "body": "特价 **3.5 元**，不得低于终端限价 3.2 元。",
    },
    "activity_schedule": {
        "goals": "完成 8 场试饮。",
        "rationale": "配合特价，拉动首次购买。",
        "body": "- 第 2 周：上海 4 场\n- 第 3 周：杭州 4 场",
    },
    "advertising_pop": {
        "goals": "60 家门店全部张贴特价海报。",
        "rationale": "没有 POP 的特价，消费者看不到。",
        "body": "物料随货配送，业务员拍照反馈。",
    },
    "sales_targets": {
        "goals": "本月华东销售额 100 万元。",
        "rationale": "年度目标的月度分解。",
        "body": "见目标表。",
    },
    "brand_share": {
        "goals": "试饮门店绿茶份额提升 2 个点。",
        "rationale": "检验试饮对份额的真实拉动。",
        "body": "活动前后各做一次货架份额统计。",
    },
}


@transaction.atomic
def seed_plans() -> tuple[dict[str, MarketingPlan], int]:
    """Create the three demo plans if missing; return them by key (annual, monthly, draft) and how many were new."""
    today = timezone.localdate()
    author = User.objects.get(username="mkt.li")
    manager = User.objects.get(username="mkt.wang")
    east = Region.objects.get(code="EAST")
    specs = {
        "annual": (f"{today.year} 年华东市场计划", PlanKind.ANNUAL, None, ANNUAL_SECTIONS, True),
        "monthly": (
            f"{today.year} 年 {today.month} 月华东促销计划",
            PlanKind.MONTHLY,
            today.month,
            MONTHLY_SECTIONS,
            True,
        ),
        "draft": (f"{today.year} 年华东新品上市计划（草稿）", PlanKind.QUARTERLY, None, {}, False),
    }
    plans = {}
    created = 0
    for key, (title, kind, month, sections, publish) in specs.items():
        plan = MarketingPlan.objects.filter(title=title).first()
        if plan is None:
            plan = plan_create(
                user=author,
                title=title,
                kind=kind,
                year=today.year,
                quarter=(today.month - 1) // 3 + 1 if kind == PlanKind.QUARTERLY else None,
                month=month,
                region=east,
                summary="把市场部的计划和理由完整交给销售：目标、原因、节奏。" if publish else "",
            )
            plan_update(user=author, plan=plan, sections=sections)
            if publish:
                plan_submit(user=author, plan=plan)
                plan_publish(user=manager, plan=plan)
            created += 1
        plans[key] = plan
    return plans, created
