"""Costs booked against agreed promotions: the service (rules, idempotency, over-budget notice), two bookings at once
on PostgreSQL, the permission matrix role × promotion state, and the API."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from accounts.models import Notification
from campaigns.models import CostCategory, Promotion, PromotionCost, PromotionStatus
from campaigns.selectors.costs import promotion_cost_totals
from campaigns.services.costs import COST_DAYS_AFTER_END, promotion_cost_book
from coordination.errors import Conflict
from tests.approvals.effect_setup import agreed_promotion, build_world, move_to

TODAY = timezone.localdate()


@pytest.fixture
def world(regions):
    return build_world(regions)


@pytest.fixture
def running(world):
    return agreed_promotion(world)


def book(
    user, promotion, *, amount="100.00", spent_on=None, description="堆头费", category=CostCategory.DISPLAY_FEE, **kw
):
    return promotion_cost_book(
        user=user,
        promotion=promotion,
        category=category,
        amount=Decimal(amount),
        spent_on=spent_on or TODAY,
        description=description,
        client_uuid=kw.pop("client_uuid", None) or uuid.uuid4(),
        **kw,
    )


# --- the service -------------------------------------------------------------------------------------------------


def test_a_rep_of_the_region_books_a_cost_with_the_running_total(world, running):
    first, created = book(world.people.rep_sh, running, amount="300.00")
    second, created_again = book(world.people.mgr_east, running, amount="150.50", category=CostCategory.POP)

    assert (created, created_again) == (True, True)
    assert (first.total_after, first.over_budget) == (Decimal("300.00"), False)
    assert (second.total_after, second.over_budget) == (Decimal("450.50"), False)
    assert (second.booked_by, second.category, second.spent_on) == (world.people.mgr_east, "pop", TODAY)
    totals = promotion_cost_totals(promotion=running)
    assert (totals.total, totals.count, totals.pct_of_budget) == (Decimal("450.50"), 2, Decimal("45.1"))
    assert totals.by_category == {"display_fee": Decimal("300.00"), "pop": Decimal("150.50")}


def test_the_same_client_uuid_returns_the_first_booking(world, running):
    key = uuid.uuid4()
    cost, created = book(world.people.rep_sh, running, amount="120.00", client_uuid=key)
    again, created_again = book(world.people.rep_sh, running, amount="120.00", client_uuid=key)

    assert (created, created_again) == (True, False)
    assert again.pk == cost.pk
    assert PromotionCost.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"amount": "121.00"}, {"description": "另一笔"}, {"category": CostCategory.GIFTS}, {"other_user": True}],
)
def test_the_same_client_uuid_for_a_different_booking_is_refused(world, running, change):
    key = uuid.uuid4()
    book(world.people.rep_sh, running, amount="120.00", client_uuid=key)
    user = world.people.mgr_east if change.pop("other_user", False) else world.people.rep_sh

    with pytest.raises(ValidationError) as error:
        book(user, running, client_uuid=key, **{"amount": "120.00", **change})

    assert list(error.value.message_dict) == ["client_uuid"]
    assert PromotionCost.objects.count() == 1


def test_the_same_client_uuid_on_another_promotion_is_refused(world, running):
    other = agreed_promotion(world, title="另一个促销")
    key = uuid.uuid4()
    book(world.people.rep_sh, running, client_uuid=key)

    with pytest.raises(ValidationError) as error:
        book(world.people.rep_sh, other, client_uuid=key)

    assert list(error.value.message_dict) == ["client_uuid"]
    assert list(PromotionCost.objects.values_list("promotion", flat=True)) == [running.pk]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount cannot be 0."),
        ({"amount": "10.005"}, "amount", "Use at most 2 decimals (fen)."),
        ({"amount": "10000000000"}, "amount", "The amount is too large."),
        ({"amount": "-10.00", "description": ""}, "description", "A negative amount corrects an earlier booking"),
        ({"description": "x" * 301}, "description", "Keep the description to 300 characters."),
        ({"category": "bribes"}, "category", "Choose a cost category."),
        ({"spent_on": TODAY + datetime.timedelta(days=1)}, "spent_on", "The day cannot be in the future."),
        ({"spent_on": TODAY - datetime.timedelta(days=10)}, "spent_on", "spend before it cannot be booked"),
    ],
)
def test_bad_input_is_refused_per_field_and_books_nothing(world, running, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        book(world.people.rep_sh, running, **kwargs)

    assert list(error.value.message_dict) == [field]
    assert message in error.value.message_dict[field][0]
    assert PromotionCost.objects.count() == 0


def test_spend_is_booked_up_to_30_days_after_the_end_and_not_later(world):
    ended = agreed_promotion(
        world, starts_on=TODAY - datetime.timedelta(days=60), ends_on=TODAY - datetime.timedelta(days=35)
    )
    assert ended.status == PromotionStatus.ENDED
    last_day = ended.ends_on + datetime.timedelta(days=COST_DAYS_AFTER_END)

    cost, _ = book(world.people.rep_sh, ended, spent_on=last_day)
    with pytest.raises(ValidationError) as error:
        book(world.people.rep_sh, ended, spent_on=last_day + datetime.timedelta(days=1))

    assert cost.spent_on == last_day
    assert error.value.message_dict["spent_on"] == [
        f"Costs can be booked up to 30 days after the promotion's end ({ended.ends_on.isoformat()})."
    ]
    assert PromotionCost.objects.count() == 1


def test_a_negative_amount_with_a_reason_corrects_the_total_but_never_below_zero(world, running):
    book(world.people.rep_sh, running, amount="300.00")
    correction, _ = book(world.people.rep_sh, running, amount="-100.00", description="重复录入，冲回 100")

    with pytest.raises(ValidationError) as error:
        book(world.people.rep_sh, running, amount="-200.01", description="冲回")

    assert (correction.amount, correction.total_after) == (Decimal("-100.00"), Decimal("200.00"))
    assert error.value.message_dict["amount"] == [
        "This correction would take the total below zero (¥200.00 booked so far)."
    ]
    assert PromotionCost.objects.count() == 2


def test_passing_the_budget_flags_the_booking_and_notifies_marketing_once(world, running):
    people = world.people
    under, _ = book(people.rep_sh, running, amount="1000.00")  # exactly the budget: not over
    over, _ = book(people.rep_sh, running, amount="0.01")
    still_over, _ = book(people.mgr_east, running, amount="50.00")

    assert (under.over_budget, over.over_budget, still_over.over_budget) == (False, True, True)
    notices = Notification.objects.filter(key=f"promotion_over_budget:{running.pk}")
    assert sorted(notices.values_list("recipient__username", flat=True)) == ["mkt.manager", "mkt.staff"]
    assert notices.get(recipient=people.mkt_staff).title == "Over budget: 上海可乐特价"
    assert notices.get(recipient=people.mkt_staff).body == "Costs booked: ¥1000.01 against a budget of ¥1000.00."
    assert notices.get(recipient=people.mkt_staff).url == f"/promotions/{running.pk}/effect/"

    # back under with a correction, then over again: nobody is told twice
    book(people.rep_sh, running, amount="-100.00", description="冲回")
    book(people.rep_sh, running, amount="100.00")
    assert notices.count() == 2


# --- who books, in which state -----------------------------------------------------------------------------------

BOOKERS = {"rep_sh", "mgr_east", "mkt_staff", "director"}  # director: a responsible person here; mkt_staff: owner
EVERYONE = ["rep_sh", "rep_hz", "rep_bj", "mgr_east", "mgr_north", "mkt_staff", "mkt_manager", "director", "gm", "hr"]


@pytest.mark.parametrize("who", EVERYONE)
def test_who_books_costs(world, who):
    promotion = agreed_promotion(world, responsible=[world.people.director])
    user = getattr(world.people, who)

    if who in BOOKERS:
        cost, created = book(user, promotion)
        assert created
        assert cost.booked_by == user
    else:
        with pytest.raises(PermissionDenied):
            book(user, promotion)
        assert PromotionCost.objects.count() == 0


def _in_status(world, status):
    if status == PromotionStatus.APPROVED:
        # agreed, its first day was yesterday, and the calendar job has not moved it yet
        yesterday = TODAY - datetime.timedelta(days=1)
        return agreed_promotion(world, starts_on=yesterday, today=yesterday - datetime.timedelta(days=1))
    return move_to(agreed_promotion(world), status, actor=world.people.mkt_manager)


@pytest.mark.parametrize("status", [PromotionStatus.APPROVED, PromotionStatus.RUNNING, PromotionStatus.ENDED])
def test_costs_are_booked_on_approved_running_and_ended_promotions(world, status):
    promotion = _in_status(world, status)
    assert promotion.status == status

    cost, created = book(world.people.rep_sh, promotion)

    assert created
    assert cost.total_after == Decimal("100.00")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (PromotionStatus.EVALUATED, "The promotion is evaluated: its costs are closed."),
        (
            PromotionStatus.CANCELLED,
            "The promotion is cancelled: costs are booked only on approved, running or ended promotions.",
        ),
        (
            PromotionStatus.DRAFT,
            "The promotion is draft: costs are booked only on approved, running or ended promotions.",
        ),
        (
            PromotionStatus.CONSULTATION,
            "The promotion is in consultation: costs are booked only on approved, running or ended promotions.",
        ),
        (
            PromotionStatus.REJECTED,
            "The promotion is rejected: costs are booked only on approved, running or ended promotions.",
        ),
    ],
)
def test_other_states_take_no_costs_a_409_conflict(world, status, message):
    if status in (PromotionStatus.EVALUATED, PromotionStatus.CANCELLED):
        promotion = _in_status(world, status)
    else:  # states before agreement: the same promotion put back there (only the status matters here)
        promotion = agreed_promotion(world)
        Promotion.objects.filter(pk=promotion.pk).update(status=status)
        promotion.refresh_from_db()

    with pytest.raises(Conflict) as error:
        book(world.people.rep_sh, promotion)

    assert error.value.message == message
    assert PromotionCost.objects.count() == 0


def test_an_approved_promotion_not_started_yet_takes_no_spend_dated_in_the_future(world):
    promotion = agreed_promotion(world, starts_on=TODAY + datetime.timedelta(days=3))
    assert promotion.status == PromotionStatus.APPROVED

    with pytest.raises(ValidationError) as error:
        book(world.people.rep_sh, promotion, spent_on=promotion.starts_on)

    assert error.value.message_dict == {"spent_on": ["The day cannot be in the future."]}
    assert PromotionCost.objects.count() == 0


# --- two bookings at once ----------------------------------------------------------------------------------------


def _race(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def run(target):
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bookings_at_once_give_exact_running_totals(regions):
    world = build_world(regions)
    promotion = agreed_promotion(world)
    people = world.people
    fresh = lambda: Promotion.objects.prefetch_related("regions", "responsible").get(pk=promotion.pk)  # noqa: E731

    results, errors = _race(
        [
            lambda user=user: book(user, fresh(), amount="300.00")
            for user in (people.rep_sh, people.mgr_east, people.mkt_staff, people.rep_sh)
        ]
    )

    assert errors == []
    assert sorted(cost.total_after for cost, _ in results) == [
        Decimal("300.00"),
        Decimal("600.00"),
        Decimal("900.00"),
        Decimal("1200.00"),
    ]
    assert sorted(cost.over_budget for cost, _ in results) == [False, False, False, True]
    assert Notification.objects.filter(key=f"promotion_over_budget:{promotion.pk}").count() == 2
    connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_booking_sent_twice_at_once_books_once(regions):
    world = build_world(regions)
    promotion = agreed_promotion(world)
    key = uuid.uuid4()
    fresh = lambda: Promotion.objects.prefetch_related("regions", "responsible").get(pk=promotion.pk)  # noqa: E731

    results, errors = _race([lambda: book(world.people.rep_sh, fresh(), client_uuid=key) for _ in range(2)])

    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({cost.pk for cost, _ in results}) == 1
    assert PromotionCost.objects.get().total_after == Decimal("100.00")
    connections.close_all()


# --- the API -----------------------------------------------------------------------------------------------------


def _url(promotion):
    return f"/api/v1/promotions/{promotion.pk}/costs/"


def _payload(**changes):
    return {
        "category": "display_fee",
        "amount": "1200.00",
        "spent_on": TODAY.isoformat(),
        "description": "联华超市 堆头费",
        "client_uuid": str(uuid.uuid4()),
        **changes,
    }


def test_api_books_201_then_the_same_booking_again_200(world, running, api_client):
    api_client.force_authenticate(world.people.rep_sh)
    payload = _payload()

    first = api_client.post(_url(running), payload)
    again = api_client.post(_url(running), payload)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    body = first.json()
    assert {k: body[k] for k in ("category", "amount", "spent_on", "total_after", "over_budget")} == {
        "category": "display_fee",
        "amount": "1200.00",
        "spent_on": TODAY.isoformat(),
        "total_after": "1200.00",
        "over_budget": True,
    }
    assert body["booked_by"]["username"] == "rep.sh"
    assert PromotionCost.objects.count() == 1


def test_api_lists_the_costs_for_whoever_sees_the_promotion(world, running, api_client):
    book(world.people.rep_sh, running, amount="100.00")
    book(world.people.mgr_east, running, amount="50.00", category=CostCategory.POP)

    for who in ("rep_sh", "mgr_east", "mkt_manager", "director", "gm"):
        api_client.force_authenticate(getattr(world.people, who))
        response = api_client.get(_url(running))
        assert response.status_code == 200, who
        assert [row["amount"] for row in response.json()["results"]] == ["100.00", "50.00"]

    api_client.force_authenticate(world.people.mkt_manager)
    filtered = api_client.get(_url(running), {"category": "pop"})
    assert [row["amount"] for row in filtered.json()["results"]] == ["50.00"]
    invalid = api_client.get(_url(running), {"category": "bribes"})
    assert invalid.status_code == 400
    assert list(invalid.json()) == ["category"]


@pytest.mark.parametrize("who", ["rep_bj", "rep_hz", "mgr_north", "hr"])
def test_api_answers_404_to_those_who_do_not_see_the_promotion(world, running, api_client, who):
    api_client.force_authenticate(getattr(world.people, who))

    assert api_client.get(_url(running)).status_code == 404
    assert api_client.post(_url(running), _payload()).status_code == 404
    assert PromotionCost.objects.count() == 0


@pytest.mark.parametrize("who", ["mkt_manager", "gm"])
def test_api_answers_403_to_readers_who_do_not_book(world, running, api_client, who):
    api_client.force_authenticate(getattr(world.people, who))

    response = api_client.post(_url(running), _payload())

    assert response.status_code == 403
    assert PromotionCost.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"category": "bribes"}, "category"),
        ({"spent_on": "tomorrow"}, "spent_on"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"amount": "-5.00", "description": ""}, "description"),
    ],
)
def test_api_answers_400_per_field(world, running, api_client, changes, field):
    api_client.force_authenticate(world.people.rep_sh)

    response = api_client.post(_url(running), _payload(**changes))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert PromotionCost.objects.count() == 0


def test_api_answers_400_for_a_client_uuid_used_by_another_booking(world, running, api_client):
    api_client.force_authenticate(world.people.rep_sh)
    payload = _payload()
    api_client.post(_url(running), payload)

    response = api_client.post(_url(running), {**payload, "amount": "1300.00"})

    assert response.status_code == 400
    assert list(response.json()) == ["client_uuid"]
    assert PromotionCost.objects.count() == 1


def test_api_answers_409_on_an_evaluated_promotion(world, api_client):
    promotion = move_to(agreed_promotion(world), PromotionStatus.EVALUATED, actor=world.people.mkt_manager)
    api_client.force_authenticate(world.people.rep_sh)

    response = api_client.post(_url(promotion), _payload())

    assert response.status_code == 409
    assert response.json() == {"detail": "The promotion is evaluated: its costs are closed."}
    assert PromotionCost.objects.count() == 0
