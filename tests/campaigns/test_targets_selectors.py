"""campaigns.selectors.targets: the list, the decomposition check, the grid and the visibility mirror."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from campaigns.models import SalesTarget
from campaigns.permissions import can_view_target_cell, targets_visible_q
from campaigns.selectors.targets import (
    target_decomposition_check,
    target_grid,
    target_list,
)
from tests.factories import ProductCategoryFactory, ProductFactory, SalesTargetFactory, UserFactory

pytestmark = pytest.mark.django_db


def _t(region, units, revenue="0", *, quarter=0, month=0, rep=None, **kwargs):
    return SalesTargetFactory(
        year=2026, quarter=quarter, month=month, region=region, rep=rep, units=units, revenue=Decimal(revenue), **kwargs
    )


@pytest.fixture
def marketing(regions):
    return UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)


# --- list --------------------------------------------------------------------------------------------------------


def test_target_list_filters(marketing, regions):
    bev = ProductCategoryFactory(code="BEV")
    east_year = _t(regions.east, 100, category=bev)
    sh_q1 = _t(regions.sh, 10, quarter=1)
    sh_may = _t(regions.sh, 3, quarter=2, month=5)
    north = _t(regions.north, 50)

    def ids(**filters):
        return list(target_list(user=marketing, filters=filters).values_list("pk", flat=True))

    assert ids() == [east_year.pk, north.pk, sh_q1.pk, sh_may.pk]
    assert ids(within=regions.east.pk) == [east_year.pk, sh_q1.pk, sh_may.pk]
    assert ids(region=regions.sh.pk, level="quarter") == [sh_q1.pk]
    assert ids(month=5) == [sh_may.pk]
    assert ids(category=bev.pk) == [east_year.pk]
    assert ids(scope="all", level="year") == [north.pk]


def test_target_list_rejects_bad_filters(marketing):
    with pytest.raises(ValidationError) as error:
        target_list(user=marketing, filters={"level": "week", "region": "999999"})

    assert set(error.value.message_dict) == {"level", "region"}


def test_target_list_is_one_query(marketing, regions, django_assert_num_queries):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    for quarter in range(1, 5):
        _t(regions.sh, quarter, quarter=quarter, rep=rep, product=ProductFactory())
    marketing.role_names  # noqa: B018 - the user's roles are read once per request, before the list

    with django_assert_num_queries(1):
        rows = [(t.region.code, t.rep.username, t.product.sku) for t in target_list(user=marketing)]

    assert len(rows) == 4


# --- visibility mirror -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "region_name"),
    [
        (Role.MARKETING_STAFF, "cn"),
        (Role.SALES_MANAGER, "east"),
        (Role.SALES_REP, "sh"),
        (Role.SALES_DIRECTOR, "cn"),
        (Role.HR, "cn"),
        (None, "sh"),
    ],
)
def test_can_view_target_cell_agrees_with_targets_visible_q(regions, role, region_name):
    viewer = UserFactory(role=role, region=getattr(regions, region_name))
    rep_sh = viewer if role == Role.SALES_REP else UserFactory(role=Role.SALES_REP, region=regions.sh)
    colleague = UserFactory(role=Role.SALES_REP, region=regions.sh)
    rep_bj = UserFactory(role=Role.SALES_REP, region=regions.bj)
    cells = [(region, None) for region in vars(regions).values()] + [
        (regions.sh, rep_sh),
        (regions.sh, colleague),
        (regions.bj, rep_bj),
    ]
    targets = [_t(region, 1, rep=rep) for region, rep in cells]

    in_database = set(SalesTarget.objects.filter(targets_visible_q(viewer)).values_list("pk", flat=True))
    mirrored = {t.pk for t in targets if can_view_target_cell(viewer, region=t.region, rep=t.rep)}

    assert mirrored == in_database


# --- decomposition check -----------------------------------------------------------------------------------------


def test_check_reports_each_kind_with_exact_figures(marketing, regions):
    rep = UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)
    _t(regions.east, 1000, "5000.00")
    _t(regions.east, 300, "1500.00", quarter=1)
    _t(regions.east, 700, "3500.00", quarter=2)  # Q1 + Q2 = year: adds up, not reported
    _t(regions.east, 100, "500.00", quarter=1, month=1)
    _t(regions.east, 100, "500.00", quarter=1, month=2)  # no March yet: 200 of 300
    _t(regions.sh, 600, "3000.00")
    _t(regions.hz, 350, "1750.50")  # SH + HZ = 950 / 4750.50: 50 short of EAST
    _t(regions.sh, 590, "2950.00", rep=rep)  # the rep: 10 below SH

    result = target_decomposition_check(user=marketing, year=2026, region=regions.east)

    assert [
        (
            d.kind,
            d.period_label,
            d.region_code,
            d.rep_username,
            d.parent_units,
            d.children_units,
            d.units_difference,
            d.parent_revenue,
            d.children_revenue,
            d.revenue_difference,
            d.children_count,
        )
        for d in result
    ] == [
        ("regions", "2026", "EAST", "", 1000, 950, -50, Decimal("5000.00"), Decimal("4750.50"), Decimal("-249.50"), 2),
        (
            "months",
            "2026 Q1",
            "EAST",
            "",
            300,
            200,
            -100,
            Decimal("1500.00"),
            Decimal("1000.00"),
            Decimal("-500.00"),
            2,
        ),
        ("reps", "2026", "SH", "", 600, 590, -10, Decimal("3000.00"), Decimal("2950.00"), Decimal("-50.00"), 1),
    ]


def test_check_flags_children_without_a_parent_and_ignores_parents_without_children(marketing, regions):
    _t(regions.sh, 10, quarter=3)
    _t(regions.sh, 20, quarter=4)  # no year for SH, and EAST has nothing at all
    _t(regions.hz, 500)
    _t(regions.bj, 70)  # a year, not decomposed yet, outside EAST: nothing to report

    result = target_decomposition_check(user=marketing, year=2026, region=regions.east)

    assert [(d.kind, d.period_label, d.region_code, d.parent_missing, d.units_difference) for d in result] == [
        ("regions", "2026", "EAST", True, 500),
        ("regions", "2026 Q3", "EAST", True, 10),
        ("regions", "2026 Q4", "EAST", True, 20),
        ("quarters", "2026", "SH", True, 30),
    ]


def test_check_compares_each_product_scope_separately(marketing, regions):
    bev, snack = ProductCategoryFactory(code="BEV"), ProductCategoryFactory(code="SNACK")
    _t(regions.east, 100, category=bev)
    _t(regions.sh, 100, category=bev)
    _t(regions.east, 40, category=snack)
    _t(regions.sh, 30, category=snack)

    everything = target_decomposition_check(user=marketing, year=2026, region=regions.east)
    only_bev = target_decomposition_check(user=marketing, year=2026, region=regions.east, scope=bev)

    assert [(d.category_id, d.units_difference) for d in everything] == [(snack.pk, -10)]
    assert only_bev == []


def test_check_all_comparisons_when_asked(marketing, regions):
    _t(regions.east, 100)
    _t(regions.sh, 100)

    result = target_decomposition_check(user=marketing, year=2026, region=regions.east, differences_only=False)

    assert [(d.kind, d.adds_up) for d in result] == [("regions", True)]


def test_check_leaves_out_what_the_user_cannot_fully_see(regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    colleague = UserFactory(role=Role.SALES_REP, region=regions.sh)
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    _t(regions.cn, 1000)
    _t(regions.east, 300)  # NORTH and SOUTH are outside the manager's view: CN is not compared for them
    _t(regions.sh, 100)
    _t(regions.sh, 60, rep=rep)
    _t(regions.sh, 30, rep=colleague)
    _t(regions.sh, 20, quarter=1, rep=rep)

    as_manager = target_decomposition_check(user=manager, year=2026, region=regions.cn)
    as_rep = target_decomposition_check(user=rep, year=2026, region=regions.cn)

    assert [(d.kind, d.period_label, d.region_code, d.units_difference) for d in as_manager] == [
        ("regions", "2026", "EAST", -200),
        ("reps", "2026", "SH", -10),
        ("reps", "2026 Q1", "SH", 20),  # the rep's Q1 has no SH Q1 above it
        ("quarters", "2026", "SH", -40),
    ]
    # The rep sees only their own cells' time decomposition: no sums over colleagues or other regions.
    assert [(d.kind, d.region_code, d.units_difference) for d in as_rep] == [("quarters", "SH", -40)]


def test_check_query_count_does_not_grow(marketing, regions, django_assert_num_queries):
    reps = [UserFactory(role=Role.SALES_REP, region=regions.sh) for _ in range(5)]
    for rep in reps:
        _t(regions.sh, 7, rep=rep)
        for quarter in range(1, 5):
            _t(regions.sh, 1, quarter=quarter, rep=rep)
    marketing.role_names  # noqa: B018

    # parents, quarters, months, child regions, reps, then the labels of regions and reps
    with django_assert_num_queries(7):
        result = target_decomposition_check(user=marketing, year=2026, region=regions.east)

    # each rep's quarters (4 ≠ 7), and SH has no own year or quarters above its reps (5 parents missing)
    assert len(result) == 10


# --- grid --------------------------------------------------------------------------------------------------------


def test_grid_of_a_province_lists_its_cities_with_checks(regions):
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    _t(regions.east, 1000)
    _t(regions.sh, 600)
    _t(regions.hz, 300)
    _t(regions.sh, 150, quarter=1)

    grid = target_grid(user=manager, year=2026, region=regions.east)

    assert [(row.label, row.editable) for row in grid.rows] == [("East", False), ("Hangzhou", True), ("Shanghai", True)]
    assert [[cell.units for cell in row.cells] for row in grid.rows] == [
        [1000, None, None, None, None],
        [300, None, None, None, None],
        [600, 150, None, None, None],
    ]
    assert grid.org_checks[0].units_difference == -100
    assert grid.org_checks[1].parent_missing is True
    assert grid.org_checks[2] is None
    assert grid.rows[2].time_check.units_difference == -450
    assert grid.rows[0].time_check is None


def test_grid_of_a_city_lists_the_reps_a_rep_sees_only_themselves(regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh, first_name="伟", last_name="张")
    UserFactory(role=Role.SALES_REP, region=regions.sh)
    UserFactory(role=Role.SALES_REP, region=regions.hz)
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)

    as_rep = target_grid(user=rep, year=2026, region=regions.sh, view="q2")
    as_manager = target_grid(user=manager, year=2026, region=regions.sh, view="q2")

    assert [(row.key, row.editable) for row in as_rep.rows] == [(f"r{regions.sh.pk}", False), (f"u{rep.pk}", False)]
    assert len(as_manager.rows) == 3
    assert all(row.editable for row in as_manager.rows)
    assert [(q, m) for q, m, _label in as_rep.columns] == [(2, 0), (2, 4), (2, 5), (2, 6)]
