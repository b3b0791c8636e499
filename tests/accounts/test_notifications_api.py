"""/api/v1/notifications/: my inbox through the API (list, filters, detail, read, read-all, unread count)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from tests.factories import UserFactory
from tests.factories.accounts import NotificationFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "No Notification matches the given query."}


@pytest.fixture
def me(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def test_anonymous_is_refused(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401
    assert api_client.get("/api/v1/notifications/unread-count/").status_code == 401
    assert api_client.get("/api/v1/notification-preferences/").status_code == 401


def test_list_is_mine_newest_first_and_paginated(api_client, me):
    older = NotificationFactory(recipient=me, kind=NotificationKind.ALERT)
    newer = NotificationFactory(recipient=me, read_at=timezone.now())
    NotificationFactory()  # someone else's

    body = api_client.get("/api/v1/notifications/").json()

    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    assert body["results"][1] == {
        "id": older.pk,
        "kind": "alert",
        "title": older.title,
        "body": older.body,
        "url": older.url,
        "created_at": body["results"][1]["created_at"],
        "read_at": None,
        "is_read": False,
    }
    assert body["results"][0]["is_read"] is True
    assert api_client.get("/api/v1/notifications/?page_size=1&page=2").json()["results"][0]["id"] == older.pk


def test_filters_unread_and_kind(api_client, me):
    unread_alert = NotificationFactory(recipient=me, kind=NotificationKind.ALERT)
    read_alert = NotificationFactory(recipient=me, kind=NotificationKind.ALERT, read_at=timezone.now())
    unread_plan = NotificationFactory(recipient=me)

    def ids(query):
        return {n["id"] for n in api_client.get(f"/api/v1/notifications/?{query}").json()["results"]}

    assert ids("unread=true") == {unread_alert.pk, unread_plan.pk}
    assert ids("unread=false") == {read_alert.pk}
    assert ids("kind=alert") == {unread_alert.pk, read_alert.pk}
    assert ids("kind=alert&unread=true") == {unread_alert.pk}


def test_bad_filters_answer_400_per_field(api_client, me):
    response = api_client.get("/api/v1/notifications/?kind=nonsense&unread=maybe")
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "unread"}


def test_list_query_count_is_constant(api_client, me, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=me)
    with django_assert_max_num_queries(3) as small:
        assert api_client.get("/api/v1/notifications/").status_code == 200
    NotificationFactory.create_batch(40, recipient=me)
    with django_assert_max_num_queries(3) as large:
        assert len(api_client.get("/api/v1/notifications/").json()["results"]) == 43
    assert len(small.captured_queries) == len(large.captured_queries) == 2  # count + page


def test_detail_of_someone_elses_is_404_like_a_missing_one(api_client, me):
    mine = NotificationFactory(recipient=me)
    theirs = NotificationFactory()

    assert api_client.get(f"/api/v1/notifications/{mine.pk}/").json()["id"] == mine.pk
    for pk in (theirs.pk, 999999):
        response = api_client.get(f"/api/v1/notifications/{pk}/")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        response = api_client.post(f"/api/v1/notifications/{pk}/read/")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_one_and_read_all_and_the_unread_count(api_client, me):
    first, _second, _third = NotificationFactory.create_batch(3, recipient=me)
    theirs = NotificationFactory()
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}

    response = api_client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert response.json()["read_at"]
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    # Reading it again changes nothing.
    read_at = Notification.objects.get(pk=first.pk).read_at
    api_client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert Notification.objects.get(pk=first.pk).read_at == read_at

    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 2}
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 0}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_count_takes_constant_queries(api_client, me, django_assert_num_queries):
    NotificationFactory.create_batch(5, recipient=me)
    with django_assert_num_queries(1):
        assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 5}


def test_the_schema_documents_notifications_and_validates_without_warnings(api_client, tmp_path):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]} >= {"unread", "kind", "page"}
    assert "post" in paths["/api/v1/notifications/{id}/read/"]
    assert "post" in paths["/api/v1/notifications/read-all/"]
    assert "get" in paths["/api/v1/notifications/unread-count/"]
    assert {"get", "put", "patch"} <= set(paths["/api/v1/notification-preferences/"])
    # The whole schema: valid OpenAPI, and drf-spectacular has nothing to warn about.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
