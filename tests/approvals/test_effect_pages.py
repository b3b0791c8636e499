"""The effect page (figures, chart, costs with the booking form, ratings, photos, evaluation) and the effect panel on
the promotion page: real form posts, who sees which form, errors per field, a double submit books once, query
counts pinned."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from approvals.models import ExecutabilityRating
from approvals.services.ratings import executability_rate
from campaigns.models import Promotion, PromotionCost, PromotionStatus
from campaigns.services.costs import promotion_cost_book
from tests.approvals.effect_setup import agreed_promotion, build_world, move_to
from tests.approvals.test_effect import _many_facts, build_facts
from tests.factories import PhotoFactory

TODAY = timezone.localdate()


@pytest.fixture
def world(regions):
    return build_world(regions)


@pytest.fixture
def promotion(world):
    return agreed_promotion(world)


def html(response) -> str:
    return response.content.decode()


def page_url(promotion) -> str:
    return f"/promotions/{promotion.pk}/effect/"


def cost_form_uuid(page: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]+)"', page).group(1)


def test_the_page_shows_the_figures_chart_costs_ratings_and_photos(world, promotion, client):
    photo = build_facts(world, promotion)
    client.force_login(world.people.mkt_manager)

    response = client.get(page_url(promotion))

    assert response.status_code == 200
    page = html(response)
    figures = page[page.index('data-testid="effect-figures"') :]
    assert re.search(r'data-testid="figure-execution">.*?66\.7%.*?2 of 3 outlets reported', figures, re.S)
    assert re.search(r'data-testid="figure-compliance">.*?33\.3%.*?1 of 3 prices within limits', figures, re.S)
    assert re.search(r'data-testid="figure-uplift">.*?\+50\.0%.*?expected 30\.0%', figures, re.S)
    assert re.search(r'data-testid="figure-cost">.*?75\.0%.*?¥750\.00 / ¥1000\.00', figures, re.S)
    assert re.search(r'data-testid="figure-executability">.*?3\.5.*?2 ratings after execution', figures, re.S)
    # the chart: one bar per measured day (10), the baseline line at 2 units/day on a 20-unit axis
    assert page.count('<rect class="bar"') == 10
    assert 'data-testid="chart-baseline"' in page
    assert 'y1="90.0"' in page
    assert "4 weeks before: 2.00 per day" in page
    # costs, ratings, photos
    assert page.count('data-cost="') == 2
    assert "顺利" in page
    assert "价格太低" in page
    assert f'src="/photos/{photo.pk}/thumbnail/"' in page
    # marketing reads: no booking or rating form; the promotion still runs: no evaluation
    assert 'data-testid="cost-form"' not in page
    assert 'data-testid="rating-form"' not in page
    assert 'data-testid="evaluate-form"' not in page


def test_sales_of_the_region_get_the_booking_and_rating_forms(world, promotion, client):
    client.force_login(world.people.rep_sh)

    page = html(client.get(page_url(promotion)))

    assert 'data-testid="cost-form"' in page
    assert 'data-testid="rating-form"' in page
    assert f'max="{TODAY.isoformat()}"' in page
    assert f'min="{promotion.starts_on.isoformat()}"' in page


@pytest.mark.parametrize("who", ["rep_bj", "mgr_north", "hr"])
def test_the_page_is_not_found_for_those_who_do_not_see_the_promotion(world, promotion, client, who):
    client.force_login(getattr(world.people, who))

    assert client.get(page_url(promotion)).status_code == 404
    assert client.post(page_url(promotion) + "costs/", {}).status_code == 404


def test_booking_a_cost_and_a_double_submit_books_once(world, promotion, client):
    client.force_login(world.people.rep_sh)
    key = cost_form_uuid(html(client.get(page_url(promotion))))
    form = {
        "category": "pop",
        "amount": "1200.50",
        "spent_on": TODAY.isoformat(),
        "description": "海报 200 张",
        "client_uuid": key,
    }

    first = client.post(page_url(promotion) + "costs/", form, follow=True)
    second = client.post(page_url(promotion) + "costs/", form, follow=True)

    booked = PromotionCost.objects.get()
    assert (booked.amount, booked.client_uuid, booked.over_budget) == (Decimal("1200.50"), uuid.UUID(key), True)
    assert first.redirect_chain == [(f"{page_url(promotion)}#costs", 302)]
    assert "Booked ¥1200.50. Total booked: ¥1200.50." in html(first)
    assert "The costs are now over the budget of ¥1000.00." in html(first)
    assert "This booking was already made; nothing was booked twice." in html(second)
    assert 'data-testid="cost-over-budget"' in html(second)
    assert cost_form_uuid(html(second)) != key  # a fresh form for the next booking


def test_a_refused_booking_shows_the_message_at_its_field_and_books_nothing(world, promotion, client):
    client.force_login(world.people.rep_sh)
    form = {
        "category": "pop",
        "amount": "-20.00",
        "spent_on": TODAY.isoformat(),
        "description": "",
        "client_uuid": str(uuid.uuid4()),
    }

    response = client.post(page_url(promotion) + "costs/", form)

    assert response.status_code == 400
    page = html(response)
    assert re.search(
        r'id="id_description_errors"><li>A negative amount corrects an earlier booking: say what it corrects and why.',
        page,
    )
    assert f'value="{form["client_uuid"]}"' in page  # the same form again: a corrected resubmit is still one booking
    assert PromotionCost.objects.count() == 0


def test_a_booking_on_an_evaluated_promotion_is_a_conflict_on_the_page(world, promotion, client):
    move_to(promotion, PromotionStatus.EVALUATED, actor=world.people.mkt_manager)
    client.force_login(world.people.rep_sh)
    form = {"category": "pop", "amount": "20.00", "spent_on": TODAY.isoformat(), "client_uuid": str(uuid.uuid4())}

    response = client.post(page_url(promotion) + "costs/", form)

    assert response.status_code == 409
    assert "The promotion is evaluated: its costs are closed." in html(response)
    assert PromotionCost.objects.count() == 0


@pytest.mark.parametrize("who", ["mkt_manager", "gm"])
def test_readers_cannot_post_a_booking(world, promotion, client, who):
    client.force_login(getattr(world.people, who))
    form = {"category": "pop", "amount": "20.00", "spent_on": TODAY.isoformat(), "client_uuid": str(uuid.uuid4())}

    assert client.post(page_url(promotion) + "costs/", form).status_code == 403
    assert client.post(page_url(promotion) + "rating/", {"score": "4"}).status_code == 403
    assert PromotionCost.objects.count() == 0
    assert ExecutabilityRating.objects.count() == 0


def test_rating_from_the_page_and_changing_it(world, promotion, client):
    client.force_login(world.people.mgr_east)

    first = client.post(page_url(promotion) + "rating/", {"score": "2", "comment": "人手不够"}, follow=True)
    second = client.post(page_url(promotion) + "rating/", {"score": "4", "comment": "后来顺了"}, follow=True)
    invalid = client.post(page_url(promotion) + "rating/", {"score": "9"})

    assert "Thank you: your rating is recorded." in html(first)
    assert "Your rating is updated." in html(second)
    assert "Change your rating" in html(second)
    assert 'value="4" id="id_score_1" required checked' in html(second) or "checked" in html(second)
    assert invalid.status_code == 400
    rating = ExecutabilityRating.objects.get()
    assert (rating.rater, rating.score, rating.comment) == (world.people.mgr_east, 4, "后来顺了")


def test_marketing_marks_an_ended_promotion_evaluated(world, client):
    ended = agreed_promotion(
        world, starts_on=TODAY - datetime.timedelta(days=20), ends_on=TODAY - datetime.timedelta(days=2)
    )
    assert ended.status == PromotionStatus.ENDED
    client.force_login(world.people.mkt_staff)
    assert 'data-testid="evaluate-form"' in html(client.get(page_url(ended)))

    empty = client.post(page_url(ended) + "evaluate/", {"comment": " "})
    done = client.post(page_url(ended) + "evaluate/", {"comment": "铺货率高，价格守住了"}, follow=True)

    assert empty.status_code == 400
    assert "This field is required." in html(empty)
    assert "The promotion is marked evaluated." in html(done)
    ended.refresh_from_db()
    assert ended.status == PromotionStatus.EVALUATED
    assert 'data-testid="evaluate-form"' not in html(done)


def test_sales_cannot_evaluate(world, client):
    ended = agreed_promotion(
        world, starts_on=TODAY - datetime.timedelta(days=20), ends_on=TODAY - datetime.timedelta(days=2)
    )
    client.force_login(world.people.mgr_east)

    assert client.post(page_url(ended) + "evaluate/", {"comment": "ok"}).status_code == 403
    ended.refresh_from_db()
    assert ended.status == PromotionStatus.ENDED


def test_a_promotion_not_agreed_yet_has_no_effect_and_no_panel(world, promotion, client):
    Promotion.objects.filter(pk=promotion.pk).update(status=PromotionStatus.REVIEW)
    client.force_login(world.people.mkt_manager)

    effect_page = html(client.get(page_url(promotion)))
    detail = html(client.get(f"/promotions/{promotion.pk}/"))

    assert 'data-testid="no-effect"' in effect_page
    assert 'data-testid="effect-panel"' not in detail


def test_the_promotion_page_shows_the_effect_panel(world, promotion, client):
    build_facts(world, promotion)
    client.force_login(world.people.rep_sh)

    detail = html(client.get(f"/promotions/{promotion.pk}/"))

    assert 'data-testid="effect-panel"' in detail
    assert f'href="/promotions/{promotion.pk}/effect/"' in detail
    assert re.search(r'data-testid="figure-execution">.*?66\.7%', detail, re.S)


def test_the_page_in_chinese(world, promotion, client):
    build_facts(world, promotion)
    client.force_login(world.people.rep_sh)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(page_url(promotion))

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html(response)
    assert 'data-testid="effect-chart"' in html(response)


@pytest.mark.parametrize("n", [1, 40])
def test_the_page_takes_a_fixed_number_of_queries(world, promotion, client, django_assert_num_queries, n):
    _many_facts(world, promotion, n)
    for _ in range(min(n, 25)):  # more bookings than a page of the list
        promotion_cost_book(
            user=world.people.rep_sh,
            promotion=Promotion.objects.get(pk=promotion.pk),
            category="pop",
            amount=Decimal("1.00"),
            spent_on=TODAY,
            client_uuid=uuid.uuid4(),
        )
    executability_rate(user=world.people.rep_sh, promotion=promotion, score=4)
    PhotoFactory()
    client.force_login(world.people.rep_sh)

    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(page_url(promotion)).status_code == 200


# session, user, the user's roles and region, the menu's unread notifications, the promotion + its 4 prefetches, the
# effect (11: the regions are prefetched), the costs page (count + rows)
PAGE_QUERIES = 23


def test_each_form_posts_back_to_its_own_section_so_an_error_opens_in_view(world, client):
    ended = agreed_promotion(
        world, starts_on=TODAY - datetime.timedelta(days=20), ends_on=TODAY - datetime.timedelta(days=2)
    )
    client.force_login(world.people.rep_sh)
    sales_page = html(client.get(page_url(ended)))
    client.force_login(world.people.mkt_staff)
    marketing_page = html(client.get(page_url(ended)))

    assert f'action="/promotions/{ended.pk}/effect/costs/#costs"' in sales_page
    assert f'action="/promotions/{ended.pk}/effect/rating/#ratings"' in sales_page
    assert f'action="/promotions/{ended.pk}/effect/evaluate/#evaluate"' in marketing_page
    for anchor in ('id="costs"', 'id="ratings"', 'id="evaluate"'):
        assert anchor in sales_page + marketing_page


def test_the_rating_after_execution_uses_the_consultations_words_best_first(world, promotion, client):
    client.force_login(world.people.rep_sh)

    choices = client.get(page_url(promotion)).context["rating_form"].fields["score"].choices

    assert [(value, str(label)) for value, label in choices] == [
        (5, "5 · easy to carry out"),
        (4, "4 · workable"),
        (3, "3 · workable with effort"),
        (2, "2 · difficult"),
        (1, "1 · hardly workable"),
    ]
