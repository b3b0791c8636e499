"""Who may see and do what on an approval, through the API, for every demo-shaped user — with the ids of other
promotions' steps swapped into the URLs. A denial never reveals that something exists: a hidden id answers
exactly like a missing one."""

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalEvent, StepStatus
from campaigns.models import Promotion, PromotionStatus
from tests.approvals.flow_setup import USERNAMES, open_steps, proposal, push, request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

S = PromotionStatus
MISSING = 987654321
NOT_FOUND = {"detail": "No such approval step."}

# username → (GET step, POST decide, GET timeline, POST submit, POST withdraw)
COMPANY_READERS = {"gm": (200, 403, 200, 403, 403), "dir.sales": (200, 403, 200, 403, 403)}
HIDDEN = (404, 404, 404, 404, 404)
MATRIX = {
    "east request in endorsement": {
        **COMPANY_READERS,
        "mkt.wang": (200, 403, 200, 403, 403),
        "mkt.li": (200, 403, 200, 403, 403),
        "mgr.east": (200, 200, 200, 403, 403),
        "mgr.north": HIDDEN,
        "rep.zhang": (200, 403, 200, 409, 200),  # the author: may withdraw, may not decide
        "rep.liu": HIDDEN,  # a colleague in East sees requests only once agreed
        "rep.chen": HIDDEN,
        "hr.zhao": HIDDEN,
    },
    "east request in review": {
        **COMPANY_READERS,
        "mkt.wang": (200, 200, 200, 403, 403),
        "mkt.li": (200, 403, 200, 403, 403),
        "mgr.east": (200, 403, 200, 403, 403),
        "mgr.north": HIDDEN,
        "rep.zhang": (200, 403, 200, 409, 200),
        "rep.liu": HIDDEN,
        "rep.chen": HIDDEN,
        "hr.zhao": HIDDEN,
    },
    "east proposal in consultation": {
        **COMPANY_READERS,
        "mkt.wang": (200, 403, 200, 403, 403),
        "mkt.li": (200, 403, 200, 409, 200),  # the author
        "mgr.east": (200, 200, 200, 403, 403),
        "mgr.north": HIDDEN,
        "rep.zhang": HIDDEN,
        "rep.liu": HIDDEN,
        "rep.chen": HIDDEN,
        "hr.zhao": HIDDEN,
    },
    # Swapped: a North request's step, asked for by the same people.
    "north request in endorsement": {
        **COMPANY_READERS,
        "mkt.wang": (200, 403, 200, 403, 403),
        "mkt.li": (200, 403, 200, 403, 403),
        "mgr.east": HIDDEN,
        "mgr.north": (200, 200, 200, 403, 403),
        "rep.zhang": HIDDEN,
        "rep.liu": HIDDEN,
        "rep.chen": (200, 403, 200, 409, 200),
        "hr.zhao": HIDDEN,
    },
}
DECISIONS = {
    "endorsement": {"decision": "approve"},
    "review": {"decision": "approve"},
    "consultation": {"decision": "support", "executability": 4},
}


def test_the_matrix_covers_every_user():
    assert all(sorted(row) == sorted(USERNAMES) for row in MATRIX.values())


def _scenario(company, name) -> Promotion:
    if name == "east request in endorsement":
        return push(company, request(company), S.ENDORSEMENT)
    if name == "east request in review":
        return push(company, request(company), S.REVIEW)
    if name == "east proposal in consultation":
        return push(company, proposal(company), S.CONSULTATION)
    return push(company, request(company, author=company.rep_chen), S.ENDORSEMENT)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("scenario", MATRIX)
