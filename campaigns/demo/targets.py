"""Demo sales targets: one region's year decomposed by quarter, month, city and rep, per product category.

Idempotent: cells that already exist are left alone, so a second run creates nothing.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import Region, User
from accounts.roles import Role

from ..models import MarketingPlan, ProductCategory, SalesTarget

# Yearly units for the region and the average revenue per unit (CNY), by category code.
CATEGORY_YEAR_UNITS = {"BEV": 480_000, "SNACK": 240_000, "CARE": 96_000}
CATEGORY_UNIT_PRICE = {"BEV": Decimal("4.80"), "SNACK": Decimal("8.50"), "CARE": Decimal("26.00")}
QUARTER_WEIGHTS = [22, 26, 31, 21]  # summer sells more drinks
MONTH_WEIGHTS = [31, 33, 36]  # within a quarter
CITY_WEIGHTS = {"SH": 60, "HZ": 40}  # other cities share equally
MISMATCH = {"city": "HZ", "category": "BEV", "month": 5, "units": 120, "revenue": Decimal("576.00")}


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split a whole number by weights so the parts add up to it exactly (the remainder goes to the largest parts)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[index] += 1
    return parts


@transaction.atomic
def seed_targets(*, plan: MarketingPlan | None = None, year: int, region_code: str = "EAST") -> int:
    """Create the demo targets of ``region_code`` for ``year``; return how many cells were created.

    For each category found (BEV, SNACK, CARE; missing ones are skipped) and for all products together: the year,
    its 4 quarters and 12 months, for the region, each of its cities and each rep working in a city. Months are
    set at the lowest level (rep, else city) and everything above is their sum, so the decomposition adds up —
    except one deliberate mismatch for the check to show: **Hangzhou's May target for beverages (BEV) and for all
    products is 120 units / 576.00 CNY above the sum its reps were given**, and neither Hangzhou's Q2 nor East's May
    were raised with it (so "Σ months − quarter" for HZ Q2, "Σ regions − parent" for East May and "Σ reps −
    region" for HZ May each show the difference).
    """
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return 0
    categories = list(ProductCategory.objects.filter(code__in=CATEGORY_YEAR_UNITS).order_by("code"))
    if not categories:
        return 0
    cities = list(Region.objects.filter(parent=region).order_by("path"))
    reps_by_city = {city.pk: [] for city in cities}
    for rep in User.objects.filter(region__in=cities, groups__name=Role.SALES_REP, is_active=True).order_by("username"):
        reps_by_city[rep.region_id].append(rep)
    city_weights = [CITY_WEIGHTS.get(city.code, 20) for city in cities]

    # figures[(region id, rep id, category id, quarter, month)] = [units, revenue in fen]
    figures: dict[tuple, list[int]] = {}

    def add(key: tuple, units: int, fen: int) -> None:
        cell = figures.setdefault(key, [0, 0])
        cell[0] += units
        cell[1] += fen

    for category in categories:
        year_units = CATEGORY_YEAR_UNITS[category.code]
        price_fen = int(CATEGORY_UNIT_PRICE[category.code] * 100)
        month_weights = [q * m for q in QUARTER_WEIGHTS for m in MONTH_WEIGHTS]
        for month_index, month_units in enumerate(_allocate(year_units, month_weights)):
            month = month_index + 1
            quarter = (month + 2) // 3
            leaves = []  # (region, rep, units) at the lowest level
            for city, city_units in zip(cities, _allocate(month_units, city_weights), strict=True):
                reps = reps_by_city[city.pk]
                if reps:
                    leaves += [
                        (city, rep, units)
                        for rep, units in zip(reps, _allocate(city_units, [1] * len(reps)), strict=True)
                    ]
                else:
                    leaves.append((city, None, city_units))
            if not cities:
                leaves.append((region, None, month_units))
            for leaf_region, rep, units in leaves:
                fen = units * price_fen
                for scope in (category.pk, None):  # the category, and all products together
                    owners = [(leaf_region.pk, rep.pk if rep else None)]
                    if rep is not None:
                        owners.append((leaf_region.pk, None))
                    if leaf_region.pk != region.pk:
                        owners.append((region.pk, None))
                    for owner in owners:
                        for period in ((quarter, month), (quarter, 0), (0, 0)):
                            add((*owner, scope, *period), units, fen)

    mismatch_city = next((city for city in cities if city.code == MISMATCH["city"]), None)
    bev = next((category for category in categories if category.code == MISMATCH["category"]), None)
    if mismatch_city and bev and reps_by_city[mismatch_city.pk]:
        month = MISMATCH["month"]
        for scope in (bev.pk, None):
            cell = figures[(mismatch_city.pk, None, scope, (month + 2) // 3, month)]
            cell[0] += MISMATCH["units"]
            cell[1] += int(MISMATCH["revenue"] * 100)

    existing = set(
        SalesTarget.objects.filter(year=year, region__path__startswith=region.path, product__isnull=True).values_list(
            "region_id", "rep_id", "category_id", "quarter", "month"
        )
    )
    new = [
        SalesTarget(
            plan=plan,
            year=year,
            quarter=quarter,
            month=month,
            region_id=region_id,
            rep_id=rep_id,
            category_id=category_id,
            units=units,
            revenue=Decimal(fen) / 100,
        )
        for (region_id, rep_id, category_id, quarter, month), (units, fen) in figures.items()
        if (region_id, rep_id, category_id, quarter, month) not in existing
    ]
    SalesTarget.objects.bulk_create(new, batch_size=500)
    return len(new)
