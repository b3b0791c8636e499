"""/api/v1/outlets/: the visibility matrix (ids swapped), filters, output shape, query count, and the import."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Outlet, OutletChannel
from tests.campaigns.plan_setup import build_people
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/outlets/"
IMPORT = "/api/v1/outlets/import/"


def detail(outlet) -> str:
    return f"/api/v1/outlets/{outlet.pk}/"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def people(regions):
    return build_people(regions)


@pytest.fixture
def outlets(regions, people):
    return {
        # Two reps on one outlet: it must still be listed once.
        "sh": OutletFactory(code="SH-001", region=regions.sh, reps=[people.rep_sh, people.mgr_east]),
        "sh_closed": OutletFactory(code="SH-002", region=regions.sh, active=False, channel=OutletChannel.CONVENIENCE),
        "hz": OutletFactory(code="HZ-001", region=regions.hz, reps=[people.rep_hz], channel=OutletChannel.HYPERMARKET),
        # A Beijing outlet assigned to the Shanghai rep (e.g. a key account they cover).
        "bj_assigned": OutletFactory(code="BJ-001", region=regions.bj, reps=[people.rep_sh]),
        "bj": OutletFactory(code="BJ-002", region=regions.bj, address="海淀区北三环西路 18 号"),
        "gz": OutletFactory(code="GZ-001", region=regions.gz, channel=OutletChannel.ONLINE),
    }


ALL = ["BJ-001", "BJ-002", "GZ-001", "HZ-001", "SH-001", "SH-002"]
VISIBLE = {
    "mkt_staff": ALL,
    "mkt_manager": ALL,
    "director": ALL,
    "gm": ALL,
    "rep_sh": ["BJ-001", "SH-001", "SH-002"],
    "rep_hz": ["HZ-001"],
    "rep_bj": ["BJ-001", "BJ-002"],
    "mgr_east": ["HZ-001", "SH-001", "SH-002"],
    "mgr_north": ["BJ-001", "BJ-002"],
    "hr": [],
}


def test_url_names():
    assert reverse("api:outlet-list") == LIST
    assert reverse("api:outlet-detail", args=[7]) == "/api/v1/outlets/7/"
    assert reverse("api:outlet-import") == IMPORT


def test_anonymous_gets_401(api_client):
    assert api_client.get(LIST).status_code == 401


@pytest.mark.parametrize("viewer", sorted(VISIBLE))
def test_visibility_matrix_with_ids_swapped(api_client, people, outlets, viewer):
    api_client.force_authenticate(getattr(people, viewer))

    assert codes(api_client.get(LIST)) == VISIBLE[viewer]
    for outlet in outlets.values():
        expected = 200 if outlet.code in VISIBLE[viewer] else 404
        assert api_client.get(detail(outlet)).status_code == expected, (viewer, outlet.code)


def test_unknown_id_and_non_numeric_id_are_404(api_client, people):
    api_client.force_authenticate(people.mkt_staff)
    assert api_client.get("/api/v1/outlets/999999/").status_code == 404
    assert api_client.get("/api/v1/outlets/abc/").status_code == 404


def test_output_shape(api_client, people, regions):
    outlet = OutletFactory(
        code="SH-009",
        name="联华超市(南京东路店)",
        region=regions.sh,
        address="南京东路 800 号",
        latitude=Decimal("31.235929"),
        longitude=Decimal("121.477231"),
        reps=[people.rep_sh],
    )
    api_client.force_authenticate(people.mkt_staff)

    assert api_client.get(detail(outlet)).json() == {
        "id": outlet.pk,
        "code": "SH-009",
        "name": "联华超市(南京东路店)",
        "channel": "supermarket",
        "channel_display": "Supermarket",
        "region": {"id": regions.sh.pk, "code": "SH", "name": "Shanghai"},
        "address": "南京东路 800 号",
        "latitude": "31.235929",
        "longitude": "121.477231",
        "reps": [{"id": people.rep_sh.pk, "username": "rep.sh", "display_name": people.rep_sh.display_name}],
        "active": True,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region={east}", ["HZ-001", "SH-001", "SH-002"]),
        ("region={sh}", ["SH-001", "SH-002"]),
        ("region_code=NORTH", ["BJ-001", "BJ-002"]),
        ("channel=convenience", ["SH-002"]),
        ("channel=convenience&channel=online", ["GZ-001", "SH-002"]),
        ("rep={rep_sh}", ["BJ-001", "SH-001"]),
        ("active=false", ["SH-002"]),
        ("active=true&region={east}", ["HZ-001", "SH-001"]),
        ("q=北三环", ["BJ-002"]),
        ("q=hz-", ["HZ-001"]),
    ],
)
def test_filters(api_client, people, outlets, regions, query, expected):
    api_client.force_authenticate(people.mkt_staff)
    query = query.format(east=regions.east.pk, sh=regions.sh.pk, rep_sh=people.rep_sh.pk)
    assert codes(api_client.get(f"{LIST}?{query}")) == expected


def test_filters_stay_inside_what_one_may_see(api_client, people, outlets, regions):
    api_client.force_authenticate(people.rep_hz)
    assert codes(api_client.get(f"{LIST}?region={regions.sh.pk}")) == []


@pytest.mark.parametrize("query", ["channel=kiosk", "region=999999", "region_code=XX"])
def test_invalid_filters_are_400_with_the_field(api_client, people, query):
    api_client.force_authenticate(people.mkt_staff)
    response = api_client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_list_queries_are_constant(api_client, people, regions, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            OutletFactory(region=regions.sh, reps=[people.rep_sh, people.mgr_east])

    add(5)
    # session, user, roles, region (for the territory), count, page, the page's reps
    api_client.force_login(UserFactory._meta.model.objects.get(pk=people.mgr_east.pk))
    with django_assert_num_queries(7):
        assert api_client.get(LIST).json()["count"] == 5
    add(495)
    with django_assert_num_queries(7):
        response = api_client.get(LIST, {"page_size": 500}).json()
    assert response["count"] == 500
    assert len(response["results"]) == 500


# --- import ------------------------------------------------------------------------------------------------------


def upload(text: str) -> dict:
    return {"file": SimpleUploadedFile("outlets.csv", text.encode(), content_type="text/csv")}


def test_import_answers_the_counts(api_client, people, regions):
    OutletFactory(code="SH-001", name="Old", region=regions.sh)
    OutletFactory(code="SH-002", name="Same", region=regions.sh, address="")
    api_client.force_authenticate(people.mkt_manager)

    response = api_client.post(
        IMPORT,
        upload(
            "code,name,channel,region,address\n"
            "SH-001,New,supermarket,SH,\nSH-002,Same,supermarket,SH,\nHZ-001,物美,supermarket,HZ,文三路"
        ),
        format="multipart",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 1}
    assert Outlet.objects.get(code="SH-001").name == "New"


def test_import_row_errors_are_400_and_nothing_is_saved(api_client, people, regions):
    api_client.force_authenticate(people.mkt_manager)

    response = api_client.post(
        IMPORT,
        upload("code,name,channel,region\nSH-001,A,supermarket,SH\nSH-002,B,supermarket,XX"),
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"rows": ["Row 3, region: unknown region 'XX'"]}
    assert not Outlet.objects.exists()


def test_import_without_a_file_is_400(api_client, people):
    api_client.force_authenticate(people.mkt_manager)
    response = api_client.post(IMPORT, {}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["file"]


@pytest.mark.parametrize("viewer", ["mkt_staff", "rep_sh", "mgr_east", "director", "hr"])
def test_import_is_403_for_those_who_do_not_keep_master_data(api_client, people, viewer):
    api_client.force_authenticate(getattr(people, viewer))
    response = api_client.post(IMPORT, upload("code,name,channel,region\nSH-001,A,supermarket,SH"), format="multipart")
    assert response.status_code == 403
    assert not Outlet.objects.exists()


def test_schema_documents_the_outlets(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/outlets/"]["get"]["parameters"]}
    assert {"region", "region_code", "channel", "rep", "active", "q", "page"} <= parameters
    assert "/api/v1/outlets/import/" in schema["paths"]
