"""The approvals demo: promotions in every state, each moved only by the workflow, with histories days apart, one
overdue review, agreed promotions with the field's feedback and costs — and a second run changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.demo import seed_accounts_demo
from accounts.models import Delegation, Notification
from approvals.demo import DELEGATION_REASON, OVER_BUDGET_TITLE, OVERDUE_REVIEW_TITLE, seed_approvals_demo
from approvals.models import (
    ApprovalEvent,
    ApprovalFlow,
    ApprovalStep,
    Decision,
    ExecutabilityRating,
    FlowStatus,
    StepKind,
    StepStatus,
)
from approvals.selectors.steps import inbox, overdue_steps
from approvals.workflow import TRANSITIONS, Action
from campaigns.demo import seed_campaigns_demo
from campaigns.models import Promotion, PromotionCost, PromotionOrigin, PromotionStatus
from feedback.demo import seed_feedback_demo
from feedback.models import PromotionFeedbackLine

pytestmark = pytest.mark.django_db

S = PromotionStatus
SUBMITS = {Action.SUBMIT_FOR_CONSULTATION, Action.SUBMIT_FOR_ENDORSEMENT, Action.SUBMIT_FOR_REVIEW}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """The whole demo in seed_demo's order, once for the module, rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_accounts_demo()
        seed_campaigns_demo()
        created = seed_approvals_demo()
        seed_feedback_demo()
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db) -> dict[str, int]:
    return _seeded_once


def _promotion(title: str) -> Promotion:
    return Promotion.objects.select_related("created_by", "approval_flow").get(title=title)


def _open(promotion: Promotion) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.filter(flow__promotion=promotion, status=StepStatus.OPEN).select_related("assignee")
    )


def _events(promotion: Promotion) -> list[ApprovalEvent]:
    return list(promotion.approval_events.select_related("actor", "on_behalf_of").order_by("created_at", "id"))


def test_the_demo_counts_what_it_created(seeded):
    assert seeded == {
        "promotions": 10,
        "approval flows": 13,
        "cost bookings": 9,
        "executability ratings": 5,
        "delegations": 1,
    }
    assert Promotion.objects.count() == 14
    assert ApprovalFlow.objects.count() == 13


def test_there_is_a_promotion_in_every_state(seeded):
    statuses = sorted(Promotion.objects.values_list("status", flat=True))

    assert set(statuses) == set(S.values)
    assert statuses.count(S.RUNNING) == 2
    assert statuses.count(S.REVIEW) == 2


def test_every_status_came_through_the_workflow_with_a_history_days_apart(seeded):
    now = timezone.now()
    for promotion in Promotion.objects.select_related("created_by"):
        events = _events(promotion)
        if promotion.status == S.DRAFT:
            assert events == [], promotion.title
            continue
        # The history replays the transition table from the draft to today's status.
        status = S.DRAFT
        for event in events:
            assert event.from_status == status, (promotion.title, event.action)
            assert TRANSITIONS[(status, event.action)] == event.to_status
            status = event.to_status
        assert status == promotion.status, promotion.title
        assert events[0].action in SUBMITS, promotion.title
        assert events[0].actor == promotion.created_by, promotion.title
        times = [e.created_at for e in events]
        assert times == sorted(times), promotion.title
        assert times[-1] < now, promotion.title
        if len(events) >= 3:
            assert times[-1] - times[0] >= datetime.timedelta(days=1), promotion.title


def test_due_times_follow_the_company_calendar(seeded):
    calendar = WorkCalendar()
    steps = ApprovalStep.objects.filter(opened_at__isnull=False)
    assert steps.count() >= 25
    for step in steps:
        assert step.due_at == calendar.add_working_hours(step.opened_at, step.sla_hours), step.pk


def test_one_review_is_overdue_the_toothpaste_request_waiting_for_marketing(seeded):
    [overdue] = overdue_steps()

    promotion = overdue.flow.promotion
    assert promotion.title == OVERDUE_REVIEW_TITLE
    assert (promotion.origin, promotion.status) == (PromotionOrigin.SALES, S.REVIEW)
    assert (overdue.kind, overdue.assignee_role, overdue.sla_hours) == (StepKind.REVIEW, "marketing_manager", 24)
    endorsement = ApprovalStep.objects.get(flow__promotion=promotion, kind=StepKind.ENDORSEMENT)
    assert (endorsement.decided_by.username, endorsement.decision) == ("mgr.east", Decision.APPROVE)
    assert promotion.created_by.username == "rep.zhang"


