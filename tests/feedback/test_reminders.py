"""The feedback jobs: the daily report reminder, the missing-report escalation to sales managers and the nightly
alert sweep — exact recipients and wording, the company calendar (holidays, make-up days), nothing sent twice (run
twice, or twice at the same moment), the commands, each recipient's language and constant queries."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import CalendarDay, Notification, NotificationKind
from accounts.roles import Role
from feedback import tasks
from feedback.models import Alert, AlertKind
from feedback.services.reminders import missing_reports_escalate, report_reminders_send
from tests.campaigns.plan_setup import People, build_people
from tests.factories import DailyReportFactory, UserFactory
from tests.factories.feedback import CompetitorIntelLineFactory
from tests.feedback.alerts_setup import DAY, build_world, report, rule

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
TUESDAY = datetime.date(2026, 3, 3)
SATURDAY = datetime.date(2026, 3, 7)


@pytest.fixture
def people(regions) -> People:
    """mkt.staff, mkt.manager; rep.sh (Chinese), rep.hz (East), rep.bj (North); mgr.east, mgr.north; director, gm."""
    return build_people(regions)


def _submitted(rep, day):
    return DailyReportFactory(rep=rep, date=day, submitted=True)


def _run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def _sent(kind: str) -> dict[str, tuple[str, str, str]]:
    """username → (title, body, url) of the notifications of ``kind``."""
    return {
        n.recipient.username: (n.title, n.body, n.url)
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


def _holiday(day, *, working=False):
    return CalendarDay.objects.create(date=day, is_working_day=working, name="Make-up day" if working else "Holiday")


# --- the daily report reminder -----------------------------------------------------------------------------------


def test_each_rep_without_a_submitted_report_is_reminded_once_in_their_case_and_language(
    people, regions, django_capture_on_commit_callbacks
):
    DailyReportFactory(rep=people.rep_sh, date=MONDAY)  # a draft, not submitted (rep.sh reads Chinese)
    _submitted(people.rep_hz, MONDAY)
    _submitted(people.rep_bj, MONDAY - datetime.timedelta(days=3))  # another day: Monday still missing
    UserFactory(username="rep.gone", role=Role.SALES_REP, region=regions.sh, is_active=False)
    UserFactory(username="rep.nowhere", role=Role.SALES_REP, region=None)  # not on any board: not expected

    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_send(day=MONDAY) == 2

    url = "/reports/new/?date=2026-03-02"
    sent = _sent(NotificationKind.REPORT_REMINDER)
    assert set(sent) == {"rep.sh", "rep.bj"}
    assert sent["rep.bj"] == (
        "No field report yet for 2026-03-02 (Monday)",
        "File your daily report (the nine sections, or “nothing to report”) before the end of the day.",
        url,
    )
    # rep.sh has a draft and reads Chinese: the draft wording, in their language (the English text until the
    # catalogue has it; the day's name comes from Django's own catalogue).
    title, body, link = sent["rep.sh"]
    assert "2026-03-02 (星期一)" in title
    with translation.override("zh-hans"):
        assert title == _("Your report for %(day)s is still a draft") % {"day": "2026-03-02 (星期一)"}
        assert body == _("Submit it today: marketing and your manager only see submitted reports.")
    assert link == url
    assert set(Notification.objects.values_list("key", flat=True)) == {"report_reminder:2026-03-02"}
    assert sorted(m.to[0] for m in mail.outbox) == ["rep.bj@example.com", "rep.sh@example.com"]

    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_send(day=MONDAY) == 0

    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_command_run_twice_reminds_each_missing_rep_once(people, django_capture_on_commit_callbacks):
    _submitted(people.rep_hz, MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        first = _run("send_report_reminders", "--date", "2026-03-02")
    with django_capture_on_commit_callbacks(execute=True):
        second = _run("send_report_reminders", "--date", "2026-03-02")

    assert first == "2 report reminder(s) sent for 2026-03-02.\n"
    assert second == "0 report reminder(s) sent for 2026-03-02.\n"
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["rep.bj", "rep.sh"]
    assert sorted(m.to[0] for m in mail.outbox) == ["rep.bj@example.com", "rep.sh@example.com"]


def test_a_reminder_the_next_day_is_a_new_one(people):
    assert report_reminders_send(day=MONDAY) == 3
    assert report_reminders_send(day=TUESDAY) == 3
    assert Notification.objects.filter(recipient=people.rep_hz).count() == 2


def test_a_holiday_and_a_weekend_send_nothing_and_a_make_up_saturday_sends(people):
    _holiday(MONDAY)
    assert report_reminders_send(day=MONDAY) == 0
    assert report_reminders_send(day=SATURDAY + datetime.timedelta(days=1)) == 0  # Sunday
    assert report_reminders_send(day=SATURDAY) == 0
    assert Notification.objects.count() == 0

    _holiday(SATURDAY, working=True)

    assert report_reminders_send(day=SATURDAY) == 3
    assert set(Notification.objects.values_list("key", flat=True)) == {"report_reminder:2026-03-07"}


def test_the_command_refuses_a_bad_date_and_sends_nothing(people):
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD, not '02/03/2026'"):
        call_command("send_report_reminders", "--date", "02/03/2026", stdout=io.StringIO())
    assert Notification.objects.count() == 0


def test_the_task_reminds_for_today_in_the_company_time_zone(people, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MONDAY)
    _submitted(people.rep_sh, MONDAY)

    assert tasks.report_reminders_send.delay().get() == 2
    assert tasks.report_reminders_send.delay().get() == 0  # a redelivered message sends nothing
    assert set(Notification.objects.values_list("key", flat=True)) == {"report_reminder:2026-03-02"}


def _more_reps(regions, count: int) -> None:
    for n in range(count):
        rep = UserFactory(username=f"rep.extra{n}", role=Role.SALES_REP, region=[regions.sh, regions.bj][n % 2])
        if n % 3 == 0:
            DailyReportFactory(rep=rep, date=MONDAY)


@pytest.mark.parametrize("extra", [0, 27])
def test_the_reminder_costs_the_same_queries_for_3_or_30_reps(people, regions, extra, django_assert_max_num_queries):
    _more_reps(regions, extra)
    DailyReportFactory(rep=people.rep_sh, date=MONDAY)

    with django_assert_max_num_queries(18):
        assert report_reminders_send(day=MONDAY) == 3 + extra


# --- the missing-report escalation -------------------------------------------------------------------------------


def test_each_sales_manager_gets_the_reps_of_their_team_who_missed_the_previous_working_day(
    people, django_capture_on_commit_callbacks
):
    people.mgr_east.language = "zh-hans"
    people.mgr_east.save(update_fields=["language"])
    _submitted(people.rep_sh, MONDAY)
    DailyReportFactory(rep=people.rep_hz, date=MONDAY)  # a draft: missed
    _submitted(people.rep_hz, TUESDAY)  # the day after does not count
    hz, bj = people.rep_hz.display_name, people.rep_bj.display_name

    with django_capture_on_commit_callbacks(execute=True):
        assert missing_reports_escalate(day=TUESDAY) == 2

    url = "/reports/board/?end=2026-03-02"
    sent = _sent(NotificationKind.MISSING_REPORTS)
    assert set(sent) == {"mgr.east", "mgr.north"}
    assert sent["mgr.north"] == (
        "1 rep did not submit a report for 2026-03-02 (Monday)",
        f"Missing: {bj} (Beijing).",
        url,
    )
    title, body, link = sent["mgr.east"]  # mgr.east reads Chinese: the day's and the region's names too
    with translation.override("zh-hans"):
        expected_title = ngettext(
            "%(count)s rep did not submit a report for %(day)s",
            "%(count)s reps did not submit a report for %(day)s",
            1,
        ) % {"count": 1, "day": "2026-03-02 (星期一)"}
        assert (title, body, link) == (expected_title, _("Missing: %(names)s.") % {"names": f"{hz} (杭州)"}, url)
    assert set(Notification.objects.values_list("key", flat=True)) == {"missing_reports:2026-03-02"}
    assert sorted(m.to[0] for m in mail.outbox) == ["mgr.east@example.com", "mgr.north@example.com"]

    with django_capture_on_commit_callbacks(execute=True):
        assert missing_reports_escalate(day=TUESDAY) == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_manager_whose_team_all_filed_gets_nothing_and_nobody_missing_sends_nothing(people):
    _submitted(people.rep_sh, MONDAY)
    _submitted(people.rep_hz, MONDAY)

    assert missing_reports_escalate(day=TUESDAY) == 1
    assert list(Notification.objects.values_list("recipient__username", "title")) == [
        ("mgr.north", "1 rep did not submit a report for 2026-03-02 (Monday)")
    ]

    _submitted(people.rep_bj, TUESDAY)
    _submitted(people.rep_sh, TUESDAY)
    _submitted(people.rep_hz, TUESDAY)
    assert missing_reports_escalate(day=datetime.date(2026, 3, 4)) == 0
    assert Notification.objects.count() == 1


def test_two_reps_missing_are_listed_in_one_notification(people):
    _submitted(people.rep_bj, MONDAY)

    assert missing_reports_escalate(day=TUESDAY) == 1

    [notification] = Notification.objects.all()
    assert notification.recipient == people.mgr_east
    assert notification.title == "2 reps did not submit a report for 2026-03-02 (Monday)"
    names = sorted([f"{people.rep_hz.display_name} (Hangzhou)", f"{people.rep_sh.display_name} (Shanghai)"])
    assert sorted(notification.body.removeprefix("Missing: ").removesuffix(".").split(", ")) == names


def test_the_escalation_follows_the_company_calendar(people):
    friday, sunday, monday_after = datetime.date(2026, 3, 6), datetime.date(2026, 3, 8), datetime.date(2026, 3, 9)
    _holiday(TUESDAY)

    # On a holiday or a weekend: nothing.
    assert missing_reports_escalate(day=TUESDAY) == 0
    assert missing_reports_escalate(day=sunday) == 0
    # After the holiday, the previous working day is Monday.
    assert missing_reports_escalate(day=datetime.date(2026, 3, 4)) == 2
    assert set(Notification.objects.values_list("key", flat=True)) == {"missing_reports:2026-03-02"}
    # On Monday, the previous working day is Friday — or the make-up Saturday when there is one.
    assert missing_reports_escalate(day=monday_after) == 2
    assert Notification.objects.filter(key=f"missing_reports:{friday.isoformat()}").count() == 2
    _holiday(SATURDAY, working=True)
    assert missing_reports_escalate(day=monday_after) == 2
    assert Notification.objects.filter(key="missing_reports:2026-03-07").count() == 2


def test_the_escalation_command_and_a_bad_date(people):
    assert _run("escalate_missing_reports", "--date", "2026-03-03") == (
        "2 manager(s) told of missing reports (run on 2026-03-03).\n"
    )
    assert _run("escalate_missing_reports", "--date", "2026-03-03") == (
        "0 manager(s) told of missing reports (run on 2026-03-03).\n"
    )
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD, not 'yesterday'"):
        call_command("escalate_missing_reports", "--date", "yesterday", stdout=io.StringIO())
    assert Notification.objects.count() == 2


def test_the_escalation_task_runs_for_today(people, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TUESDAY)

    assert tasks.missing_reports_escalate.delay().get() == 2
    assert tasks.missing_reports_escalate.delay().get() == 0


@pytest.mark.parametrize("extra", [0, 27])
def test_the_escalation_costs_the_same_queries_for_3_or_30_reps(people, regions, extra, django_assert_max_num_queries):
    _more_reps(regions, extra)

    with django_assert_max_num_queries(20):
        assert missing_reports_escalate(day=TUESDAY) == 2


# --- two beat instances at the same minute -----------------------------------------------------------------------


def _at_once(job, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_remind_and_escalate_once(regions):
    assert connection.vendor == "postgresql", "the race needs real row locks (DATABASE_URL)"
    people = build_people(regions)
    _submitted(people.rep_hz, MONDAY)

    _at_once(lambda: report_reminders_send(day=MONDAY))
    _at_once(lambda: missing_reports_escalate(day=TUESDAY))

    assert sorted(Notification.objects.values_list("key", "recipient__username")) == [
        ("missing_reports:2026-03-02", "mgr.east"),
        ("missing_reports:2026-03-02", "mgr.north"),
        ("report_reminder:2026-03-02", "rep.bj"),
        ("report_reminder:2026-03-02", "rep.sh"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mgr.east@example.com",
        "mgr.north@example.com",
        "rep.bj@example.com",
        "rep.sh@example.com",
    ]


# --- the nightly alert sweep -------------------------------------------------------------------------------------


def test_the_nightly_sweep_task_evaluates_yesterdays_reports_once(regions, monkeypatch):
    w = build_world(regions)
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    CompetitorIntelLineFactory(
        report=report(w.people.rep_sh, DAY),
        brand=w.competitor,
        product=w.cola,
        observed_price=Decimal("5.00"),
        outlet=w.sh[0],
    )
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DAY + datetime.timedelta(days=1))

    assert tasks.alerts_sweep.delay().get() == 1
    assert tasks.alerts_sweep.delay().get() == 0
    assert Alert.objects.get().kind == AlertKind.COMPETITOR_PRICE_GAP
    # Given a day (a re-run by hand), it sweeps that day instead.
    assert tasks.alerts_sweep.delay(DAY.isoformat()).get() == 0
    assert tasks.alerts_sweep.delay((DAY - datetime.timedelta(days=1)).isoformat()).get() == 0
