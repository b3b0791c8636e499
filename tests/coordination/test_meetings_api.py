"""/api/v1/meetings/ and /api/v1/action-items/ through HTTP: the permissions matrix (invisible → 404 like a missing
id, visible but not allowed → 403), 400 per field, 409 on a closed item, and pinned query counts."""

import datetime

import pytest

from accounts.models import Notification, NotificationKind
from coordination.models import ActionItem, JointMeeting
from tests.approvals.flow_setup import build_company
from tests.factories.coordination import ActionItemFactory, JointMeetingFactory

FEB = datetime.date(2026, 2, 1)


@pytest.fixture
def company(regions):
    return build_company(regions)


@pytest.fixture
def world(company):
    """Meeting A (Feb) with rep.zhang attending; meeting B (Jan) without him; an item of each."""
    a = JointMeetingFactory(month=FEB, created_by=company.mkt_wang, attendees=[company.mkt_li, company.rep_zhang])
    b = JointMeetingFactory(month=datetime.date(2026, 1, 1), created_by=company.mkt_wang, attendees=[company.mkt_li])
    item_a = ActionItemFactory(meeting=a, owner=company.mgr_east, due_on=datetime.date(2099, 1, 1))
    item_b = ActionItemFactory(meeting=b, owner=company.rep_chen, due_on=datetime.date(2099, 1, 1))
    return {"a": a, "b": b, "item_a": item_a, "item_b": item_b}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


NOT_FOUND_MEETING = {"detail": "No such joint meeting."}
NOT_FOUND_ITEM = {"detail": "No such action item."}

# user → (sees meeting A, sees meeting B, edits meetings)
MEETING_MATRIX = {
    "gm": (True, True, True),
    "mkt.wang": (True, True, True),
    "dir.sales": (True, True, True),
    "mkt.li": (True, True, False),
    "mgr.east": (True, True, False),
    "rep.zhang": (True, False, False),
    "rep.liu": (False, False, False),
    "hr.zhao": (False, False, False),
}


@pytest.mark.parametrize("username", MEETING_MATRIX)
def test_meeting_matrix(api_client, company, world, username):
    sees_a, sees_b, edits = MEETING_MATRIX[username]
    client = _as(api_client, company.user(username))
    listed = {row["id"] for row in client.get("/api/v1/meetings/").json()["results"]}
    assert listed == {m.pk for m, seen in ((world["a"], sees_a), (world["b"], sees_b)) if seen}
    for meeting, seen in ((world["a"], sees_a), (world["b"], sees_b)):
        url = f"/api/v1/meetings/{meeting.pk}/"
        detail = client.get(url)
        assert detail.status_code == (200 if seen else 404)
        patch = client.patch(url, {"location": "Room 9"}, format="json")
        minutes = client.post(f"{url}minutes/", {"minutes": ""}, format="json")
        if not seen:
            assert detail.json() == patch.json() == NOT_FOUND_MEETING
            assert (patch.status_code, minutes.status_code) == (404, 404)
        elif edits:
            assert patch.status_code == 200
            assert minutes.status_code == 400  # reached the rules
        else:
            assert (patch.status_code, minutes.status_code) == (403, 403)
    missing = client.get("/api/v1/meetings/999999/")
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND_MEETING)
    created = client.post("/api/v1/meetings/", {"month": "2026-03", "date": "2026-04-02"}, format="json")
    assert created.status_code == (201 if edits else 403)
    assert JointMeeting.objects.filter(location="Room 9").count() == (2 if edits else 0)


# user → (sees item A, sees item B, closes A, closes B, manages)
ITEM_MATRIX = {
    "gm": (True, True, True, True, True),
    "mkt.li": (True, True, False, False, False),
    "mgr.east": (True, True, True, False, False),  # owner of A; reads all meetings
    "rep.zhang": (True, False, False, False, False),  # attends A only
    "rep.chen": (False, True, False, True, False),  # owner of B
    "mgr.north": (True, True, False, False, False),  # reads all (and rep.chen's manager)
    "rep.liu": (False, False, False, False, False),
    "hr.zhao": (False, False, False, False, False),
}


@pytest.mark.parametrize("username", ITEM_MATRIX)
def test_action_item_matrix(api_client, company, world, username):
    sees_a, sees_b, closes_a, closes_b, manages = ITEM_MATRIX[username]
    client = _as(api_client, company.user(username))
    listed = {row["id"] for row in client.get("/api/v1/action-items/").json()["results"]}
    assert listed == {i.pk for i, seen in ((world["item_a"], sees_a), (world["item_b"], sees_b)) if seen}
    for item, seen, closes in ((world["item_a"], sees_a, closes_a), (world["item_b"], sees_b, closes_b)):
        url = f"/api/v1/action-items/{item.pk}/"
        answers = {
            "detail": client.get(url),
            "update": client.patch(url, {"title": "Renamed"}, format="json"),
            "cancel": client.post(f"{url}cancel/", {"reason": ""}, format="json"),
            "close": client.post(f"{url}close/", {"outcome": ""}, format="json"),
        }
        codes = {name: response.status_code for name, response in answers.items()}
        if not seen:
            assert codes == {"detail": 404, "update": 404, "cancel": 404, "close": 404}
            assert all(r.json() == NOT_FOUND_ITEM for r in answers.values())
            continue
        assert codes == {
            "detail": 200,
            "update": 200 if manages else 403,
            "cancel": 400 if manages else 403,  # a reason is required
            "close": 400 if closes else 403,  # an outcome is required
        }
    created = client.post(
        "/api/v1/action-items/",
        {"title": "New", "owner": company.mgr_east.pk, "due_on": "2099-01-02", "meeting": world["a"].pk},
        format="json",
    )
    assert created.status_code == (201 if manages else 403)