def test_deciders_find_their_waiting_steps_in_the_inbox(seeded, django_user_model):
    def waiting(username: str) -> list[tuple[str, str]]:
        user = django_user_model.objects.get(username=username)
        return [(s.flow.promotion.title, s.kind) for s in inbox(user=user)]

    # Oldest due first: the endorsement (8 working hours) falls due before the consultation (16).
    assert waiting("mgr.east") == [
        ("杭州社区便利店冰柜陈列申请", StepKind.ENDORSEMENT),
        ("华东夏季饮料特价 · 绿茶第二瓶半价", StepKind.CONSULTATION),
    ]
    assert waiting("mkt.wang") == [(OVERDUE_REVIEW_TITLE, StepKind.REVIEW)]
    assert waiting("dir.sales") == [("北京大卖场冰红茶买赠申请", StepKind.APPROVAL)]
    for username in ["gm", "mgr.north", "mkt.li", "rep.zhang", "rep.liu", "rep.chen"]:
        assert waiting(username) == [], username


def test_the_consultation_waits_for_mgr_east_and_is_not_overdue(seeded):
    promotion = _promotion("华东夏季饮料特价 · 绿茶第二瓶半价")

    [step] = _open(promotion)
    assert (step.kind, step.assignee.username) == (StepKind.CONSULTATION, "mgr.east")
    assert step.due_at > timezone.now()
    assert promotion.budget > promotion.approval_flow.director_threshold  # the director approves after marketing
    planned = ApprovalStep.objects.filter(flow__promotion=promotion, status=StepStatus.WAITING)
    assert sorted(planned.values_list("assignee_role", flat=True)) == ["marketing_manager", "sales_director"]


def test_the_endorsement_waits_for_mgr_east(seeded):
    promotion = _promotion("杭州社区便利店冰柜陈列申请")

    [step] = _open(promotion)
    assert promotion.created_by.username == "rep.liu"
    assert (step.kind, step.assignee.username) == (StepKind.ENDORSEMENT, "mgr.east")
    assert step.due_at > timezone.now()


def test_the_request_above_threshold_a_was_returned_once_and_waits_for_the_director(seeded):
    promotion = _promotion("北京大卖场冰红茶买赠申请")
    flow = promotion.approval_flow

    assert promotion.budget > flow.director_threshold
    assert flow.round == 2
    [step] = _open(promotion)
    assert (step.kind, step.assignee_role, step.round) == (StepKind.APPROVAL, "sales_director", 2)
    assert step.due_at > timezone.now()
    returned = promotion.approval_events.get(action=Action.RETURN)
    assert (returned.round, returned.actor.username) == (1, "mkt.wang")
    assert returned.comment


def test_the_approved_promotion_had_a_consultation_without_answer_and_changes(seeded):
    promotion = _promotion("京沪便利店橙汁新品陈列")

    assert promotion.status == S.APPROVED
    assert promotion.starts_on > timezone.localdate()
    steps = {s.assignee.username if s.assignee else s.assignee_role: s for s in promotion.approval_flow.steps.all()}
    assert (steps["mgr.east"].decision, steps["mgr.east"].executability) == (Decision.SUPPORT, 4)
    assert steps["mgr.north"].status == StepStatus.NO_ANSWER
    no_answer = promotion.approval_events.get(action=Action.CONSULTATION_NO_ANSWER)
    assert no_answer.actor is None
    assert no_answer.created_at > steps["mgr.north"].due_at
    assert steps["marketing_manager"].decision == Decision.APPROVE_WITH_CHANGES
    approved = promotion.approval_events.get(action=Action.APPROVE)
    assert approved.data["changes"] == steps["marketing_manager"].comment != ""


def test_running_promotions_have_the_fields_feedback_and_costs(seeded):
    for title, booked in [("上海清源绿茶月度特价", Decimal("9500.00")), ("杭州薯片买二送一", Decimal("17000.00"))]:
        promotion = _promotion(title)
        assert promotion.status == S.RUNNING
        start = promotion.approval_events.get(action=Action.START)
        assert timezone.localtime(start.created_at).date() == promotion.starts_on
        # Both have run for at least the five working days before today, each with a visit checking them.
        assert PromotionFeedbackLine.objects.filter(promotion=promotion).count() >= 5
        assert promotion.costs.aggregate(total=Sum("amount"))["total"] == booked
        assert not promotion.costs.filter(over_budget=True).exists()


