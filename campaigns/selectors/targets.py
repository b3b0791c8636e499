"""Reads for sales targets: the list, one target for a user, the decomposition check and the grid of a region.

Everything a user reads goes through ``campaigns.permissions.targets_visible_q``; the check and the grid only
compare a parent with its children where the user sees every child (a rep does not see colleagues' figures, so a
"reps vs. region" sum would be wrong for them and is left out).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from accounts.permissions import region_ancestor_paths, sees_whole_company
from accounts.roles import Role

from ..filters import SalesTargetFilter
from ..models import Product, ProductCategory, SalesTarget
from ..permissions import can_edit_target_cell, can_view_target_cell, targets_visible_q

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _base(user: User) -> QuerySet[SalesTarget]:
    return SalesTarget.objects.filter(targets_visible_q(user))


def target_list(*, user: User, filters: dict | None = None) -> QuerySet[SalesTarget]:
    """The targets ``user`` may see, filtered by ``campaigns.filters.SalesTargetFilter``, in period and tree order.

    Related rows come in the same query, so a page of any length costs the same. Invalid filters raise
    ``ValidationError`` (one message per field) instead of being silently ignored.
    """
    queryset = _base(user).select_related("region", "rep", "category", "product", "plan")
    filterset = SalesTargetFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def target_get(*, user: User, target_id: int, lock: bool = False) -> SalesTarget:
    """One target as ``user`` may see it; a target they may not see is "not found". ``lock`` locks the row."""
    queryset = _base(user).select_related("region", "rep", "category", "product", "plan")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=target_id)
    except SalesTarget.DoesNotExist as error:
        raise Http404(_("No such target.")) from error


# --- who sees which cells ----------------------------------------------------------------------------------------


def _org_check_path(user: User) -> str | None:
    """The subtree (a path prefix) in which ``user`` sees every child region and every rep, so that parents there
    can be compared with their children: "" for company-wide readers, their region for a sales manager, ``None``
    (no organisation checks) for everyone else."""
    if user.is_superuser or sees_whole_company(user):
        return ""
    if user.has_role(Role.SALES_MANAGER) and user.region_id:
        return user.region.path
    return None


# --- the decomposition check -------------------------------------------------------------------------------------


class CheckKind:
    QUARTERS = "quarters"  # Q1..Q4 against the year
    MONTHS = "months"  # the three months of a quarter against the quarter
    REGIONS = "regions"  # the child regions against their parent region
    REPS = "reps"  # the reps working in a region against the region


CHECK_KIND_LABELS = {
    CheckKind.QUARTERS: gettext_lazy("Σ quarters − year"),
    CheckKind.MONTHS: gettext_lazy("Σ months − quarter"),
    CheckKind.REGIONS: gettext_lazy("Σ child regions − region"),
    CheckKind.REPS: gettext_lazy("Σ reps − region"),
}


@dataclass
class TargetDifference:
    """One parent cell compared with the sum of one kind of its children. ``difference`` = children − parent;
    a missing parent counts as 0 and is flagged."""

    kind: str
    year: int
    quarter: int
    month: int
    region_id: int
    rep_id: int | None
    category_id: int | None
    product_id: int | None
    parent_units: int | None
    parent_revenue: Decimal | None
    children_units: int
    children_revenue: Decimal
    children_count: int
    region_code: str = ""
    rep_username: str = ""
    region_name: str = ""

    @property
    def parent_missing(self) -> bool:
        return self.parent_units is None

    @property
    def units_difference(self) -> int:
        return self.children_units - (self.parent_units or 0)

    @property
    def revenue_difference(self) -> Decimal:
        return self.children_revenue - (self.parent_revenue or ZERO)

    @property
    def adds_up(self) -> bool:
        return not self.parent_missing and self.units_difference == 0 and self.revenue_difference == 0

    @property
    def kind_label(self) -> str:
        return str(CHECK_KIND_LABELS[self.kind])

    @property
    def period_label(self) -> str:
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year} Q{self.quarter}"
        return str(self.year)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "year": self.year,
            "quarter": self.quarter,
            "month": self.month,
            "period": self.period_label,
            "region": self.region_id,
            "region_code": self.region_code,
            "rep": self.rep_id,
            "rep_username": self.rep_username or None,
            "category": self.category_id,
            "product": self.product_id,
            "parent_missing": self.parent_missing,
            "parent_units": self.parent_units,
            "children_units": self.children_units,
            "units_difference": self.units_difference,
            "parent_revenue": self.parent_revenue,
            "children_revenue": self.children_revenue,
            "revenue_difference": self.revenue_difference,
            "children_count": self.children_count,
        }


_SCOPE = ("category", "product")
_SUMS = {"units_sum": Sum("units"), "revenue_sum": Sum("revenue"), "n": Count("id")}


def _scope_q(scope) -> Q:
    """``None``: every product scope; "all": the all-products cells; a category or a product: its cells."""
    if scope is None:
        return Q()
    if scope == "all":
        return Q(category__isnull=True, product__isnull=True)
    if isinstance(scope, ProductCategory):
        return Q(category=scope)
    if isinstance(scope, Product):
        return Q(product=scope)
    raise ValueError(f"unknown target scope {scope!r}")


def target_decomposition_check(
    *,
    user: User,
    year: int,
    region: Region,
    scope: "str | ProductCategory | Product | None" = None,
    differences_only: bool = True,
) -> list[TargetDifference]:
    """Compare, in ``region``'s subtree for ``year``, every parent cell with the sums of its children:

    - time: the quarters with the year, the months of a quarter with the quarter (for each region, rep and product
      scope);
    - organisation: the child regions with their parent region, the reps of a region with the region (per period
      and product scope; only where ``user`` sees every child).

    Sums are computed by the database (``values().annotate(Sum)``), one query per kind. A parent missing while
    children exist is reported (``parent_missing``); a parent without children is not decomposed yet, which is
    not a mismatch. ``differences_only=False`` also returns the comparisons that add up (the grid shows them).
    """
    visible = _base(user).filter(_scope_q(scope), year=year, region__path__startswith=region.path)
    cells = ("year", "quarter", "month", "region", "rep", *_SCOPE)
    parents = {tuple(row[:7]): (row[7], row[8]) for row in visible.values_list(*cells, "units", "revenue")}

    groups: list[tuple[str, dict, tuple]] = []
    # Quarters → year and months → quarter, per region / rep / product scope.
    for row in (
        visible.filter(quarter__gt=0, month=0).values("year", "region", "rep", *_SCOPE).annotate(**_SUMS).order_by()
    ):
        groups.append((CheckKind.QUARTERS, row, (row["year"], 0, 0, row["region"], row["rep"])))
    for row in (
        visible.filter(month__gt=0).values("year", "quarter", "region", "rep", *_SCOPE).annotate(**_SUMS).order_by()
    ):
        groups.append((CheckKind.MONTHS, row, (row["year"], row["quarter"], 0, row["region"], row["rep"])))

    org_path = _org_check_path(user)
    if org_path is not None:
        # Child regions' own cells (rep empty) summed under their parent region. The subtree root's parent lies
        # outside the subtree asked for, so it is not compared.
        for row in (
            visible.filter(region__parent__path__startswith=region.path, rep__isnull=True)
            .filter(region__parent__path__startswith=org_path)
            .values("year", "quarter", "month", "region__parent", *_SCOPE)
            .annotate(**_SUMS)
            .order_by()
        ):
            key = (row["year"], row["quarter"], row["month"], row["region__parent"], None)
            groups.append((CheckKind.REGIONS, row, key))
        for row in (
            visible.filter(region__path__startswith=org_path, rep__isnull=False)
            .values("year", "quarter", "month", "region", *_SCOPE)
            .annotate(**_SUMS)
            .order_by()
        ):
            key = (row["year"], row["quarter"], row["month"], row["region"], None)
            groups.append((CheckKind.REPS, row, key))

    results = []
    for kind, row, parent_cell in groups:
        parent = parents.get((*parent_cell, row["category"], row["product"]))
        difference = TargetDifference(
            kind=kind,
            year=parent_cell[0],
            quarter=parent_cell[1],
            month=parent_cell[2],
            region_id=parent_cell[3],
            rep_id=parent_cell[4],
            category_id=row["category"],
            product_id=row["product"],
            parent_units=parent[0] if parent else None,
            parent_revenue=parent[1] if parent else None,
            children_units=row["units_sum"] or 0,
            children_revenue=Decimal(row["revenue_sum"] or 0).quantize(CENT),
            children_count=row["n"],
        )
        if not (differences_only and difference.adds_up):
            results.append(difference)
    _label(results)
    results.sort(
        key=lambda d: (d.region_code, d.rep_username, d.category_id or 0, d.product_id or 0, d.quarter, d.month)
    )
    return results


def _label(results: list[TargetDifference]) -> None:
    """Region codes and rep usernames for the differences: two small queries, whatever the number of rows."""
    region_ids = {d.region_id for d in results}
    rep_ids = {d.rep_id for d in results if d.rep_id}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=region_ids)} if region_ids else {}
    reps = dict(User.objects.filter(pk__in=rep_ids).values_list("pk", "username")) if rep_ids else {}
    for d in results:
        d.region_code = regions[d.region_id].code
        d.region_name = regions[d.region_id].display_name
        d.rep_username = reps.get(d.rep_id, "")


# --- the grid ----------------------------------------------------------------------------------------------------

# The column sets of the grid: the year and its quarters, or one quarter and its months.
GRID_VIEWS = ("year", "q1", "q2", "q3", "q4")


def grid_columns(view: str) -> list[tuple[int, int]]:
    """(quarter, month) of each column: the parent column first, then its children."""
    if view == "year":
        return [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)]
    quarter = int(view[1])
    return [(quarter, 0), *[(quarter, month) for month in range(quarter * 3 - 2, quarter * 3 + 1)]]


def column_label(quarter: int, month: int) -> str:
    if month:
        return _("Month %(month)s") % {"month": month}
    if quarter:
        return f"Q{quarter}"
    return _("Year")


@dataclass
class GridCell:
    quarter: int
    month: int
    name: str  # the form field name
    column_label: str
    target: SalesTarget | None = None
    units: int | None = None
    revenue: Decimal | None = None
    difference: "TargetDifference | None" = None  # this cell as a parent of the other rows (first row only)


@dataclass
class GridRow:
    key: str  # "r<region id>" or "u<rep id>"
    label: str
    region: Region
    rep: User | None
    editable: bool
    is_parent: bool = False
    cells: list[GridCell] = field(default_factory=list)
    time_check: "TargetDifference | None" = None  # Σ children columns − parent column


@dataclass
class TargetGrid:
    year: int
    region: Region
    view: str
    children_kind: str  # CheckKind.REGIONS or CheckKind.REPS
    columns: list[tuple[int, int, str]]
    rows: list[GridRow]
    org_checks: list["TargetDifference | None"]  # per column: Σ child rows − parent row
    differences: list[TargetDifference]  # everything in the subtree that does not add up
    any_editable: bool
    org_checked: bool  # False: the user does not see every child, so children are not summed for them


def _grid_reps(region: Region) -> QuerySet[User]:
    return (
        User.objects.filter(region=region, is_active=True, groups__name=Role.SALES_REP)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def target_grid(*, user: User, year: int, region: Region, scope=None, view: str = "year") -> TargetGrid:
    """The grid of one parent region: its own row, then its child regions (or, with none, the reps working in it),
    for the columns of ``view``. Rows the user may not see are left out; cells they may not edit are read-only.
    A constant number of queries whatever the number of rows.
    """
    scope = scope or "all"
    children = list(Region.objects.filter(parent=region).order_by("path"))
    rows = [GridRow(f"r{region.pk}", region.display_name, region, None, False, is_parent=True)]
    if children:
        children_kind = CheckKind.REGIONS
        rows += [GridRow(f"r{child.pk}", child.display_name, child, None, False) for child in children]
    else:
        children_kind = CheckKind.REPS
        rows += [GridRow(f"u{rep.pk}", rep.display_name, region, rep, False) for rep in _grid_reps(region)]
    rows = [row for row in rows if can_view_target_cell(user, region=row.region, rep=row.rep)]
    for row in rows:
        row.editable = can_edit_target_cell(user, region=row.region, rep=row.rep)

    columns = grid_columns(view)
    wanted = Q(region=region, rep__isnull=True)
    if children_kind == CheckKind.REGIONS:
        wanted |= Q(region__parent=region, rep__isnull=True)
    else:
        wanted |= Q(region=region, rep__isnull=False)
    period = Q()
    for quarter, month in columns:
        period |= Q(quarter=quarter, month=month)
    stored = {
        (t.region_id, t.rep_id, t.quarter, t.month): t
        for t in _base(user).filter(wanted, period, _scope_q(scope), year=year)
    }
    for row in rows:
        for quarter, month in columns:
            target = stored.get((row.region.pk, row.rep.pk if row.rep else None, quarter, month))
            row.cells.append(
                GridCell(
                    quarter,
                    month,
                    f"{row.key}-{quarter}-{month}",
                    column_label(quarter, month),
                    target,
                    target.units if target else None,
                    target.revenue if target else None,
                )
            )

    differences = target_decomposition_check(user=user, year=year, region=region, scope=scope, differences_only=False)
    by_parent = {(d.kind, d.quarter, d.month, d.region_id, d.rep_id): d for d in differences}
    time_kind = CheckKind.QUARTERS if view == "year" else CheckKind.MONTHS
    parent_quarter = columns[0][0]
    for row in rows:
        row.time_check = by_parent.get((time_kind, parent_quarter, 0, row.region.pk, row.rep.pk if row.rep else None))
    org_checks = [by_parent.get((children_kind, quarter, month, region.pk, None)) for quarter, month in columns]
    return TargetGrid(
        year=year,
        region=region,
        view=view,
        children_kind=children_kind,
        columns=[(quarter, month, column_label(quarter, month)) for quarter, month in columns],
        rows=rows,
        org_checks=org_checks,
        differences=[d for d in differences if not d.adds_up],
        any_editable=any(row.editable for row in rows),
        org_checked=_org_check_path(user) is not None,
    )


def target_grid_regions(*, user: User) -> QuerySet[Region]:
    """The regions ``user`` may open the grid of: all for company-wide readers, else their own region's ancestors
    and subtree."""
    if user.is_superuser or sees_whole_company(user):
        return Region.objects.order_by("path")
    if user.region_id is None:
        return Region.objects.none()
    path = user.region.path
    return Region.objects.filter(Q(path__in=region_ancestor_paths(path)) | Q(path__startswith=path)).order_by("path")


def target_scope_categories() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.order_by("code")


def target_scope_products() -> QuerySet[Product]:
    return Product.objects.filter(active=True).order_by("sku")
