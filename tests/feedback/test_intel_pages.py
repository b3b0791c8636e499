"""The intel feed page, through real requests and form posts: who opens it, filters, cards with photos, the
answer / acknowledge / useful / follow-up forms (with and without the script), and a constant query count."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Notification, User
from feedback.models import IntelItem
from tests.factories import PhotoFactory

from .field_setup import build_field, payload
from .intel_setup import bulk_items, competitor_intel, customer_feedback

pytestmark = pytest.mark.django_db

FEED = "/intel/"
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture
def items(f):
    p = f.people
    return {
        "sh": competitor_intel(p.rep_sh, brand=f.competitor, outlet=f.outlet_sh, product=f.cola),
        "hz": customer_feedback(p.rep_hz, text="包装漏液", outlet=f.outlet_hz),
        "bj": competitor_intel(p.rep_bj, brand=f.competitor, outlet=f.outlet_bj, description="买二送一"),
    }


def login(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def cards(response) -> set[int]:
    return {item.pk for item in response.context["page_obj"].object_list}


def test_url_names():
    assert reverse("feedback:intel_feed") == FEED
    assert reverse("feedback:intel_answer", args=[7]) == "/intel/7/answer/"
    assert reverse("feedback:intel_acknowledge", args=[7]) == "/intel/7/acknowledge/"
    assert reverse("feedback:intel_useful", args=[7]) == "/intel/7/useful/"
    assert reverse("feedback:intel_follow_up", args=[7]) == "/intel/7/follow-up/"


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(FEED)["Location"] == f"/accounts/login/?next={FEED}"


@pytest.mark.parametrize("role", ["rep_sh", "hr"])
def test_reps_and_hr_do_not_open_the_feed_and_are_told_why(client, f, items, role):
    response = login(client, getattr(f.people, role)).get(FEED)

    assert response.status_code == 403
    assert "The intel feed is for marketing, sales managers and the management." in response.content.decode()


def test_marketing_sees_every_item_with_the_forms(client, f, items):
    response = login(client, f.people.mkt_staff).get(FEED)

    assert response.status_code == 200
    assert cards(response) == {i.pk for i in items.values()}
    html = response.content.decode()
    assert 'data-testid="intel-filters"' in html
    assert html.count('class="intel-answer-form"') == 3
    assert html.count(reverse("feedback:intel_acknowledge", args=[items["sh"].pk])) == 1
    assert reverse("feedback:intel_follow_up", args=[items["hz"].pk]) in html  # customer feedback only
    assert reverse("feedback:intel_follow_up", args=[items["sh"].pk]) not in html
    assert "全场特价 3.5 元" in html
    assert "包装漏液" in html


def test_a_sales_manager_sees_their_region_read_only(client, f, items):
    response = login(client, f.people.mgr_east).get(FEED)

    assert response.status_code == 200
    assert cards(response) == {items["sh"].pk, items["hz"].pk}
    html = response.content.decode()
    assert 'class="intel-answer-form"' not in html
    assert "/acknowledge/" not in html
    assert "/follow-up/" not in html
    assert "This view is read-only." in html


def test_a_sales_manager_of_another_region_sees_only_theirs(client, f, items):
    assert cards(login(client, f.people.mgr_north).get(FEED)) == {items["bj"].pk}


def test_the_filters_narrow_the_feed_and_stay_selected(client, f, items):
    client = login(client, f.people.mkt_staff)

    east = client.get(FEED, {"region": f.regions.east.pk})
    text = client.get(FEED, {"q": "买二送一"})
    section = client.get(FEED, {"section": "customer_feedback"})
    outlet = client.get(FEED, {"outlet": f.outlet_sh.pk, "brand": f.competitor.pk, "product": f.cola.pk})

    assert cards(east) == {items["sh"].pk, items["hz"].pk}
    assert f'<option value="{f.regions.east.pk}" selected>' in east.content.decode()
    assert cards(text) == {items["bj"].pk}
    assert 'value="买二送一"' in text.content.decode()
    assert cards(section) == {items["hz"].pk}
    assert cards(outlet) == {items["sh"].pk}


def test_unanswered_only(client, f, items):
    IntelItem.objects.filter(pk=items["sh"].pk).update(answer="收到", answered_at=items["sh"].submitted_at)

    response = login(client, f.people.mkt_staff).get(FEED, {"answered": "false"})

    assert cards(response) == {items["hz"].pk, items["bj"].pk}
    assert 'name="answered" value="false" checked' in response.content.decode()


def test_invalid_filters_show_their_messages_over_an_empty_list(client, f, items):
    response = login(client, f.people.mkt_staff).get(FEED, {"date_from": "soon"})

    assert response.status_code == 200
    assert cards(response) == set()
    assert "Enter a valid date." in response.content.decode()


def test_the_empty_state_explains_what_will_show_up(client, f):
    html = login(client, f.people.mkt_staff).get(FEED).content.decode()

    assert 'data-testid="intel-empty"' in html
    assert "When a rep submits their daily report" in html


def test_a_filtered_empty_feed_offers_to_clear_the_filters(client, f, items):
    html = login(client, f.people.mkt_staff).get(FEED, {"q": "no such words"}).content.decode()

    assert "Nothing matches these filters." in html


def test_cards_show_the_photo_and_warn_about_a_reused_one(client, f, items):
    first = PhotoFactory(uploaded_by=f.people.rep_sh)
    reused = PhotoFactory(uploaded_by=f.people.rep_sh, reused_from=first)
    IntelItem.objects.filter(pk=items["sh"].pk).update(photo=reused)
    IntelItem.objects.filter(pk=items["bj"].pk).update(photo=first)

    html = login(client, f.people.mkt_staff).get(FEED).content.decode()

    assert reverse("feedback:photo_thumbnail", args=[reused.pk]) in html
    assert reverse("feedback:photo_thumbnail", args=[first.pk]) in html
    assert html.count('data-testid="photo-reused"') == 1


# --- the forms ---------------------------------------------------------------------------------------------------


def test_the_answer_form_posts_notifies_and_comes_back_with_the_filters(client, f, items):
    client = login(client, f.people.mkt_staff)
    page = client.get(FEED, {"region": f.regions.east.pk, "q": "特价"})
    assert cards(page) == {items["sh"].pk}
    back = page.context["back"]

    response = client.post(
        reverse("feedback:intel_answer", args=[items["sh"].pk]), {"answer": "已转品牌组", "back": back}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{FEED}?{back}#intel-{items['sh'].pk}"
    assert f"region={f.regions.east.pk}" in back
    item = IntelItem.objects.get(pk=items["sh"].pk)
    assert (item.answer, item.answered_by_id, item.acknowledged_by_id) == (
        "已转品牌组",
        f.people.mkt_staff.pk,
        f.people.mkt_staff.pk,
    )
    notification = Notification.objects.get()
    assert notification.recipient_id == f.people.rep_sh.pk
    followed = client.get(response["Location"])
    assert "已转品牌组" in followed.content.decode()
    assert "Update answer" in followed.content.decode()


def test_the_back_parameter_keeps_only_the_feeds_own_filters(client, f, items):
    response = login(client, f.people.mkt_staff).post(
        reverse("feedback:intel_answer", args=[items["sh"].pk]),
        {"answer": "好", "back": "section=competitor_intel&next=https://evil.example/&page=2&q="},
    )

    assert response["Location"] == f"{FEED}?section=competitor_intel&page=2#intel-{items['sh'].pk}"


def test_a_blank_answer_comes_back_with_a_message_and_saves_nothing(client, f, items):
    client = login(client, f.people.mkt_staff)

    response = client.post(reverse("feedback:intel_answer", args=[items["sh"].pk]), {"answer": "  "}, follow=True)

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert IntelItem.objects.get(pk=items["sh"].pk).answered_at is None
    assert not Notification.objects.exists()


def test_the_script_gets_the_fresh_card_back(client, f, items):
    client = login(client, f.people.mkt_staff)

    response = client.post(
        reverse("feedback:intel_answer", args=[items["sh"].pk]), {"answer": "收到，谢谢", "back": ""}, **FETCH
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="intel-card section-competitor_intel" id="intel-{items["sh"].pk}"')
    assert "收到，谢谢" in html
    assert "<html" not in html


def test_the_script_gets_the_card_with_the_error_on_bad_input(client, f, items):
    response = login(client, f.people.mkt_staff).post(
        reverse("feedback:intel_answer", args=[items["sh"].pk]), {"answer": "x" * 2001}, **FETCH
    )

    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()
    assert IntelItem.objects.get(pk=items["sh"].pk).answer == ""


def test_acknowledge_and_rate_from_the_page(client, f, items):
    client = login(client, f.people.mkt_manager)
    pk = items["bj"].pk

    assert client.post(reverse("feedback:intel_acknowledge", args=[pk]), {"back": "region=1"}).status_code == 302
    assert client.post(reverse("feedback:intel_useful", args=[pk]), {"useful": "false"}).status_code == 302

    item = IntelItem.objects.get(pk=pk)
    assert (item.acknowledged_by_id, item.useful) == (f.people.mkt_manager.pk, False)
    html = client.get(FEED).content.decode()
    assert "Marked not useful" in html
    assert reverse("feedback:intel_acknowledge", args=[pk]) not in html  # already acknowledged


def test_follow_up_from_the_page(client, f, items):
    client = login(client, f.people.mkt_staff)

    response = client.post(reverse("feedback:intel_follow_up", args=[items["hz"].pk]), {"status": "in_progress"})
    wrong = client.post(reverse("feedback:intel_follow_up", args=[items["sh"].pk]), {"status": "done"}, follow=True)

    assert response.status_code == 302
    assert IntelItem.objects.get(pk=items["hz"].pk).follow_up == "in_progress"
    assert "Only customer feedback has a follow-up." in wrong.content.decode()
    assert IntelItem.objects.get(pk=items["sh"].pk).follow_up == ""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("feedback:intel_answer", {"answer": "x"}),
        ("feedback:intel_acknowledge", {}),
        ("feedback:intel_useful", {"useful": "true"}),
        ("feedback:intel_follow_up", {"status": "done"}),
    ],
)
def test_posts_by_a_manager_are_403_and_on_invisible_items_404(client, f, items, name, data):
    client = login(client, f.people.mgr_east)

    assert client.post(reverse(name, args=[items["hz"].pk]), data).status_code == 403
    assert client.post(reverse(name, args=[items["bj"].pk]), data).status_code == 404
    item = IntelItem.objects.get(pk=items["hz"].pk)
    assert (item.answer, item.acknowledged_at, item.useful, item.follow_up) == ("", None, None, "open")


def test_the_forms_only_accept_posts(client, f, items):
    client = login(client, f.people.mkt_staff)
    assert client.get(reverse("feedback:intel_answer", args=[items["sh"].pk])).status_code == 405


# --- queries -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mkt_staff", "mgr_east"])
def test_the_page_uses_the_same_queries_for_5_and_many_items(client, f, role, django_assert_max_num_queries):
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    bulk_items(f, 5, photos=[photo], answered_by=f.people.mkt_staff)
    client = login(client, getattr(f.people, role))
    with django_assert_max_num_queries(20) as few:
        client.get(FEED, {"region": f.regions.cn.pk})
    bulk_items(f, 60, photos=[photo], answered_by=f.people.mkt_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(FEED, {"region": f.regions.cn.pk})
    assert len(response.context["page_obj"]) == 25


def test_the_admin_lists_items_read_only(client, f, items):
    admin = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)

    listing = client.get("/admin/feedback/intelitem/")
    detail = client.get(f"/admin/feedback/intelitem/{items['sh'].pk}/change/")

    assert listing.status_code == 200
    assert "rep.sh" in listing.content.decode()
    assert detail.status_code == 200
    assert client.get("/admin/feedback/intelitem/add/").status_code == 403


def test_a_managers_region_choices_are_their_subtree(client, f, items):
    response = login(client, f.people.mgr_east).get(FEED)

    assert {r.pk for r in response.context["regions"]} == {f.regions.east.pk, f.regions.sh.pk, f.regions.hz.pk}
    assert {o.pk for o in response.context["outlets"]} == {f.outlet_sh.pk, f.outlet_sh2.pk, f.outlet_hz.pk}


def test_the_loop_closes_the_rep_reads_the_answer_on_their_report(client, f):
    """rep_sh files through the API, marketing answers in the feed, the rep opens the notification's link."""
    api = APIClient()
    api.force_authenticate(f.people.rep_sh)
    assert api.post("/api/v1/daily-reports/", payload(f), format="json").status_code == 201
    item = IntelItem.objects.get(section="competitor_intel")

    login(client, f.people.mkt_staff).post(reverse("feedback:intel_answer", args=[item.pk]), {"answer": "已通知品牌组"})

    notification = Notification.objects.get(recipient=f.people.rep_sh, kind="intel_answer")
    page = login(client, f.people.rep_sh).get(notification.url)
    assert page.status_code == 200
    assert "已通知品牌组" in page.content.decode()
