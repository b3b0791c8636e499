"""The meeting and action item pages through HTTP: real form posts, 404 for what one may not read, 403 for what
one may not do, errors on their fields, and pinned queries for the lists."""

import datetime

import pytest
from django.test import Client

from coordination.models import ActionItem, JointMeeting
from tests.approvals.flow_setup import build_company
from tests.factories.coordination import ActionItemFactory, JointMeetingFactory

FUTURE = datetime.date(2099, 1, 1)


@pytest.fixture
def company(regions):
    return build_company(regions)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_organiser_creates_a_meeting_through_the_form(company):
    client = _client(company.mkt_wang)
    assert 'data-testid="meeting-new"' in client.get("/meetings/").content.decode()
    response = client.post(
        "/meetings/new/",
        {
            "month": "2026-03",
            "date": "2026-04-02",
            "location": "HQ",
            "attendees": [company.mkt_li.pk, company.mgr_east.pk],
        },
    )
    meeting = JointMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "1. Open action items from earlier meetings" in page
    assert company.mgr_east.display_name in page
    assert 'data-testid="minutes-form"' in page


def test_the_form_shows_the_services_messages_on_their_fields(company):
    JointMeetingFactory(month=datetime.date(2026, 3, 1), created_by=company.gm)
    response = _client(company.gm).post("/meetings/new/", {"month": "2026-03", "date": "2026-02-01"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"date": ["The meeting reviews 2026-03: hold it on or after 2026-03-01."]}


def test_minutes_and_items_from_the_meeting_page(company):
    meeting = JointMeetingFactory(
        month=datetime.date(2026, 1, 1),
        date=datetime.date(2026, 2, 3),
        created_by=company.gm,
        attendees=[company.mkt_li],
    )
    client = _client(company.gm)
    refused = client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed."})
    assert refused.status_code == 400
    assert (
        refused.context["minutes_form"].errors
        == {"attendees": ["A joint meeting needs attendees from both departments: add someone from sales."]}
        or "add someone from sales" in refused.content.decode()
    )
    meeting.attendees.add(company.mgr_east)
    assert client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed."}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == JointMeeting.Status.HELD

    bad = client.post(
        f"/meetings/{meeting.pk}/items/new/", {"title": "Audit", "owner": company.mgr_east.pk, "due_on": "2020-01-01"}
    )
    assert bad.status_code == 400
    assert bad.context["item_form"].errors == {"due_on": ["The due date cannot be in the past."]}
    ok = client.post(
        f"/meetings/{meeting.pk}/items/new/", {"title": "Audit", "owner": company.mgr_east.pk, "due_on": "2099-01-01"}
    )
    assert ok.status_code == 302
    item = ActionItem.objects.get()
    assert (item.meeting, item.owner, item.department) == (meeting, company.mgr_east, company.mgr_east.department)


def test_owner_closes_with_an_outcome_and_a_second_close_is_a_message(company):
    item = ActionItemFactory(owner=company.rep_zhang, meeting=None, created_by=company.gm, due_on=FUTURE)
    client = _client(company.rep_zhang)
    page = client.get(f"/action-items/{item.pk}/").content.decode()
    assert 'data-testid="close-form"' in page
    assert 'data-testid="cancel-form"' not in page
    empty = client.post(f"/action-items/{item.pk}/close/", {"outcome": ""})
    assert empty.status_code == 400
    assert empty.context["close_form"].errors == {"outcome": ["Say what was done."]}
    assert client.post(f"/action-items/{item.pk}/close/", {"outcome": "Done."}).status_code == 302
    again = client.post(f"/action-items/{item.pk}/close/", {"outcome": "Again"}, follow=True)
    assert "This action item is already done." in again.content.decode()
    item.refresh_from_db()
    assert (item.status, item.outcome) == (ActionItem.Status.DONE, "Done.")


def test_not_visible_is_404_and_not_allowed_is_403(company):
    meeting = JointMeetingFactory(created_by=company.gm)
    item = ActionItemFactory(meeting=meeting, owner=company.mgr_east, due_on=FUTURE)
    rep = _client(company.rep_liu)
    assert rep.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert rep.get(f"/action-items/{item.pk}/").status_code == 404
    assert rep.post(f"/action-items/{item.pk}/close/", {"outcome": "x"}).status_code == 404
    assert rep.get("/meetings/new/").status_code == 403
    reader = _client(company.mkt_li)
    assert reader.get(f"/meetings/{meeting.pk}/").status_code == 200
    assert reader.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert reader.post(f"/action-items/{item.pk}/close/", {"outcome": "x"}).status_code == 403
    assert reader.post(f"/action-items/{item.pk}/cancel/", {"reason": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_action_items_are_mine_by_default_then_all(company):
    mine = ActionItemFactory(
        owner=company.mkt_li, meeting=None, created_by=company.gm, due_on=datetime.date(2020, 1, 1)
    )
    other = ActionItemFactory(owner=company.mgr_east, meeting=None, created_by=company.gm, due_on=FUTURE)
    client = _client(company.mkt_li)
    page = client.get("/action-items/").content.decode()
    assert f'data-testid="item-{mine.pk}"' in page
    assert f'data-testid="item-{other.pk}"' not in page
    assert f'data-testid="overdue-{mine.pk}"' in page
    everything = client.get("/action-items/?scope=all").content.decode()
    assert f'data-testid="item-{other.pk}"' in everything
    assert client.get("/action-items/?overdue=maybe").status_code == 400


@pytest.mark.parametrize("count", [2, 30])
def test_list_pages_run_a_fixed_number_of_queries(company, django_assert_max_num_queries, count):
    for n in range(count):
        meeting = JointMeetingFactory(month=datetime.date(2020 + n // 12, n % 12 + 1, 1), created_by=company.gm)
        ActionItemFactory(meeting=meeting, owner=company.mkt_li, due_on=FUTURE)
    client = _client(company.mkt_li)
    with django_assert_max_num_queries(10):
        assert client.get("/meetings/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/action-items/?scope=all").status_code == 200
    meeting = JointMeeting.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
