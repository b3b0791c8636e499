"""The targets grid and import pages, through real requests and form posts."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from campaigns.models import SalesTarget
from tests.factories import ProductCategoryFactory, SalesTargetFactory, UserFactory

pytestmark = pytest.mark.django_db

GRID = "/targets/"
IMPORT = "/targets/import/"


def test_url_names():
    assert reverse("campaigns:target_grid") == GRID
    assert reverse("campaigns:target_import") == IMPORT


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(GRID)["Location"] == f"/accounts/login/?next={GRID}"
    assert client.get(IMPORT)["Location"] == f"/accounts/login/?next={IMPORT}"


@pytest.fixture
def manager(regions):
    return UserFactory(role=Role.SALES_MANAGER, region=regions.east)


def test_manager_sees_their_region_with_cities_editable_and_own_total_read_only(client, manager, regions):
    SalesTargetFactory(year=2026, region=regions.east, units=1000)
    SalesTargetFactory(year=2026, region=regions.sh, units=600)
    SalesTargetFactory(year=2026, region=regions.hz, units=300)
    client.force_login(manager)

    response = client.get(GRID, {"year": 2026})

    page = response.content.decode()
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [row.label for row in grid.rows] == ["East", "Hangzhou", "Shanghai"]
    assert f'name="r{regions.east.pk}-0-0"' not in page  # read-only: shown, not an input
    assert f'name="r{regions.sh.pk}-0-0" value="600"' in page
    assert f'name="r{regions.hz.pk}-1-0"' in page
    assert '<span class="check diff" title="Does not add up">−100</span>' in page  # Σ cities − East for the year
    assert 'href="/static/css/targets.css"' in page or "css/targets" in page


def test_saving_the_grid_writes_the_changed_cells(client, manager, regions):
    SalesTargetFactory(year=2026, region=regions.sh, units=600, revenue=Decimal("3000.00"))
    client.force_login(manager)
    url = f"{GRID}?year=2026&region={regions.east.pk}&measure=units&view=year"

    response = client.post(
        url,
        {
            f"r{regions.sh.pk}-0-0": "650",
            f"r{regions.sh.pk}-1-0": "150",
            f"r{regions.hz.pk}-0-0": "",
            f"r{regions.east.pk}-0-0": "9999",  # not an input for a manager: ignored
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert sorted(SalesTarget.objects.values_list("region__code", "quarter", "units", "revenue")) == [
        ("SH", 0, 650, Decimal("3000.00")),
        ("SH", 1, 150, Decimal("0.00")),
    ]


def test_saving_revenue_keeps_units(client, manager, regions):
    SalesTargetFactory(year=2026, quarter=2, month=5, region=regions.sh, units=70, revenue=Decimal("1.00"))
    client.force_login(manager)

    client.post(f"{GRID}?year=2026&region={regions.sh.pk}&measure=revenue&view=q2", {f"r{regions.sh.pk}-2-5": "350.50"})

    assert list(SalesTarget.objects.values_list("units", "revenue")) == [(70, Decimal("350.50"))]


def test_an_invalid_cell_saves_nothing_and_says_where(client, manager, regions):
    client.force_login(manager)

    response = client.post(
        f"{GRID}?year=2026&region={regions.east.pk}",
        {f"r{regions.sh.pk}-0-0": "100", f"r{regions.hz.pk}-0-0": "-5"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"r{regions.hz.pk}-0-0": ["Ensure this value is greater than or equal to 0."]
    }
    assert "Nothing was saved. Correct the highlighted cells." in response.content.decode()
    assert not SalesTarget.objects.exists()


def test_a_rep_reads_only_and_cannot_post(client, regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    colleague = UserFactory(role=Role.SALES_REP, region=regions.sh)
    SalesTargetFactory(year=2026, region=regions.sh, rep=rep, units=77)
    SalesTargetFactory(year=2026, region=regions.sh, rep=colleague, units=88)
    client.force_login(rep)

    response = client.get(GRID, {"year": 2026})
    posted = client.post(f"{GRID}?year=2026", {f"u{rep.pk}-0-0": "1"})

    page = response.content.decode()
    grid = page.split('class="target-grid"')[1]  # (not the whole page: a CSRF token may contain "88")
    assert [row.rep for row in response.context["grid"].rows] == [None, rep]
    assert "77" in grid
    assert "88" not in grid
    assert "<input" not in grid
    assert posted.status_code == 403
    assert list(SalesTarget.objects.order_by("units").values_list("units", flat=True)) == [77, 88]


@pytest.mark.parametrize(("role", "region_name"), [(Role.SALES_REP, "sh"), (Role.SALES_MANAGER, "east")])
def test_a_region_out_of_reach_is_not_found(client, regions, role, region_name):
    client.force_login(UserFactory(role=role, region=getattr(regions, region_name)))

    assert client.get(GRID, {"region": regions.bj.pk}).status_code == 404
    assert client.get(GRID, {"region": regions.cn.pk}).status_code == 200  # above them: their company total


def test_the_grid_in_chinese_on_a_phone(client, regions):
    user = UserFactory(role=Role.MARKETING_STAFF, region=regions.cn, language="")
    ProductCategoryFactory(code="BEV", name="饮料", name_en="Beverages")
    SalesTargetFactory(year=2026, region=regions.east, units=1234)
    client.force_login(user)

    page = client.get(GRID, {"year": 2026, "region": regions.east.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert '<html lang="zh-hans">' in page
    assert all(name in page for name in ("华东", "上海", "杭州", "饮料"))
    assert "Shanghai" not in page
    # Phone: the page scales to the device, and the grid scrolls sideways in its own box with the names pinned.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="table-wrap grid-scroll"' in page
    assert 'inputmode="numeric"' in page


@pytest.mark.parametrize("rows", [5, 200])
def test_grid_query_count_is_constant(client, regions, rows, django_assert_num_queries):
    marketing = UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)
    reps = User.objects.bulk_create(User(username=f"r{i}", region=regions.sh) for i in range(rows))
    Group.objects.get(name=Role.SALES_REP).user_set.add(*reps)
    SalesTarget.objects.bulk_create(
        SalesTarget(year=2026, quarter=quarter, region=regions.sh, rep=rep, units=quarter + 1)
        for rep in reps
        for quarter in range(5)
    )
    SalesTargetFactory(year=2026, region=regions.sh, units=1)
    client.force_login(marketing)

    # session, user, roles, the user's region, the unread-notification badge; the grid's regions, categories and
    # products; the chosen region, its children, its reps, the cells; the check (parents, quarters, months, regions,
    # reps, the labels of regions and reps); rendering the region select
    with django_assert_num_queries(21):
        response = client.get(GRID, {"year": 2026, "region": regions.sh.pk})

    assert len(response.context["grid"].rows) == rows + 1


# --- import ------------------------------------------------------------------------------------------------------


def test_import_page_is_for_editors(client, regions):
    client.force_login(UserFactory(role=Role.SALES_REP, region=regions.sh))

    assert client.get(IMPORT).status_code == 403


def test_import_page_shows_the_summary_and_the_check(client, regions):
    client.force_login(UserFactory(role=Role.MARKETING_STAFF, region=regions.cn))
    upload = SimpleUploadedFile("t.csv", b"year,region,units,revenue\n2026,EAST,10,50\n2026,SH,4,20\n")

    response = client.post(IMPORT, {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 new targets, 0 changed, 0 unchanged." in page
    assert "Σ child regions − region" in page
    assert SalesTarget.objects.count() == 2


def test_import_page_shows_row_errors_and_imports_nothing(client, regions):
    client.force_login(UserFactory(role=Role.MARKETING_STAFF, region=regions.cn))
    upload = SimpleUploadedFile("t.csv", b"year,region,units,revenue\n2026,EAST,10,50\n2026,XX,1,1\n")

    response = client.post(IMPORT, {"file": upload})

    assert response.context["row_errors"] == ["Row 3, region: unknown region 'XX'"]
    assert "Row 3, region: unknown region &#x27;XX&#x27;" in response.content.decode()
    assert not SalesTarget.objects.exists()


def test_import_page_file_errors(client, regions):
    client.force_login(UserFactory(role=Role.MARKETING_STAFF, region=regions.cn))

    response = client.post(IMPORT, {"file": SimpleUploadedFile("t.csv", b"units,revenue\n1,1\n")})

    assert response.context["form"].errors["file"][0].startswith("Missing columns: year, region.")