def test_create_a_meeting_answers_with_its_agenda_and_invites(api_client, company, world):
    ActionItemFactory(meeting=world["a"], title="Carry me", owner=company.mgr_east, due_on=datetime.date(2099, 1, 1))
    client = _as(api_client, company.dir_sales)
    response = client.post(
        "/api/v1/meetings/",
        {
            "month": "2026-03",
            "date": "2026-04-02",
            "location": "HQ",
            "attendees": [company.mkt_li.pk, company.mgr_east.pk],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["month"], body["date"], body["location"], body["status"]) == ("2026-03", "2026-04-02", "HQ", "planned")
    assert [p["username"] for p in body["attendees"]] == ["mkt.li", "mgr.east"]
    assert f"- Carry me — {company.mgr_east.display_name} — due 2099-01-01" in body["agenda"].splitlines()
    assert Notification.objects.filter(kind=NotificationKind.MEETING_INVITATION).count() == 2


def test_bad_input_is_a_400_per_field(api_client, company, world):
    client = _as(api_client, company.gm)
    response = client.post(
        "/api/v1/meetings/", {"month": "March", "date": "soon", "attendees": [999999]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"month", "date", "attendees"}
    assert response.json()["month"] == ["Enter a month as YYYY-MM."]
    again = client.post("/api/v1/meetings/", {"month": "2026-02", "date": "2026-03-05"}, format="json")
    assert again.json() == {"month": ["The joint meeting for 2026-02 already exists."]}
    item = client.post(
        "/api/v1/action-items/", {"title": "x", "owner": company.rep_zhang.pk, "due_on": "2020-01-01"}, format="json"
    )
    assert item.json() == {"due_on": ["The due date cannot be in the past."]}
    bad_filter = client.get("/api/v1/action-items/?overdue=maybe&due_from=never")
    assert bad_filter.status_code == 400
    assert set(bad_filter.json()) == {"overdue", "due_from"}


def test_close_then_close_again_is_a_409(api_client, company, world):
    client = _as(api_client, company.mgr_east)
    url = f"/api/v1/action-items/{world['item_a'].pk}/close/"
    done = client.post(url, {"outcome": "Shelves fixed."}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["outcome"], done.json()["closed_by"]["username"]) == (
        "done",
        "Shelves fixed.",
        "mgr.east",
    )
    again = client.post(url, {"outcome": "Twice"}, format="json")
    assert (again.status_code, again.json()) == (409, {"detail": "This action item is already done."})
    reopened = _as(api_client, company.gm).post(f"/api/v1/action-items/{world['item_a'].pk}/reopen/")
    assert (reopened.status_code, reopened.json()["status"]) == (200, "open")


def test_filters_and_mine(api_client, company, world):
    ActionItemFactory(meeting=world["a"], owner=company.mkt_li, due_on=datetime.date(2020, 1, 1))
    client = _as(api_client, company.mkt_li)
    overdue = client.get("/api/v1/action-items/?overdue=true").json()["results"]
    assert [(row["owner"]["username"], row["overdue"]) for row in overdue] == [("mkt.li", True)]
    mine = client.get("/api/v1/action-items/?mine=true").json()["results"]
    assert [row["owner"]["username"] for row in mine] == ["mkt.li"]
    by_meeting = client.get(f"/api/v1/action-items/?meeting={world['b'].pk}").json()["results"]
    assert [row["id"] for row in by_meeting] == [world["item_b"].pk]
    ranged = client.get("/api/v1/action-items/?due_from=2099-01-01&status=open").json()["results"]
    assert {row["id"] for row in ranged} == {world["item_a"].pk, world["item_b"].pk}


def _many(company, count: int) -> None:
    for n in range(count):
        meeting = JointMeetingFactory(
            month=datetime.date(2020 + n // 12, n % 12 + 1, 1), created_by=company.gm, attendees=[company.mkt_li]
        )
        ActionItemFactory(meeting=meeting, owner=company.mgr_east)


@pytest.mark.parametrize("count", [2, 30])
def test_list_queries_are_constant(api_client, company, django_assert_max_num_queries, count):
    _many(company, count)
    client = _as(api_client, company.mkt_li)
    with django_assert_max_num_queries(4):  # roles, count, page (+ savepoint slack)
        assert client.get("/api/v1/meetings/?page_size=100").status_code == 200
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/action-items/?page_size=100").json()["results"]) == count
    meeting = JointMeeting.objects.first()
    with django_assert_max_num_queries(6):  # roles, meeting, attendees (+groups), items
        assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200


def test_schema_documents_the_endpoints(api_client, company):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"/api/v1/meetings/", "/api/v1/meetings/{id}/minutes/", "/api/v1/action-items/{id}/close/"} <= set(paths)
    assert ActionItem.Status.OPEN == "open"
