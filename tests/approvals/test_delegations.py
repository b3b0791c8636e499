"""Delegation of approvals while away: the services' rules, the delegate's inbox only during the range, decisions
recorded on behalf of the person away, the page and the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Delegation, Notification
from accounts.services import delegation_create, delegation_end
from approvals.models import ApprovalEvent, StepKind
from approvals.selectors.steps import inbox
from approvals.services.flows import promotion_submit, step_decide
from tests.factories import UserFactory

from .flow_setup import NOW, at, open_steps, request

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Monday 2 March 2026
PAGE = "/approvals/delegations/"
API = "/api/v1/delegations/"


def _day(n: int) -> datetime.date:
    """The n-th of March 2026."""
    return datetime.date(2026, 3, n)


def _delegate(company, *, by=None, to=None, starts_on=None, ends_on=None, reason="Trade fair", today=TODAY):
    return delegation_create(
        user=by or company.mgr_east,
        delegate=to or company.mgr_north,
        starts_on=starts_on or _day(3),
        ends_on=ends_on or _day(5),
        reason=reason,
        today=today,
    )


def _rows():
    return list(Delegation.objects.order_by("id").values())


# --- creating ------------------------------------------------------------------------------------------------------


def test_a_manager_names_a_delegate_who_is_told(company):
    delegation = _delegate(company)

    assert (delegation.delegator, delegation.delegate, delegation.starts_on, delegation.ends_on, delegation.reason) == (
        company.mgr_east,
        company.mgr_north,
        _day(3),
        _day(5),
        "Trade fair",
    )
    [note] = Notification.objects.filter(recipient=company.mgr_north, kind="delegation")
    assert note.url == PAGE
    assert note.key == f"delegation:{delegation.pk}"


@pytest.mark.parametrize("who", ["rep_zhang", "mkt_li", "hr_zhao"])
def test_people_who_decide_nothing_cannot_delegate(company, who):
    with pytest.raises(PermissionDenied):
        _delegate(company, by=company.user(who), to=company.gm)
    assert _rows() == []


@pytest.mark.parametrize(
    ("delegate", "allowed"),
    [
        ("mkt_wang", True),  # decides approvals too
        ("rep_liu", True),  # same department (sales)
        ("gm", True),
        ("mkt_li", False),  # marketing staff: another department, decides nothing
        ("hr_zhao", False),
        ("mgr_east", False),  # themselves
    ],
)
def test_who_may_be_named(company, delegate, allowed):
    if allowed:
        assert _delegate(company, to=company.user(delegate)).delegate == company.user(delegate)
        return
    with pytest.raises(ValidationError) as raised:
        _delegate(company, to=company.user(delegate))
    assert list(raised.value.message_dict) == ["delegate"]
    assert _rows() == []


def test_an_inactive_colleague_cannot_be_named(company):
    company.mgr_north.is_active = False
    company.mgr_north.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as raised:
        _delegate(company)

    assert raised.value.message_dict == {
        "delegate": ["Choose an active colleague who decides approvals too, or one of your department."]
    }


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "errors"),
    [
        (_day(1), _day(5), {"starts_on": ["A delegation cannot start in the past."]}),
        (_day(5), _day(4), {"ends_on": ["The last day cannot be before the first."]}),
        (_day(3), _day(3) + datetime.timedelta(days=90), {"ends_on": ["A delegation lasts at most 90 days."]}),
    ],
)
def test_dates_are_checked(company, starts_on, ends_on, errors):
    with pytest.raises(ValidationError) as raised:
        _delegate(company, starts_on=starts_on, ends_on=ends_on)
    assert raised.value.message_dict == errors
    assert _rows() == []


def test_today_and_ninety_days_are_allowed(company):
    delegation = _delegate(company, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=89))
    assert (delegation.ends_on - delegation.starts_on).days + 1 == 90


def test_one_delegation_at_a_time(company):
    _delegate(company, starts_on=_day(3), ends_on=_day(5))
    before = _rows()

    with pytest.raises(ValidationError) as raised:
        _delegate(company, to=company.gm, starts_on=_day(5), ends_on=_day(9))

    name = company.mgr_north.display_name
    assert raised.value.message_dict == {
        "starts_on": [
            f"You already delegate to {name} from 2026-03-03 to 2026-03-05; end that one or choose other days."
        ]
    }
    assert _rows() == before
    # The next day is free; another person's delegation does not count.
    _delegate(company, to=company.gm, starts_on=_day(6), ends_on=_day(9))
    _delegate(company, by=company.mgr_north, to=company.mgr_east, starts_on=_day(3), ends_on=_day(5))
    assert Delegation.objects.count() == 3


# --- ending --------------------------------------------------------------------------------------------------------


def test_ending_a_running_delegation_ends_it_yesterday(company):
    delegation = _delegate(company, starts_on=_day(3), ends_on=_day(9))

    ended = delegation_end(user=company.mgr_east, delegation=delegation, today=_day(5))

    assert ended.ends_on == _day(4)
    delegation.refresh_from_db()
    assert (delegation.starts_on, delegation.ends_on) == (_day(3), _day(4))


@pytest.mark.parametrize("today", [_day(2), _day(3)])
def test_ending_one_that_has_not_run_a_day_deletes_it(company, today):
    delegation = _delegate(company, starts_on=_day(3), ends_on=_day(9))

    assert delegation_end(user=company.mgr_east, delegation=delegation, today=today) is None

    assert _rows() == []


def test_an_ended_delegation_cannot_end_again(company):
    delegation = _delegate(company, starts_on=_day(3), ends_on=_day(4))
    before = _rows()

    with pytest.raises(ValidationError):
        delegation_end(user=company.mgr_east, delegation=delegation, today=_day(5))

    assert _rows() == before


def test_only_the_person_away_ends_it(company):
    delegation = _delegate(company)
    before = _rows()

    with pytest.raises(PermissionDenied):
        delegation_end(user=company.mgr_north, delegation=delegation, today=_day(4))

    assert _rows() == before


# --- the delegate's inbox and decisions ----------------------------------------------------------------------------


def test_the_delegate_sees_the_steps_only_during_the_range_and_decides_on_behalf(company):
    promotion = request(company)  # rep.zhang: endorsed by mgr.east
    promotion_submit(user=company.rep_zhang, promotion=promotion, now=NOW)
    [step] = open_steps(promotion)
    assert (step.kind, step.assignee) == (StepKind.ENDORSEMENT, company.mgr_east)
    _delegate(company, starts_on=_day(3), ends_on=_day(5))

    def inbox_of_north(moment):
        return [s.pk for s in inbox(user=UserFactory._meta.model.objects.get(pk=company.mgr_north.pk), now=moment)]

    assert inbox_of_north(at(2, 16)) == []
    assert inbox_of_north(at(3, 9)) == [step.pk]
    assert inbox_of_north(at(5, 17)) == [step.pk]
    assert inbox_of_north(at(6, 9)) == []
    # mgr.east keeps his own step throughout.
    assert [s.pk for s in inbox(user=company.mgr_east, now=at(4))] == [step.pk]

    with pytest.raises(PermissionDenied):
        step_decide(user=company.mgr_north, step=step, decision="approve", comment="", now=at(2, 16))
    step.refresh_from_db()
    assert step.decided_by is None

    step_decide(user=company.mgr_north, step=step, decision="approve", comment="Fine by me.", now=at(4))

    step.refresh_from_db()
    assert (step.decision, step.decided_by, step.on_behalf_of) == ("approve", company.mgr_north, company.mgr_east)
    event = ApprovalEvent.objects.get(step=step)
    assert (event.actor, event.on_behalf_of) == (company.mgr_north, company.mgr_east)


def test_a_delegate_never_decides_their_own_request(company):
    # mgr.east stands in for... nobody may decide their own promotion, even as someone's delegate.
    promotion = request(company, author=company.rep_liu)
    promotion_submit(user=company.rep_liu, promotion=promotion, now=NOW)
    [step] = open_steps(promotion)
    _delegate(company, to=company.rep_liu, starts_on=_day(3), ends_on=_day(5))

    assert list(inbox(user=company.rep_liu, now=at(4))) == []
    with pytest.raises(PermissionDenied):
        step_decide(user=company.rep_liu, step=step, decision="approve", comment="", now=at(4))


# --- the page ------------------------------------------------------------------------------------------------------


def test_a_manager_delegates_and_ends_it_from_the_page(client, company, frozen_now):
    client.force_login(company.mgr_east)

    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'data-testid="delegation-form"' in page.content.decode()
    names = {person.username for person in page.context["form"].fields["delegate"].queryset}
    assert names == {"gm", "dir.sales", "mkt.wang", "mgr.north", "rep.zhang", "rep.liu", "rep.chen"}

    created = client.post(
        PAGE, {"delegate": company.mgr_north.pk, "starts_on": "2026-03-02", "ends_on": "2026-03-06", "reason": "Fair"}
    )
    assert created.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.ends_on) == (
        company.mgr_east,
        company.mgr_north,
        _day(6),
    )
    assert f'data-testid="delegation-{delegation.pk}"' in client.get(PAGE).content.decode()

    assert client.post(f"{PAGE}{delegation.pk}/end/").status_code == 302
    assert _rows() == []  # it started today: nothing ran, so it is gone


def test_the_page_shows_the_services_messages(client, company, frozen_now):
    client.force_login(company.mgr_east)

    response = client.post(PAGE, {"delegate": company.mgr_north.pk, "starts_on": "2026-02-27", "ends_on": "2026-03-06"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"starts_on": ["A delegation cannot start in the past."]}
    assert _rows() == []


def test_a_delegate_reads_what_they_received_without_a_form(client, company, frozen_now):
    delegation = _delegate(company, to=company.rep_liu)
    client.force_login(company.rep_liu)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.context["form"] is None
    assert [row["delegation"] for row in response.context["received"]] == [delegation]
    assert client.post(f"{PAGE}{delegation.pk}/end/").status_code == 403
    assert client.post(PAGE, {"delegate": company.gm.pk}).status_code == 403


@pytest.mark.parametrize("who", ["rep_zhang", "hr_zhao", "mkt_li"])
def test_the_page_is_refused_to_people_with_nothing_to_delegate(client, company, who):
    client.force_login(company.user(who))
    assert client.get(PAGE).status_code == 403


def test_someone_elses_delegation_is_not_found(client, company, frozen_now):
    delegation = _delegate(company)
    client.force_login(company.mkt_wang)

    assert client.post(f"{PAGE}{delegation.pk}/end/").status_code == 404
    assert _rows() != []


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_lists_given_and_received(api_client, company, frozen_now):
    given = _delegate(company, starts_on=_day(3), ends_on=_day(5))
    received = _delegate(company, by=company.gm, to=company.mgr_east, starts_on=_day(2), ends_on=_day(9))
    api_client.force_authenticate(company.mgr_east)

    body = api_client.get(API).json()

    assert [(d["id"], d["delegator"]["username"], d["delegate"]["username"], d["state"]) for d in body["results"]] == [
        (given.pk, "mgr.east", "mgr.north", "upcoming"),
        (received.pk, "gm", "mgr.east", "current"),
    ]
    api_client.force_authenticate(company.mkt_wang)
    assert api_client.get(API).json()["results"] == []
    assert api_client.get(f"{API}{given.pk}/").status_code == 404


def test_the_api_creates_and_ends(api_client, company, frozen_now):
    api_client.force_authenticate(company.mgr_east)

    created = api_client.post(
        API, {"delegate": company.gm.pk, "starts_on": "2026-03-04", "ends_on": "2026-03-10"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["delegate"]["username"], created.json()["state"], created.json()["reason"]) == (
        "gm",
        "upcoming",
        "",
    )

    ended = api_client.post(f"{API}{created.json()['id']}/end/")
    assert ended.status_code == 204
    assert _rows() == []


def test_the_api_ends_a_running_one_yesterday(api_client, company, frozen_now):
    delegation = _delegate(company, starts_on=_day(2), ends_on=_day(9), today=_day(1))
    api_client.force_authenticate(company.mgr_east)

    # Started today (the 2nd): nothing to keep — deleted.
    assert api_client.post(f"{API}{delegation.pk}/end/").status_code == 204


def test_the_api_answers_per_field(api_client, company, frozen_now):
    api_client.force_authenticate(company.mgr_east)

    response = api_client.post(
        API, {"delegate": company.hr_zhao.pk, "starts_on": "2026-03-04", "ends_on": "2026-03-01"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"delegate", "ends_on"}
    assert _rows() == []


def test_the_api_refuses_people_who_decide_nothing(api_client, company, frozen_now):
    api_client.force_authenticate(company.rep_zhang)

    response = api_client.post(
        API, {"delegate": company.rep_liu.pk, "starts_on": "2026-03-04", "ends_on": "2026-03-05"}, format="json"
    )

    assert response.status_code == 403
    assert _rows() == []


def test_the_schema_documents_delegations(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/delegations/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/delegations/{id}/end/"]
