"""The hourly approval SLA job: "due soon" to the deciders (assignee, role holders, delegates standing in), overdue
steps escalated to the deciders' managers once a day — in working time only, nothing twice, in each reader's
language, with the command, the task and constant queries."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import CalendarDay, Notification, NotificationKind
from accounts.roles import Role
from approvals import tasks
from approvals.services.reminders import ApprovalReminders, approval_reminders_send
from campaigns.models import Promotion, PromotionStatus
from tests.approvals.flow_setup import Company, at, build_company, open_steps, proposal, push, request
from tests.factories import UserFactory
from tests.factories.approvals import DelegationFactory

pytestmark = pytest.mark.django_db


def _sent(kind: str) -> dict[str, tuple[str, str, str]]:
    return {
        n.recipient.username: (n.title, n.body, n.url)
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


def _consultation(company: Company, title: str = "East summer"):
    """A proposal in consultation since Monday 2 March 10:00: mgr.east is asked, due Wednesday 4 March 10:00."""
    promotion = push(company, proposal(company, title=title), PromotionStatus.CONSULTATION)
    [step] = open_steps(promotion)
    assert step.due_at == at(4, 10)
    return promotion, step


def _review(company: Company, title: str = "Cola special"):
    """rep.zhang's request, endorsed Monday 10:00, in marketing review (role: marketing managers) due Thursday 10:00."""
    promotion = push(company, request(company, title=title), PromotionStatus.REVIEW)
    [step] = open_steps(promotion)
    assert (step.assignee_role, step.due_at) == (Role.MARKETING_MANAGER, at(5, 10))
    return promotion, step


# --- due soon ----------------------------------------------------------------------------------------------------


def test_the_deciders_of_a_step_due_within_4_working_hours_are_reminded_once(
    company, django_capture_on_commit_callbacks
):
    _, step = _consultation(company)
    Notification.objects.all().delete()  # the "your turn" notices of the submission

    assert approval_reminders_send(now=at(3, 12)) == ApprovalReminders(due_soon=0, escalated=0)  # 5 h left
    with django_capture_on_commit_callbacks(execute=True):
        assert approval_reminders_send(now=at(3, 14, 30)) == ApprovalReminders(due_soon=1, escalated=0)

    assert _sent(NotificationKind.APPROVAL_DUE_SOON) == {
        "mgr.east": (
            "Decision due soon: East summer",
            "Consultation due 2026-03-04 10:00: 3.5 working hours left.",
            f"/approvals/{step.pk}/",
        )
    }
    assert Notification.objects.get().key == f"approval_due_soon:{step.pk}"
    assert [m.to for m in mail.outbox] == [["mgr.east@example.com"]]

    with django_capture_on_commit_callbacks(execute=True):
        assert approval_reminders_send(now=at(3, 16)) == ApprovalReminders(due_soon=0, escalated=0)
        assert approval_reminders_send(now=at(4, 9)) == ApprovalReminders(due_soon=0, escalated=0)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_role_step_reminds_every_holder_and_whoever_stands_in_today_never_the_owner(company):
    second = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=company.regions.cn)
    march_4_to_6 = {"starts_on": datetime.date(2026, 3, 4), "ends_on": datetime.date(2026, 3, 6)}
    DelegationFactory(delegator=second, delegate=company.mkt_li, **march_4_to_6)
    DelegationFactory(delegator=company.mkt_wang, delegate=company.mgr_north, **march_4_to_6)
    DelegationFactory(  # over before the reminder: hr.zhao is not asked
        delegator=second,
        delegate=company.hr_zhao,
        starts_on=datetime.date(2026, 2, 20),
        ends_on=datetime.date(2026, 3, 3),
    )
    _, shared = _review(company)
    # mkt.wang owns this one: he may not decide it, nor may anyone on his behalf (decider_for).
    owned, step = _review(company, title="Owned by mkt.wang")
    Promotion.objects.filter(pk=owned.pk).update(owner=company.mkt_wang)
    Notification.objects.all().delete()

    sent = approval_reminders_send(now=at(4, 15))  # both reviews are due Thursday 10:00: 3 working hours left

    assert sent == ApprovalReminders(due_soon=6, escalated=0)
    by_key = {}
    for key, username in Notification.objects.values_list("key", "recipient__username"):
        by_key.setdefault(key, set()).add(username)
    assert by_key == {
        f"approval_due_soon:{shared.pk}": {"mkt.wang", "mkt.zhou", "mkt.li", "mgr.north"},
        f"approval_due_soon:{step.pk}": {"mkt.zhou", "mkt.li"},
    }


