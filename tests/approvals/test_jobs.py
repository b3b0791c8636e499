"""The approvals jobs: the daily calendar run and the hourly consultation deadline — as commands (run twice, move
once), as Celery tasks (they call the services) and in the beat schedule."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from approvals import tasks
from approvals.models import ApprovalEvent, ApprovalStep, StepKind, StepStatus
from approvals.workflow import Action
from campaigns.models import PromotionStatus
from tests.approvals.flow_setup import TZ, approve_all, open_steps, proposal, push, request

pytestmark = pytest.mark.django_db


def _run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# --- follow_promotion_calendar ------------------------------------------------------------------------------------


def test_follow_calendar_command_starts_and_ends_on_the_day_and_moves_once(company):
    # Both approved on 2 March; one runs 1–30 April, the other 1–10 April.
    starting = push(company, request(company, title="Starts 1 April"), PromotionStatus.APPROVED)
    short = push(
        company,
        request(company, title="Over by 11 April", ends_on=datetime.date(2026, 4, 10)),
        PromotionStatus.APPROVED,
    )
    events = ApprovalEvent.objects.count()

    first = _run("follow_promotion_calendar", "--date", "2026-04-11")

    assert first.splitlines() == [
        f"  #{starting.pk} Starts 1 April: approved → running",
        f"  #{short.pk} Over by 11 April: approved → ended",
        "2 promotion(s) moved on 2026-04-11.",
    ]
    starting.refresh_from_db()
    short.refresh_from_db()
    assert (starting.status, short.status) == (PromotionStatus.RUNNING, PromotionStatus.ENDED)
    assert list(ApprovalEvent.objects.order_by("-pk").values_list("action", "actor")[:2]) == [
        (Action.END, None),
        (Action.START, None),
    ]
    assert ApprovalEvent.objects.count() == events + 2

    second = _run("follow_promotion_calendar", "--date", "2026-04-11")

    assert second == "0 promotion(s) moved on 2026-04-11.\n"
    assert ApprovalEvent.objects.count() == events + 2


def test_follow_calendar_command_before_the_period_moves_nothing(company):
    promotion = push(company, request(company), PromotionStatus.APPROVED)

    assert _run("follow_promotion_calendar", "--date", "2026-03-31") == "0 promotion(s) moved on 2026-03-31.\n"

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.APPROVED


def test_follow_calendar_command_refuses_a_bad_date(company):
    promotion = push(company, request(company), PromotionStatus.APPROVED)

    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD, not '11/04/2026'"):
        call_command("follow_promotion_calendar", "--date", "11/04/2026", stdout=io.StringIO())

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.APPROVED


# --- close_consultations -------------------------------------------------------------------------------------------


def test_close_consultations_command_records_no_answer_once_and_moves_to_review(company):
    promotion = push(company, proposal(company, title="East summer"), PromotionStatus.CONSULTATION)
    [step] = open_steps(promotion)
    assert step.assignee == company.mgr_east
    # Submitted Monday 2 March 10:00 with 16 working hours: due Wednesday 4 March 10:00.
    assert step.due_at == datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TZ)

    before_due = _run("close_consultations", "--at", "2026-03-04T09:59")
    assert before_due == "0 consultation step(s) closed as no answer.\n"

    first = _run("close_consultations", "--at", "2026-03-04T10:10")  # naive: the company's time zone

    assert first.splitlines() == [
        f"  #{promotion.pk} East summer: no answer from mgr.east",
        "1 consultation step(s) closed as no answer.",
    ]
    step.refresh_from_db()
    promotion.refresh_from_db()
    assert step.status == StepStatus.NO_ANSWER
    assert promotion.status == PromotionStatus.REVIEW
    [approval] = open_steps(promotion)
    assert (approval.kind, approval.assignee_role) == (StepKind.APPROVAL, "marketing_manager")
    assert approval.opened_at == datetime.datetime(2026, 3, 4, 10, 10, tzinfo=TZ)
    events = ApprovalEvent.objects.count()

    second = _run("close_consultations", "--at", "2026-03-04T11:10+08:00")

    assert second == "0 consultation step(s) closed as no answer.\n"
    assert ApprovalEvent.objects.count() == events
    assert ApprovalStep.objects.filter(status=StepStatus.NO_ANSWER).count() == 1


def test_close_consultations_command_refuses_a_bad_moment(company):
    promotion = push(company, proposal(company), PromotionStatus.CONSULTATION)

    with pytest.raises(CommandError, match="--at must be an ISO date-time, not 'tomorrow'"):
        call_command("close_consultations", "--at", "tomorrow", stdout=io.StringIO())

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.CONSULTATION


# --- the Celery tasks ----------------------------------------------------------------------------------------------


def test_follow_calendar_task_runs_the_service_today(company):
    today = timezone.localdate()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    promotion = request(company, starts_on=today, ends_on=today + datetime.timedelta(days=14))
    push(company, promotion, PromotionStatus.REVIEW, now=yesterday)
    approve_all(company, promotion, now=yesterday)
    assert promotion.status == PromotionStatus.APPROVED  # its period had not begun yesterday

    assert tasks.promotions_follow_calendar.delay().get() == 1

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.RUNNING
    assert tasks.promotions_follow_calendar.delay().get() == 0  # a second delivery moves nothing


def test_consultation_task_runs_the_service_now(company):
    promotion = push(company, proposal(company, ends_on=datetime.date(2099, 12, 31)), PromotionStatus.CONSULTATION)

    assert tasks.consultations_close_overdue.delay().get() == 1  # due 4 March 2026, long past

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.REVIEW
    assert tasks.consultations_close_overdue.delay().get() == 0


def test_tasks_are_thin_wrappers_of_the_services(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "approvals.services.flows.promotions_follow_calendar", lambda **kw: calls.append(("calendar", kw)) or 3
    )
    monkeypatch.setattr(
        "approvals.services.flows.consultations_close_overdue", lambda **kw: calls.append(("consult", kw)) or 2
    )

    assert tasks.promotions_follow_calendar.delay().get() == 3
    assert tasks.consultations_close_overdue.delay().get() == 2
    assert calls == [("calendar", {}), ("consult", {})]
