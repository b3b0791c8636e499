"""A small field world shared by the feedback tests: people of every role, our products, a competitor, outlets in
Shanghai, Hangzhou and Beijing, and a promotion running in Shanghai — plus a complete, valid report payload."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Brand, PromotionStatus
from tests.campaigns.plan_setup import People, build_people
from tests.factories import BrandFactory, OutletFactory, ProductFactory, PromotionFactory, RegionTree


@dataclass
class Field:
    regions: RegionTree
    people: People
    own_brand: object
    competitor: object
    cola: object  # our product, list price 5.00
    tea: object  # our product, list price 4.00
    outlet_sh: object  # assigned to rep_sh
    outlet_sh2: object  # in Shanghai, not assigned to anyone
    outlet_hz: object
    outlet_bj: object
    promotion_sh: object  # running in Shanghai this month, floor 4.00 ceiling 4.80


def build_field(regions: RegionTree) -> Field:
    people = build_people(regions)
    own = BrandFactory(name="清源", name_en="Qingyuan", kind=Brand.Kind.OWN)
    competitor = BrandFactory(name="康师傅", name_en="Master Kong", kind=Brand.Kind.COMPETITOR)
    cola = ProductFactory(sku="QY-COLA", name="清源可乐", brand=own, list_price=Decimal("5.00"))
    tea = ProductFactory(sku="QY-TEA", name="清源绿茶", brand=own, list_price=Decimal("4.00"))
    today = timezone.localdate()
    promotion = PromotionFactory(
        title="上海可乐特价",
        regions=[regions.sh],
        products=[cola],
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
        price_floor=Decimal("4.00"),
        price_ceiling=Decimal("4.80"),
    )
    promotion.status = PromotionStatus.RUNNING
    promotion.save(update_fields=["status"])
    return Field(
        regions=regions,
        people=people,
        own_brand=own,
        competitor=competitor,
        cola=cola,
        tea=tea,
        outlet_sh=OutletFactory(code="SH-001", name="联华超市", region=regions.sh, reps=[people.rep_sh]),
        outlet_sh2=OutletFactory(code="SH-002", name="全家便利店", region=regions.sh),
        outlet_hz=OutletFactory(code="HZ-001", name="世纪联华", region=regions.hz, reps=[people.rep_hz]),
        outlet_bj=OutletFactory(code="BJ-001", name="物美超市", region=regions.bj, reps=[people.rep_bj]),
        promotion_sh=promotion,
    )


def full_sections(f: Field) -> dict:
    """All nine sections of a valid report by ``f.people.rep_sh`` at ``f.outlet_sh``."""
    o, p = f.outlet_sh.pk, f.cola.pk
    return {
        "shelf_display": [
            {"outlet": o, "product": p, "facings": 6, "shelf_position": "eye_level", "display_type": "end_cap"}
        ],
        "merchandising": [
            {"outlet": o, "product": p, "on_hand": 24, "out_of_stock": False, "near_expiry": 2},
            {"outlet": o, "product": f.tea.pk, "on_hand": 0, "out_of_stock": True, "action_taken": "已通知补货"},
        ],
        "pop_distribution": [{"outlet": o, "material": "poster", "quantity": 2}],
        "outlet_coverage": [{"new_outlets": 1, "outlets_visited": 8, "active_outlets": 25}],
        "pos_sales": [{"outlet": o, "product": p, "units": 40, "revenue": "196.00"}],
        "promotion_feedback": [
            {
                "promotion": f.promotion_sh.pk,
                "outlet": o,
                "executed": "yes",
                "actual_price": "4.50",
                "consumer_response": 4,
                "issues": "堆头位置偏",
            }
        ],
        "regional_sales": [
            {"region": f.regions.sh.pk, "units": 900, "revenue": "4410.00", "payments_collected": "3000.00"}
        ],
        "competitor_intel": [
            {
                "brand": f.competitor.pk,
                "product_name": "冰红茶 500ml",
                "product": p,
                "observed_price": "3.50",
                "activity": "price_cut",
                "description": "全场特价 3.5 元",
                "outlet": o,
            }
        ],
        "customer_feedback": [{"customer_type": "consumer", "category": "complaint", "text": "瓶盖难拧开"}],
    }


def payload(f: Field, *, date=None, submit=True, sections=None, client_uuid=None) -> dict:
    return {
        "date": (date or timezone.localdate()).isoformat(),
        "client_uuid": str(client_uuid or uuid.uuid4()),
        "sections": full_sections(f) if sections is None else sections,
        "submit": submit,
    }
