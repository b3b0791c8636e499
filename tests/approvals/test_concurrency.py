"""Deciding at the same moment, for real: two threads, two database connections, one PostgreSQL.

Two people who may both decide one step get one decision and one 409; two consultees answering the last two
consultation steps at once close the consultation exactly once.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Notification
from accounts.roles import Role
from approvals.models import ApprovalEvent, ApprovalStep, StepStatus
from approvals.workflow import Action
from campaigns.models import PromotionStatus
from tests.approvals.flow_setup import build_company, open_steps, proposal, push, request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def entered(monkeypatch) -> list[int]:
    """The users who reached ``step_decide`` (the locking service): both threads must, or nothing raced."""
    from approvals.api import steps as api

    calls, original = [], api.step_decide

    def counting(**kwargs):
        calls.append(kwargs["user"].pk)
        return original(**kwargs)

    monkeypatch.setattr(api, "step_decide", counting)
    return calls


@pytest.fixture(autouse=True)
def _postgresql_only():
    # A race needs real row locks: SQLite would serialise the whole database and prove nothing.
    if connection.vendor != "postgresql":
        pytest.fail(f"The concurrency tests need PostgreSQL (DATABASE_URL); this database is {connection.vendor}.")


def _post_at_once(calls: list[tuple]) -> list:
    """POST each (user, url, body) from its own thread, all released together; returns the responses in order."""
    barrier = threading.Barrier(len(calls))
    responses, errors = [None] * len(calls), []

    def post(index, user, url, body):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            responses[index] = client.post(url, body, format="json")
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return responses


def test_two_marketing_managers_deciding_one_review_at_once_give_one_decision_and_one_409(regions, frozen_now, entered):
    company = build_company(regions)
    second = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=regions.cn)
    promotion = push(company, request(company), PromotionStatus.REVIEW)
    step = open_steps(promotion)[0]
    assert step.assignee_role == Role.MARKETING_MANAGER
    events = ApprovalEvent.objects.count()
    url = f"/api/v1/approvals/{step.pk}/decide/"

    responses = _post_at_once(
        [
            (company.mkt_wang, url, {"decision": "approve"}),
            (second, url, {"decision": "reject", "comment": "Not now."}),
        ]
    )

    codes = [r.status_code for r in responses]
    assert sorted(entered) == sorted([company.mkt_wang.pk, second.pk])
    assert sorted(codes) == [200, 409]
    winner = [company.mkt_wang, second][codes.index(200)]
    loser = responses[codes.index(409)]
    assert loser.json() == {"detail": "This step has already been decided or closed; nothing was changed."}
    step.refresh_from_db()
    assert step.status == StepStatus.DECIDED
    assert step.decided_by == winner
    assert ApprovalEvent.objects.count() == events + 1
    event = ApprovalEvent.objects.last()
    assert event.actor == winner
    assert event.action == (Action.APPROVE if winner == company.mkt_wang else Action.REJECT)
    promotion.refresh_from_db()
    assert promotion.status == (PromotionStatus.APPROVED if winner == company.mkt_wang else PromotionStatus.REJECTED)


def test_the_last_two_consultees_answering_at_once_close_the_consultation_exactly_once(regions, frozen_now, entered):
    company = build_company(regions)
    promotion = push(company, proposal(company, regions=[regions.cn]), PromotionStatus.CONSULTATION)
    east, north = open_steps(promotion)

    responses = _post_at_once(
        [
            (company.mgr_east, f"/api/v1/approvals/{east.pk}/decide/", {"decision": "support", "executability": 4}),
            (
                company.mgr_north,
                f"/api/v1/approvals/{north.pk}/decide/",
                {"decision": "oppose", "comment": "Price war.", "executability": 2},
            ),
        ]
    )

    assert [r.status_code for r in responses] == [200, 200]
    assert sorted(entered) == sorted([company.mgr_east.pk, company.mgr_north.pk])
    assert ApprovalEvent.objects.filter(action=Action.CLOSE_CONSULTATION).count() == 1
    assert ApprovalEvent.objects.get(action=Action.CLOSE_CONSULTATION).data == {
        "support": 1,
        "support_with_changes": 0,
        "oppose": 1,
        "no_answer": 0,
    }
    assert ApprovalEvent.objects.filter(action=Action.ANSWER_CONSULTATION).count() == 2
    approval = ApprovalStep.objects.get(flow__promotion=promotion, kind="approval")
    assert approval.status == StepStatus.OPEN
    assert approval.opened_at is not None
    assert Notification.objects.filter(recipient=company.mkt_wang, kind="approval_step").count() == 1
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.REVIEW
