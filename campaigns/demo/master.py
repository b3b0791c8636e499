"""Demo master data: three categories, our brand and four competitors, fifteen of our products.

Idempotent by natural keys (category code, brand name, SKU): a second run creates nothing and changes nothing.
Other demo seeders look categories up by their codes (BEV, SNACK, CARE).
"""

from decimal import Decimal

from django.db import transaction

from ..models import Brand, Product, ProductCategory

OWN_BRAND = ("清源", "Qingyuan")

# (code, Chinese name, English name)
CATEGORIES = [
    ("BEV", "饮料", "Beverages"),
    ("SNACK", "休闲食品", "Snacks"),
    ("CARE", "个人护理", "Personal care"),
]

# (Chinese name, English name, kind)
BRANDS = [
    (*OWN_BRAND, Brand.Kind.OWN),
    ("康师傅", "Master Kong", Brand.Kind.COMPETITOR),
    ("统一", "Uni-President", Brand.Kind.COMPETITOR),
    ("农夫山泉", "Nongfu Spring", Brand.Kind.COMPETITOR),
    ("洽洽", "ChaCheer", Brand.Kind.COMPETITOR),
]

# (SKU, Chinese name, English name, category code, unit, list price)
PRODUCTS = [
    ("QY-BEV-001", "清源绿茶 500ml", "Qingyuan green tea 500 ml", "BEV", Product.Unit.BOTTLE, "3.50"),
    ("QY-BEV-002", "清源冰红茶 500ml", "Qingyuan iced black tea 500 ml", "BEV", Product.Unit.BOTTLE, "3.50"),
    ("QY-BEV-003", "清源矿泉水 550ml", "Qingyuan mineral water 550 ml", "BEV", Product.Unit.BOTTLE, "2.00"),
    ("QY-BEV-004", "清源橙汁 1L", "Qingyuan orange juice 1 L", "BEV", Product.Unit.BOTTLE, "9.90"),
    ("QY-BEV-005", "清源气泡水 330ml", "Qingyuan sparkling water 330 ml", "BEV", Product.Unit.CAN, "4.50"),
    ("QY-BEV-006", "清源绿茶 500ml×15 箱装", "Qingyuan green tea, case of 15", "BEV", Product.Unit.CASE, "48.00"),
    ("QY-SNK-001", "清源原味薯片 70g", "Qingyuan original potato chips 70 g", "SNACK", Product.Unit.BAG, "6.50"),
    ("QY-SNK-002", "清源番茄味薯片 70g", "Qingyuan tomato potato chips 70 g", "SNACK", Product.Unit.BAG, "6.50"),
    ("QY-SNK-003", "清源五香瓜子 200g", "Qingyuan spiced sunflower seeds 200 g", "SNACK", Product.Unit.BAG, "8.80"),
    ("QY-SNK-004", "清源每日坚果 25g×7", "Qingyuan daily nuts 25 g × 7", "SNACK", Product.Unit.BOX, "39.90"),
    ("QY-SNK-005", "清源苏打饼干 400g", "Qingyuan soda crackers 400 g", "SNACK", Product.Unit.BOX, "12.80"),
    ("QY-CARE-001", "清源薄荷牙膏 120g", "Qingyuan mint toothpaste 120 g", "CARE", Product.Unit.PIECE, "12.90"),
    ("QY-CARE-002", "清源洗发水 400ml", "Qingyuan shampoo 400 ml", "CARE", Product.Unit.BOTTLE, "32.00"),
    ("QY-CARE-003", "清源沐浴露 500ml", "Qingyuan shower gel 500 ml", "CARE", Product.Unit.BOTTLE, "29.90"),
    ("QY-CARE-004", "清源洗手液 300ml", "Qingyuan hand wash 300 ml", "CARE", Product.Unit.BOTTLE, "15.90"),
]


@transaction.atomic
def seed_master_data() -> dict[str, int]:
    """Create what is missing of the demo categories, brands and products; return how many of each were created."""
    created = {"product categories": 0, "brands": 0, "products": 0}
    categories = {c.code: c for c in ProductCategory.objects.filter(code__in=[row[0] for row in CATEGORIES])}
    for code, name, name_en in CATEGORIES:
        if code not in categories:
            categories[code] = ProductCategory.objects.create(code=code, name=name, name_en=name_en)
            created["product categories"] += 1

    brands = {b.name: b for b in Brand.objects.filter(name__in=[row[0] for row in BRANDS])}
    for name, name_en, kind in BRANDS:
        if name not in brands:
            brands[name] = Brand.objects.create(name=name, name_en=name_en, kind=kind)
            created["brands"] += 1

    existing = set(Product.objects.filter(sku__in=[row[0] for row in PRODUCTS]).values_list("sku", flat=True))
    for sku, name, name_en, category, unit, price in PRODUCTS:
        if sku not in existing:
            Product.objects.create(
                sku=sku,
                name=name,
                name_en=name_en,
                category=categories[category],
                brand=brands[OWN_BRAND[0]],
                unit=unit,
                list_price=Decimal(price),
            )
            created["products"] += 1
    return created
