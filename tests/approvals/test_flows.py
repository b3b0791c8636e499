"""Both directions end to end with the demo-shaped company: consultation and its deadline, thresholds routing,
rules, returns and new rounds, rejection, withdrawal, notifications, own-request refusal, delegation, and the
calendar after approval."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification
from accounts.roles import Role
from approvals.models import ApprovalEvent, ApprovalFlow, ApprovalRule, ApprovalStep, FlowStatus, StepStatus
from approvals.selectors.steps import inbox
from approvals.services.flows import (
    consultations_close_overdue,
    promotion_submit,
    promotion_withdraw,
    promotions_follow_calendar,
    step_decide,
)
from approvals.workflow import Action, TransitionRefused
from campaigns.models import PromotionStatus
from campaigns.services.promotions import promotion_update
from tests.approvals.flow_setup import NOW, approve_all, at, decide, open_steps, proposal, push, request
from tests.factories import UserFactory
from tests.factories.approvals import ApprovalRuleFactory, CalendarDayFactory, DelegationFactory

pytestmark = pytest.mark.django_db

S = PromotionStatus


def actions(promotion) -> list[str]:
    return list(ApprovalEvent.objects.filter(promotion=promotion).order_by("id").values_list("action", flat=True))


def route(promotion, round=None) -> list[tuple]:
    """(sequence, kind, assignee username or role, status) of the steps of a round (the current one by default)."""
    flow = ApprovalFlow.objects.get(promotion=promotion)
    steps = ApprovalStep.objects.filter(flow=flow, round=round or flow.round).order_by("sequence", "id")
    return [
        (s.sequence, s.kind, s.assignee.username if s.assignee_id else s.assignee_role, s.status)
        for s in steps.select_related("assignee")
    ]


def notified(kind="approval_step") -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- marketing → sales ---------------------------------------------------------------------------------------


def test_a_proposal_for_east_is_consulted_with_mgr_east_then_decided_by_the_marketing_manager(company):
    promotion = proposal(company, budget="10000")

    flow = promotion_submit(user=company.mkt_li, promotion=promotion, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.CONSULTATION
    assert (flow.round, flow.status, flow.director_threshold, flow.gm_threshold) == (
        1,
        FlowStatus.OPEN,
        Decimal("50000"),
        Decimal("200000"),
    )
    assert flow.rule == ApprovalRule.objects.get(origin="marketing", region=None)
    assert route(promotion) == [
        (1, "consultation", "mgr.east", StepStatus.OPEN),
        (2, "approval", Role.MARKETING_MANAGER, StepStatus.WAITING),
    ]
    consultation = open_steps(promotion)[0]
    # 16 working hours from Monday 10:00: Monday 7 h, Tuesday 8 h, Wednesday 1 h.
    assert (consultation.opened_at, consultation.due_at, consultation.sla_hours) == (NOW, at(4, 10), 16)
    assert notified() == ["mgr.east"]  # the marketing manager's turn has not come

    with pytest.raises(ValidationError) as error:
        step_decide(user=company.mgr_east, step=consultation, decision="oppose", comment=" ", now=NOW)
    assert error.value.message_dict == {
        "comment": ["Give the reason: the author needs it to act on your decision."],
        "executability": ["Rate how well the field can carry it out, from 1 to 5."],
    }
    with pytest.raises(ValidationError) as error:
        step_decide(user=company.mgr_east, step=consultation, decision="approve", executability=4, now=NOW)
    assert error.value.message_dict == {
        "decision": ["A consultation step takes one of: support, support_with_changes, oppose."]
    }
    assert actions(promotion) == [Action.SUBMIT_FOR_CONSULTATION]

    step_decide(
        user=company.mgr_east,
        step=consultation,
        decision="support_with_changes",
        comment="Start a week later: stock arrives on the 8th.",
        executability=3,
        now=at(2, 15),
    )

    consultation.refresh_from_db()
    assert (consultation.status, consultation.decision, consultation.executability, consultation.decided_by) == (
        StepStatus.DECIDED,
        "support_with_changes",
        3,
        company.mgr_east,
    )
    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    assert actions(promotion) == [
        Action.SUBMIT_FOR_CONSULTATION,
        Action.ANSWER_CONSULTATION,
        Action.CLOSE_CONSULTATION,
    ]
    answer, close = ApprovalEvent.objects.filter(promotion=promotion).order_by("id")[1:]
    assert answer.data == {
        "decision": "support_with_changes",
        "kind": "consultation",
        "changes": "Start a week later: stock arrives on the 8th.",
        "executability": 3,
    }
    assert (answer.actor, answer.step, answer.from_status, answer.to_status) == (
        company.mgr_east,
        consultation,
        S.CONSULTATION,
        S.CONSULTATION,
    )
    assert (close.actor, close.from_status, close.to_status) == (None, S.CONSULTATION, S.REVIEW)
    assert close.data == {"support": 0, "support_with_changes": 1, "oppose": 0, "no_answer": 0}
    approval = open_steps(promotion)[0]
    assert (approval.kind, approval.assignee_role, approval.opened_at) == ("approval", "marketing_manager", at(2, 15))
    assert notified() == ["mgr.east", "mkt.wang"]

    step_decide(user=company.mkt_wang, step=approval, decision="approve", now=at(3, 9))

    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED
    assert actions(promotion)[-1] == Action.APPROVE
    flow.refresh_from_db()
    assert (flow.status, flow.closed_at) == (FlowStatus.APPROVED, at(3, 9))
    assert notified("promotion_approved") == ["mkt.li"]


def test_a_company_wide_proposal_asks_both_regions_in_parallel_and_closes_when_both_answered(company):
    promotion = push(company, proposal(company, regions=[company.regions.cn]), S.CONSULTATION)
    east, north = open_steps(promotion)
    assert (east.assignee, north.assignee, east.sequence, north.sequence) == (
        company.mgr_east,
        company.mgr_north,
        1,
        1,
    )
    assert notified() == ["mgr.east", "mgr.north"]

    step_decide(
        user=company.mgr_north, step=north, decision="oppose", comment="Price war in Beijing.", executability=2, now=NOW
    )

    promotion.refresh_from_db()
    assert promotion.status == S.CONSULTATION
    assert [s.assignee for s in open_steps(promotion)] == [company.mgr_east]
    assert ApprovalStep.objects.get(flow__promotion=promotion, sequence=2).status == StepStatus.WAITING

    step_decide(user=company.mgr_east, step=east, decision="support", executability=5, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    assert actions(promotion).count(Action.CLOSE_CONSULTATION) == 1
    assert ApprovalEvent.objects.get(action=Action.CLOSE_CONSULTATION).data == {
        "support": 1,
        "support_with_changes": 0,
        "oppose": 1,
        "no_answer": 0,
    }


def test_past_the_deadline_a_missing_answer_is_recorded_and_the_flow_moves_on_once(company):
    promotion = push(company, proposal(company, regions=[company.regions.cn]), S.CONSULTATION)
    east, north = open_steps(promotion)
    decide(company, east, now=NOW)
    deadline = north.due_at
    assert deadline == at(4, 10)

    assert consultations_close_overdue(now=deadline) == 0  # due, not yet past
    promotion.refresh_from_db()
    assert promotion.status == S.CONSULTATION

    assert consultations_close_overdue(now=deadline + datetime.timedelta(minutes=1)) == 1

    north.refresh_from_db()
    assert (north.status, north.decision, north.decided_by) == (StepStatus.NO_ANSWER, "", None)
    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    no_answer = ApprovalEvent.objects.get(action=Action.CONSULTATION_NO_ANSWER)
    assert (no_answer.actor, no_answer.step, no_answer.data) == (None, north, {"assignee": "mgr.north"})
    assert ApprovalEvent.objects.get(action=Action.CLOSE_CONSULTATION).data == {
        "support": 1,
        "support_with_changes": 0,
        "oppose": 0,
        "no_answer": 1,
    }
    assert [s.kind for s in open_steps(promotion)] == ["approval"]
    events, steps = actions(promotion), list(ApprovalStep.objects.values_list("pk", "status", "due_at"))

    assert consultations_close_overdue(now=deadline + datetime.timedelta(days=3)) == 0

    assert actions(promotion) == events
    assert list(ApprovalStep.objects.values_list("pk", "status", "due_at")) == steps
    assert Notification.objects.filter(recipient=company.mkt_wang).count() == 1


def test_nobody_answering_closes_the_consultation_with_no_answers(company):
    promotion = push(company, proposal(company, regions=[company.regions.cn]), S.CONSULTATION)

    assert consultations_close_overdue(now=at(5)) == 2

    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    assert actions(promotion) == [
        Action.SUBMIT_FOR_CONSULTATION,
        Action.CONSULTATION_NO_ANSWER,
        Action.CONSULTATION_NO_ANSWER,
        Action.CLOSE_CONSULTATION,
    ]


# --- thresholds and rules ------------------------------------------------------------------------------------

MM, DIR, GM = Role.MARKETING_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER


@pytest.mark.parametrize(
    ("budget", "approvers"),
    [
        ("0", [MM]),
        ("50000.00", [MM]),  # exactly A: no director
        ("50000.01", [MM, DIR]),
        ("200000.00", [MM, DIR]),  # exactly B: no general manager
        ("200000.01", [MM, DIR, GM]),
    ],
)
def test_thresholds_route_a_proposal(company, budget, approvers):
    promotion = push(company, proposal(company, budget=budget), S.CONSULTATION)

    assert route(promotion) == [
        (1, "consultation", "mgr.east", StepStatus.OPEN),
        *[(n, "approval", role, StepStatus.WAITING) for n, role in enumerate(approvers, 2)],
    ]


@pytest.mark.parametrize(
    ("budget", "approvers"),
    [("50000", []), ("50001", [DIR]), ("200000", [DIR]), ("200001", [DIR, GM])],
)
def test_thresholds_route_a_sales_request(company, budget, approvers):
    promotion = push(company, request(company, budget=budget), S.ENDORSEMENT)

    assert route(promotion) == [
        (1, "endorsement", "mgr.east", StepStatus.OPEN),
        (2, "review", MM, StepStatus.WAITING),
        *[(n, "approval", role, StepStatus.WAITING) for n, role in enumerate(approvers, 3)],
    ]


def test_each_approver_is_told_only_when_it_is_their_turn_and_gm_only_above_b(company):
    promotion = push(company, request(company, budget="250000"), S.ENDORSEMENT)
    assert notified() == ["mgr.east"]

    expected = [
        ["mgr.east", "mkt.wang"],
        ["dir.sales", "mgr.east", "mkt.wang"],
        ["dir.sales", "gm", "mgr.east", "mkt.wang"],
    ]
    for seen in expected:
        decide(company, open_steps(promotion)[0])
        assert notified() == seen
        assert notified("promotion_approved") == []

    decide(company, open_steps(promotion)[0])  # gm, last

    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED
    assert ApprovalStep.objects.get(kind="approval", assignee_role=GM).decided_by == company.gm
    assert actions(promotion) == [
        Action.SUBMIT_FOR_ENDORSEMENT,
        Action.ENDORSE,
        Action.APPROVE_STEP,
        Action.APPROVE_STEP,
        Action.APPROVE,
    ]
    assert notified("promotion_approved") == ["rep.zhang"]


def test_below_b_the_general_manager_is_never_asked(company):
    promotion = push(company, proposal(company, budget="200000"), S.APPROVED)

    assert promotion.status == S.APPROVED
    assert not Notification.objects.filter(recipient=company.gm).exists()
    assert not ApprovalStep.objects.filter(assignee_role=GM).exists()


def test_a_region_rule_beats_the_company_wide_one(company):
    east_rule = ApprovalRuleFactory(
        origin="marketing", region=company.regions.east, director_threshold="5000", gm_threshold="8000"
    )

    in_east = push(company, proposal(company, budget="10000", regions=[company.regions.sh]), S.CONSULTATION)
    nationwide = push(company, proposal(company, budget="10000", regions=[company.regions.cn]), S.CONSULTATION)
    across = push(
        company,
        proposal(company, budget="10000", regions=[company.regions.sh, company.regions.bj]),
        S.CONSULTATION,
    )

    assert in_east.approval_flow.rule == east_rule
    assert (in_east.approval_flow.director_threshold, in_east.approval_flow.gm_threshold) == (
        Decimal("5000"),
        Decimal("8000"),
    )
    assert [r[2] for r in route(in_east)] == ["mgr.east", MM, DIR, GM]
    assert nationwide.approval_flow.rule.region is None
    assert [r[2] for r in route(nationwide)] == ["mgr.east", "mgr.north", MM]
    assert across.approval_flow.rule.region is None  # Beijing is outside East's rule


def test_a_rule_changed_after_submission_does_not_reroute(company):
    rule = ApprovalRule.objects.get(origin="sales", region=None)
    promotion = push(company, request(company, budget="60000"), S.ENDORSEMENT)
    planned = route(promotion)

    rule.director_threshold = Decimal("100000")
    rule.review_hours = 2
    rule.save()
    decide(company, open_steps(promotion)[0])

    assert [r[:3] for r in route(promotion)] == [r[:3] for r in planned]
    review = open_steps(promotion)[0]
    assert review.sla_hours == 24
    flow = ApprovalFlow.objects.get(promotion=promotion)
    assert flow.director_threshold == Decimal("50000")
    approve_all(company, promotion)
    assert ApprovalStep.objects.get(assignee_role=DIR).decided_by == company.dir_sales


# --- sales → marketing ---------------------------------------------------------------------------------------


def test_a_sales_request_is_endorsed_then_reviewed_within_24_working_hours(company):
    CalendarDayFactory(date=datetime.date(2026, 3, 3), name="A holiday on Tuesday")
    promotion = request(company, budget="8000")

    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.ENDORSEMENT
    endorsement = open_steps(promotion)[0]
    # 8 working hours from Monday 10:00, Tuesday a holiday: Monday 7 h, Wednesday 1 h.
    assert (endorsement.assignee, endorsement.sla_hours, endorsement.due_at) == (company.mgr_east, 8, at(4, 10))
    with pytest.raises(ValidationError) as error:
        step_decide(user=company.mgr_east, step=endorsement, decision="approve_with_changes", comment="x", now=NOW)
    assert list(error.value.message_dict) == ["decision"]

    step_decide(user=company.mgr_east, step=endorsement, decision="approve", now=at(2, 14))

    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    review = open_steps(promotion)[0]
    # 24 working hours from Monday 14:00: Monday 3 h, (Tuesday off) Wednesday 8 h, Thursday 8 h, Friday 5 h.
    assert (review.kind, review.assignee_role, review.sla_hours, review.opened_at, review.due_at) == (
        "review",
        MM,
        24,
        at(2, 14),
        at(6, 14),
    )
    assert inbox(user=company.mkt_wang, now=at(4, 9)).get() == review

    step_decide(user=company.mkt_wang, step=review, decision="approve", now=at(4, 9))

    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED
    assert actions(promotion) == [Action.SUBMIT_FOR_ENDORSEMENT, Action.ENDORSE, Action.APPROVE]
    review.refresh_from_db()
    assert (review.decided_by, review.decided_at, review.on_behalf_of) == (company.mkt_wang, at(4, 9), None)
    assert notified("promotion_approved") == ["rep.zhang"]
    assert notified() == ["mgr.east", "mkt.wang"]


def test_a_managers_own_request_skips_endorsement(company):
    promotion = request(company, author=company.mgr_east, regions=[company.regions.east])

    promotion_submit(user=company.mgr_east, promotion=promotion, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW
    assert actions(promotion) == [Action.SUBMIT_FOR_REVIEW]
    assert route(promotion) == [(1, "review", MM, StepStatus.OPEN)]
    assert notified() == ["mkt.wang"]


def test_return_edit_and_resubmit_starts_round_two_and_keeps_round_one(company):
    promotion = push(company, request(company, budget="8000"), S.REVIEW)
    review = open_steps(promotion)[0]
    with pytest.raises(ValidationError) as error:
        step_decide(user=company.mkt_wang, step=review, decision="return", comment="", now=NOW)
    assert error.value.message_dict == {"comment": ["Give the reason: the author needs it to act on your decision."]}

    step_decide(
        user=company.mkt_wang, step=review, decision="return", comment="Budget too high for Shanghai.", now=at(3)
    )

    promotion.refresh_from_db()
    assert promotion.status == S.RETURNED
    assert ApprovalFlow.objects.get(promotion=promotion).status == FlowStatus.RETURNED
    returned = Notification.objects.get(kind="promotion_returned")
    assert (returned.recipient, returned.title, returned.body) == (
        company.rep_zhang,
        f"Returned for rework: {promotion.title}",
        "Budget too high for Shanghai.",
    )
    round_one = route(promotion, round=1)

    promotion_update(user=company.rep_zhang, promotion=promotion, data={"budget": Decimal("6000")})
    flow = promotion_submit(user=company.rep_zhang, promotion=promotion, now=at(4))

    assert flow.round == 2
    assert (
        route(promotion, round=1)
        == round_one
        == [
            (1, "endorsement", "mgr.east", StepStatus.DECIDED),
            (2, "review", MM, StepStatus.DECIDED),
        ]
    )
    assert route(promotion, round=2) == [
        (1, "endorsement", "mgr.east", StepStatus.OPEN),
        (2, "review", MM, StepStatus.WAITING),
    ]
    assert ApprovalStep.objects.get(round=2, sequence=1).opened_at == at(4)
    assert actions(promotion) == [
        Action.SUBMIT_FOR_ENDORSEMENT,
        Action.ENDORSE,
        Action.RETURN,
        Action.SUBMIT_FOR_ENDORSEMENT,
    ]
    assert list(ApprovalEvent.objects.order_by("id").values_list("round", flat=True)) == [1, 1, 1, 2]
    assert ApprovalEvent.objects.last().data["budget"] == "6000.00"
    # The endorser is told again for the new round (a new step, a new key).
    assert Notification.objects.filter(recipient=company.mgr_east, kind="approval_step").count() == 2

    approve_all(company, promotion)
    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED


def test_reject_with_reason_closes_the_round_and_tells_the_author(company):
    promotion = push(company, request(company, budget="60000"), S.REVIEW)

    decide(company, open_steps(promotion)[0], "reject", comment="Conflicts with the national plan.")

    promotion.refresh_from_db()
    assert promotion.status == S.REJECTED
    assert ApprovalFlow.objects.get(promotion=promotion).status == FlowStatus.REJECTED
    assert [r[3] for r in route(promotion)] == [StepStatus.DECIDED, StepStatus.DECIDED, StepStatus.CANCELLED]
    event = ApprovalEvent.objects.last()
    assert (event.action, event.comment, event.actor) == (
        Action.REJECT,
        "Conflicts with the national plan.",
        company.mkt_wang,
    )
    assert [(n.recipient.username, n.body) for n in Notification.objects.filter(kind="promotion_rejected")] == [
        ("rep.zhang", "Conflicts with the national plan.")
    ]
    assert not Notification.objects.filter(recipient=company.dir_sales).exists()
    with pytest.raises(TransitionRefused):
        promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)


def test_withdraw_before_the_final_decision_cancels_the_open_steps(company):
    promotion = push(company, request(company, budget="60000"), S.REVIEW)

    promotion_withdraw(user=company.rep_zhang, promotion=promotion, comment="Store closed.", now=at(3))

    promotion.refresh_from_db()
    assert promotion.status == S.WITHDRAWN
    assert [r[3] for r in route(promotion)] == [StepStatus.DECIDED, StepStatus.CANCELLED, StepStatus.CANCELLED]
    flow = ApprovalFlow.objects.get(promotion=promotion)
    assert (flow.status, flow.closed_at) == (FlowStatus.WITHDRAWN, at(3))
    assert inbox(user=company.mkt_wang, now=at(3)).count() == 0


def test_withdraw_after_approval_is_refused(company):
    promotion = push(company, request(company), S.APPROVED)
    events = actions(promotion)

    with pytest.raises(TransitionRefused, match=r"^The promotion is approved, so you cannot withdraw it\.$"):
        promotion_withdraw(user=company.rep_zhang, promotion=promotion, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED
    assert actions(promotion) == events


def test_approve_with_changes_records_the_changes(company):
    promotion = push(company, request(company), S.REVIEW)
    review = open_steps(promotion)[0]
    with pytest.raises(ValidationError) as error:
        step_decide(user=company.mkt_wang, step=review, decision="approve_with_changes", now=NOW)
    assert error.value.message_dict == {"comment": ["Say which changes you ask for."]}

    step_decide(
        user=company.mkt_wang, step=review, decision="approve_with_changes", comment="Floor at 4.20, not 3.90.", now=NOW
    )

    event = ApprovalEvent.objects.last()
    assert (event.action, event.comment) == (Action.APPROVE, "Floor at 4.20, not 3.90.")
    assert event.data == {"decision": "approve_with_changes", "kind": "review", "changes": "Floor at 4.20, not 3.90."}
    approved = Notification.objects.get(kind="promotion_approved")
    assert (approved.recipient, approved.body) == (company.rep_zhang, "Floor at 4.20, not 3.90.")


# --- own promotions ------------------------------------------------------------------------------------------


def test_the_author_cannot_decide_their_own_request_even_holding_the_role(company):
    mgr_request = push(company, request(company, author=company.mgr_east, regions=[company.regions.sh]), S.REVIEW)
    second_manager = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=company.regions.cn)
    proposal_of_wang = push(company, proposal(company, author=company.mkt_wang), S.REVIEW)
    step = open_steps(proposal_of_wang)[0]
    assert (step.assignee, step.assignee_role) == (None, MM)

    with pytest.raises(PermissionDenied, match=r"^Nobody decides on their own promotion\.$"):
        step_decide(user=company.mkt_wang, step=step, decision="approve", now=NOW)
    assert list(inbox(user=company.mkt_wang, now=NOW)) == [open_steps(mgr_request)[0]]
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN

    step_decide(user=second_manager, step=step, decision="approve", now=NOW)
    proposal_of_wang.refresh_from_db()
    assert proposal_of_wang.status == S.APPROVED


def test_a_marketing_managers_own_proposal_goes_to_their_manager_when_no_other_holds_the_role(company):
    promotion = push(company, proposal(company, author=company.mkt_wang), S.REVIEW)

    assert route(promotion) == [
        (1, "consultation", "mgr.east", StepStatus.DECIDED),
        (2, "approval", "gm", StepStatus.OPEN),
    ]
    with pytest.raises(PermissionDenied, match=r"^Nobody decides on their own promotion\.$"):
        step_decide(user=company.mkt_wang, step=open_steps(promotion)[0], decision="approve", now=NOW)
    decide(company, open_steps(promotion)[0], by=company.gm)
    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED


def test_above_b_the_general_manager_standing_in_decides_once_and_last(company):
    promotion = push(company, proposal(company, author=company.mkt_wang, budget="300000"), S.CONSULTATION)

    assert [r[:3] for r in route(promotion)] == [
        (1, "consultation", "mgr.east"),
        (2, "approval", DIR),
        (3, "approval", GM),
    ]


def test_the_owner_cannot_decide_either_and_the_step_goes_past_them(company):
    promotion = proposal(company)
    promotion_update(user=company.mkt_li, promotion=promotion, data={"owner": company.mkt_wang})
    promotion = push(company, promotion, S.REVIEW)

    # mkt.wang, the only marketing manager, owns it, and is the author's manager too: it goes to his manager.
    assert route(promotion)[-1] == (2, "approval", "gm", StepStatus.OPEN)
    with pytest.raises(PermissionDenied):
        step_decide(user=company.mkt_wang, step=open_steps(promotion)[0], decision="approve", now=NOW)
    assert Notification.objects.filter(recipient=company.mkt_wang, kind="approval_step").count() == 0


# --- delegation ----------------------------------------------------------------------------------------------


def test_a_delegate_decides_during_the_range_on_behalf_of_the_assignee(company):
    DelegationFactory(
        delegator=company.mkt_wang,
        delegate=company.mkt_li,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 6),
    )
    promotion = push(company, request(company), S.REVIEW)
    review = open_steps(promotion)[0]
    assert list(inbox(user=company.mkt_li, now=at(6, 16))) == [review]
    assert list(inbox(user=company.mkt_li, now=at(9))) == []

    with pytest.raises(PermissionDenied, match="assigned to someone else"):
        step_decide(user=company.mkt_li, step=review, decision="approve", now=at(9))
    with pytest.raises(PermissionDenied):
        step_decide(user=company.mkt_li, step=review, decision="approve", now=at(1))
    review.refresh_from_db()
    assert review.status == StepStatus.OPEN

    step_decide(user=company.mkt_li, step=review, decision="approve", now=at(6, 16))

    review.refresh_from_db()
    assert (review.decided_by, review.on_behalf_of) == (company.mkt_li, company.mkt_wang)
    event = ApprovalEvent.objects.last()
    assert (event.action, event.actor, event.on_behalf_of) == (Action.APPROVE, company.mkt_li, company.mkt_wang)


def test_a_delegate_stands_in_for_a_personal_step_but_never_on_their_own_promotion(company):
    DelegationFactory(
        delegator=company.mgr_east,
        delegate=company.rep_liu,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    of_zhang = push(company, request(company), S.ENDORSEMENT)
    of_liu = push(company, request(company, author=company.rep_liu), S.ENDORSEMENT)

    assert list(inbox(user=company.rep_liu, now=NOW)) == open_steps(of_zhang)
    with pytest.raises(PermissionDenied, match=r"^Nobody decides on their own promotion\.$"):
        step_decide(user=company.rep_liu, step=open_steps(of_liu)[0], decision="approve", now=NOW)
    step_decide(user=company.rep_liu, step=open_steps(of_zhang)[0], decision="approve", now=NOW)
    of_zhang.refresh_from_db()
    assert of_zhang.status == S.REVIEW


def test_the_delegate_of_an_author_does_not_see_the_authors_promotion_in_the_inbox(company):
    second_manager = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=company.regions.cn)
    DelegationFactory(
        delegator=company.mkt_wang,
        delegate=company.mkt_li,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    promotion = push(company, proposal(company, author=company.mkt_wang), S.REVIEW)

    assert list(inbox(user=company.mkt_li, now=NOW)) == []
    assert list(inbox(user=second_manager, now=NOW)) == open_steps(promotion)
    with pytest.raises(PermissionDenied):
        step_decide(user=company.mkt_li, step=open_steps(promotion)[0], decision="approve", now=NOW)


# --- after approval: the calendar ----------------------------------------------------------------------------


def test_status_follows_the_calendar_and_a_rerun_changes_nothing(company):
    promotion = push(company, request(company), S.APPROVED)
    other = push(
        company, request(company, starts_on=datetime.date(2026, 3, 20), ends_on=datetime.date(2026, 3, 25)), S.APPROVED
    )

    assert promotions_follow_calendar(today=datetime.date(2026, 3, 31), now=at(31, 1)) == 1  # other ended unstarted
    other.refresh_from_db()
    assert other.status == S.ENDED
    assert actions(other)[-1] == Action.END

    assert promotions_follow_calendar(today=datetime.date(2026, 4, 1), now=at(1, 1, month=4)) == 1
    assert promotions_follow_calendar(today=datetime.date(2026, 4, 1), now=at(1, 2, month=4)) == 0
    promotion.refresh_from_db()
    assert promotion.status == S.RUNNING
    start = ApprovalEvent.objects.filter(promotion=promotion).last()
    assert (start.action, start.actor, start.from_status, start.to_status) == (
        Action.START,
        None,
        S.APPROVED,
        S.RUNNING,
    )

    assert promotions_follow_calendar(today=datetime.date(2026, 4, 30), now=at(30, 1, month=4)) == 0
    assert promotions_follow_calendar(today=datetime.date(2026, 5, 1), now=at(1, 1, month=5)) == 1
    assert promotions_follow_calendar(today=datetime.date(2026, 5, 1), now=at(1, 2, month=5)) == 0
    promotion.refresh_from_db()
    assert promotion.status == S.ENDED
    assert actions(promotion)[-2:] == [Action.START, Action.END]


def test_approving_a_promotion_whose_period_has_begun_makes_it_running_at_once(company):
    promotion = push(
        company,
        request(company, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 31)),
        S.REVIEW,
    )

    decide(company, open_steps(promotion)[0], now=at(3))

    promotion.refresh_from_db()
    assert promotion.status == S.RUNNING
    assert actions(promotion)[-2:] == [Action.APPROVE, Action.START]
    assert promotions_follow_calendar(today=datetime.date(2026, 3, 3), now=at(3, 11)) == 0


def test_a_promotion_whose_period_is_over_cannot_be_submitted(company):
    promotion = request(company, starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 2, 28))

    with pytest.raises(ValidationError) as error:
        promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)

    assert list(error.value.message_dict) == ["ends_on"]
    assert not ApprovalFlow.objects.exists()
    assert not ApprovalEvent.objects.exists()