def test_the_ended_request_went_over_budget_and_was_reviewed_by_a_delegate(seeded):
    promotion = _promotion(OVER_BUDGET_TITLE)

    assert promotion.status == S.ENDED
    assert promotion.ends_on < timezone.localdate()
    costs = list(promotion.costs.order_by("spent_on"))
    assert [c.total_after for c in costs] == [Decimal("6000.00"), Decimal("7200.00"), Decimal("8700.00")]
    assert [c.over_budget for c in costs] == [False, False, True]
    assert all(c.created_at.date() >= c.spent_on for c in costs)
    assert Notification.objects.filter(
        kind="promotion_over_budget", key=f"promotion_over_budget:{promotion.pk}"
    ).count()
    assert PromotionFeedbackLine.objects.filter(promotion=promotion).exists()
    ratings = promotion.executability_ratings.order_by("rater__username")
    assert [(r.rater.username, r.score) for r in ratings] == [("mgr.east", 3), ("rep.zhang", 3)]
    assert all(timezone.localtime(r.created_at).date() > promotion.ends_on for r in ratings)

    review = ApprovalStep.objects.get(flow__promotion=promotion, kind=StepKind.REVIEW)
    assert (review.decided_by.username, review.on_behalf_of.username) == ("mkt.li", "mkt.wang")
    delegation = Delegation.objects.get()
    assert (delegation.delegator.username, delegation.delegate.username) == ("mkt.wang", "mkt.li")
    assert delegation.reason == DELEGATION_REASON
    assert delegation.starts_on <= timezone.localtime(review.decided_at).date() <= delegation.ends_on
    assert delegation.ends_on < timezone.localdate()  # over: mkt.li stands in for nobody today


def test_the_evaluated_promotion_has_feedback_costs_and_a_conclusion(seeded):
    promotion = _promotion("杭州冰红茶试饮周")

    assert promotion.status == S.EVALUATED
    evaluated = promotion.approval_events.get(action=Action.EVALUATE)
    assert evaluated.actor.username == "mkt.wang"
    assert evaluated.comment.startswith("试饮带动冰红茶动销")
    ratings = promotion.executability_ratings.order_by("rater__username")
    assert [(r.rater.username, r.score) for r in ratings] == [("mgr.east", 4), ("rep.liu", 5)]
    assert all(r.created_at < evaluated.created_at for r in ratings)
    assert promotion.costs.aggregate(total=Sum("amount"))["total"] == Decimal("9500.00") < promotion.budget
    assert PromotionFeedbackLine.objects.filter(promotion=promotion).exists()


@pytest.mark.parametrize(
    ("title", "status", "action", "actor"),
    [
        ("杭州高校超市饮料促销申请", S.RETURNED, Action.RETURN, "mkt.wang"),
        ("上海大卖场全场饮料八折申请", S.REJECTED, Action.REJECT, "mkt.wang"),
        ("北京社区店薯片试吃", S.WITHDRAWN, Action.WITHDRAW, "rep.chen"),
        ("天津超市薯片堆头月", S.CANCELLED, Action.CANCEL, "mkt.wang"),
    ],
)
def test_closed_promotions_carry_their_reason(seeded, title, status, action, actor):
    promotion = _promotion(title)

    assert promotion.status == status
    last = _events(promotion)[-1]
    assert (last.action, last.actor.username) == (action, actor)
    assert len(last.comment) > 10
    assert _open(promotion) == []
    if status == S.RETURNED:
        assert (promotion.approval_flow.round, promotion.approval_flow.status) == (1, FlowStatus.RETURNED)
        assert Notification.objects.filter(
            recipient=promotion.created_by, kind="promotion_returned", read_at__isnull=True
        ).exists()


def test_old_step_notifications_are_read_only_waiting_ones_stay_unread(seeded):
    unread = Notification.objects.filter(kind="approval_step", read_at__isnull=True)
    open_steps = ApprovalStep.objects.filter(status=StepStatus.OPEN).values_list("pk", flat=True)
    open_keys = {f"approval_step:{pk}" for pk in open_steps}

    assert set(unread.values_list("key", flat=True)) == open_keys


def _snapshot() -> tuple:
    return (
        list(Promotion.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        ApprovalFlow.objects.count(),
        list(ApprovalStep.objects.order_by("pk").values_list("pk", "status", "due_at")),
        ApprovalEvent.objects.count(),
        PromotionCost.objects.count(),
        Delegation.objects.count(),
        list(ExecutabilityRating.objects.order_by("pk").values_list("pk", "score", "created_at")),
        Notification.objects.count(),
    )


def test_a_second_run_changes_nothing(seeded):
    before = _snapshot()

    assert seed_approvals_demo() == {
        "promotions": 0,
        "approval flows": 0,
        "cost bookings": 0,
        "executability ratings": 0,
        "delegations": 0,
    }

    assert _snapshot() == before


def test_a_draft_the_campaigns_demo_wrote_later_is_run_on_the_next_seed(seeded):
    """An older demo database (campaigns demo only) gets its histories on the next run, and only once."""
    promotion = _promotion("上海社区店牙膏堆头申请")
    promotion.approval_events.all().delete()
    ApprovalFlow.objects.filter(promotion=promotion).delete()
    Promotion.objects.filter(pk=promotion.pk).update(status=S.DRAFT)

    assert seed_approvals_demo()["approval flows"] == 1

    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    assert seed_approvals_demo()["approval flows"] == 0
