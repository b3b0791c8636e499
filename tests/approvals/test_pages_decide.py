"""The decision page (facts, evidence, SLA clock, the round, the form: real posts), its refusals (404 for a step one
may not see, 403 for one one may only see, 409 for one decided meanwhile), and the promotion's approval panel: the
author's submit / withdraw buttons, the current round and the timeline, in a constant number of queries."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from approvals.models import ApprovalEvent, ApprovalStep, Decision, StepStatus
from approvals.selectors.evidence import PromotionEvidence
from approvals.services.flows import promotion_submit, step_decide
from approvals.views.panels import approval_panel
from campaigns.models import PromotionStatus
from tests.approvals.flow_setup import NOW, at, decide, open_steps, proposal, request

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def review(company, frozen_now):
    """rep.zhang's request, endorsed by mgr.east with a comment: the marketing review is open (24 h, due Thu 10:00)."""
    promotion = request(company, title="Shanghai cola")
    promotion.price_floor, promotion.price_ceiling = 4, 5
    promotion.save(update_fields=["price_floor", "price_ceiling"])
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=at(2, 9))
    decide(company, open_steps(promotion)[0], by=company.mgr_east, comment="Shelf space is there.", now=NOW)
    return open_steps(promotion)[0]


@pytest.fixture
def consultation(company, frozen_now):
    promotion = proposal(company, title="East summer")
    promotion_submit(user=company.mkt_li, promotion=promotion, now=NOW)
    return open_steps(promotion)[0]


def test_the_decision_page_shows_facts_evidence_clock_round_and_the_decisions_a_review_takes(client, company, review):
    client.force_login(company.mkt_wang)

    response = client.get(f"/approvals/{review.pk}/")

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Shanghai cola</h1>" in page
    assert "Marketing review" in page
    assert "24 working hours left" in page
    assert "2026-03-05 10:00" in page  # due: Mon 10:00 + 24 working hours
    assert '<dd data-testid="budget">¥10000.00</dd>' in page
    assert "¥4.00" in page
    assert "¥5.00" in page
    assert "Second bottle half price." in page
    assert company.product.display_name in page
    assert 'data-testid="evidence"' in page
    assert "Point-of-sale sales, last four full weeks" in page
    assert "Shelf space is there." in page  # the endorsement of the round
    assert [value for value, _label in response.context["form"].fields["decision"].choices] == [
        "approve",
        "approve_with_changes",
        "return",
        "reject",
    ]
    assert "executability" not in response.context["form"].fields
    assert 'name="executability"' not in page


def test_approving_through_the_page_records_it_and_returns_to_the_inbox(client, company, review):
    client.force_login(company.mkt_wang)

    response = client.post(f"/approvals/{review.pk}/", {"decision": "approve", "comment": ""}, follow=True)

    assert response.redirect_chain == [("/approvals/", 302)]
    assert "Your decision on “Shanghai cola” is recorded." in html(response)
    review.refresh_from_db()
    assert (review.status, review.decision, review.decided_by) == (StepStatus.DECIDED, "approve", company.mkt_wang)
    review.flow.promotion.refresh_from_db()
    assert review.flow.promotion.status == PromotionStatus.APPROVED


