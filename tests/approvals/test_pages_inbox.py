"""The approval inbox page: each person's open steps, oldest due first, with their SLA clocks; filters; the empty
state; 403 for roles never asked to decide; the same number of queries at 5 and 200 open steps."""

import datetime
import re

import pytest

from approvals.models import ApprovalFlow, ApprovalStep, StepKind, StepStatus
from approvals.services.flows import promotion_submit
from campaigns.models import PromotionOrigin, PromotionStatus
from tests.approvals.flow_setup import NOW, at, decide, open_steps, proposal, request
from tests.factories import PromotionFactory
from tests.factories.approvals import DelegationFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def inbox_ids(response) -> list[int]:
    return [step.pk for step in response.context["page_obj"].object_list]


@pytest.fixture
def queue(company, frozen_now):
    """mgr.east: an overdue endorsement (rep.liu, submitted last Thursday), a fresh one (rep.zhang, this morning)
    and a consultation on a proposal for East; mgr.north: rep.chen's endorsement."""
    c = company
    liu = request(c, author=c.rep_liu, title="Hangzhou tea")
    promotion_submit(user=c.rep_liu, promotion=liu, now=at(26, 9, month=2))  # due Thu 17:00: 1 working day late
    zhang = request(c, title="Shanghai cola")
    promotion_submit(user=c.rep_zhang, promotion=zhang, now=NOW)  # due Tue 10:00 (8 h)
    east = proposal(c, title="East summer")
    promotion_submit(user=c.mkt_li, promotion=east, now=NOW)  # consultation, due Wed 10:00 (16 h)
    chen = request(c, author=c.rep_chen, title="Beijing chips")
    promotion_submit(user=c.rep_chen, promotion=chen, now=NOW)
    return {
        "liu": open_steps(liu)[0],
        "zhang": open_steps(zhang)[0],
        "east": open_steps(east)[0],
        "chen": open_steps(chen)[0],
    }


def test_each_manager_sees_their_open_steps_oldest_due_first_with_the_clock(client, company, queue):
    client.force_login(company.mgr_east)
    east = client.get("/approvals/")
    client.force_login(company.mgr_north)
    north = client.get("/approvals/")

    assert east.status_code == 200
    assert inbox_ids(east) == [queue["liu"].pk, queue["zhang"].pk, queue["east"].pk]
    assert inbox_ids(north) == [queue["chen"].pk]
    page = html(east)
    assert "3 steps waiting for you" in page
    liu_card = page[page.index(f'data-testid="inbox-step-{queue["liu"].pk}"') :]
    liu_card = liu_card[: liu_card.index("</li>")]
    assert f'<li class="step-card card is-overdue" data-testid="inbox-step-{queue["liu"].pk}">' in page
    assert f'<li class="step-card card" data-testid="inbox-step-{queue["zhang"].pk}">' in page
    assert "overdue by 9 working hours" in liu_card  # Thu 17:00 → Fri (8 h) → Mon 10:00 (1 h)
    assert "Hangzhou tea" in liu_card
    assert "Sales request" in liu_card
    assert company.rep_liu.display_name in liu_card
    assert "Budget ¥10000.00" in liu_card
    assert "Hangzhou" in liu_card
    assert "due <time" in liu_card
    assert "2026-02-26 17:00" in liu_card
    zhang_card = page[page.index(f'data-testid="inbox-step-{queue["zhang"].pk}"') :]
    assert '<span class="clock" data-testid="sla-clock">\n  8 working hours left' in zhang_card[:600]
    assert f'href="/approvals/{queue["east"].pk}/"' in page
    assert "Read and answer" in page  # the consultation
    assert "Beijing chips" not in page


def test_the_marketing_managers_inbox_fills_when_an_endorsement_is_given(client, company, queue):
    client.force_login(company.mkt_wang)
    before = client.get("/approvals/")
    decide(company, queue["zhang"], by=company.mgr_east)
    after = client.get("/approvals/")

    assert inbox_ids(before) == []
    review = ApprovalStep.objects.get(flow__promotion__title="Shanghai cola", kind=StepKind.REVIEW)
    assert inbox_ids(after) == [review.pk]
    assert "24 working hours left" in html(after)


def test_filters_by_kind_and_overdue(client, company, queue):
    client.force_login(company.mgr_east)

    consultations = client.get("/approvals/?kind=consultation")
    endorsements = client.get("/approvals/?kind=endorsement")
    overdue = client.get("/approvals/?overdue=true")
    in_time = client.get("/approvals/?overdue=false")

    assert inbox_ids(consultations) == [queue["east"].pk]
    assert '<option value="consultation" selected>' in html(consultations)
    assert inbox_ids(endorsements) == [queue["liu"].pk, queue["zhang"].pk]
    assert inbox_ids(overdue) == [queue["liu"].pk]
    assert '<option value="true" selected>' in html(overdue)
    assert inbox_ids(in_time) == [queue["zhang"].pk, queue["east"].pk]


