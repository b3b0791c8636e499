"""The home page's "Waiting for your decision" and the navigation's "Approvals": open steps the user may decide
(theirs, their role's, those of the people they stand in for), oldest due first, with the SLA in working hours."""

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import delegation_create
from approvals.services.flows import promotion_submit
from coordination.selectors import home_sections

from .flow_setup import NOW, at, decide, open_steps, request

pytestmark = pytest.mark.django_db

SECTION = "Waiting for your decision"


def _items(user: User):
    fresh = User.objects.prefetch_related("groups").get(pk=user.pk)
    sections = {section.title: section for section in home_sections(user=fresh)}
    return [(i.title, i.detail, i.url, i.due) for i in sections[SECTION].items] if SECTION in sections else None


def _submitted(company, *, author=None, title="", budget="10000"):
    promotion = request(company, author=author or company.rep_zhang, title=title, budget=budget)
    promotion_submit(user=promotion.created_by, promotion=promotion, now=NOW)
    return promotion


def test_the_endorser_is_asked_with_the_time_left(company, frozen_now):
    promotion = _submitted(company, title="Cola week")
    [step] = open_steps(promotion)

    assert _items(company.mgr_east) == [
        (
            "To endorse: Cola week",
            company.rep_zhang.display_name,
            f"/approvals/{step.pk}/",
            "Due 03-03 10:00 · 8 working hours left",
        )
    ]


def test_an_overdue_step_says_by_how_much(company, monkeypatch):
    _submitted(company, title="Cola week")
    monkeypatch.setattr(timezone, "now", lambda: at(4, 12))  # due Tuesday 10:00; Wednesday 12:00 now

    [(_title, _detail, _url, due)] = _items(company.mgr_east)

    assert due == "Overdue by 10 working hours"


def test_role_steps_reach_every_holder_oldest_due_first_and_never_the_author(company, frozen_now):
    first = _submitted(company, author=company.mgr_east, title="First")  # a manager's request: straight to review
    second = _submitted(company, author=company.mgr_north, title="Second")

    titles = [title for title, *_rest in _items(company.mkt_wang)]

    assert titles == ["To review: First", "To review: Second"]
    assert _items(company.mgr_east) is None
    assert [s.pk for s in open_steps(first)] != [s.pk for s in open_steps(second)]


@pytest.mark.parametrize("who", ["rep_zhang", "mkt_li", "hr_zhao", "rep_chen"])
def test_people_with_nothing_to_decide_get_no_section(company, frozen_now, who):
    _submitted(company)
    assert _items(company.user(who)) is None


def test_a_delegate_is_asked_only_while_standing_in(company, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    promotion = _submitted(company, title="Cola week")
    delegation_create(
        user=company.mgr_east,
        delegate=company.rep_liu,
        starts_on=at(3).date(),
        ends_on=at(4).date(),
        today=NOW.date(),
    )

    assert _items(company.rep_liu) is None
    monkeypatch.setattr(timezone, "now", lambda: at(3, 9))
    [(title, _detail, url, _due)] = _items(company.rep_liu)
    assert (title, url) == ("To endorse: Cola week", f"/approvals/{open_steps(promotion)[0].pk}/")
    monkeypatch.setattr(timezone, "now", lambda: at(5, 9))
    assert _items(company.rep_liu) is None


def test_a_decided_step_leaves_the_section(company, frozen_now):
    promotion = _submitted(company)
    decide(company, open_steps(promotion)[0])
    assert _items(company.mgr_east) is None


@pytest.mark.parametrize(
    ("who", "sees"),
    [("mgr_east", True), ("mkt_wang", True), ("gm", True), ("rep_zhang", False), ("mkt_li", False), ("hr_zhao", False)],
)
def test_the_navigation_shows_approvals_to_those_who_decide(client, company, frozen_now, who, sees):
    client.force_login(company.user(who))
    assert ('href="/approvals/"' in client.get("/").content.decode()) is sees


def test_the_home_page_shows_the_section_in_a_constant_number_of_queries(
    client, company, frozen_now, django_assert_max_num_queries
):
    for n in range(3):
        _submitted(company, author=company.mgr_east, title=f"Few {n}")
    client.force_login(company.mkt_wang)

    # session, user, profile (+ groups), this section (delegations inside), the calendar, the plan sections, the
    # navigation's roles, the bell, my action items due, the alerts to triage (marketing)
    with django_assert_max_num_queries(13) as few:
        response = client.get("/")
    assert len(next(s for s in response.context["sections"] if s.title == SECTION).items) == 3
    for n in range(12):
        _submitted(company, author=company.mgr_north, title=f"Many {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert len(next(s for s in response.context["sections"] if s.title == SECTION).items) == 10
    assert 'class="due"' in response.content.decode()
