"""outlet_import: CSV (UTF-8, BOM, GBK) and XLSX, upserted by code, all rows or none, errors named by row."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.roles import Role
from feedback.models import Outlet, OutletChannel
from feedback.services.outlets import outlet_import
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "code,name,channel,region,address,latitude,longitude,reps,active"


def csv_file(text: str, *, encoding="utf-8", name="outlets.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def people(regions):
    return {
        "importer": UserFactory(username="mkt.manager", role=Role.MARKETING_MANAGER, region=regions.cn),
        "rep_sh": UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh),
        "rep_hz": UserFactory(username="rep.hz", role=Role.SALES_REP, region=regions.hz),
        "mgr_east": UserFactory(username="mgr.east", role=Role.SALES_MANAGER, region=regions.east),
        "staff": UserFactory(username="mkt.staff", role=Role.MARKETING_STAFF, region=regions.cn),
    }


def test_a_good_csv_creates_outlets_with_reps(people, regions):
    text = "\n".join(
        [
            HEADER,
            "sh-001,联华超市(南京东路店),supermarket,SH,上海市黄浦区南京东路 800 号,31.235929,121.477231,"
            "rep.sh;mgr.east,1",
            "HZ-001,全家(文三路店),便利店,hz,杭州市文三路 259 号,,,rep.hz,是",
            "BJ-001,物美(大钟寺店),Hypermarket,BJ,,,,,no",
        ]
    )
    summary = outlet_import(user=people["importer"], file=csv_file(text))

    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    bj, hz, sh = Outlet.objects.order_by("code")
    assert sh.code == "SH-001"  # codes are upper-cased
    assert (sh.name, sh.channel, sh.region, sh.address) == (
        "联华超市(南京东路店)",
        OutletChannel.SUPERMARKET,
        regions.sh,
        "上海市黄浦区南京东路 800 号",
    )
    assert (sh.latitude, sh.longitude, sh.active) == (Decimal("31.235929"), Decimal("121.477231"), True)
    assert set(sh.reps.values_list("username", flat=True)) == {"rep.sh", "mgr.east"}
    assert (hz.channel, hz.region, hz.latitude, hz.longitude) == (OutletChannel.CONVENIENCE, regions.hz, None, None)
    assert list(hz.reps.values_list("username", flat=True)) == ["rep.hz"]
    assert (bj.channel, bj.active, bj.reps.count()) == (OutletChannel.HYPERMARKET, False, 0)


def test_importing_again_updates_changed_rows_and_counts_unchanged_ones(people, regions):
    outlet_import(
        user=people["importer"],
        file=csv_file(f"{HEADER}\nSH-001,A,supermarket,SH,x,,,rep.sh,1\nSH-002,B,convenience,SH,y,,,,1"),
    )
    summary = outlet_import(
        user=people["importer"],
        file=csv_file(f"{HEADER}\nSH-001,A,supermarket,SH,x,,,rep.sh;mgr.east,1\nSH-002,B,convenience,SH,y,,,,1\n"),
    )

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert set(Outlet.objects.get(code="SH-001").reps.values_list("username", flat=True)) == {"rep.sh", "mgr.east"}
    assert Outlet.objects.count() == 2


def test_a_column_left_out_keeps_what_is_stored(people, regions):
    outlet = OutletFactory(code="SH-001", region=regions.sh, address="old", active=False, reps=[people["rep_sh"]])

    summary = outlet_import(user=people["importer"], file=csv_file("code,name,channel,region\nSH-001,New,online,SH"))

    outlet.refresh_from_db()
    assert (summary.created, summary.updated) == (0, 1)
    assert (outlet.name, outlet.channel, outlet.address, outlet.active) == ("New", OutletChannel.ONLINE, "old", False)
    assert list(outlet.reps.all()) == [people["rep_sh"]]


def test_gbk_csv_with_chinese_channel_names(people, regions):
    text = f"{HEADER}\nGZ-001,天虹(天河店),大卖场,GZ,广州市天河路 208 号,23.1336,113.322,,否\n"
    summary = outlet_import(user=people["importer"], file=csv_file(text, encoding="gbk"))

    outlet = Outlet.objects.get(code="GZ-001")
    assert summary.created == 1
    assert (outlet.name, outlet.channel, outlet.active) == ("天虹(天河店)", OutletChannel.HYPERMARKET, False)
    assert (outlet.latitude, outlet.longitude) == (Decimal("23.133600"), Decimal("113.322000"))


def test_utf8_bom_csv(people, regions):
    summary = outlet_import(
        user=people["importer"], file=csv_file(f"{HEADER}\nSZ-001,沃尔玛,hypermarket,SZ,,,,,1", encoding="utf-8-sig")
    )
    assert summary.created == 1
    assert Outlet.objects.get().code == "SZ-001"


def test_xlsx(people, regions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["SH-010", "罗森(陆家嘴店)", "Convenience store", "SH", "陆家嘴环路 1000 号", 31.2389, 121.5016, "rep.sh", 1]
    )
    sheet.append(["HZ-010", "物美", "supermarket", "HZ", None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    summary = outlet_import(user=people["importer"], file=SimpleUploadedFile("outlets.xlsx", buffer.getvalue()))

    assert summary.created == 2
    sh = Outlet.objects.get(code="SH-010")
    assert (sh.channel, sh.latitude, sh.longitude) == (
        OutletChannel.CONVENIENCE,
        Decimal("31.238900"),
        Decimal("121.501600"),
    )
    assert list(sh.reps.all()) == [people["rep_sh"]]
    assert Outlet.objects.get(code="HZ-010").active is True


def test_row_errors_name_row_and_column_and_nothing_is_saved(people, regions):
    OutletFactory(code="SH-001", name="Kept", region=regions.sh)
    text = "\n".join(
        [
            HEADER,
            "SH-001,Changed,supermarket,SH,,,,,1",  # valid, but the file fails: not saved
            "SH-002,X,supermarket,XX,,,,,1",  # row 3: unknown region
            "SH-003,X,kiosk,SH,,,,,1",  # row 4: unknown channel
            "SH-004,X,supermarket,SH,,95,121,,1",  # row 5: latitude out of range
            "SH-005,X,supermarket,SH,,31.2,,,1",  # row 6: latitude without longitude
            "SH-006,X,supermarket,SH,,,,nobody,1",  # row 7: unknown user
            "SH-007,X,supermarket,SH,,,,rep.hz,1",  # row 8: a Hangzhou rep on a Shanghai outlet
            "SH-008,X,supermarket,SH,,,,mkt.staff,1",  # row 9: not field sales
            "SH 9,,supermarket,SH,,,,,maybe",  # row 10: bad code, no name, bad active
            "SH-002,X,supermarket,SH,,,,,1",  # row 11: fine by itself
            "SH-011,X,supermarket,SH,,,,,1",  # row 12
            "sh-011,Y,supermarket,SH,,,,,1",  # row 13: the same code as row 12
        ]
    )
    with pytest.raises(ValidationError) as caught:
        outlet_import(user=people["importer"], file=csv_file(text))

    assert caught.value.message_dict == {
        "rows": [
            "Row 3, region: unknown region 'XX'",
            "Row 4, channel: unknown channel 'kiosk' (use one of hypermarket, supermarket, convenience, "
            "traditional, online, distributor)",
            "Row 5, latitude: '95' is not between -90 and 90",
            "Row 6, longitude: give both latitude and longitude, or neither",
            "Row 7, reps: unknown user 'nobody'",
            "Row 8, reps: rep.hz works outside Shanghai.",
            "Row 9, reps: mkt.staff is not an active sales rep or sales manager.",
            "Row 10, code: 'SH 9' is not a code (capital letters, digits, '-' and '_', at most 32)",
            "Row 10, name: required",
            "Row 10, active: 'maybe' is not one of 1/0, yes/no, 是/否",
            "Row 13: the same code as row 12.",
        ]
    }
    assert list(Outlet.objects.values_list("code", "name")) == [("SH-001", "Kept")]


def test_an_inactive_rep_is_refused(people, regions):
    people["rep_sh"].is_active = False
    people["rep_sh"].save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as caught:
        outlet_import(user=people["importer"], file=csv_file(f"{HEADER}\nSH-001,A,supermarket,SH,,,,rep.sh,1"))
    assert caught.value.message_dict["rows"] == ["Row 2, reps: rep.sh is not an active sales rep or sales manager."]
    assert not Outlet.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,channel\nA,supermarket", "Missing columns: code, region. Expected: " + HEADER.replace(",", ", ") + "."),
        (HEADER + "\n\n", "The file has no rows below its header."),
        ("", "The file is empty."),
    ],
)
def test_file_level_errors(people, regions, content, message):
    with pytest.raises(ValidationError) as caught:
        outlet_import(user=people["importer"], file=csv_file(content))
    assert caught.value.message_dict == {"file": [message]}


@pytest.mark.parametrize("role", [Role.MARKETING_STAFF, Role.SALES_MANAGER, Role.SALES_REP, Role.HR])
def test_only_marketing_managers_and_staff_users_import(regions, role):
    user = UserFactory(role=role, region=regions.east)
    with pytest.raises(PermissionDenied):
        outlet_import(user=user, file=csv_file(f"{HEADER}\nSH-001,A,supermarket,SH,,,,,1"))
    assert not Outlet.objects.exists()


def test_an_administrator_may_import(regions):
    admin = UserFactory(is_staff=True)
    assert outlet_import(user=admin, file=csv_file(f"{HEADER}\nSH-001,A,supermarket,SH,,,,,1")).created == 1