def test_a_filter_with_no_match_and_a_bad_filter_say_so(client, company, queue):
    client.force_login(company.mgr_north)

    nothing = client.get("/approvals/?kind=consultation")
    bad = client.get("/approvals/?kind=nonsense")

    assert "No step matches these filters." in html(nothing)
    assert 'href="/approvals/">Clear filters' in html(nothing)
    assert bad.status_code == 200
    assert inbox_ids(bad) == []
    assert "Select a valid choice. nonsense is not one of the available choices." in html(bad)


def test_an_empty_inbox_says_what_lands_here(client, company, frozen_now):
    client.force_login(company.gm)

    page = html(client.get("/approvals/"))

    assert 'data-testid="inbox-empty"' in page
    assert "Nothing is waiting for you." in page
    assert "a rep's request to endorse" in page


@pytest.mark.parametrize("username", ["hr.zhao", "rep.zhang", "mkt.li"])
def test_roles_never_asked_to_decide_get_403(client, company, username):
    client.force_login(company.user(username))

    assert client.get("/approvals/").status_code == 403


def test_a_delegate_opens_the_inbox_and_sees_the_steps_of_the_person_away(client, company, queue):
    DelegationFactory(delegator=company.mgr_north, delegate=company.rep_liu, starts_on=NOW.date(), ends_on=NOW.date())
    client.force_login(company.rep_liu)

    page = client.get("/approvals/")

    assert page.status_code == 200
    assert inbox_ids(page) == [queue["chen"].pk]
    assert f"Standing in for {company.mgr_north.display_name}" in html(page)


def test_a_second_page_of_the_inbox_keeps_the_filter(client, company, frozen_now):
    _open_reviews(company, 30)
    client.force_login(company.mkt_wang)

    first = client.get("/approvals/?kind=review")
    second = client.get("/approvals/?kind=review&page=2")

    assert len(inbox_ids(first)) == 25
    assert len(inbox_ids(second)) == 5
    assert 'href="?kind=review&amp;page=2"' in html(first)
    assert inbox_ids(first) + inbox_ids(second) == list(
        ApprovalStep.objects.order_by("due_at", "id").values_list("pk", flat=True)
    )


def _open_reviews(company, count: int, *, start: int = 0) -> None:
    """``count`` sales requests each with an open marketing review, due one hour apart (some overdue)."""
    promotions = [
        PromotionFactory(
            title=f"Request {start + n:03d}",
            origin=PromotionOrigin.SALES,
            status=PromotionStatus.REVIEW,
            created_by=company.rep_zhang,
            regions=[company.regions.sh],
        )
        for n in range(count)
    ]
    flows = ApprovalFlow.objects.bulk_create(
        ApprovalFlow(promotion=p, director_threshold=50000, gm_threshold=200000, submitted_at=NOW) for p in promotions
    )
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            flow=flow,
            round=1,
            sequence=1,
            kind=StepKind.REVIEW,
            assignee_role="marketing_manager",
            status=StepStatus.OPEN,
            sla_hours=24,
            opened_at=NOW,
            due_at=NOW + datetime.timedelta(hours=(start + n) % 48 - 24),
        )
        for n, flow in enumerate(flows)
    )


def test_inbox_queries_are_the_same_at_5_and_200_open_steps(client, company, frozen_now, django_assert_num_queries):
    client.force_login(company.mkt_wang)
    _open_reviews(company, 5)
    # session, user, roles, delegations, count, steps (+ promotion, author, owner), their regions, the calendar's
    # year, unread notifications (base page)
    queries = 9
    with django_assert_num_queries(queries):
        small = client.get("/approvals/")
    _open_reviews(company, 195, start=5)
    with django_assert_num_queries(queries):
        large = client.get("/approvals/")

    assert small.status_code == large.status_code == 200
    assert len(inbox_ids(small)) == 5
    assert len(inbox_ids(large)) == 25
    assert large.context["page_obj"].paginator.count == 200
    assert ApprovalStep.objects.filter(status=StepStatus.OPEN).count() == 200


@pytest.mark.parametrize(
    ("username", "links"),
    [
        ("mkt.wang", ["link-delegations", "link-rules"]),
        ("dir.sales", ["link-delegations", "link-rules"]),
        ("gm", ["link-delegations", "link-rules"]),
        ("mgr.east", ["link-delegations"]),  # sales managers delegate but do not read the rules
    ],
)
def test_the_inbox_links_to_the_delegations_and_rules_pages_its_reader_may_open(client, company, username, links):
    client.force_login(company.user(username))

    page = html(client.get("/approvals/"))

    assert re.findall(r'data-testid="(link-[a-z]+)"', page) == links
    for link, url in (("link-delegations", "/approvals/delegations/"), ("link-rules", "/approvals/rules/")):
        assert (f'<a href="{url}" data-testid="{link}">' in page) is (link in links)
        assert client.get(url).status_code == (200 if link in links else 403)


def test_a_delegate_without_a_deciding_role_is_linked_to_the_delegations_page_only(client, company, queue):
    DelegationFactory(delegator=company.mgr_north, delegate=company.rep_liu, starts_on=NOW.date(), ends_on=NOW.date())
    client.force_login(company.rep_liu)

    page = html(client.get("/approvals/"))

    assert re.findall(r'data-testid="(link-[a-z]+)"', page) == ["link-delegations"]
    assert client.get("/approvals/delegations/").status_code == 200
