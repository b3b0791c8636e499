"""The daily action-item job: owners reminded before the due date (once), overdue items escalated to the owner's
manager or the general manager (once a working day), nothing on holidays; its task and command."""

import datetime

import pytest
from django.core.management import call_command

from accounts.models import CalendarDay, Notification, NotificationKind
from coordination.models import ActionItem
from coordination.services.meetings import action_item_reminders_send
from coordination.tasks_meetings import action_item_reminders_send as task
from tests.approvals.flow_setup import NOW, build_company
from tests.factories import UserFactory
from tests.factories.coordination import ActionItemFactory

MONDAY = NOW.date()  # 2 March 2026


def d(day: int) -> datetime.date:
    return datetime.date(2026, 3, day)


@pytest.fixture
def company(regions):
    return build_company(regions)


def _sent() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("kind", "recipient__username", "key"))


def test_owners_are_reminded_once_within_two_working_days(company):
    due_wed = ActionItemFactory(owner=company.mgr_east, due_on=d(4), meeting=None, created_by=company.gm)
    due_today = ActionItemFactory(owner=company.mkt_li, due_on=d(2), meeting=None, created_by=company.gm)
    due_thu = ActionItemFactory(owner=company.mgr_north, due_on=d(5), meeting=None, created_by=company.gm)
    ActionItemFactory(
        owner=company.rep_zhang,
        due_on=d(3),
        meeting=None,
        created_by=company.gm,
        status=ActionItem.Status.DONE,
        closed_at=NOW,
    )

    first = action_item_reminders_send(day=MONDAY)
    second = action_item_reminders_send(day=MONDAY)
    assert (first.reminded, first.escalated) == (2, 0)  # Thursday is three working days away
    assert second.reminded == 0
    third = action_item_reminders_send(day=d(3))  # the next day: only Thursday's item is new
    assert third.reminded == 1
    assert (third.escalated, third.working_day) == (1, True)  # today's item is overdue on Tuesday
    assert Notification.objects.filter(kind=NotificationKind.ACTION_ITEM_DUE).count() == 3
    assert _sent() == sorted(
        [
            (NotificationKind.ACTION_ITEM_DUE, "mgr.east", f"action_item_due:{due_wed.pk}"),
            (NotificationKind.ACTION_ITEM_DUE, "mgr.north", f"action_item_due:{due_thu.pk}"),
            (NotificationKind.ACTION_ITEM_DUE, "mkt.li", f"action_item_due:{due_today.pk}"),
            (NotificationKind.ACTION_ITEM_OVERDUE, "mkt.wang", f"action_item_overdue:{due_today.pk}:2026-03-03"),
        ]
    )


def test_the_reminder_window_counts_working_days_across_the_weekend(company):
    item = ActionItemFactory(owner=company.mgr_east, due_on=d(10), meeting=None, created_by=company.gm)  # Tuesday
    assert action_item_reminders_send(day=d(5)).reminded == 0  # Thursday: Fri, Mon
    assert action_item_reminders_send(day=d(6)).reminded == 1  # Friday: Mon, Tue
    assert _sent() == [(NotificationKind.ACTION_ITEM_DUE, "mgr.east", f"action_item_due:{item.pk}")]


def test_overdue_items_escalate_to_the_owners_manager_once_per_working_day(company):
    item = ActionItemFactory(owner=company.rep_zhang, due_on=d(2), meeting=None, created_by=company.gm)

    assert action_item_reminders_send(day=d(3)).escalated == 1
    assert action_item_reminders_send(day=d(3)).escalated == 0
    assert action_item_reminders_send(day=d(4)).escalated == 1
    assert _sent() == [
        (NotificationKind.ACTION_ITEM_OVERDUE, "mgr.east", f"action_item_overdue:{item.pk}:2026-03-03"),
        (NotificationKind.ACTION_ITEM_OVERDUE, "mgr.east", f"action_item_overdue:{item.pk}:2026-03-04"),
    ]
    note = Notification.objects.filter(kind=NotificationKind.ACTION_ITEM_OVERDUE).first()
    assert note.title == f"Overdue action item: {item.title}"
    assert note.body == f"{company.rep_zhang.display_name}'s action item was due 2026-03-02 and is still open."
    assert note.url == f"/action-items/{item.pk}/"


def test_without_a_manager_the_general_managers_are_told(company):
    second_gm = UserFactory(username="gm.two", role="general_manager")
    orphan = UserFactory(username="mkt.new", role="marketing_staff")
    item = ActionItemFactory(owner=orphan, due_on=d(2), meeting=None, created_by=company.gm)
    gm_item = ActionItemFactory(owner=company.gm, due_on=d(2), meeting=None, created_by=company.gm)
    company.mgr_north.is_active = False
    company.mgr_north.save(update_fields=["is_active"])
    chen_item = ActionItemFactory(owner=company.rep_chen, due_on=d(2), meeting=None, created_by=company.gm)

    action_item_reminders_send(day=d(3))

    key = "action_item_overdue:{}:2026-03-03"
    assert sorted(Notification.objects.values_list("recipient__username", "key")) == sorted(
        [
            ("gm", key.format(item.pk)),
            ("gm.two", key.format(item.pk)),
            ("gm.two", key.format(gm_item.pk)),  # the general manager's own item goes to the other one
            ("gm", key.format(chen_item.pk)),  # manager inactive: the general managers
            ("gm.two", key.format(chen_item.pk)),
        ]
    )
    assert second_gm.pk


def test_holidays_and_weekends_send_nothing(company):
    ActionItemFactory(owner=company.mgr_east, due_on=d(4), meeting=None, created_by=company.gm)
    ActionItemFactory(owner=company.rep_zhang, due_on=d(2), meeting=None, created_by=company.gm)
    CalendarDay.objects.create(date=d(3), is_working_day=False, name="Company holiday")

    assert action_item_reminders_send(day=d(3)).working_day is False
    assert action_item_reminders_send(day=d(7)).working_day is False  # Saturday
    assert not Notification.objects.exists()
    # A worked Sunday (make-up day) is a working day: both items are overdue by then.
    CalendarDay.objects.create(date=d(8), is_working_day=True, name="Make-up day")
    run = action_item_reminders_send(day=d(8))
    assert (run.working_day, run.escalated) == (True, 2)


def test_the_task_and_the_command_run_the_same_job_once(company, capsys):
    ActionItemFactory(owner=company.rep_zhang, due_on=d(2), meeting=None, created_by=company.gm)
    ActionItemFactory(owner=company.mgr_east, due_on=d(4), meeting=None, created_by=company.gm)

    assert task.delay("2026-03-03").get() == {"working_day": True, "reminded": 1, "escalated": 1}
    call_command("remind_action_items", "--date", "2026-03-03")
    assert "2026-03-03: 0 reminder(s) to owners, 0 escalation(s) sent." in capsys.readouterr().out
    call_command("remind_action_items", "--date", "2026-03-07")
    assert "2026-03-07 is not a working day: nothing sent." in capsys.readouterr().out
    assert Notification.objects.count() == 2
