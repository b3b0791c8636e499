"""Sales' executability rating after execution: who rates, when, one per person (rating again replaces it), API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals.models import ExecutabilityRating
from approvals.services.ratings import executability_rate
from campaigns.models import PromotionStatus
from coordination.errors import Conflict
from tests.approvals.effect_setup import agreed_promotion, build_world, move_to

TODAY = timezone.localdate()


@pytest.fixture
def world(regions):
    return build_world(regions)


@pytest.fixture
def running(world):
    return agreed_promotion(world)


def test_a_rep_rates_and_rating_again_replaces_the_score(world, running):
    first, created = executability_rate(user=world.people.rep_sh, promotion=running, score=2, comment=" 价格太低 ")
    first_time = first.created_at
    again, created_again = executability_rate(user=world.people.rep_sh, promotion=running, score=4, comment="")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    stored = ExecutabilityRating.objects.get()
    assert (stored.rater, stored.score, stored.comment, stored.created_at) == (world.people.rep_sh, 4, "", first_time)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("rep_sh", True),
        ("mgr_east", True),
        ("rep_hz", False),
        ("rep_bj", False),
        ("mgr_north", False),
        ("mkt_staff", False),
        ("mkt_manager", False),
        ("director", False),
        ("gm", False),
        ("hr", False),
    ],
)
def test_who_rates(world, running, who, allowed):
    user = getattr(world.people, who)
    if allowed:
        rating, created = executability_rate(user=user, promotion=running, score=3)
        assert created
        assert rating.rater == user
    else:
        with pytest.raises(PermissionDenied):
            executability_rate(user=user, promotion=running, score=3)
        assert ExecutabilityRating.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (PromotionStatus.APPROVED, False),
        (PromotionStatus.RUNNING, True),
        (PromotionStatus.ENDED, True),
        (PromotionStatus.EVALUATED, True),
        (PromotionStatus.CANCELLED, False),
    ],
)
def test_rating_opens_when_the_promotion_runs(world, status, allowed):
    if status == PromotionStatus.APPROVED:
        promotion = agreed_promotion(world, starts_on=TODAY + datetime.timedelta(days=2))
    else:
        promotion = move_to(agreed_promotion(world), status, actor=world.people.mkt_manager)
    assert promotion.status == status

    if allowed:
        _rating, created = executability_rate(user=world.people.rep_sh, promotion=promotion, score=5)
        assert created
    else:
        with pytest.raises(Conflict) as error:
            executability_rate(user=world.people.rep_sh, promotion=promotion, score=5)
        assert "executability is rated once it runs in the field" in error.value.message
        assert ExecutabilityRating.objects.count() == 0


@pytest.mark.parametrize("score", [0, 6, -1, True, "4"])
def test_a_score_outside_1_to_5_is_refused(world, running, score):
    with pytest.raises(ValidationError) as error:
        executability_rate(user=world.people.rep_sh, promotion=running, score=score)

    assert error.value.message_dict == {"score": ["Rate from 1 (hardly workable) to 5 (easy to carry out)."]}
    assert ExecutabilityRating.objects.count() == 0


# --- the API -----------------------------------------------------------------------------------------------------


def _url(promotion):
    return f"/api/v1/promotions/{promotion.pk}/rating/"


def test_api_rates_201_then_replaces_200(world, running, api_client):
    api_client.force_authenticate(world.people.mgr_east)

    first = api_client.post(_url(running), {"score": 2, "comment": "人手不够"})
    again = api_client.post(_url(running), {"score": 3})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert (again.json()["score"], again.json()["comment"], again.json()["rater"]["username"]) == (3, "", "mgr.east")
    assert ExecutabilityRating.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("mkt_manager", 403), ("gm", 403), ("rep_bj", 404), ("mgr_north", 404), ("hr", 404)]
)
def test_api_refuses_those_who_do_not_rate(world, running, api_client, who, status):
    api_client.force_authenticate(getattr(world.people, who))

    assert api_client.post(_url(running), {"score": 4}).status_code == status
    assert ExecutabilityRating.objects.count() == 0


def test_api_answers_400_for_a_bad_score_and_409_before_the_start(world, running, api_client):
    approved = agreed_promotion(world, starts_on=TODAY + datetime.timedelta(days=2), title="还没开始")
    api_client.force_authenticate(world.people.rep_sh)

    bad = api_client.post(_url(running), {"score": 9})
    early = api_client.post(_url(approved), {"score": 4})

    assert bad.status_code == 400
    assert list(bad.json()) == ["score"]
    assert early.status_code == 409
    assert early.json() == {"detail": "The promotion is approved: executability is rated once it runs in the field."}
    assert ExecutabilityRating.objects.count() == 0