@pytest.mark.parametrize("username", USERNAMES)
def test_permission_matrix(company, scenario, username):
    promotion = _scenario(company, scenario)
    # Another promotion in the same state, so a wrong lookup would have something to find.
    decoy = _scenario(company, scenario)
    step = open_steps(promotion)[0]
    decoy_open = open_steps(decoy)
    before = (step.status, ApprovalEvent.objects.filter(promotion=promotion).count())
    expected_get, expected_decide, expected_timeline, expected_submit, expected_withdraw = MATRIX[scenario][username]
    client = _client(company.user(username))

    got = client.get(f"/api/v1/approvals/{step.pk}/")
    timeline = client.get(f"/api/v1/promotions/{promotion.pk}/timeline/")
    decided = client.post(f"/api/v1/approvals/{step.pk}/decide/", DECISIONS[step.kind], format="json")
    submitted = client.post(f"/api/v1/promotions/{promotion.pk}/submit/")
    withdrawn = client.post(f"/api/v1/promotions/{promotion.pk}/withdraw/", {}, format="json")

    assert (
        got.status_code,
        decided.status_code,
        timeline.status_code,
        submitted.status_code,
        withdrawn.status_code,
    ) == (expected_get, expected_decide, expected_timeline, expected_submit, expected_withdraw)
    if expected_get == 200:
        assert got.json()["id"] == step.pk
        assert got.json()["promotion"]["id"] == promotion.pk
    else:
        assert got.json() == NOT_FOUND
        assert decided.json() == NOT_FOUND
    if expected_timeline == 200:
        assert timeline.json()[0]["action"].startswith("submit_for_")
    step.refresh_from_db()
    if expected_decide == 200:
        assert (step.status, step.decided_by.username) == (StepStatus.DECIDED, username)
    elif expected_withdraw != 200:
        assert (step.status, ApprovalEvent.objects.filter(promotion=promotion).count()) == before
    # The decoy is untouched by anything done to the promotion's ids.
    assert open_steps(decoy) == decoy_open
    assert Promotion.objects.get(pk=decoy.pk).status == decoy.status


@pytest.mark.parametrize(
    "username", [name for name in USERNAMES if MATRIX["east request in endorsement"][name] == HIDDEN]
)
def test_a_hidden_id_answers_exactly_like_a_missing_one(company, username):
    promotion = push(company, request(company), S.ENDORSEMENT)
    step = open_steps(promotion)[0]
    client = _client(company.user(username))

    for hidden, missing in (
        (client.get(f"/api/v1/approvals/{step.pk}/"), client.get(f"/api/v1/approvals/{MISSING}/")),
        (
            client.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"),
            client.post(f"/api/v1/approvals/{MISSING}/decide/", {"decision": "approve"}, format="json"),
        ),
        (
            client.get(f"/api/v1/promotions/{promotion.pk}/timeline/"),
            client.get(f"/api/v1/promotions/{MISSING}/timeline/"),
        ),
        (
            client.post(f"/api/v1/promotions/{promotion.pk}/submit/"),
            client.post(f"/api/v1/promotions/{MISSING}/submit/"),
        ),
        (
            client.post(f"/api/v1/promotions/{promotion.pk}/withdraw/"),
            client.post(f"/api/v1/promotions/{MISSING}/withdraw/"),
        ),
    ):
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
        assert hidden.status_code == 404


def test_rep_chen_and_mgr_north_neither_see_nor_decide_the_east_request_nor_find_it_in_their_inbox(company):
    promotion = push(company, request(company), S.ENDORSEMENT)
    endorsement = open_steps(promotion)[0]
    for user in (company.rep_chen, company.mgr_north):
        client = _client(user)
        assert client.get("/api/v1/approvals/").json()["results"] == []
        assert client.get(f"/api/v1/approvals/{endorsement.pk}/").status_code == 404
        assert client.post(f"/api/v1/approvals/{endorsement.pk}/decide/", {"decision": "approve"}).status_code == 404
        assert client.get(f"/api/v1/promotions/{promotion.pk}/").status_code == 404
    endorsement.refresh_from_db()
    assert endorsement.status == StepStatus.OPEN


def test_signed_out_nothing_is_answered(company):
    promotion = push(company, request(company), S.ENDORSEMENT)
    step = open_steps(promotion)[0]
    client = APIClient()

    assert client.get("/api/v1/approvals/").status_code in (401, 403)
    assert client.get(f"/api/v1/approvals/{step.pk}/").status_code in (401, 403)
    assert client.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}).status_code in (401, 403)
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN
