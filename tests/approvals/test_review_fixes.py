"""What the hostile review of the approvals API found, pinned: nobody routes a promotion around marketing through
its owner, a delegate sees only the steps they stand in for, a waiting step says it is not open yet, the status of a
promotion answers before the input of a cost, and huge costs are refused rather than overflowing."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Delegation
from approvals.models import ApprovalStep, StepStatus
from approvals.services.flows import promotion_submit, step_decide
from campaigns.models import CostCategory, PromotionCost, PromotionType
from campaigns.services.costs import promotion_cost_book
from campaigns.services.promotions import promotion_create
from coordination.errors import Conflict
from tests.approvals.effect_setup import agreed_promotion, build_world, move_to
from tests.approvals.flow_setup import NOW, decide, open_steps, proposal, request

pytestmark = pytest.mark.django_db


def _draft(company, author, owner):
    return promotion_create(
        user=author,
        title="Owner test",
        type=PromotionType.SPECIAL_PRICE,
        starts_on=datetime.date(2026, 3, 16),
        ends_on=datetime.date(2026, 3, 29),
        mechanics="m",
        expected_effect="e",
        products=[company.product],
        regions=[author.region],
        budget=Decimal("40000"),
        owner=owner,
    )


@pytest.mark.parametrize("owner", ["mkt_wang", "gm", "dir_sales", "mgr_east", "rep_chen"])
def test_a_rep_cannot_name_a_decider_or_an_outsider_as_owner_of_a_request(company, owner):
    with pytest.raises(ValidationError) as error:
        _draft(company, company.rep_zhang, getattr(company, owner))
    assert error.value.message_dict == {
        "owner": ["The owner of a sales request is you or a sales colleague in your area."]
    }


def test_a_marketing_proposal_is_owned_by_marketing(company):
    with pytest.raises(ValidationError) as error:
        _draft(company, company.mkt_li, company.mgr_east)
    assert error.value.message_dict == {"owner": ["The owner of a marketing proposal is someone in marketing."]}


def test_the_only_marketing_manager_as_owner_sends_the_decision_up_to_his_manager_not_down_the_authors_chain(
    company, frozen_now
):
    promotion = proposal(company)  # by mkt.li
    promotion.owner = company.mkt_wang
    promotion.save(update_fields=["owner"])
    promotion_submit(user=company.mkt_li, promotion=promotion, now=NOW)
    steps = list(ApprovalStep.objects.filter(flow__promotion=promotion).order_by("sequence", "id"))
    assert [(s.kind, s.assignee.username if s.assignee else s.assignee_role) for s in steps] == [
        ("consultation", "mgr.east"),
        ("approval", "gm"),  # mkt.wang's manager, not mkt.li's (who is mkt.wang)
    ]


def test_a_delegate_sees_the_open_steps_he_stands_in_for_but_not_the_history_of_the_person_away(company, frozen_now):
    old = request(company, title="Earlier")
    promotion_submit(user=company.rep_zhang, promotion=old, now=NOW)
    decided = decide(company, open_steps(old)[0])  # mgr.east endorsed it
    current = request(company, title="Now")
    promotion_submit(user=company.rep_zhang, promotion=current, now=NOW)
    open_step = open_steps(current)[0]
    Delegation.objects.create(
        delegator=company.mgr_east, delegate=company.mgr_north, starts_on=NOW.date(), ends_on=NOW.date()
    )
    client = APIClient()
    client.force_authenticate(company.mgr_north)

    assert client.get(f"/api/v1/approvals/{decided.pk}/").status_code == 404
    assert client.get(f"/api/v1/approvals/{open_step.pk}/").status_code == 200
    response = client.post(f"/api/v1/approvals/{open_step.pk}/decide/", {"decision": "approve"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "decided"
    assert ApprovalStep.objects.get(pk=open_step.pk).on_behalf_of == company.mgr_east


def test_a_step_waiting_for_earlier_steps_is_not_open_yet(company, frozen_now):
    promotion = request(company)
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    review = ApprovalStep.objects.get(flow__promotion=promotion, kind="review")
    assert review.status == StepStatus.WAITING
    with pytest.raises(Conflict, match="not open yet"):
        step_decide(user=company.mkt_wang, step=review, decision="approve", now=NOW)


@pytest.fixture
def world(regions):
    return build_world(regions)


def _book(user, promotion, amount, spent_on):
    return promotion_cost_book(
        user=user,
        promotion=promotion,
        category=CostCategory.OTHER,
        amount=Decimal(amount),
        spent_on=spent_on,
        description="x",
        client_uuid=uuid.uuid4(),
    )


def test_a_promotion_that_takes_no_costs_answers_409_whatever_the_input(world):
    promotion = move_to(agreed_promotion(world), "cancelled")
    with pytest.raises(Conflict):
        _book(world.people.rep_sh, promotion, "10.00", datetime.date(2000, 1, 1))


def test_a_total_beyond_what_the_books_hold_is_refused_per_field(world):
    promotion = agreed_promotion(world)
    today = datetime.date.today()
    largest = Decimal("9999999999.99")  # the largest one booking holds
    PromotionCost.objects.bulk_create(
        PromotionCost(
            promotion=promotion,
            category=CostCategory.OTHER,
            amount=largest,
            spent_on=promotion.starts_on,
            description="huge",
            booked_by=world.people.rep_sh,
            client_uuid=uuid.uuid4(),
            total_after=largest * n,
            over_budget=True,
        )
        for n in range(1, 101)
    )  # 999,999,999,999.00 booked: one more yuan passes what the books hold
    with pytest.raises(ValidationError) as error:
        _book(world.people.rep_sh, promotion, "1.00", min(today, promotion.ends_on))
    assert list(error.value.message_dict) == ["amount"]
    assert PromotionCost.objects.filter(promotion=promotion).count() == 100

    client = APIClient()
    client.force_authenticate(world.people.rep_sh)
    response = client.get(f"/api/v1/promotions/{promotion.pk}/effect/")
    assert response.status_code == 200  # a percentage of budget in the billions still renders
