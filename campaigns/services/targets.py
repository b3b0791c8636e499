"""Writes for sales targets: one cell, a grid of cells, a delete, and the CSV/XLSX import. One transaction each.

A cell is identified by (year, quarter, month, region, rep, category, product) — the ``target_cell_unique``
constraint. Writes upsert against it race-safely: the row is locked if it exists, created in a savepoint if not, and
a concurrent insert of the same cell turns into an update instead of an error.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from coordination.tabular import RowError, cell_int, cell_money, cell_text, read_sheet

from ..models import MarketingPlan, Product, ProductCategory, SalesTarget
from ..permissions import can_edit_target_cell, can_edit_targets
from ..selectors.targets import TargetDifference, target_decomposition_check

MAX_UNITS = 2_147_483_647  # PositiveIntegerField on every database
MAX_REVENUE = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
MAX_REPORTED_ERRORS = 200
IMPORT_COLUMNS = ("year", "quarter", "month", "region", "rep", "category", "product", "units", "revenue")
REQUIRED_COLUMNS = ("year", "region", "units", "revenue")


def _cell_errors(
    *,
    year,
    quarter,
    month,
    region: Region | None,
    rep: User | None,
    category: ProductCategory | None,
    product: Product | None,
    units,
    revenue,
    plan: MarketingPlan | None,
) -> dict[str, list[str]]:
    """The rules of one cell, as messages per field (empty: valid). Permission is the caller's business."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        add("year", _("Enter a year between 2000 and 2100."))
    if not isinstance(quarter, int) or not 0 <= quarter <= 4:
        add("quarter", _("Enter a quarter from 1 to 4, or 0 for the whole year."))
    if not isinstance(month, int) or not 0 <= month <= 12:
        add("month", _("Enter a month from 1 to 12, or 0 for a whole quarter or year."))
    elif month and isinstance(quarter, int) and quarter != (month + 2) // 3:
        add(
            "quarter",
            _("Month %(month)s is in quarter %(quarter)s.") % {"month": month, "quarter": (month + 2) // 3},
        )
    if region is None:
        add("region", _("Choose a region."))
    if rep is not None:
        if region is not None and rep.region_id != region.pk:
            add("rep", _("%(rep)s does not work in this region.") % {"rep": rep.username})
        elif not rep.is_active:
            add("rep", _("%(rep)s is no longer active.") % {"rep": rep.username})
    if category is not None and product is not None:
        add("product", _("A target is for a category or a product, not both."))
    if units is not None and (not isinstance(units, int) or not 0 <= units <= MAX_UNITS):
        add("units", _("Enter a whole number of units, 0 or more."))
    if revenue is not None:
        if not isinstance(revenue, Decimal) or not revenue.is_finite() or revenue < 0:
            add("revenue", _("Enter a revenue of 0 or more."))
        elif revenue > MAX_REVENUE or revenue != revenue.quantize(Decimal("0.01")):
            add("revenue", _("Enter a revenue below one trillion with at most two decimal places."))
    if plan is not None and isinstance(year, int):
        if plan.year != year:
            add("plan", _("The plan is for %(year)s.") % {"year": plan.year})
        elif region is not None and not region.path.startswith(plan.region.path):
            add("plan", _("The region is outside the plan's region scope."))
    return errors


def _cell_lookup(*, year, quarter, month, region, rep, category, product) -> dict:
    return {
        "year": year,
        "quarter": quarter,
        "month": month,
        "region": region,
        "rep": rep,
        "category": category,
        "product": product,
    }


def _upsert(*, user: User, lookup: dict, units, revenue, plan) -> tuple[SalesTarget, str]:
    """Create or update one cell; returns the target and "created", "updated" or "unchanged".

    ``units`` / ``revenue`` of ``None`` keep the stored figure (0 for a new cell); ``plan`` of ``None`` keeps the
    stored plan. Must run inside a transaction.
    """
    target = SalesTarget.objects.select_for_update().filter(**lookup).first()
    if target is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent insert of the same cell must not end our transaction
                target = SalesTarget.objects.create(
                    **lookup,
                    units=units or 0,
                    revenue=revenue if revenue is not None else Decimal("0.00"),
                    plan=plan,
                    updated_by=user,
                )
            return target, "created"
        except IntegrityError:
            target = SalesTarget.objects.select_for_update().get(**lookup)
    changed = []
    if units is not None and target.units != units:
        target.units = units
        changed.append("units")
    if revenue is not None and target.revenue != revenue:
        target.revenue = revenue
        changed.append("revenue")
    if plan is not None and target.plan_id != plan.pk:
        target.plan = plan
        changed.append("plan")
    if not changed:
        return target, "unchanged"
    target.updated_by = user
    target.save(update_fields=[*changed, "updated_by", "updated_at"])
    return target, "updated"


@transaction.atomic
def target_set(
    *,
    user: User,
    year: int,
    quarter: int = 0,
    month: int = 0,
    region: Region,
    rep: User | None = None,
    category: ProductCategory | None = None,
    product: Product | None = None,
    units: int | None,
    revenue: Decimal | None,
    plan: MarketingPlan | None = None,
) -> SalesTarget:
    """Set the figures of one cell, creating it if needed. ``None`` for units or revenue keeps the stored figure.

    Raises ``ValidationError`` (messages per field) for an invalid cell and ``PermissionDenied`` when ``user`` may
    not edit it (``campaigns.permissions.can_edit_target_cell``).
    """
    errors = _cell_errors(
        year=year,
        quarter=quarter,
        month=month,
        region=region,
        rep=rep,
        category=category,
        product=product,
        units=units,
        revenue=revenue,
        plan=plan,
    )
    if errors:
        raise ValidationError(errors)
    if not can_edit_target_cell(user, region=region, rep=rep):
        raise PermissionDenied(_("You may not edit this target."))
    lookup = _cell_lookup(
        year=year, quarter=quarter, month=month, region=region, rep=rep, category=category, product=product
    )
    target, _outcome = _upsert(user=user, lookup=lookup, units=units, revenue=revenue, plan=plan)
    return target


@transaction.atomic
def target_delete(*, user: User, target: SalesTarget) -> None:
    if not can_edit_target_cell(user, region=target.region, rep=target.rep):
        raise PermissionDenied(_("You may not edit this target."))
    target.delete()


@dataclass
class GridCellInput:
    """One changed cell of the grid page: ``key`` names the input so errors can be shown next to it."""

    key: str
    quarter: int
    month: int
    region: Region
    rep: User | None
    units: int | None = None
    revenue: Decimal | None = None


@dataclass
class SaveSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    check: list[TargetDifference] = field(default_factory=list)


@transaction.atomic
def target_grid_save(
    *,
    user: User,
    year: int,
    cells: Iterable[GridCellInput],
    category: ProductCategory | None = None,
    product: Product | None = None,
    plan: MarketingPlan | None = None,
) -> SaveSummary:
    """Save many cells of one product scope at once: all or nothing.

    Raises ``ValidationError`` keyed by each failing cell's ``key`` (a cell the user may not edit is an error of
    that cell, not a 403: the page shows which one); nothing is written then.
    """
    summary = SaveSummary()
    errors: dict[str, list[str]] = {}
    for cell in cells:
        cell_errors = _cell_errors(
            year=year,
            quarter=cell.quarter,
            month=cell.month,
            region=cell.region,
            rep=cell.rep,
            category=category,
            product=product,
            units=cell.units,
            revenue=cell.revenue,
            plan=plan,
        )
        if not cell_errors and not can_edit_target_cell(user, region=cell.region, rep=cell.rep):
            cell_errors = {"__all__": [_("You may not edit this target.")]}
        if cell_errors:
            errors[cell.key] = [message for messages in cell_errors.values() for message in messages]
            continue
        if errors:
            continue  # already failing: validate the rest, write nothing
        lookup = _cell_lookup(
            year=year,
            quarter=cell.quarter,
            month=cell.month,
            region=cell.region,
            rep=cell.rep,
            category=category,
            product=product,
        )
        _target, outcome = _upsert(user=user, lookup=lookup, units=cell.units, revenue=cell.revenue, plan=plan)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    if errors:
        raise ValidationError(errors)
    return summary


# --- import ------------------------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    check: list[TargetDifference]


def _common_region(regions: Iterable[Region]) -> Region:
    paths = [region.path.split("/")[:-1] for region in regions]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Region.objects.get(path="/".join(common) + "/")


@transaction.atomic
def target_import(*, user: User, file, plan: MarketingPlan | None = None) -> ImportSummary:
    """Import target cells from a CSV (UTF-8 with or without BOM, or GBK) or XLSX file: all rows or none.

    Columns (header row, any order): year, quarter, month, region (code), rep (username), category (code),
    product (SKU), units, revenue. Empty quarter/month mean 0; a month with an empty quarter gets its quarter.
    Errors name the row as a spreadsheet does (the header is row 1): "Row 7, region: unknown region 'XX'".
    Returns how many cells were created / updated / unchanged and the decomposition check of what was imported.
    """
    if not can_edit_targets(user):
        raise PermissionDenied(_("You may not edit targets."))
    sheet = read_sheet(file, columns=IMPORT_COLUMNS, required=REQUIRED_COLUMNS)
    body, value = sheet.rows, sheet.value

    # Every code the file names, looked up at once.
    regions = {
        r.code: r for r in Region.objects.filter(code__in={cell_text(value(r, "region")).upper() for _n, r in body})
    }
    reps = {
        u.username: u
        for u in User.objects.select_related("region").filter(
            username__in={cell_text(value(r, "rep")) for _n, r in body} - {""}
        )
    }
    categories = {
        c.code: c
        for c in ProductCategory.objects.filter(
            code__in={cell_text(value(r, "category")).upper() for _n, r in body} - {""}
        )
    }
    products = {
        p.sku: p
        for p in Product.objects.filter(sku__in={cell_text(value(r, "product")).upper() for _n, r in body} - {""})
    }

    messages: list[str] = []
    parsed: dict[tuple, dict] = {}
    seen: dict[tuple, int] = {}

    def fail(number: int, column: str, message: str) -> None:
        messages.append(
            _("Row %(row)s, %(column)s: %(message)s") % {"row": number, "column": column, "message": message}
        )

    for number, row in body:
        cell: dict = {}
        row_failed = False
        for column, read in (
            ("year", lambda v: cell_int(v, required=True)),
            ("month", lambda v: cell_int(v, required=False)),
        ):
            try:
                cell[column] = read(value(row, column))
            except RowError as error:
                fail(number, column, str(error))
                row_failed = True
        try:
            default_quarter = (cell["month"] + 2) // 3 if cell.get("month") in range(1, 13) else 0
            cell["quarter"] = cell_int(value(row, "quarter"), required=False, default=default_quarter)
        except RowError as error:
            fail(number, "quarter", str(error))
            row_failed = True
        for column, read in (("units", lambda v: cell_int(v, required=True)), ("revenue", cell_money)):
            try:
                cell[column] = read(value(row, column))
            except RowError as error:
                fail(number, column, str(error))
                row_failed = True
        references = (
            ("region", regions, cell_text(value(row, "region")).upper(), _("unknown region '%(value)s'")),
            ("rep", reps, cell_text(value(row, "rep")), _("unknown user '%(value)s'")),
            ("category", categories, cell_text(value(row, "category")).upper(), _("unknown category '%(value)s'")),
            ("product", products, cell_text(value(row, "product")).upper(), _("unknown product '%(value)s'")),
        )
        for column, known, code, unknown in references:
            if not code:
                cell[column] = None
                if column == "region":
                    fail(number, column, _("required"))
                    row_failed = True
            elif code not in known:
                fail(number, column, unknown % {"value": code})
                row_failed = True
            else:
                cell[column] = known[code]
        if row_failed:
            continue
        errors = _cell_errors(**cell, plan=plan)
        for column, column_messages in errors.items():
            for message in column_messages:
                fail(number, column, message)
        if errors:
            continue
        if not can_edit_target_cell(user, region=cell["region"], rep=cell["rep"]):
            fail(number, "region", _("you may not edit targets of %(region)s") % {"region": cell["region"].code})
            continue
        key = (
            cell["year"],
            cell["quarter"],
            cell["month"],
            cell["region"].pk,
            cell["rep"].pk if cell["rep"] else None,
            cell["category"].pk if cell["category"] else None,
            cell["product"].pk if cell["product"] else None,
        )
        if key in seen:
            messages.append(_("Row %(row)s: the same target as row %(first)s.") % {"row": number, "first": seen[key]})
            continue
        seen[key] = number
        parsed[key] = cell

    if messages:
        shown = messages[:MAX_REPORTED_ERRORS]
        if len(messages) > MAX_REPORTED_ERRORS:
            shown.append(_("… and %(count)s more errors.") % {"count": len(messages) - MAX_REPORTED_ERRORS})
        raise ValidationError({"rows": shown})

    # Write: lock the stored cells the file touches, update those that changed, create the rest in bulk.
    years = {key[0] for key in parsed}
    region_ids = {key[3] for key in parsed}
    stored = {
        (t.year, t.quarter, t.month, t.region_id, t.rep_id, t.category_id, t.product_id): t
        for t in SalesTarget.objects.select_for_update().filter(year__in=years, region_id__in=region_ids)
    }
    new, changed, unchanged = [], [], 0
    now = timezone.now()  # bulk_update does not fill auto_now fields
    for key, cell in parsed.items():
        target = stored.get(key)
        if target is None:
            new.append(
                SalesTarget(
                    **_cell_lookup(
                        **{k: cell[k] for k in ("year", "quarter", "month", "region", "rep", "category", "product")}
                    ),
                    units=cell["units"],
                    revenue=cell["revenue"],
                    plan=plan,
                    updated_by=user,
                )
            )
        elif target.units != cell["units"] or target.revenue != cell["revenue"] or (plan and target.plan_id != plan.pk):
            target.units, target.revenue, target.updated_by, target.updated_at = (
                cell["units"],
                cell["revenue"],
                user,
                now,
            )
            if plan is not None:
                target.plan = plan
            changed.append(target)
        else:
            unchanged += 1
    try:
        with transaction.atomic():
            SalesTarget.objects.bulk_create(new, batch_size=500)
    except IntegrityError as error:  # someone saved one of these cells since we looked: nothing is kept
        raise ValidationError(
            {"file": _("Some of these targets were changed by someone else meanwhile. Import the file again.")}
        ) from error
    SalesTarget.objects.bulk_update(changed, ["units", "revenue", "plan", "updated_by", "updated_at"], batch_size=500)

    top = _common_region(cell["region"] for cell in parsed.values())
    check = [
        difference
        for year in sorted(years)
        for difference in target_decomposition_check(user=user, year=year, region=top)
    ]
    return ImportSummary(created=len(new), updated=len(changed), unchanged=unchanged, check=check)
