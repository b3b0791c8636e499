"""The approvals API: the inbox (order, filters, SLA clock, query count), a step, decide with its validation,
submit, withdraw and the timeline."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from approvals.models import ApprovalEvent, ApprovalStep, StepKind, StepStatus
from campaigns.models import PromotionOrigin, PromotionStatus
from tests.approvals.flow_setup import NOW, at, decide, open_steps, proposal, push, request
from tests.factories import UserFactory
from tests.factories.approvals import ApprovalStepFactory, CalendarDayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

S = PromotionStatus
INBOX = "/api/v1/approvals/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def open_step(company, *, due_at, kind=StepKind.REVIEW, origin=PromotionOrigin.SALES, title="", **kwargs):
    """An open step of a promotion in review by rep.zhang in Shanghai (factories: no flow services)."""
    author = company.rep_zhang if origin == PromotionOrigin.SALES else company.mkt_li
    return ApprovalStepFactory(
        kind=kind,
        due_at=due_at,
        opened_at=due_at - datetime.timedelta(days=3),
        flow__promotion__origin=origin,
        flow__promotion__created_by=author,
        flow__promotion__regions=[company.regions.sh],
        flow__promotion__title=title or f"{kind} due {due_at:%d %H:%M}",
        **kwargs,
    )


# --- the inbox -----------------------------------------------------------------------------------------------


def test_the_inbox_lists_my_open_steps_oldest_due_first_with_their_sla_clock(company):
    later = open_step(company, due_at=at(3, 12))
    overdue = open_step(company, due_at=at(27, 16, month=2))
    soon = open_step(company, due_at=at(2, 12))
    same_due = open_step(company, due_at=at(3, 12))
    open_step(company, due_at=at(2, 11), status=StepStatus.DECIDED, decision="approve", decided_at=NOW)
    open_step(company, due_at=at(2, 11), assignee_role="", assignee=company.mgr_east)  # not mine

    response = _client(company.mkt_wang).get(INBOX)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [row["id"] for row in body["results"]] == [overdue.pk, soon.pk, later.pk, same_due.pk]
    first = body["results"][0]
    # Friday 16:00 → Monday 10:00: one working hour on Friday, one on Monday.
    assert (first["due_at"], first["hours_left"], first["overdue"]) == ("2026-02-27T16:00:00+08:00", -2.0, True)
    assert [(row["hours_left"], row["overdue"]) for row in body["results"][1:]] == [
        (2.0, False),  # Monday 10:00 → 12:00
        (10.0, False),  # the rest of Monday (7 h) and Tuesday until 12:00 (3 h)
        (10.0, False),
    ]
    assert first["promotion"] == {
        "id": overdue.flow.promotion_id,
        "title": "review due 27 16:00",
        "origin": "sales",
        "status": "review",
        "budget": "10000.00",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "author": {"id": company.rep_zhang.pk, "username": "rep.zhang", "full_name": company.rep_zhang.display_name},
        "regions": [{"id": company.regions.sh.pk, "code": "SH", "name": "Shanghai"}],
    }
    assert (first["kind"], first["status"], first["assignee"], first["assignee_role"], first["url"]) == (
        "review",
        "open",
        None,
        "marketing_manager",
        f"/approvals/{overdue.pk}/",
    )


def test_a_holiday_stops_the_clock(company):
    CalendarDayFactory(date=datetime.date(2026, 3, 3), name="Holiday")
    step = open_step(company, due_at=at(4, 12))

    row = _client(company.mkt_wang).get(INBOX).json()["results"][0]

    assert (row["id"], row["hours_left"], row["overdue"]) == (step.pk, 10.0, False)  # Monday 7 h + Wednesday 3 h


def test_the_inbox_filters_by_kind_overdue_and_origin(company):
    review = open_step(company, due_at=at(3))
    late_review = open_step(company, due_at=at(27, 10, month=2))
    approval = open_step(company, due_at=at(4), kind=StepKind.APPROVAL, origin=PromotionOrigin.MARKETING)
    client = _client(company.mkt_wang)

    def ids(query):
        response = client.get(INBOX, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids({}) == [late_review.pk, review.pk, approval.pk]
    assert ids({"kind": "review"}) == [late_review.pk, review.pk]
    assert ids({"kind": "approval"}) == [approval.pk]
    assert ids({"kind": "consultation"}) == []
    assert ids({"overdue": "true"}) == [late_review.pk]
    assert ids({"overdue": "false"}) == [review.pk, approval.pk]
    assert ids({"origin": "marketing"}) == [approval.pk]
    assert ids({"origin": "sales", "overdue": "false"}) == [review.pk]


def test_invalid_filters_answer_400_per_field(company):
    response = _client(company.mkt_wang).get(INBOX, {"kind": "vacation", "origin": "hr", "overdue": "maybe"})

    assert response.status_code == 400
    body = response.json()
    assert sorted(body) == ["kind", "origin", "overdue"]
    assert body["kind"] == ["Select a valid choice. vacation is not one of the available choices."]
    assert body["origin"] == ["Select a valid choice. hr is not one of the available choices."]
    assert body["overdue"] == ["Select a valid choice. maybe is not one of the available choices."]


def test_a_user_without_steps_gets_an_empty_inbox(company):
    open_step(company, due_at=at(3))

    for user in (company.rep_chen, company.hr_zhao, company.mkt_li):
        response = _client(user).get(INBOX)
        assert (response.status_code, response.json()["results"]) == (200, [])


def test_the_inbox_costs_the_same_number_of_queries_for_5_and_200_open_steps(company, django_assert_num_queries):
    def fresh_client():
        # A fresh user object per request, as a server has: roles and delegations are not cached on it yet.
        return _client(User.objects.get(pk=company.mkt_wang.pk))

    for n in range(5):
        open_step(company, due_at=at(3) + datetime.timedelta(minutes=n))
    fresh_client().get(INBOX)  # warm the content-type and permission caches, as a running server has them

    # roles, delegations, count, steps, regions, the calendar's year
    client = fresh_client()
    with django_assert_num_queries(6):
        assert len(client.get(INBOX, {"page_size": 500}).json()["results"]) == 5

    for n in range(195):
        open_step(
            company,
            due_at=at(4) + datetime.timedelta(minutes=n),
            kind=[StepKind.REVIEW, StepKind.APPROVAL][n % 2],
            origin=[PromotionOrigin.SALES, PromotionOrigin.MARKETING][n % 2],
        )

    client = fresh_client()
    with django_assert_num_queries(6):
        assert len(client.get(INBOX, {"page_size": 500}).json()["results"]) == 200


# --- one step and deciding it --------------------------------------------------------------------------------


def test_get_one_step(company):
    promotion = push(company, request(company), S.ENDORSEMENT)
    step = open_steps(promotion)[0]

    body = _client(company.mgr_east).get(f"{INBOX}{step.pk}/").json()

    assert (body["id"], body["kind"], body["status"], body["round"], body["sla_hours"]) == (
        step.pk,
        "endorsement",
        "open",
        1,
        8,
    )
    assert body["assignee"]["username"] == "mgr.east"
    assert (body["opened_at"], body["due_at"], body["hours_left"], body["overdue"]) == (
        "2026-03-02T10:00:00+08:00",
        "2026-03-03T10:00:00+08:00",
        8.0,
        False,
    )


def test_decide_answers_the_step_and_moves_the_flow(company):
    promotion = push(company, request(company), S.REVIEW)
    step = open_steps(promotion)[0]

    response = _client(company.mkt_wang).post(
        f"{INBOX}{step.pk}/decide/", {"decision": "approve_with_changes", "comment": "Floor 4.20."}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["decision"], body["comment"], body["decided_at"], body["hours_left"]) == (
        "decided",
        "approve_with_changes",
        "Floor 4.20.",
        "2026-03-02T10:00:00+08:00",
        None,
    )
    assert body["promotion"]["status"] == "approved"
    again = _client(company.mkt_wang).post(f"{INBOX}{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "This step has already been decided or closed; nothing was changed."},
    )


@pytest.mark.parametrize(
    ("kind", "payload", "errors"),
    [
        ("review", {"decision": "maybe"}, {"decision": ['"maybe" is not a valid choice.']}),
        ("review", {}, {"decision": ["This field is required."]}),
        (
            "review",
            {"decision": "reject"},
            {"comment": ["Give the reason: the author needs it to act on your decision."]},
        ),
        ("review", {"decision": "return", "comment": "   "}, None),  # blank counts as missing
        ("review", {"decision": "approve_with_changes"}, {"comment": ["Say which changes you ask for."]}),
        (
            "review",
            {"decision": "approve", "executability": 3},
            {"executability": ["Only a consultation rates executability."]},
        ),
        (
            "review",
            {"decision": "support", "executability": 3},
            {
                "decision": ["A marketing review step takes one of: approve, approve_with_changes, return, reject."],
                "executability": ["Only a consultation rates executability."],
            },
        ),
        (
            "consultation",
            {"decision": "support"},
            {"executability": ["Rate how well the field can carry it out, from 1 to 5."]},
        ),
        (
            "consultation",
            {"decision": "support", "executability": 6},
            {"executability": ["Ensure this value is less than or equal to 5."]},
        ),
        (
            "consultation",
            {"decision": "support", "executability": 0},
            {"executability": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            "consultation",
            {"decision": "oppose", "executability": 2},
            {"comment": ["Give the reason: the author needs it to act on your decision."]},
        ),
        (
            "consultation",
            {"decision": "support", "executability": "x"},
            {"executability": ["A valid integer is required."]},
        ),
        (
            "consultation",
            {"decision": "support", "executability": 4, "comment": "x" * 4001},
            {"comment": ["Ensure this field has no more than 4000 characters."]},
        ),
    ],
)
def test_decide_validation_errors_per_field_change_nothing(company, kind, payload, errors):
    if kind == "consultation":
        promotion, user = push(company, proposal(company), S.CONSULTATION), company.mgr_east
    else:
        promotion, user = push(company, request(company), S.REVIEW), company.mkt_wang
    step = open_steps(promotion)[0]
    events = ApprovalEvent.objects.count()

    response = _client(user).post(f"{INBOX}{step.pk}/decide/", payload, format="json")

    assert response.status_code == 400
    expected = errors or {"comment": ["Give the reason: the author needs it to act on your decision."]}
    assert response.json() == expected
    step.refresh_from_db()
    assert (step.status, step.decision, step.decided_by) == (StepStatus.OPEN, "", None)
    assert ApprovalEvent.objects.count() == events


def test_a_consultation_answer_through_the_api(company):
    promotion = push(company, proposal(company), S.CONSULTATION)
    step = open_steps(promotion)[0]

    response = _client(company.mgr_east).post(
        f"{INBOX}{step.pk}/decide/", {"decision": "oppose", "comment": "Too early.", "executability": 2}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["decision"], response.json()["executability"]) == ("oppose", 2)


# --- the author's side ---------------------------------------------------------------------------------------


def test_submit_and_withdraw_answer_the_promotion(company):
    promotion = request(company, budget=Decimal("8000"))
    client = _client(company.rep_zhang)

    submitted = client.post(f"/api/v1/promotions/{promotion.pk}/submit/")

    assert submitted.status_code == 200
    assert (submitted.json()["id"], submitted.json()["status"]) == (promotion.pk, "endorsement")
    again = client.post(f"/api/v1/promotions/{promotion.pk}/submit/")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "The promotion is awaiting endorsement, so you cannot submit it."},
    )

    withdrawn = client.post(f"/api/v1/promotions/{promotion.pk}/withdraw/", {"comment": "Wrong store."}, format="json")

    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert ApprovalEvent.objects.last().comment == "Wrong store."
    assert not ApprovalStep.objects.filter(status=StepStatus.OPEN).exists()
    too_late = client.post(f"/api/v1/promotions/{promotion.pk}/withdraw/")
    assert (too_late.status_code, too_late.json()) == (
        409,
        {"detail": "The promotion is withdrawn, so you cannot withdraw it."},
    )


def test_submit_refuses_a_period_already_over_per_field(company):
    promotion = request(company, starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 2, 27))

    response = _client(company.rep_zhang).post(f"/api/v1/promotions/{promotion.pk}/submit/")

    assert (response.status_code, response.json()) == (
        400,
        {"ends_on": ["The promotion's period is over; change its dates before submitting."]},
    )
    promotion.refresh_from_db()
    assert promotion.status == S.DRAFT


def test_withdraw_comment_too_long_is_a_400(company):
    promotion = push(company, request(company), S.ENDORSEMENT)

    response = _client(company.rep_zhang).post(
        f"/api/v1/promotions/{promotion.pk}/withdraw/", {"comment": "x" * 4001}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["comment"]
    promotion.refresh_from_db()
    assert promotion.status == S.ENDORSEMENT


def test_the_timeline_tells_every_event_who_when_and_why(company):
    promotion = push(company, request(company), S.REVIEW)
    decide(company, open_steps(promotion)[0], "return", comment="Budget too high.", now=at(3, 9))

    response = _client(company.rep_zhang).get(f"/api/v1/promotions/{promotion.pk}/timeline/")

    assert response.status_code == 200
    rows = response.json()
    assert [
        (r["action"], r["action_label"], r["from_status"], r["to_status"], r["actor"]["username"], r["step_kind"])
        for r in rows
    ] == [
        ("submit_for_endorsement", "Submitted for endorsement", "draft", "endorsement", "rep.zhang", None),
        ("endorse", "Endorsed", "endorsement", "review", "mgr.east", "endorsement"),
        ("return", "Returned for rework", "review", "returned", "mkt.wang", "review"),
    ]
    assert [r["created_at"] for r in rows] == [
        "2026-03-02T10:00:00+08:00",
        "2026-03-02T10:00:00+08:00",
        "2026-03-03T09:00:00+08:00",
    ]
    assert (rows[2]["comment"], rows[2]["round"], rows[2]["on_behalf_of"]) == ("Budget too high.", 1, None)
    assert rows[0]["data"] == {
        "route": [
            {"sequence": 1, "kind": "endorsement", "assignee": "mgr.east", "role": ""},
            {"sequence": 2, "kind": "review", "assignee": None, "role": "marketing_manager"},
        ],
        "budget": "10000.00",
        "rule": "Sales requests (company-wide)",
    }
    assert rows[2]["data"] == {"decision": "return", "kind": "review"}


def test_a_second_marketing_manager_sees_the_same_role_step_in_their_inbox(company):
    second = UserFactory(username="mkt.zhou", role=Role.MARKETING_MANAGER, region=company.regions.cn)
    step = open_step(company, due_at=at(3))

    assert [r["id"] for r in _client(second).get(INBOX).json()["results"]] == [step.pk]
    assert [r["id"] for r in _client(company.mkt_wang).get(INBOX).json()["results"]] == [step.pk]