def test_a_step_due_after_a_weekend_counts_working_hours(company):
    # Submitted Friday 6 March 16:00: the consultation (16 working hours) is due Tuesday 10 March 16:00.
    promotion = push(company, proposal(company), PromotionStatus.CONSULTATION, now=at(6, 16))
    [step] = open_steps(promotion)
    assert step.due_at == at(10, 16)
    Notification.objects.all().delete()

    assert approval_reminders_send(now=at(9, 16, 30)) == ApprovalReminders(due_soon=0, escalated=0)  # 7.5 h left
    assert approval_reminders_send(now=at(10, 12)) == ApprovalReminders(due_soon=1, escalated=0)


# --- overdue -----------------------------------------------------------------------------------------------------


def test_an_overdue_step_escalates_to_the_deciders_manager_once_a_day_saying_how_late_who_and_what(
    company, django_capture_on_commit_callbacks
):
    promotion, step = _consultation(company)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert approval_reminders_send(now=at(4, 11, 30)) == ApprovalReminders(due_soon=0, escalated=1)
        assert approval_reminders_send(now=at(4, 16)) == ApprovalReminders(due_soon=0, escalated=0)

    assert _sent(NotificationKind.APPROVAL_OVERDUE) == {
        "dir.sales": (
            "Overdue decision: East summer",
            f"Consultation waiting for {company.mgr_east.display_name} was due 2026-03-04 10:00 and is overdue by "
            "1.5 working hours. Please follow it up.",
            f"/promotions/{promotion.pk}/",
        )
    }
    assert Notification.objects.get().key == f"approval_overdue:{step.pk}:2026-03-04"
    assert [m.to for m in mail.outbox] == [["dir.sales@example.com"]]

    # The next working day it escalates again (once), saying how late it is now.
    assert approval_reminders_send(now=at(5, 10)) == ApprovalReminders(due_soon=0, escalated=1)
    assert approval_reminders_send(now=at(5, 11)) == ApprovalReminders(due_soon=0, escalated=0)
    latest = Notification.objects.get(key=f"approval_overdue:{step.pk}:2026-03-05")
    assert "overdue by 8.0 working hours" in latest.body


def test_a_role_step_escalates_to_each_holders_manager_and_a_decider_without_one_to_the_general_manager(company):
    second = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=company.regions.cn)  # no manager
    gm2 = UserFactory(username="gm.deputy", role=Role.GENERAL_MANAGER, region=company.regions.cn)
    _review(company)
    Notification.objects.all().delete()

    assert approval_reminders_send(now=at(5, 14)) == ApprovalReminders(due_soon=0, escalated=2)

    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["gm", "gm.deputy"]
    body = Notification.objects.filter(recipient=gm2).get().body
    assert body.startswith(
        f"Marketing review waiting for {company.mkt_wang.display_name}, {second.display_name} was due 2026-03-05 10:00"
    )
    assert "overdue by 4.0 working hours" in body


def test_the_escalation_speaks_each_managers_language(company):
    company.dir_sales.language = "zh-hans"
    company.dir_sales.save(update_fields=["language"])
    _consultation(company)
    Notification.objects.all().delete()

    approval_reminders_send(now=at(4, 11))

    [notification] = Notification.objects.all()
    assert "会签征询" in notification.body  # the step's kind, from the catalogue
    with translation.override("zh-hans"):
        assert notification.title == _("Overdue decision: %(title)s") % {"title": "East summer"}


# --- the company calendar and working time -----------------------------------------------------------------------


