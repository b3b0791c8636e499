import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from campaigns.models import MarketingPlan, PlanAcknowledgement, PlanStatus
from campaigns.services import plans as services
from tests.campaigns.plan_setup import FULL_SECTIONS, build_people, draft_plan, published_plan

pytestmark = pytest.mark.django_db

ROLES = ["mkt_staff", "mkt_manager", "rep_sh", "rep_bj", "mgr_east", "mgr_north", "director", "gm", "hr"]


@pytest.fixture
def people(regions):
    return build_people(regions)


@pytest.fixture
def plans(people, regions):
    return {
        "east": published_plan(people, regions.east, title="East"),
        "north": published_plan(people, regions.north, title="North"),
        "draft": draft_plan(people, regions.east, title="Draft"),
    }


def _client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


# role → which plans it can read (published East, published North, East draft)
READ = {
    "mkt_staff": {"east", "north", "draft"},
    "mkt_manager": {"east", "north", "draft"},
    "rep_sh": {"east"},
    "rep_bj": {"north"},
    "mgr_east": {"east"},
    "mgr_north": {"north"},
    "director": {"east", "north"},
    "gm": {"east", "north", "draft"},
    "hr": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_read_matrix_detail_and_list(api_client, people, plans, role):
    client = _client(api_client, getattr(people, role))
    for key, plan in plans.items():
        response = client.get(reverse("api:plan-detail", args=[plan.pk]))
        expected = 200 if key in READ[role] else 404
        assert response.status_code == expected, (role, key)
    listed = {row["title"] for row in client.get(reverse("api:plan-list")).json()["results"]}
    assert listed == {plans[key].title for key in READ[role]}


def test_missing_and_hidden_plans_answer_the_same(api_client, people, plans):
    client = _client(api_client, people.rep_bj)
    hidden = client.get(reverse("api:plan-detail", args=[plans["east"].pk]))
    missing = client.get(reverse("api:plan-detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# role → status for PATCH on the draft (owned by mkt_staff)
EDIT_DRAFT = {"mkt_staff": 200, "mkt_manager": 200, "gm": 403}


@pytest.mark.parametrize("role", ROLES)
def test_edit_matrix(api_client, people, plans, role):
    client = _client(api_client, getattr(people, role))
    response = client.patch(reverse("api:plan-detail", args=[plans["draft"].pk]), {"title": "Changed"}, format="json")
    assert response.status_code == EDIT_DRAFT.get(role, 404), role
    plans["draft"].refresh_from_db()
    assert (plans["draft"].title == "Changed") == (response.status_code == 200)
    # a published plan's working copy is not editable by anyone until it is revised
    response = client.patch(reverse("api:plan-detail", args=[plans["east"].pk]), {"title": "X"}, format="json")
    assert response.status_code == (403 if role in READ and "east" in READ[role] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_publish_matrix(api_client, people, plans, role):
    services.plan_submit(user=people.mkt_staff, plan=plans["draft"])
    client = _client(api_client, getattr(people, role))
    response = client.post(reverse("api:plan-publish", args=[plans["draft"].pk]), {}, format="json")
    expected = {"mkt_manager": 200, "mkt_staff": 403, "gm": 403}.get(role, 404)
    assert response.status_code == expected, role
    plans["draft"].refresh_from_db()
    assert (plans["draft"].status == PlanStatus.PUBLISHED) == (expected == 200)


def test_marketing_drafts_through_the_api(api_client, people, regions):
    client = _client(api_client, people.mkt_staff)
    response = client.post(
        reverse("api:plan-list"),
        {"title": "API plan", "kind": "monthly", "year": 2026, "month": 5, "region": regions.east.pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert [s["kind"] for s in body["draft"]["sections"]] == list(FULL_SECTIONS)
    plan_id = body["id"]
    response = client.patch(
        reverse("api:plan-detail", args=[plan_id]),
        {"sections": {"sales_promotion": {"goals": "Sell more", "rationale": "Because"}}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["draft"]["sections"][0]["goals"] == "Sell more"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "kind": "annual", "year": 2026, "region": 1}, "title"),
        ({"title": "x", "kind": "weekly", "year": 2026, "region": 1}, "kind"),
        ({"title": "x", "kind": "annual", "year": 1800, "region": 1}, "year"),
        ({"title": "x", "kind": "monthly", "year": 2026}, "region"),
    ],
)
def test_bad_input_is_a_400_per_field(api_client, people, regions, payload, field):
    client = _client(api_client, people.mkt_staff)
    response = client.post(reverse("api:plan-list"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MarketingPlan.objects.exists()


def test_monthly_plan_without_month_is_a_400(api_client, people, regions):
    client = _client(api_client, people.mkt_staff)
    response = client.post(
        reverse("api:plan-list"),
        {"title": "x", "kind": "monthly", "year": 2026, "region": regions.east.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "month" in response.json()


def test_unknown_section_is_a_400(api_client, people, plans):
    client = _client(api_client, people.mkt_staff)
    response = client.patch(
        reverse("api:plan-detail", args=[plans["draft"].pk]), {"sections": {"bogus": {"goals": "x"}}}, format="json"
    )
    assert response.status_code == 400
    assert "sections" in response.json()


def test_sales_reads_the_published_version_not_the_draft(api_client, people, plans):
    services.plan_revise(user=people.mkt_staff, plan=plans["east"])
    services.plan_update(user=people.mkt_staff, plan=plans["east"], data={"title": "Secret rework"})
    body = _client(api_client, people.rep_sh).get(reverse("api:plan-detail", args=[plans["east"].pk])).json()
    assert body["draft"] is None
    assert body["published"]["content"]["title"] == "East"
    assert body["status"] == "published"


def test_acknowledge_endpoint_is_idempotent(api_client, people, plans):
    client = _client(api_client, people.rep_sh)
    url = reverse("api:plan-acknowledge", args=[plans["east"].pk])
    first = client.post(url, {}, format="json")
    second = client.post(url, {"version": 1}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert PlanAcknowledgement.objects.filter(user=people.rep_sh).count() == 1
    assert client.post(reverse("api:plan-acknowledge", args=[plans["north"].pk]), {}).status_code == 404
    assert client.post(url, {"version": 7}, format="json").status_code == 404


def test_acknowledgements_board(api_client, people, plans):
    services.plan_acknowledge(user=people.rep_sh, plan=plans["east"])
    body = (
        _client(api_client, people.mkt_staff).get(reverse("api:plan-acknowledgements", args=[plans["east"].pk])).json()
    )
    assert [(r["region"], r["acknowledged"], r["total"]) for r in body] == [
        ("East", 0, 1),
        ("Hangzhou", 0, 1),
        ("Shanghai", 1, 1),
    ]
    assert (
        _client(api_client, people.rep_sh)
        .get(reverse("api:plan-acknowledgements", args=[plans["east"].pk]))
        .status_code
        == 403
    )


def test_comments_thread(api_client, people, plans, django_capture_on_commit_callbacks):
    url = reverse("api:plan-comments", args=[plans["east"].pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question = _client(api_client, people.rep_sh).post(url, {"body": "Which outlets?"}, format="json")
    assert question.status_code == 201
    assert [m.to for m in mail.outbox] == [[people.mkt_staff.email]]
    answer = _client(api_client, people.mkt_staff).post(
        url, {"body": "The top 60.", "parent": question.json()["id"]}, format="json"
    )
    assert answer.status_code == 201
    listing = _client(api_client, people.rep_hz).get(url).json()["results"]
    assert [(c["body"], [r["body"] for r in c["replies"]]) for c in listing] == [("Which outlets?", ["The top 60."])]
    assert _client(api_client, people.rep_sh).post(url, {"body": ""}, format="json").status_code == 400
    bad_parent = _client(api_client, people.rep_sh).post(url, {"body": "x", "parent": 424242}, format="json")
    assert bad_parent.status_code == 400
    assert "parent" in bad_parent.json()
    assert Notification.objects.filter(kind="plan_comment", recipient=people.rep_sh).count() == 1


def test_lifecycle_through_the_api(api_client, people, plans):
    plan = plans["draft"]
    staff = _client(api_client, people.mkt_staff)
    assert staff.post(reverse("api:plan-submit", args=[plan.pk])).json()["status"] == "in_review"
    manager = _client(api_client, people.mkt_manager)
    published = manager.post(reverse("api:plan-publish", args=[plan.pk]), {}, format="json").json()
    assert published["published"]["number"] == 1
    assert manager.post(reverse("api:plan-publish", args=[plan.pk]), {}, format="json").status_code == 400
    assert manager.post(reverse("api:plan-revise", args=[plan.pk])).json()["status"] == "draft"
    versions = manager.get(reverse("api:plan-versions", args=[plan.pk])).json()
    assert [v["number"] for v in versions] == [1]


def test_anonymous_gets_401(api_client, plans):
    assert api_client.get(reverse("api:plan-list")).status_code == 401


def test_list_queries_do_not_grow(api_client, people, regions, django_assert_max_num_queries):
    def client():  # a fresh user object per request, as in real requests (role and region not cached)
        return _client(api_client, type(people.rep_sh).objects.get(pk=people.rep_sh.pk))

    for i in range(5):
        published_plan(people, regions.east, title=f"P{i}")
    with django_assert_max_num_queries(8) as small:
        assert len(client().get(reverse("api:plan-list")).json()["results"]) == 5
    for i in range(5, 60):
        published_plan(people, regions.east, title=f"P{i}")
    with django_assert_max_num_queries(8) as large:
        assert len(client().get(reverse("api:plan-list")).json()["results"]) == 50
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/plans/abc/", "/api/v1/targets/abc/", "/api/v1/promotions/abc/"])
def test_non_numeric_ids_are_404_not_500(api_client, people, url):
    client = _client(api_client, people.mkt_staff)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"units": 1}, format="json").status_code == 404


def test_hr_is_told_plans_and_promotions_are_not_for_their_role(client, people):
    client.force_login(people.hr)
    for url in ("/plans/", "/promotions/", "/promotions/calendar/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "not used by your role" in response.content.decode()


def test_a_units_only_target_can_be_created(api_client, people, regions):
    client = _client(api_client, people.mkt_staff)
    response = client.post(
        "/api/v1/targets/",
        {"year": 2026, "quarter": 0, "month": 0, "region": regions.east.pk, "units": 500},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["units"], response.json()["revenue"]) == (500, "0.00")
