"""campaigns.services.targets: one cell, the grid, delete and the CSV/XLSX import — exact values, and nothing
written on a failure path."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from campaigns.models import SalesTarget
from campaigns.services.targets import GridCellInput, target_delete, target_grid_save, target_import, target_set
from coordination import tabular
from tests.factories import (
    MarketingPlanFactory,
    ProductCategoryFactory,
    ProductFactory,
    SalesTargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing(regions):
    return UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)


@pytest.fixture
def manager(regions):
    return UserFactory(role=Role.SALES_MANAGER, region=regions.east)


@pytest.fixture
def rep_sh(regions):
    return UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)


def _cell(**overrides):
    return {"year": 2026, "quarter": 0, "month": 0, "units": 100, "revenue": Decimal("500.00"), **overrides}


# --- target_set --------------------------------------------------------------------------------------------------


def test_target_set_creates_then_updates_the_same_cell(marketing, regions):
    bev = ProductCategoryFactory(code="BEV")

    first = target_set(user=marketing, region=regions.east, category=bev, **_cell())
    second = target_set(user=marketing, region=regions.east, category=bev, **_cell(units=150, revenue=None))

    assert first.pk == second.pk
    stored = SalesTarget.objects.get()
    assert (stored.units, stored.revenue, stored.updated_by) == (150, Decimal("500.00"), marketing)


def test_target_set_keeps_rep_and_region_cells_apart(marketing, regions, rep_sh):
    target_set(user=marketing, region=regions.sh, **_cell(units=10))
    target_set(user=marketing, region=regions.sh, rep=rep_sh, **_cell(units=7))

    assert set(SalesTarget.objects.values_list("rep__username", "units")) == {(None, 10), ("rep.sh", 7)}


def test_target_set_month_carries_its_quarter(marketing, regions):
    with pytest.raises(ValidationError) as error:
        target_set(user=marketing, region=regions.east, **_cell(quarter=1, month=5))

    assert error.value.message_dict == {"quarter": ["Month 5 is in quarter 2."]}
    assert not SalesTarget.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"units": -1}, "units", "Enter a whole number of units, 0 or more."),
        ({"revenue": Decimal("-0.01")}, "revenue", "Enter a revenue of 0 or more."),
        (
            {"revenue": Decimal("1.005")},
            "revenue",
            "Enter a revenue below one trillion with at most two decimal places.",
        ),
        ({"year": 1999}, "year", "Enter a year between 2000 and 2100."),
        ({"quarter": 5}, "quarter", "Enter a quarter from 1 to 4, or 0 for the whole year."),
        ({"quarter": 4, "month": 13}, "month", "Enter a month from 1 to 12, or 0 for a whole quarter or year."),
    ],
)
def test_target_set_rejects_invalid_figures(marketing, regions, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        target_set(user=marketing, region=regions.east, **_cell(**overrides))

    assert error.value.message_dict == {field: [message]}
    assert not SalesTarget.objects.exists()


def test_target_set_rep_must_work_in_the_region(marketing, regions, rep_sh):
    with pytest.raises(ValidationError) as error:
        target_set(user=marketing, region=regions.hz, rep=rep_sh, **_cell())

    assert error.value.message_dict == {"rep": ["rep.sh does not work in this region."]}
    assert not SalesTarget.objects.exists()


def test_target_set_category_or_product_not_both(marketing, regions):
    product = ProductFactory()

    with pytest.raises(ValidationError) as error:
        target_set(user=marketing, region=regions.east, category=product.category, product=product, **_cell())

    assert error.value.message_dict == {"product": ["A target is for a category or a product, not both."]}


def test_target_set_plan_must_cover_year_and_region(marketing, regions):
    plan = MarketingPlanFactory(year=2026, region=regions.north)

    with pytest.raises(ValidationError) as error:
        target_set(user=marketing, region=regions.east, plan=plan, **_cell())
    with pytest.raises(ValidationError) as wrong_year:
        target_set(user=marketing, region=regions.bj, plan=plan, **_cell(year=2027))

    assert error.value.message_dict == {"plan": ["The region is outside the plan's region scope."]}
    assert wrong_year.value.message_dict == {"plan": ["The plan is for 2026."]}
    assert not SalesTarget.objects.exists()


@pytest.mark.parametrize(
    ("region_name", "with_rep", "allowed"),
    [
        ("east", False, False),  # the manager's own total was given to them
        ("east", True, True),  # a rep working in the manager's own region: their rep's cell
        ("sh", False, True),
        ("north", False, False),
        ("cn", False, False),
    ],
)
def test_sales_manager_edits_only_below_their_region(manager, regions, region_name, with_rep, allowed):
    region = getattr(regions, region_name)
    rep = UserFactory(role=Role.SALES_REP, region=region) if with_rep else None

    if allowed:
        target_set(user=manager, region=region, rep=rep, **_cell())
        assert SalesTarget.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            target_set(user=manager, region=region, rep=rep, **_cell())
        assert not SalesTarget.objects.exists()


def test_sales_manager_sets_their_reps_targets(manager, regions, rep_sh):
    target = target_set(user=manager, region=regions.sh, rep=rep_sh, **_cell(quarter=2, month=4, units=33))

    assert (target.rep, target.units, target.quarter, target.month) == (rep_sh, 33, 2, 4)


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.HR])
def test_readers_cannot_set_targets(regions, role):
    user = UserFactory(role=role, region=regions.sh)

    with pytest.raises(PermissionDenied):
        target_set(user=user, region=regions.sh, **_cell())
    assert not SalesTarget.objects.exists()


def test_target_set_survives_a_concurrent_insert_of_the_same_cell(marketing, regions, monkeypatch):
    """Another transaction inserted the cell between our lookup and our insert: we update it instead of failing."""
    other = SalesTargetFactory(year=2026, region=regions.east, units=1)
    real_filter = SalesTarget.objects.select_for_update

    class _Blind:
        def __init__(self):
            self.calls = 0

        def __call__(self, *args, **kwargs):
            self.calls += 1
            queryset = real_filter(*args, **kwargs)
            return queryset.none() if self.calls == 1 else queryset

    monkeypatch.setattr(SalesTarget.objects, "select_for_update", _Blind())

    target = target_set(user=marketing, region=regions.east, **_cell(units=42))

    assert target.pk == other.pk
    assert list(SalesTarget.objects.values_list("units", flat=True)) == [42]


# --- delete ------------------------------------------------------------------------------------------------------


def test_target_delete_checks_the_cell(manager, regions):
    own_total = SalesTargetFactory(region=regions.east)
    city = SalesTargetFactory(region=regions.sh)

    with pytest.raises(PermissionDenied):
        target_delete(user=manager, target=own_total)
    target_delete(user=manager, target=city)

    assert list(SalesTarget.objects.values_list("pk", flat=True)) == [own_total.pk]


# --- grid --------------------------------------------------------------------------------------------------------


def test_grid_save_is_all_or_nothing_with_errors_per_cell(manager, regions, rep_sh):
    cells = [
        GridCellInput(key="r-sh-1", quarter=1, month=0, region=regions.sh, rep=None, units=30),
        GridCellInput(key="r-east-1", quarter=1, month=0, region=regions.east, rep=None, units=90),
        GridCellInput(key="u-1-5", quarter=1, month=5, region=regions.sh, rep=rep_sh, units=5),
    ]

    with pytest.raises(ValidationError) as error:
        target_grid_save(user=manager, year=2026, cells=cells)

    assert error.value.message_dict == {
        "r-east-1": ["You may not edit this target."],
        "u-1-5": ["Month 5 is in quarter 2."],
    }
    assert not SalesTarget.objects.exists()


def test_grid_save_counts_created_updated_and_unchanged(manager, regions):
    SalesTargetFactory(year=2026, quarter=1, region=regions.sh, units=10, revenue=Decimal("1.00"))
    SalesTargetFactory(year=2026, quarter=2, region=regions.sh, units=20, revenue=Decimal("2.00"))
    cells = [
        GridCellInput(key="a", quarter=1, month=0, region=regions.sh, rep=None, units=11),
        GridCellInput(key="b", quarter=2, month=0, region=regions.sh, rep=None, units=20),
        GridCellInput(key="c", quarter=3, month=0, region=regions.sh, rep=None, units=30),
    ]

    summary = target_grid_save(user=manager, year=2026, cells=cells)

    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert sorted(SalesTarget.objects.values_list("quarter", "units", "revenue")) == [
        (1, 11, Decimal("1.00")),
        (2, 20, Decimal("2.00")),
        (3, 30, Decimal("0.00")),
    ]


# --- import ------------------------------------------------------------------------------------------------------

HEADER = "year,quarter,month,region,rep,category,product,units,revenue\n"


def _csv(text: str, *, encoding: str = "utf-8", name: str = "targets.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("targets.xlsx", buffer.getvalue())


@pytest.fixture
def master(db):
    return {"bev": ProductCategoryFactory(code="BEV"), "cola": ProductFactory(sku="COLA-330")}


def test_import_csv_creates_and_updates_and_reports_the_check(marketing, regions, rep_sh, master):
    SalesTargetFactory(year=2026, region=regions.east, category=master["bev"], units=1, revenue=Decimal("1.00"))
    text = HEADER + (
        "2026,0,0,EAST,,BEV,,1000,5000.00\n"
        "2026,,,SH,,BEV,,600,3000\n"
        "2026,,,HZ,,BEV,,300,1500.50\n"
        "\n"
        "2026,,5,SH,rep.sh,,COLA-330,12,60\n"
    )

    summary = target_import(user=marketing, file=_csv("\ufeff" + text))

    assert (summary.created, summary.updated, summary.unchanged) == (3, 1, 0)
    assert sorted(
        SalesTarget.objects.values_list("region__code", "rep__username", "quarter", "month", "units", "revenue"),
        key=str,
    ) == [
        ("EAST", None, 0, 0, 1000, Decimal("5000.00")),
        ("HZ", None, 0, 0, 300, Decimal("1500.50")),
        ("SH", "rep.sh", 2, 5, 12, Decimal("60.00")),
        ("SH", None, 0, 0, 600, Decimal("3000.00")),
    ]
    check = {
        (d.kind, d.region_code, d.rep_username, d.parent_missing, d.units_difference, d.revenue_difference)
        for d in summary.check
    }
    assert check == {
        ("regions", "EAST", "", False, -100, Decimal("-499.50")),  # SH + HZ fall 100 units short of EAST
        ("reps", "SH", "", True, 12, Decimal("60.00")),  # rep.sh's May has no SH May above it
        ("months", "SH", "rep.sh", True, 12, Decimal("60.00")),  # nor a Q2 of rep.sh
    }


def test_import_reads_gbk_csv_with_semicolons_and_extra_columns(marketing, regions, master):
    text = "year;region;units;revenue;category;备注\n2026;EAST;10;20.5;BEV;华东饮料\n"

    summary = target_import(user=marketing, file=_csv(text, encoding="gbk"))

    assert summary.created == 1
    stored = SalesTarget.objects.get()
    assert (stored.region, stored.category, stored.units, stored.revenue) == (
        regions.east,
        master["bev"],
        10,
        Decimal("20.50"),
    )


def test_import_gbk_file_with_chinese_text_reports_it_readably(marketing, regions, master):
    text = HEADER + "2026,,,华东,,BEV,,10,20\n"

    with pytest.raises(ValidationError) as error:
        target_import(user=marketing, file=_csv(text, encoding="gbk"))

    assert error.value.message_dict == {"rows": ["Row 2, region: unknown region '华东'"]}


def test_import_xlsx(marketing, regions, rep_sh, master):
    rows = [
        ["year", "quarter", "month", "region", "rep", "category", "product", "units", "revenue"],
        [2026, 2, 0, "SH", None, "BEV", None, 400, 1999.9],
        [2026, None, 4, "sh", "rep.sh", None, None, 100.0, 500],
    ]

    summary = target_import(user=marketing, file=_xlsx(rows))

    assert (summary.created, summary.updated) == (2, 0)
    assert sorted(
        SalesTarget.objects.values_list("rep__username", "quarter", "month", "units", "revenue"), key=str
    ) == [
        ("rep.sh", 2, 4, 100, Decimal("500.00")),
        (None, 2, 0, 400, Decimal("1999.90")),
    ]


def test_import_reports_every_bad_row_and_writes_nothing(marketing, regions, rep_sh, master):
    text = HEADER + (
        "2026,,,SH,,BEV,,10,10\n"  # row 2 fine
        "2026,,,XX,,BEV,,10,10\n"  # row 3 unknown region
        "2026,1,5,SH,,BEV,,10,10\n"  # row 4 month/quarter
        "2026,,,HZ,rep.sh,,,10,10\n"  # row 5 rep elsewhere
        "2026,,,SH,,BEV,COLA-330,10,10\n"  # row 6 both scopes
        "2026,,,SH,,,,ten,x\n"  # row 7 bad numbers
        "2026,,,SH,,BEV,,11,11\n"  # row 8 duplicates row 2
        "2026,,,SH,ghost,NOPE,,1,1\n"  # row 9 unknown user and category
    )

    with pytest.raises(ValidationError) as error:
        target_import(user=marketing, file=_csv(text))

    assert error.value.message_dict == {
        "rows": [
            "Row 3, region: unknown region 'XX'",
            "Row 4, quarter: Month 5 is in quarter 2.",
            "Row 5, rep: rep.sh does not work in this region.",
            "Row 6, product: A target is for a category or a product, not both.",
            "Row 7, units: 'ten' is not a whole number",
            "Row 7, revenue: 'x' is not an amount",
            "Row 8: the same target as row 2.",
            "Row 9, rep: unknown user 'ghost'",
            "Row 9, category: unknown category 'NOPE'",
        ]
    }
    assert not SalesTarget.objects.exists()


def test_import_refuses_rows_the_user_may_not_edit(manager, regions):
    text = HEADER + "2026,,,SH,,,,10,10\n2026,,,EAST,,,,20,20\n"

    with pytest.raises(ValidationError) as error:
        target_import(user=manager, file=_csv(text))

    assert error.value.message_dict == {"rows": ["Row 3, region: you may not edit targets of EAST"]}
    assert not SalesTarget.objects.exists()


def test_import_needs_the_right_to_edit_targets(regions):
    with pytest.raises(PermissionDenied):
        target_import(user=UserFactory(role=Role.SALES_REP, region=regions.sh), file=_csv(HEADER))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_csv("year,region,units\n2026,EAST,1\n"), "Missing columns: revenue. Expected: "),
        (_csv(HEADER), "The file has no rows below its header."),
        (_csv(""), "The file is empty."),
        (SimpleUploadedFile("t.xlsx", b"PK\x03\x04 not really a zip"), "This is not a readable XLSX file."),
        (SimpleUploadedFile("t.xls", b"\xd0\xcf\x11\xe0"), "Old .xls files are not supported: save as .xlsx or CSV."),
    ],
)
def test_import_file_level_errors(marketing, regions, upload, message):
    with pytest.raises(ValidationError) as error:
        target_import(user=marketing, file=upload)

    assert error.value.message_dict["file"][0].startswith(message)
    assert not SalesTarget.objects.exists()


def test_import_caps_size_and_rows(marketing, regions, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_IMPORT_ROWS", 2)
    monkeypatch.setattr(tabular, "MAX_IMPORT_BYTES", 200)

    with pytest.raises(ValidationError) as too_many:
        target_import(user=marketing, file=_csv(HEADER + "2026,,,EAST,,,,1,1\n" * 3))
    with pytest.raises(ValidationError) as too_big:
        target_import(user=marketing, file=_csv(HEADER + "2026,,,EAST,,,,1,1\n" * 10))

    assert too_many.value.message_dict == {"file": ["At most 2 rows can be imported at once."]}
    assert too_big.value.message_dict == {"file": ["The file is larger than 200\xa0bytes."]}
    assert not SalesTarget.objects.exists()
