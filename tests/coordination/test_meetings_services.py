"""Joint meetings and action items through their services: the agenda carried over, one meeting per month, the
validation messages, invitations, and the life of an action item."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Department, Notification, NotificationKind
from coordination.errors import Conflict
from coordination.models import ActionItem, JointMeeting
from coordination.services.meetings import (
    action_item_cancel,
    action_item_close,
    action_item_create,
    action_item_reopen,
    action_item_update,
    meeting_create,
    meeting_record_minutes,
    meeting_update,
)
from tests.approvals.flow_setup import NOW, build_company
from tests.factories.coordination import ActionItemFactory, JointMeetingFactory

TODAY = NOW.date()  # Monday 2 March 2026
FEB, MAR = datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)

STANDING = [
    "2. Sales vs target for the month, by region",
    "3. Field reports: display, stock, POP, coverage and competitor intel",
    "4. Promotions and approvals: running, ended, waiting and overdue",
    "5. Alerts raised and how they were handled",
    "6. New action items",
]


@pytest.fixture
def company(regions):
    return build_company(regions)


def _notes(kind: str) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(kind=kind).order_by("pk").values_list("recipient__username", "key"))


def test_agenda_starts_with_the_open_items_of_earlier_meetings_overdue_marked(company):
    january = JointMeetingFactory(month=datetime.date(2026, 1, 1), created_by=company.mkt_wang)
    february = JointMeetingFactory(month=FEB, created_by=company.mkt_wang)
    ActionItemFactory(
        meeting=january, title="Fix the Hangzhou POP gap", owner=company.mgr_east, due_on=datetime.date(2026, 2, 27)
    )
    ActionItemFactory(
        meeting=february, title="Cola price check", owner=company.mkt_li, due_on=datetime.date(2026, 3, 9)
    )
    ActionItemFactory(
        meeting=february,
        title="Closed already",
        owner=company.mkt_li,
        status=ActionItem.Status.DONE,
        closed_at=NOW,
        outcome="Done.",
    )
    ActionItemFactory(meeting=None, title="Not from a meeting", owner=company.mkt_li, created_by=company.mkt_wang)

    meeting = meeting_create(
        user=company.mkt_wang, month=MAR, date=datetime.date(2026, 4, 3), location="Room 3", today=TODAY
    )

    assert meeting.agenda.splitlines() == [
        "1. Open action items from earlier meetings",
        f"- Fix the Hangzhou POP gap — {company.mgr_east.display_name} — due 2026-02-27 (OVERDUE)",
        f"- Cola price check — {company.mkt_li.display_name} — due 2026-03-09",
        *STANDING,
    ]
    assert meeting.status == JointMeeting.Status.PLANNED
    assert meeting.created_by == company.mkt_wang


def test_an_agenda_with_nothing_to_carry_says_so(company):
    meeting = meeting_create(user=company.gm, month=MAR, date=datetime.date(2026, 4, 3), today=TODAY)
    assert meeting.agenda.splitlines() == [
        "1. Open action items from earlier meetings",
        "- None: every earlier action item is closed.",
        *STANDING,
    ]


def test_one_meeting_per_month_with_a_clear_message(company):
    meeting_create(user=company.gm, month=MAR, date=datetime.date(2026, 4, 3), today=TODAY)
    with pytest.raises(ValidationError) as error:
        meeting_create(user=company.dir_sales, month=datetime.date(2026, 3, 15), date=datetime.date(2026, 4, 3))
    assert error.value.message_dict == {"month": ["The joint meeting for 2026-03 already exists."]}
    assert JointMeeting.objects.count() == 1


def test_a_meeting_cannot_be_held_before_the_month_it_reviews(company):
    with pytest.raises(ValidationError) as error:
        meeting_create(user=company.gm, month=MAR, date=datetime.date(2026, 2, 27), today=TODAY)
    assert error.value.message_dict == {"date": ["The meeting reviews 2026-03: hold it on or after 2026-03-01."]}
    assert not JointMeeting.objects.exists()


@pytest.mark.parametrize("username", ["mkt.li", "mgr.east", "rep.zhang", "hr.zhao"])
def test_only_organisers_create_meetings(company, username):
    with pytest.raises(PermissionDenied):
        meeting_create(user=company.user(username), month=MAR, date=datetime.date(2026, 4, 3))
    assert not JointMeeting.objects.exists()


def test_attendees_are_invited_once_per_date_and_again_when_the_date_moves(company):
    meeting = meeting_create(
        user=company.mkt_wang,
        month=MAR,
        date=datetime.date(2026, 4, 3),
        attendees=[company.mkt_li, company.mgr_east],
        today=TODAY,
    )
    first = f"meeting_invitation:{meeting.pk}:2026-04-03"
    assert _notes(NotificationKind.MEETING_INVITATION) == [("mkt.li", first), ("mgr.east", first)]
    note = Notification.objects.get(recipient=company.mkt_li)
    assert note.title == "Joint meeting on 2026-04-03"
    assert note.url == f"/meetings/{meeting.pk}/"

    # Same date, one more attendee: only the newcomer is invited.
    meeting_update(user=company.gm, meeting=meeting, attendees=[company.mkt_li, company.mgr_east, company.mgr_north])
    assert _notes(NotificationKind.MEETING_INVITATION)[2:] == [("mgr.north", first)]

    # A new date invites everyone again.
    meeting_update(user=company.gm, meeting=meeting, date=datetime.date(2026, 4, 7), agenda="Short agenda")
    second = f"meeting_invitation:{meeting.pk}:2026-04-07"
    assert sorted(_notes(NotificationKind.MEETING_INVITATION)[3:]) == [
        ("mgr.east", second),
        ("mgr.north", second),
        ("mkt.li", second),
    ]
    meeting.refresh_from_db()
    assert (meeting.date, meeting.agenda) == (datetime.date(2026, 4, 7), "Short agenda")


def test_minutes_need_text_a_past_date_and_both_departments(company):
    meeting = JointMeetingFactory(
        month=FEB, date=datetime.date(2026, 3, 5), attendees=[company.mkt_li, company.hr_zhao]
    )
    with pytest.raises(ValidationError) as error:
        meeting_record_minutes(user=company.mkt_wang, meeting=meeting, minutes="  ", today=TODAY)
    assert error.value.message_dict == {
        "minutes": [
            "Write the minutes: what was discussed and decided.",
            "The meeting is on 2026-03-05: record its minutes once it has been held.",
        ],
        "attendees": ["A joint meeting needs attendees from both departments: add someone from sales."],
    }
    with pytest.raises(ValidationError) as error:
        meeting_record_minutes(
            user=company.mkt_wang,
            meeting=meeting,
            minutes="Agreed.",
            attendees=[company.mgr_east],
            today=datetime.date(2026, 3, 5),
        )
    assert error.value.message_dict == {
        "attendees": ["A joint meeting needs attendees from both departments: add someone from marketing."]
    }
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes) == (JointMeeting.Status.PLANNED, "")

    meeting_record_minutes(
        user=company.mkt_wang,
        meeting=meeting,
        minutes=" Agreed on the April push. ",
        attendees=[company.mkt_li, company.mgr_east],
        today=datetime.date(2026, 3, 5),
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes) == (JointMeeting.Status.HELD, "Agreed on the April push.")
    assert set(meeting.attendees.values_list("username", flat=True)) == {"mkt.li", "mgr.east"}
    with pytest.raises(ValidationError) as error:
        meeting_update(user=company.gm, meeting=meeting, date=datetime.date(2026, 3, 6))
    assert error.value.message_dict == {"date": ["The meeting was held: its date can no longer change."]}


def test_action_item_defaults_to_the_owners_department_and_notifies_the_owner(company):
    meeting = JointMeetingFactory(month=FEB, created_by=company.mkt_wang)
    item = action_item_create(
        user=company.dir_sales,
        title=" Shelf audit in Beijing ",
        owner=company.mgr_north,
        due_on=TODAY,
        meeting=meeting,
        today=TODAY,
    )
    assert (item.title, item.department.code, item.status, item.meeting) == (
        "Shelf audit in Beijing",
        Department.Code.SALES,
        ActionItem.Status.OPEN,
        meeting,
    )
    assert _notes(NotificationKind.ACTION_ITEM_ASSIGNED) == [
        ("mgr.north", f"action_item_assigned:{item.pk}:{company.mgr_north.pk}")
    ]
    marketing = Department.objects.get(code=Department.Code.MARKETING)
    other = action_item_create(
        user=company.gm, title="Joint", owner=company.mgr_north, department=marketing, due_on=TODAY, today=TODAY
    )
    assert other.department == marketing
    assert other.meeting is None


def test_action_item_validation_messages(company):
    company.rep_chen.is_active = False
    company.rep_chen.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        action_item_create(
            user=company.gm, title="", owner=company.rep_chen, due_on=datetime.date(2026, 3, 1), today=TODAY
        )
    assert error.value.message_dict == {
        "title": ["Say what is to be done."],
        "owner": [f"{company.rep_chen.display_name} is no longer active: name someone else."],
        "due_on": ["The due date cannot be in the past."],
    }
    with pytest.raises(PermissionDenied):
        action_item_create(user=company.mkt_li, title="x", owner=company.mkt_li, due_on=TODAY, today=TODAY)
    assert not ActionItem.objects.exists()
    assert not Notification.objects.exists()


def test_reassigning_notifies_the_new_owner_and_follows_their_department(company):
    item = ActionItemFactory(owner=company.mgr_east, created_by=company.gm, meeting=None)
    item = action_item_update(user=company.mkt_wang, item=item, owner=company.mkt_li, today=TODAY)
    assert (item.owner, item.department.code) == (company.mkt_li, Department.Code.MARKETING)
    assert _notes(NotificationKind.ACTION_ITEM_ASSIGNED) == [
        ("mkt.li", f"action_item_assigned:{item.pk}:{company.mkt_li.pk}")
    ]
    with pytest.raises(ValidationError) as error:
        action_item_update(user=company.mkt_wang, item=item, due_on=datetime.date(2026, 2, 1), today=TODAY)
    assert error.value.message_dict == {"due_on": ["The due date cannot be in the past."]}
    with pytest.raises(PermissionDenied):
        action_item_update(user=company.mkt_li, item=item, title="Mine now")


def test_closing_needs_the_owner_or_an_organiser_and_an_outcome(company):
    item = ActionItemFactory(owner=company.mgr_east, created_by=company.gm, meeting=None)
    with pytest.raises(PermissionDenied):
        action_item_close(user=company.mgr_north, item=item, outcome="Not mine")
    with pytest.raises(ValidationError) as error:
        action_item_close(user=company.mgr_east, item=item, outcome=" ")
    assert error.value.message_dict == {"outcome": ["Say what was done."]}
    item.refresh_from_db()
    assert (item.status, item.closed_at) == (ActionItem.Status.OPEN, None)

    action_item_close(user=company.mgr_east, item=item, outcome="Audit done, 12 stores.", now=NOW)
    item.refresh_from_db()
    assert (item.status, item.outcome, item.closed_at, item.closed_by) == (
        ActionItem.Status.DONE,
        "Audit done, 12 stores.",
        NOW,
        company.mgr_east,
    )
    with pytest.raises(Conflict) as conflict:
        action_item_close(user=company.gm, item=item, outcome="Again")
    assert conflict.value.message == "This action item is already done."
    with pytest.raises(Conflict):
        action_item_cancel(user=company.gm, item=item, reason="Late")


def test_cancel_and_reopen_are_for_organisers(company):
    item = ActionItemFactory(owner=company.mgr_east, created_by=company.gm, meeting=None)
    with pytest.raises(PermissionDenied):
        action_item_cancel(user=company.mgr_east, item=item, reason="Mine, I drop it")
    with pytest.raises(ValidationError) as error:
        action_item_cancel(user=company.gm, item=item, reason="")
    assert error.value.message_dict == {"reason": ["Say why the action item is cancelled."]}
    action_item_cancel(user=company.gm, item=item, reason="Superseded by the April plan.", now=NOW)
    item.refresh_from_db()
    assert (item.status, item.outcome, item.closed_by) == (
        ActionItem.Status.CANCELLED,
        "Superseded by the April plan.",
        company.gm,
    )
    with pytest.raises(PermissionDenied):
        action_item_reopen(user=company.mgr_east, item=item)
    action_item_reopen(user=company.dir_sales, item=item)
    item.refresh_from_db()
    assert (item.status, item.outcome, item.closed_at, item.closed_by) == (ActionItem.Status.OPEN, "", None, None)
    with pytest.raises(Conflict):
        action_item_reopen(user=company.dir_sales, item=item)
