"""/api/v1/targets/: list, read, create, change, delete, import and check — plus the permission matrix of DESIGN §2
(role × target in / out of scope × read / edit), addressing each target by its id in the URL."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from campaigns.models import SalesTarget
from tests.factories import ProductCategoryFactory, SalesTargetFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/targets/"


def detail(target) -> str:
    return f"/api/v1/targets/{target.pk}/"


def test_url_names():
    assert reverse("api:target-list") == LIST
    assert reverse("api:target-detail", args=[7]) == "/api/v1/targets/7/"
    assert reverse("api:target-import") == "/api/v1/targets/import/"
    assert reverse("api:target-check") == "/api/v1/targets/check/"


def test_anonymous_gets_401(api_client):
    assert api_client.get(LIST).status_code == 401


# --- permission matrix -------------------------------------------------------------------------------------------


@pytest.fixture
def world(regions):
    """Targets across the tree, and the viewers of each role."""
    rep = UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)
    colleague = UserFactory(username="rep.sh2", role=Role.SALES_REP, region=regions.sh)
    targets = {
        "cn": SalesTargetFactory(region=regions.cn),
        "east": SalesTargetFactory(region=regions.east),
        "sh": SalesTargetFactory(region=regions.sh),
        "sh_rep": SalesTargetFactory(region=regions.sh, rep=rep),
        "sh_colleague": SalesTargetFactory(region=regions.sh, rep=colleague),
        "hz": SalesTargetFactory(region=regions.hz),
        "bj": SalesTargetFactory(region=regions.bj),
    }
    viewers = {
        "marketing_staff": UserFactory(role=Role.MARKETING_STAFF, region=regions.cn),
        "marketing_manager": UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn),
        "sales_manager": UserFactory(role=Role.SALES_MANAGER, region=regions.east),
        "sales_rep": rep,
        "sales_director": UserFactory(role=Role.SALES_DIRECTOR, region=regions.cn),
        "general_manager": UserFactory(role=Role.GENERAL_MANAGER, region=regions.cn),
        "hr": UserFactory(role=Role.HR, region=regions.cn),
        "no_role": UserFactory(region=regions.sh),
    }
    return viewers, targets


# (viewer, target, read status, edit status)
MATRIX = [
    ("marketing_staff", "east", 200, 200),
    ("marketing_staff", "bj", 200, 200),
    ("marketing_staff", "sh_rep", 200, 200),
    ("marketing_manager", "cn", 200, 200),
    ("sales_manager", "sh", 200, 200),  # below their region
    ("sales_manager", "sh_rep", 200, 200),  # their rep
    ("sales_manager", "east", 200, 403),  # their own total was given to them
    ("sales_manager", "cn", 200, 403),  # the company total concerns them, read-only
    ("sales_manager", "bj", 404, 404),  # another region: does not exist for them
    ("sales_rep", "sh_rep", 200, 403),
    ("sales_rep", "sh", 200, 403),
    ("sales_rep", "east", 200, 403),
    ("sales_rep", "sh_colleague", 404, 404),
    ("sales_rep", "hz", 404, 404),
    ("sales_director", "bj", 200, 403),
    ("general_manager", "sh_rep", 200, 403),
    ("hr", "bj", 200, 403),
    ("no_role", "sh", 404, 404),
]


@pytest.mark.parametrize(("viewer", "target", "read", "edit"), MATRIX)
def test_permission_matrix(api_client, world, viewer, target, read, edit):
    viewers, targets = world
    obj = targets[target]
    api_client.force_authenticate(viewers[viewer])

    got = api_client.get(detail(obj))
    patched = api_client.patch(detail(obj), {"units": 555}, format="json")

    assert got.status_code == read
    assert patched.status_code == edit
    obj.refresh_from_db()
    assert obj.units == (555 if edit == 200 else 100)


@pytest.mark.parametrize(("viewer", "target", "read", "edit"), MATRIX)
def test_permission_matrix_delete(api_client, world, viewer, target, read, edit):
    viewers, targets = world
    api_client.force_authenticate(viewers[viewer])

    response = api_client.delete(detail(targets[target]))

    assert response.status_code == (204 if edit == 200 else edit)
    assert SalesTarget.objects.filter(pk=targets[target].pk).exists() is (edit != 200)


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("marketing_staff", {"cn", "east", "sh", "sh_rep", "sh_colleague", "hz", "bj"}),
        ("sales_manager", {"cn", "east", "sh", "sh_rep", "sh_colleague", "hz"}),
        ("sales_rep", {"cn", "east", "sh", "sh_rep"}),
        ("hr", {"cn", "east", "sh", "sh_rep", "sh_colleague", "hz", "bj"}),
        ("no_role", set()),
    ],
)
def test_list_shows_exactly_what_the_role_may_see(api_client, world, viewer, visible):
    viewers, targets = world
    api_client.force_authenticate(viewers[viewer])

    response = api_client.get(LIST)

    names = {name for name, target in targets.items() if target.pk in {row["id"] for row in response.json()["results"]}}
    assert names == visible


@pytest.mark.parametrize(
    ("viewer", "region", "status"),
    [
        ("marketing_staff", "bj", 201),
        ("sales_manager", "sh", 201),
        ("sales_manager", "east", 403),
        ("sales_manager", "bj", 403),
        ("sales_rep", "sh", 403),
        ("hr", "sh", 403),
        ("general_manager", "sh", 403),
    ],
)
def test_create_permissions(api_client, world, regions, viewer, region, status):
    viewers, _targets = world
    api_client.force_authenticate(viewers[viewer])

    response = api_client.post(
        LIST, {"year": 2027, "region": getattr(regions, region).pk, "units": 5, "revenue": "1.00"}, format="json"
    )

    assert response.status_code == status
    assert SalesTarget.objects.filter(year=2027).count() == (1 if status == 201 else 0)


# --- behaviour ---------------------------------------------------------------------------------------------------


@pytest.fixture
def marketing(regions):
    return UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)


def test_create_returns_the_target(api_client, marketing, regions):
    rep = UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)
    bev = ProductCategoryFactory(code="BEV", name="饮料", name_en="Beverages")
    api_client.force_authenticate(marketing)

    response = api_client.post(
        LIST,
        {
            "year": 2026,
            "quarter": 2,
            "month": 5,
            "region": regions.sh.pk,
            "rep": rep.pk,
            "category": bev.pk,
            "units": 120,
            "revenue": "576.50",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    target = SalesTarget.objects.get()
    assert body == {
        "id": target.pk,
        "year": 2026,
        "quarter": 2,
        "month": 5,
        "period": "2026-05",
        "region": {"id": regions.sh.pk, "code": "SH", "name": "Shanghai"},
        "rep": {"id": rep.pk, "username": "rep.sh", "full_name": rep.display_name},
        "category": {"id": bev.pk, "code": "BEV", "name": "Beverages"},
        "product": None,
        "units": 120,
        "revenue": "576.50",
        "plan": None,
        "updated_at": body["updated_at"],
        "can_edit": True,
    }
    assert target.updated_by == marketing


def test_create_invalid_cell_is_a_400_per_field_and_writes_nothing(api_client, marketing, regions):
    other_rep = UserFactory(role=Role.SALES_REP, region=regions.hz)
    api_client.force_authenticate(marketing)

    response = api_client.post(
        LIST,
        {
            "year": 2026,
            "quarter": 1,
            "month": 5,
            "region": regions.sh.pk,
            "rep": other_rep.pk,
            "units": 1,
            "revenue": 1,
        },
        format="json",
    )
    negative = api_client.post(LIST, {"year": 2026, "region": regions.sh.pk, "units": -1, "revenue": -1}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "quarter": ["Month 5 is in quarter 2."],
        "rep": [f"{other_rep.username} does not work in this region."],
    }
    assert negative.status_code == 400
    assert set(negative.json()) == {"units", "revenue"}
    assert not SalesTarget.objects.exists()


def test_create_on_an_existing_cell_replaces_its_figures(api_client, marketing, regions):
    existing = SalesTargetFactory(year=2026, region=regions.east, units=1)
    api_client.force_authenticate(marketing)

    response = api_client.post(
        LIST, {"year": 2026, "region": regions.east.pk, "units": 9, "revenue": "9.00"}, format="json"
    )

    assert response.json()["id"] == existing.pk
    assert list(SalesTarget.objects.values_list("units", "revenue")) == [(9, Decimal("9.00"))]


def test_partial_update_changes_only_what_is_sent(api_client, marketing, regions):
    target = SalesTargetFactory(year=2026, region=regions.east, units=10, revenue=Decimal("99.00"))
    api_client.force_authenticate(marketing)

    response = api_client.patch(detail(target), {"revenue": "100.50"}, format="json")

    assert response.status_code == 200
    assert (response.json()["units"], response.json()["revenue"]) == (10, "100.50")


def test_list_filters_and_paginates(api_client, marketing, regions):
    for month in range(1, 13):
        SalesTargetFactory(year=2026, quarter=(month + 2) // 3, month=month, region=regions.sh)
    SalesTargetFactory(year=2026, region=regions.bj)
    api_client.force_authenticate(marketing)

    page = api_client.get(LIST, {"within": regions.east.pk, "level": "month", "page_size": 5, "page": 2}).json()
    bad = api_client.get(LIST, {"level": "week"})

    assert page["count"] == 12
    assert [row["month"] for row in page["results"]] == [6, 7, 8, 9, 10]
    assert bad.status_code == 400
    assert set(bad.json()) == {"level"}


@pytest.mark.parametrize("rows", [5, 200])
def test_list_query_count_is_constant(api_client, regions, rows, django_assert_num_queries):
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    reps = [UserFactory(role=Role.SALES_REP, region=regions.sh) for _ in range(5)]
    category = ProductCategoryFactory()
    SalesTarget.objects.bulk_create(
        SalesTarget(year=2000 + i, region=regions.sh, rep=reps[i % 5], category=category, units=i) for i in range(rows)
    )
    api_client.force_authenticate(User.objects.get(pk=manager.pk))  # as a request loads it: nothing cached

    # the user's region (visibility), their roles, the count, the page
    with django_assert_num_queries(4):
        response = api_client.get(LIST, {"page_size": 500})

    assert response.json()["count"] == rows


def test_import_endpoint(api_client, marketing, regions):
    api_client.force_authenticate(marketing)
    good = SimpleUploadedFile("t.csv", b"year,region,units,revenue\n2026,EAST,10,50\n2026,SH,4,20\n")
    bad = SimpleUploadedFile("t.csv", b"year,region,units,revenue\n2026,XX,10,50\n")

    ok = api_client.post("/api/v1/targets/import/", {"file": good}, format="multipart")
    failed = api_client.post("/api/v1/targets/import/", {"file": bad}, format="multipart")

    assert ok.status_code == 200
    assert ok.json()["created"] == 2
    assert [
        (d["kind"], d["region_code"], d["units_difference"], d["revenue_difference"]) for d in ok.json()["check"]
    ] == [("regions", "EAST", -6, "-30.00")]
    assert failed.status_code == 400
    assert failed.json() == {"rows": ["Row 2, region: unknown region 'XX'"]}
    assert SalesTarget.objects.count() == 2


def test_import_endpoint_is_for_editors_only(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP, region=regions.sh))
    upload = SimpleUploadedFile("t.csv", b"year,region,units,revenue\n2026,SH,10,50\n")

    response = api_client.post("/api/v1/targets/import/", {"file": upload}, format="multipart")

    assert response.status_code == 403
    assert not SalesTarget.objects.exists()


def test_check_endpoint(api_client, marketing, regions):
    SalesTargetFactory(year=2026, region=regions.east, units=100, revenue=Decimal("10.00"))
    SalesTargetFactory(year=2026, region=regions.sh, units=60, revenue=Decimal("6.00"))
    api_client.force_authenticate(marketing)

    response = api_client.get("/api/v1/targets/check/", {"year": 2026, "region": regions.east.pk})
    missing_year = api_client.get("/api/v1/targets/check/")

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["region"]["code"], body["adds_up"]) == (2026, "EAST", False)
    assert body["differences"] == [
        {
            "kind": "regions",
            "year": 2026,
            "quarter": 0,
            "month": 0,
            "period": "2026",
            "region": regions.east.pk,
            "region_code": "EAST",
            "rep": None,
            "rep_username": None,
            "category": None,
            "product": None,
            "parent_missing": False,
            "parent_units": 100,
            "children_units": 60,
            "units_difference": -40,
            "parent_revenue": "10.00",
            "children_revenue": "6.00",
            "revenue_difference": "-4.00",
            "children_count": 1,
        }
    ]
    assert missing_year.status_code == 400
    assert set(missing_year.json()) == {"year"}