def test_returning_without_a_reason_is_refused_on_the_comment_and_keeps_the_input(client, company, review):
    client.force_login(company.mkt_wang)
    events = ApprovalEvent.objects.count()

    response = client.post(f"/approvals/{review.pk}/", {"decision": "return", "comment": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "comment": ["Give the reason: the author needs it to act on your decision."]
    }
    assert re.search(r'value="return"[^>]* checked', html(response))
    review.refresh_from_db()
    assert (review.status, review.decision) == (StepStatus.OPEN, "")
    assert ApprovalEvent.objects.count() == events
    assert review.flow.promotion.status == PromotionStatus.REVIEW


def test_a_missing_decision_names_the_field(client, company, review):
    client.force_login(company.mkt_wang)

    response = client.post(f"/approvals/{review.pk}/", {"comment": "hm"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"decision": ["This field is required."]}
    assert ">\nhm</textarea>" in html(response)


def test_a_consultation_asks_for_executability_and_records_it(client, company, consultation):
    client.force_login(company.mgr_east)

    page = html(client.get(f"/approvals/{consultation.pk}/"))
    missing = client.post(f"/approvals/{consultation.pk}/", {"decision": "support"})
    consultation.refresh_from_db()
    status_after_missing = consultation.status
    answered = client.post(
        f"/approvals/{consultation.pk}/",
        {"decision": "support_with_changes", "comment": "Only in hypermarkets.", "executability": "2"},
    )

    assert 'name="executability" value="5"' in page
    assert "Send my answer" in page
    assert missing.status_code == 400
    assert missing.context["form"].errors == {
        "executability": ["Rate how well the field can carry it out, from 1 to 5."]
    }
    assert status_after_missing == StepStatus.OPEN
    assert answered.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.decision, consultation.comment, consultation.executability) == (
        Decision.SUPPORT_WITH_CHANGES,
        "Only in hypermarkets.",
        2,
    )


def test_a_step_decided_meanwhile_is_a_409_that_shows_what_happened(client, company, review):
    client.force_login(company.mkt_wang)
    page_loaded = client.get(f"/approvals/{review.pk}/")
    other_manager = company.mkt_wang.__class__.objects.create(username="mkt.zhou", region=company.regions.cn)
    other_manager.groups.add(*company.mkt_wang.groups.all())
    decide(company, review, "reject", by=other_manager, comment="No budget left.")

    response = client.post(f"/approvals/{review.pk}/", {"decision": "approve"})

    assert page_loaded.status_code == 200
    assert response.status_code == 409
    page = html(response)
    assert "This step has already been decided or closed; nothing was changed." in page
    assert "Decided: Reject — mkt.zhou" in page
    assert "No budget left." in page
    assert 'data-testid="decision-form"' not in page
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == ("reject", other_manager)


def test_the_author_sees_the_step_read_only_and_may_not_decide_it(client, company, review):
    client.force_login(company.rep_zhang)

    page = client.get(f"/approvals/{review.pk}/")
    post = client.post(f"/approvals/{review.pk}/", {"decision": "approve"})

    assert page.status_code == 200
    assert "This is your own promotion" in html(page)
    assert 'data-testid="decision-form"' not in html(page)
    assert post.status_code == 403
    review.refresh_from_db()
    assert review.status == StepStatus.OPEN


def test_marketing_staff_see_the_review_but_deciding_it_is_403(client, company, review):
    client.force_login(company.mkt_li)

    page = client.get(f"/approvals/{review.pk}/")
    post = client.post(f"/approvals/{review.pk}/", {"decision": "approve"})

    assert page.status_code == 200
    assert "You can follow this step; it is for its assignee to decide." in html(page)
    assert post.status_code == 403
    review.refresh_from_db()
    assert review.status == StepStatus.OPEN


@pytest.mark.parametrize("username", ["rep.chen", "mgr.north", "hr.zhao"])
def test_people_outside_east_get_404_on_an_east_requests_step_by_page_and_post(client, company, review, username):
    client.force_login(company.user(username))

    assert client.get(f"/approvals/{review.pk}/").status_code == 404
    assert client.post(f"/approvals/{review.pk}/", {"decision": "approve"}).status_code == 404
    assert client.get(f"/promotions/{review.flow.promotion_id}/").status_code == 404
    review.refresh_from_db()
    assert review.status == StepStatus.OPEN


def test_swapping_in_the_id_of_a_step_one_may_not_see_is_404(client, company, frozen_now):
    north = request(company, author=company.rep_chen, title="Beijing chips")
    promotion_submit(user=company.rep_chen, promotion=north, now=NOW)
    east = request(company, title="Shanghai cola")
    promotion_submit(user=company.rep_zhang, promotion=east, now=NOW)
    client.force_login(company.mgr_east)

    own = client.get(f"/approvals/{open_steps(east)[0].pk}/")
    swapped = client.get(f"/approvals/{open_steps(north)[0].pk}/")
    missing = client.get("/approvals/999999/")

    assert own.status_code == 200
    assert swapped.status_code == missing.status_code == 404


# --- the promotion's approval panel ------------------------------------------------------------------------------


def test_the_author_submits_from_the_panel_and_sees_the_route(client, company, frozen_now):
    promotion = request(company, title="Shanghai cola")
    client.force_login(company.rep_zhang)

    draft_page = html(client.get(f"/promotions/{promotion.pk}/"))
    response = client.post(f"/promotions/{promotion.pk}/submit/", follow=True)

    assert 'data-testid="submit-promotion"' in draft_page
    assert "your sales manager endorses it first" in draft_page
    assert response.redirect_chain == [(f"/promotions/{promotion.pk}/#approval", 302)]
    page = html(response)
    assert f"Submitted. It is now with: {company.mgr_east.display_name}." in page
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.ENDORSEMENT
    assert 'data-testid="submit-promotion"' not in page
    assert 'data-testid="withdraw-promotion"' in page
    assert "8 working hours left" in page
    assert "Submitted for endorsement" in page
    assert "Draft → Awaiting endorsement" in page
    assert f"Endorsement · {company.mgr_east.display_name}" in page  # the route at submission
    assert "Marketing review · Marketing manager" in page


def test_the_author_withdraws_with_a_reason_and_the_timeline_says_so(client, company, frozen_now):
    promotion = request(company, title="Shanghai cola")
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    client.force_login(company.rep_zhang)

    response = client.post(f"/promotions/{promotion.pk}/withdraw/", {"comment": "Store closed."}, follow=True)

    page = html(response)
    assert "Withdrawn. Nobody is asked to decide on it any more." in page
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.WITHDRAWN
    assert "Withdrawn by the author" in page
    assert "Store closed." in page
    assert 'data-testid="withdraw-promotion"' not in page


def test_only_the_author_submits_or_withdraws(client, company, review):
    promotion = review.flow.promotion
    client.force_login(company.mkt_wang)

    panel = html(client.get(f"/promotions/{promotion.pk}/"))
    withdraw = client.post(f"/promotions/{promotion.pk}/withdraw/", {"comment": "mine now"})

    assert 'data-testid="withdraw-promotion"' not in panel
    assert 'data-testid="approval-panel"' in panel
    assert withdraw.status_code == 403
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.REVIEW


def test_a_refused_submission_is_a_message_on_the_panel(client, company, frozen_now):
    promotion = request(company, title="Shanghai cola")
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    client.force_login(company.rep_zhang)

    response = client.post(f"/promotions/{promotion.pk}/submit/", follow=True)

    assert "The promotion is awaiting endorsement, so you cannot submit it." in html(response)
    assert ApprovalStep.objects.filter(flow__promotion=promotion).count() == 2


def test_the_timeline_names_decisions_delegates_changes_and_ratings(client, company, frozen_now):
    promotion = proposal(company, title="East summer")
    promotion_submit(user=company.mkt_li, promotion=promotion, now=NOW)
    consultation = open_steps(promotion)[0]
    step_decide(
        user=company.mgr_east,
        step=consultation,
        decision="support_with_changes",
        comment="Hypermarkets only.",
        executability=3,
        now=at(2, 11),
    )
    approval = open_steps(promotion)[0]
    decide(company, approval, "approve_with_changes", by=company.mkt_wang, comment="Budget 8000.", now=at(2, 12))
    client.force_login(company.mkt_li)

    page = html(client.get(f"/promotions/{promotion.pk}/"))

    timeline = page[page.index('data-testid="approval-timeline"') :]
    assert [
        label
        for label in ("Submitted: sales regions consulted", "Consultation answered", "Consultation closed", "Approved")
        if label in timeline
    ] == [
        "Submitted: sales regions consulted",
        "Consultation answered",
        "Consultation closed",
        "Approved",
    ]
    assert "Decision: Support with changes · executability 3/5" in timeline
    assert "Changes asked for:</span> Hypermarkets only." in timeline
    assert "Changes asked for:</span> Budget 8000." in timeline
    assert "Support with changes: 1" in timeline
    assert "In review → Approved" in timeline
    assert "the system" in timeline


def test_panel_queries_are_the_same_with_few_and_many_events(company, frozen_now, rf, django_assert_num_queries):
    promotion = request(company, title="Shanghai cola")
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    promotion.refresh_from_db()
    http_request = rf.get(f"/promotions/{promotion.pk}/")
    http_request.user = company.rep_zhang
    # the flow, its steps, the calendar's year, the events, the people named in the routes
    with django_assert_num_queries(5):
        small = approval_panel(http_request, promotion)
    for round_ in range(5):  # five more rounds: returned and resubmitted
        decide(company, open_steps(promotion)[0], "return", by=company.mgr_east, comment=f"Round {round_}")
        promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    promotion.refresh_from_db()
    with django_assert_num_queries(5):
        large = approval_panel(http_request, promotion)

    assert small.count('data-testid="timeline-event"') == 1
    assert large.count('data-testid="timeline-event"') == 1 + 5 * 2
    assert large.count('data-testid="round-step-') == 2  # the current round only


def test_a_draft_costs_the_panel_no_query_and_shows_only_to_its_author(
    company, frozen_now, rf, django_assert_num_queries
):
    promotion = proposal(company, title="East summer")
    for_author, for_colleague = rf.get("/"), rf.get("/")
    for_author.user, for_colleague.user = company.mkt_li, company.mkt_wang  # marketing sees marketing drafts

    with django_assert_num_queries(0):
        author_panel = approval_panel(for_author, promotion)
        colleague_panel = approval_panel(for_colleague, promotion)

    assert 'data-testid="submit-promotion"' in author_panel
    assert "the sales managers of its regions are consulted first" in author_panel
    assert colleague_panel is None


# --- found by walking the pages as each role ----------------------------------------------------------------------


def test_a_refused_decision_comes_back_at_the_form_and_an_answer_is_called_an_answer(client, company, consultation):
    client.force_login(company.mgr_east)

    page = html(client.get(f"/approvals/{consultation.pk}/"))
    refused = html(client.post(f"/approvals/{consultation.pk}/", {"decision": "oppose", "executability": "2"}))
    answered = client.post(f"/approvals/{consultation.pk}/", {"decision": "support", "executability": "4"}, follow=True)

    # On a phone the form is far below the top: the page that shows its errors opens at the field to correct.
    assert "autofocus" not in page
    assert re.findall(r'<(\w+)[^>]* name="(\w+)"[^>]* autofocus', refused) == [("textarea", "comment")]
    assert answered.redirect_chain == [("/approvals/", 302)]
    assert re.search(r"<legend>Your answer <span", page)
    assert "Your answer on “East summer” is recorded." in html(answered)
    assert "Your decision on" not in html(answered)


def test_the_steps_a_withdrawal_cancels_are_not_painted_as_a_refusal(client, company, frozen_now):
    promotion = request(company, title="Shanghai cola")
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    client.force_login(company.rep_zhang)

    page = html(client.post(f"/promotions/{promotion.pk}/withdraw/", {}, follow=True))

    cancelled = ApprovalStep.objects.filter(flow__promotion=promotion, status=StepStatus.CANCELLED)
    assert cancelled.count() == 2
    for step in cancelled:
        # promotions.css paints .status-cancelled red (the promotion's badge); a step has its own class.
        assert f'<li class="round-step step-status-cancelled" data-testid="round-step-{step.pk}">' in page
    assert 'class="round-step status-' not in page


def _evidence_item(pk: int) -> SimpleNamespace:
    line = SimpleNamespace(product_name="", get_activity_display="Price cut", observed_price=None, description="x")
    return SimpleNamespace(
        pk=pk,
        competitor_intel=line,
        brand=SimpleNamespace(display_name="Master Kong"),
        product=None,
        date=datetime.date(2026, 3, 1),
        region=SimpleNamespace(display_name="Shanghai"),
        outlet=None,
        rep=SimpleNamespace(display_name="Zhang"),
        photo_id=None,
    )


@pytest.mark.parametrize(
    ("listed", "total", "summary", "note"),
    [
        (5, 5, "Show 2 more", None),
        (10, 14, "Show 7 more", "The newest 10 of 14 are listed."),
    ],
)
def test_the_evidence_offers_the_items_not_shown_yet_by_their_number(listed, total, summary, note):
    evidence = PromotionEvidence(
        since=datetime.date(2026, 2, 1),
        until=datetime.date(2026, 3, 1),
        competitor_intel=[_evidence_item(pk) for pk in range(1, listed + 1)],
        competitor_intel_count=total,
    )

    page = render_to_string("approvals/_evidence.html", {"evidence": evidence})

    assert f"<summary>{summary}</summary>" in page
    assert len(re.findall(r'data-testid="evidence-intel-\d+"', page)) == listed
    assert ("The newest" in page) is (note is not None)
    if note:
        assert note in page