def test_nothing_is_sent_outside_working_time_and_a_make_up_saturday_counts(company):
    _consultation(company)
    Notification.objects.all().delete()
    CalendarDay.objects.create(date=datetime.date(2026, 3, 5), is_working_day=False, name="Holiday")
    CalendarDay.objects.create(date=datetime.date(2026, 3, 7), is_working_day=True, name="Make-up day")

    quiet = [at(4, 8, 59), at(4, 17), at(4, 23, 15), at(5, 11), at(8, 11)]  # before/after hours, holiday, Sunday
    assert [approval_reminders_send(now=moment) for moment in quiet] == [ApprovalReminders(0, 0)] * 5
    assert Notification.objects.count() == 0

    assert approval_reminders_send(now=at(7, 11)) == ApprovalReminders(due_soon=0, escalated=1)
    assert Notification.objects.get().key.endswith(":2026-03-07")


# --- the command and the task ------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("remind_approvals", *args, stdout=out)
    return out.getvalue()


def test_the_command_judges_at_the_moment_given_and_sends_nothing_twice(company):
    _consultation(company)
    _review(company)
    Notification.objects.all().delete()

    # At 11:00 the consultation is an hour overdue; the review (due Thursday 10:00) has 7 working hours left.
    assert _run("--at", "2026-03-04T11:00") == "0 due-soon reminder(s) and 1 escalation(s) sent at 2026-03-04 11:00.\n"
    assert _run("--at", "2026-03-04T03:00Z") == "0 due-soon reminder(s) and 0 escalation(s) sent at 2026-03-04 11:00.\n"


def test_the_command_refuses_a_bad_moment(company):
    _consultation(company)
    Notification.objects.all().delete()

    with pytest.raises(CommandError, match="--at must be an ISO date-time, not 'noon'"):
        call_command("remind_approvals", "--at", "noon", stdout=io.StringIO())
    assert Notification.objects.count() == 0


def test_the_task_runs_the_service_now_or_at_the_moment_given(company, monkeypatch):
    _consultation(company)
    Notification.objects.all().delete()

    assert tasks.approval_reminders_send.delay("2026-03-04T11:00").get() == {"due_soon": 0, "escalated": 1}
    assert tasks.approval_reminders_send.delay("2026-03-04T12:00+08:00").get() == {"due_soon": 0, "escalated": 0}

    calls = []
    monkeypatch.setattr(
        "approvals.services.reminders.approval_reminders_send",
        lambda **kw: calls.append(kw) or ApprovalReminders(due_soon=2, escalated=3),
    )
    assert tasks.approval_reminders_send.delay().get() == {"due_soon": 2, "escalated": 3}
    assert calls[0]["now"].tzinfo is not None


# --- constant queries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 27])
def test_the_job_costs_the_same_queries_for_3_or_30_deciders(regions, extra, django_assert_max_num_queries):
    company = build_company(regions)
    for n in range(extra):
        UserFactory(username=f"mkt.extra{n}", role=Role.MARKETING_MANAGER, region=regions.cn, manager=company.gm)
    _review(company)
    _consultation(company)
    Notification.objects.all().delete()

    with django_assert_max_num_queries(21):
        sent = approval_reminders_send(now=at(5, 9, 30))  # review due soon, consultation overdue

    assert sent == ApprovalReminders(due_soon=1 + extra, escalated=1)


# --- two beat instances at the same minute -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_send_once(regions):
    assert connection.vendor == "postgresql", "the race needs real row locks (DATABASE_URL)"
    company = build_company(regions)
    _review(company)
    _consultation(company)
    Notification.objects.all().delete()
    mail.outbox.clear()
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait(timeout=10)
            approval_reminders_send(now=at(5, 9, 30))
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(Notification.objects.values_list("kind", "recipient__username")) == [
        (NotificationKind.APPROVAL_DUE_SOON, "mkt.wang"),
        (NotificationKind.APPROVAL_OVERDUE, "dir.sales"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["dir.sales@example.com", "mkt.wang@example.com"]
