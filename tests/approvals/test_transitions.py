"""The promotion lifecycle table, exhaustively: every status × every action is either a move recorded by one
event, or a refusal naming the status that changes nothing — directly and through the services."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import ApprovalEvent, ApprovalFlow, ApprovalStep, StepStatus
from approvals.services.flows import promotion_submit, promotion_withdraw, step_decide
from approvals.workflow import TRANSITIONS, Action, TransitionRefused, promotion_transition
from campaigns.models import Promotion, PromotionStatus
from coordination.errors import Conflict
from tests.approvals.flow_setup import NOW, decide, open_steps, proposal, push, request
from tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db

S = PromotionStatus
ALLOWED = {
    (S.DRAFT, Action.SUBMIT_FOR_CONSULTATION): S.CONSULTATION,
    (S.RETURNED, Action.SUBMIT_FOR_CONSULTATION): S.CONSULTATION,
    (S.DRAFT, Action.SUBMIT_FOR_ENDORSEMENT): S.ENDORSEMENT,
    (S.RETURNED, Action.SUBMIT_FOR_ENDORSEMENT): S.ENDORSEMENT,
    (S.DRAFT, Action.SUBMIT_FOR_REVIEW): S.REVIEW,
    (S.RETURNED, Action.SUBMIT_FOR_REVIEW): S.REVIEW,
    (S.CONSULTATION, Action.ANSWER_CONSULTATION): S.CONSULTATION,
    (S.CONSULTATION, Action.CONSULTATION_NO_ANSWER): S.CONSULTATION,
    (S.CONSULTATION, Action.CLOSE_CONSULTATION): S.REVIEW,
    (S.ENDORSEMENT, Action.ENDORSE): S.REVIEW,
    (S.REVIEW, Action.APPROVE_STEP): S.REVIEW,
    (S.REVIEW, Action.APPROVE): S.APPROVED,
    (S.ENDORSEMENT, Action.RETURN): S.RETURNED,
    (S.REVIEW, Action.RETURN): S.RETURNED,
    (S.ENDORSEMENT, Action.REJECT): S.REJECTED,
    (S.REVIEW, Action.REJECT): S.REJECTED,
    (S.CONSULTATION, Action.WITHDRAW): S.WITHDRAWN,
    (S.ENDORSEMENT, Action.WITHDRAW): S.WITHDRAWN,
    (S.REVIEW, Action.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, Action.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, Action.START): S.RUNNING,
    (S.APPROVED, Action.END): S.ENDED,
    (S.RUNNING, Action.END): S.ENDED,
    (S.ENDED, Action.EVALUATE): S.EVALUATED,
    (S.APPROVED, Action.CANCEL): S.CANCELLED,
    (S.RUNNING, Action.CANCEL): S.CANCELLED,
}
EVERY_PAIR = [(status, action) for status in S.values for action in Action.values]
TERMINAL = (S.EVALUATED, S.REJECTED, S.WITHDRAWN, S.CANCELLED)


def test_the_table_is_exactly_the_lifecycle_of_the_design():
    assert TRANSITIONS == ALLOWED
    assert len(EVERY_PAIR) == 12 * 16
    # Terminal statuses lead nowhere; every status but those can be left.
    assert {status for status, _action in TRANSITIONS} == set(S.values) - set(TERMINAL)


@pytest.mark.parametrize(("status", "action"), EVERY_PAIR)
def test_every_status_and_action(status, action, user):
    promotion = PromotionFactory(status=status)

    if (status, action) in ALLOWED:
        event = promotion_transition(promotion=promotion, action=action, actor=user, comment="why", now=NOW)

        target = ALLOWED[(status, action)]
        promotion.refresh_from_db()
        assert promotion.status == target
        assert ApprovalEvent.objects.count() == 1
        saved = ApprovalEvent.objects.get()
        assert saved == event
        assert (saved.promotion, saved.action, saved.from_status, saved.to_status) == (
            promotion,
            action,
            status,
            target,
        )
        assert (saved.actor, saved.comment, saved.created_at) == (user, "why", NOW)
    else:
        with pytest.raises(TransitionRefused) as refused:
            promotion_transition(promotion=promotion, action=action, actor=user, now=NOW)

        label = str(S(status).label).lower()
        assert refused.value.message.startswith(f"The promotion is {label}, so you cannot ")
        assert isinstance(refused.value, Conflict)  # the API answers 409
        promotion.refresh_from_db()
        assert promotion.status == status
        assert ApprovalEvent.objects.count() == 0


def test_a_refusal_names_status_and_action():
    promotion = PromotionFactory(status=S.APPROVED)
    with pytest.raises(TransitionRefused, match=r"^The promotion is approved, so you cannot withdraw it\.$"):
        promotion_transition(promotion=promotion, action=Action.WITHDRAW, actor=None)
    promotion = PromotionFactory(status=S.DRAFT)
    with pytest.raises(TransitionRefused, match=r"^The promotion is draft, so you cannot approve it\.$"):
        promotion_transition(promotion=promotion, action=Action.APPROVE, actor=None)


def test_a_move_without_the_lock_that_lost_the_race_is_a_conflict(user):
    promotion = PromotionFactory(status=S.REVIEW)
    stale = Promotion.objects.get(pk=promotion.pk)
    promotion_transition(promotion=promotion, action=Action.APPROVE, actor=user)

    with pytest.raises(Conflict, match="changed by someone else"):
        promotion_transition(promotion=stale, action=Action.REJECT, actor=user)

    promotion.refresh_from_db()
    assert promotion.status == S.APPROVED
    assert list(ApprovalEvent.objects.values_list("action", flat=True)) == [Action.APPROVE]


# --- through the services ------------------------------------------------------------------------------------


def _promotion_in(company, status):
    """A promotion pushed to ``status`` (consultation needs a marketing proposal, the rest a sales request)."""
    if status == S.CONSULTATION:
        return push(company, proposal(company), status)
    return push(company, request(company), status)


@pytest.mark.parametrize("status", S.values)
def test_submit_in_every_status(company, status):
    promotion = _promotion_in(company, status)
    events = ApprovalEvent.objects.count()
    steps = ApprovalStep.objects.count()
    flow = ApprovalFlow.objects.filter(promotion=promotion).first()
    round_before = flow.round if flow else None

    if status in (S.DRAFT, S.RETURNED):
        promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)

        promotion.refresh_from_db()
        assert promotion.status == S.ENDORSEMENT
        flow = ApprovalFlow.objects.get(promotion=promotion)
        assert flow.round == (1 if status == S.DRAFT else 2)
        assert ApprovalEvent.objects.count() == events + 1
        assert ApprovalEvent.objects.last().action == Action.SUBMIT_FOR_ENDORSEMENT
    else:
        with pytest.raises(
            TransitionRefused, match=f"^The promotion is {S(status).label.lower()}, so you cannot submit it"
        ):
            promotion_submit(user=promotion.created_by, promotion=promotion, now=NOW)

        promotion.refresh_from_db()
        assert promotion.status == status
        assert ApprovalEvent.objects.count() == events
        assert ApprovalStep.objects.count() == steps
        flow = ApprovalFlow.objects.filter(promotion=promotion).first()
        assert (flow.round if flow else None) == round_before


WITHDRAWABLE = (S.CONSULTATION, S.ENDORSEMENT, S.REVIEW, S.RETURNED)


@pytest.mark.parametrize("status", S.values)
def test_withdraw_in_every_status(company, status):
    promotion = _promotion_in(company, status)
    events = ApprovalEvent.objects.count()
    step_states = dict(ApprovalStep.objects.values_list("pk", "status"))

    if status in WITHDRAWABLE:
        promotion_withdraw(user=promotion.created_by, promotion=promotion, comment="Not this month.", now=NOW)

        promotion.refresh_from_db()
        assert promotion.status == S.WITHDRAWN
        assert ApprovalEvent.objects.count() == events + 1
        event = ApprovalEvent.objects.last()
        assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
            Action.WITHDRAW,
            status,
            S.WITHDRAWN,
            promotion.created_by,
            "Not this month.",
        )
        assert not ApprovalStep.objects.filter(status__in=[StepStatus.OPEN, StepStatus.WAITING]).exists()
    else:
        with pytest.raises(
            TransitionRefused, match=f"^The promotion is {S(status).label.lower()}, so you cannot withdraw it"
        ):
            promotion_withdraw(user=promotion.created_by, promotion=promotion, now=NOW)

        promotion.refresh_from_db()
        assert promotion.status == status
        assert ApprovalEvent.objects.count() == events
        assert dict(ApprovalStep.objects.values_list("pk", "status")) == step_states


def test_only_the_author_submits_or_withdraws(company):
    promotion = request(company)
    with pytest.raises(PermissionDenied, match="Only the author can submit"):
        promotion_submit(user=company.mgr_east, promotion=promotion, now=NOW)
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    with pytest.raises(PermissionDenied, match="Only the author can withdraw"):
        promotion_withdraw(user=company.mgr_east, promotion=promotion, now=NOW)

    promotion.refresh_from_db()
    assert promotion.status == S.ENDORSEMENT
    assert list(ApprovalEvent.objects.values_list("action", flat=True)) == [Action.SUBMIT_FOR_ENDORSEMENT]


def test_a_decided_step_cannot_be_decided_again(company):
    promotion = push(company, request(company), S.ENDORSEMENT)
    step = open_steps(promotion)[0]
    decide(company, step, now=NOW)
    events = ApprovalEvent.objects.count()

    with pytest.raises(Conflict, match="already been decided"):
        step_decide(user=company.mgr_east, step=step, decision="reject", comment="Changed my mind.", now=NOW)

    step.refresh_from_db()
    assert (step.status, step.decision, step.comment) == (StepStatus.DECIDED, "approve", "")
    assert ApprovalEvent.objects.count() == events
    promotion.refresh_from_db()
    assert promotion.status == S.REVIEW


def test_a_step_of_an_earlier_round_cannot_be_decided(company):
    promotion = push(company, request(company), S.RETURNED)
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    old = ApprovalStep.objects.get(flow__promotion=promotion, round=1, kind="endorsement")

    with pytest.raises(Conflict):
        step_decide(user=company.mgr_east, step=old, decision="approve", now=NOW)

    assert ApprovalStep.objects.get(pk=old.pk).decision == "return"
