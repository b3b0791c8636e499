"""The outlets page and the import page, through real requests and form posts; the demo outlets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from feedback.demo.outlets import OUTLETS, seed_outlets
from feedback.models import Outlet, OutletChannel
from tests.campaigns.plan_setup import build_people
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/outlets/"
IMPORT = "/outlets/import/"


@pytest.fixture
def people(regions):
    return build_people(regions)


def test_url_names():
    assert reverse("feedback:outlet_list") == LIST
    assert reverse("feedback:outlet_import") == IMPORT


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(LIST)["Location"] == f"/accounts/login/?next={LIST}"
    assert client.get(IMPORT)["Location"] == f"/accounts/login/?next={IMPORT}"


def test_a_rep_sees_the_outlets_of_their_territory_without_the_import(client, people, regions):
    OutletFactory(code="SH-001", name="联华超市(南京东路店)", region=regions.sh, reps=[people.rep_sh])
    OutletFactory(code="BJ-001", name="物美(大钟寺店)", region=regions.bj)
    client.force_login(people.rep_sh)

    response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert [outlet.code for outlet in response.context["page_obj"]] == ["SH-001"]
    assert "联华超市(南京东路店)" in page
    assert "物美" not in page
    assert 'data-testid="outlet-import"' not in page
    assert IMPORT not in page


def test_filters_on_the_page(client, people, regions):
    OutletFactory(code="SH-001", region=regions.sh, channel=OutletChannel.CONVENIENCE)
    OutletFactory(code="SH-002", region=regions.sh, channel=OutletChannel.HYPERMARKET)
    OutletFactory(code="BJ-001", region=regions.bj, channel=OutletChannel.CONVENIENCE)
    client.force_login(people.mkt_staff)

    response = client.get(LIST, {"channel": "convenience", "region": regions.east.pk})

    assert [outlet.code for outlet in response.context["page_obj"]] == ["SH-001"]
    assert response.context["filtered"] is True


def test_an_invalid_filter_shows_its_error_and_no_rows(client, people, regions):
    OutletFactory(code="SH-001", region=regions.sh)
    client.force_login(people.mkt_staff)

    response = client.get(LIST, {"channel": "kiosk"})

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert 'class="form-errors"' in response.content.decode()


def test_empty_state(client, people):
    client.force_login(people.rep_hz)
    response = client.get(LIST)
    assert 'data-testid="outlet-list-empty"' in response.content.decode()


def test_hr_and_users_without_a_role_get_403(client, people, regions):
    client.force_login(people.hr)
    assert client.get(LIST).status_code == 403
    client.force_login(UserFactory(region=regions.sh))
    assert client.get(LIST).status_code == 403


def test_page_queries_are_constant(client, people, regions, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            OutletFactory(region=regions.sh, reps=[people.rep_sh])

    add(5)
    client.force_login(User.objects.get(pk=people.mgr_east.pk))
    with django_assert_max_num_queries(12) as small:
        client.get(LIST)
    add(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 25


def test_the_import_page_imports_and_shows_the_counts(client, people, regions):
    client.force_login(people.mkt_manager)
    assert 'data-testid="outlet-import"' in client.get(LIST).content.decode()

    response = client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile(
                "outlets.csv", "code,name,channel,region,reps\nSH-001,全家,便利店,SH,rep.sh\n".encode("gbk")
            )
        },
    )

    assert response.status_code == 200
    assert 'data-testid="import-summary"' in response.content.decode()
    assert response.context["summary"].created == 1
    assert list(Outlet.objects.get(code="SH-001").reps.all()) == [people.rep_sh]


def test_the_import_page_lists_row_errors(client, people, regions):
    client.force_login(people.mkt_manager)

    response = client.post(
        IMPORT, {"file": SimpleUploadedFile("outlets.csv", b"code,name,channel,region\nSH-001,A,supermarket,XX\n")}
    )

    assert response.context["row_errors"] == ["Row 2, region: unknown region 'XX'"]
    assert "Row 2, region: unknown region &#x27;XX&#x27;" in response.content.decode()
    assert not Outlet.objects.exists()


def test_the_import_page_is_403_for_others(client, people):
    client.force_login(people.mkt_staff)
    assert client.get(IMPORT).status_code == 403


# --- demo --------------------------------------------------------------------------------------------------------


def test_seed_outlets_is_idempotent_and_assigns_the_city_reps(regions):
    for username, region in (("rep.zhang", regions.sh), ("rep.liu", regions.hz), ("rep.chen", regions.bj)):
        UserFactory(username=username, role=Role.SALES_REP, region=region)

    assert seed_outlets() == len(OUTLETS)
    assert seed_outlets() == 0

    assert len(OUTLETS) >= 36
    assert Outlet.objects.count() == len(OUTLETS)
    assert set(Outlet.objects.values_list("region__code", flat=True)) == {"SH", "HZ", "BJ", "TJ", "GZ", "SZ"}
    assert len(set(Outlet.objects.values_list("channel", flat=True))) == len(OutletChannel.values)
    for code, username in (("SH", "rep.zhang"), ("HZ", "rep.liu"), ("BJ", "rep.chen")):
        outlets = Outlet.objects.filter(region__code=code)
        assert outlets.count() == outlets.filter(reps__username=username).count() > 0
    assert not Outlet.objects.filter(region__code__in=["TJ", "GZ", "SZ"], reps__isnull=False).exists()
    for outlet in Outlet.objects.all():
        outlet.full_clean()


# --- admin -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_and_searches_outlets_and_photos(admin_client, people, regions):
    OutletFactory(code="SH-001", name="联华超市", region=regions.sh, reps=[people.rep_sh])

    assert admin_client.get("/admin/feedback/outlet/", {"q": "联华"}).status_code == 200
    assert admin_client.get("/admin/feedback/outlet/", {"channel__exact": "supermarket"}).status_code == 200
    assert admin_client.get("/admin/feedback/outlet/add/").status_code == 200
    assert admin_client.get("/admin/feedback/photo/").status_code == 200
    assert admin_client.get("/admin/feedback/photo/add/").status_code == 403


def test_admin_refuses_a_rep_outside_the_outlets_region(admin_client, people, regions):
    data = {"code": "SH-009", "name": "全家", "channel": "convenience", "region": regions.sh.pk, "active": "on"}

    refused = admin_client.post("/admin/feedback/outlet/add/", {**data, "reps": [people.rep_bj.pk]})
    saved = admin_client.post("/admin/feedback/outlet/add/", {**data, "reps": [people.rep_sh.pk, people.mgr_east.pk]})

    assert refused.status_code == 200
    assert "rep.bj works outside Shanghai." in refused.content.decode()
    assert saved.status_code == 302
    assert set(Outlet.objects.get(code="SH-009").reps.values_list("username", flat=True)) == {"rep.sh", "mgr.east"}
