"""/api/v1/intel/: who sees what (ids swapped), the item's shape, marketing's actions (acknowledge, answer,
useful, follow-up) with their 400 / 403 / 404 answers, the rep's notification, and a constant query count."""

import pytest
from django.urls import reverse

from accounts.models import Notification, User
from feedback.models import IntelItem, Photo
from feedback.services.intel import ANSWER_MAX_LENGTH
from tests.factories import PhotoFactory

from .field_setup import build_field, payload
from .intel_setup import DAY, bulk_items, competitor_intel, customer_feedback, promotion_feedback

pytestmark = pytest.mark.django_db

URL = "/api/v1/intel/"


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture
def items(f):
    p = f.people
    return {
        "sh": competitor_intel(p.rep_sh, brand=f.competitor, outlet=f.outlet_sh, product=f.cola),
        "hz": customer_feedback(p.rep_hz, outlet=f.outlet_hz),
        "bj": competitor_intel(p.rep_bj, brand=f.competitor, outlet=f.outlet_bj),
    }


def as_(api_client, user):
    api_client.force_authenticate(User.objects.get(pk=user.pk))  # a fresh user: no cached roles
    return api_client


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- who sees what -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("mkt_staff", {"sh", "hz", "bj"}),
        ("mkt_manager", {"sh", "hz", "bj"}),
        ("director", {"sh", "hz", "bj"}),
        ("gm", {"sh", "hz", "bj"}),
        ("mgr_east", {"sh", "hz"}),
        ("mgr_north", {"bj"}),
        ("rep_sh", {"sh"}),
        ("rep_hz", {"hz"}),
        ("rep_bj", {"bj"}),
        ("hr", set()),
    ],
)
def test_list_and_retrieve_show_only_visible_items(api_client, f, items, role, visible):
    client = as_(api_client, getattr(f.people, role))

    listed = client.get(URL)

    assert listed.status_code == 200
    assert set(ids(listed)) == {items[name].pk for name in visible}
    for name, item in items.items():
        assert client.get(f"{URL}{item.pk}/").status_code == (200 if name in visible else 404)


def test_anonymous_gets_nothing(api_client, items):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(f"{URL}{items['sh'].pk}/").status_code in (401, 403)


@pytest.mark.parametrize("action", ["acknowledge", "answer", "useful", "follow-up"])
def test_actions_on_an_item_one_may_not_see_are_not_found(api_client, f, items, action):
    """Ids swapped: a manager, a rep and HR acting on another region's item get 404, and nothing changes."""
    body = {"answer": "x", "useful": True, "status": "done"}
    for user, name in (
        (f.people.mgr_north, "hz"),
        (f.people.rep_bj, "hz"),
        (f.people.hr, "hz"),
        (f.people.rep_sh, "bj"),
    ):
        assert as_(api_client, user).post(f"{URL}{items[name].pk}/{action}/", body, format="json").status_code == 404
    item = IntelItem.objects.get(pk=items["hz"].pk)
    assert (item.acknowledged_at, item.answer, item.useful, item.follow_up) == (None, "", None, "open")


@pytest.mark.parametrize("role", ["mgr_east", "rep_sh", "director", "gm"])
@pytest.mark.parametrize(
    ("action", "body"), [("acknowledge", {}), ("answer", {"answer": "x"}), ("useful", {"useful": True})]
)
def test_only_marketing_acknowledges_answers_and_rates(api_client, f, items, role, action, body):
    response = as_(api_client, getattr(f.people, role)).post(f"{URL}{items['sh'].pk}/{action}/", body, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only marketing acknowledges, answers and rates the field's intel."}
    item = IntelItem.objects.get(pk=items["sh"].pk)
    assert (item.acknowledged_at, item.answer, item.useful) == (None, "", None)
    assert not Notification.objects.exists()


def test_bad_input_from_a_non_marketing_user_is_still_a_403(api_client, f, items):
    response = as_(api_client, f.people.mgr_east).post(f"{URL}{items['sh'].pk}/answer/", {}, format="json")
    assert response.status_code == 403


# --- shape -------------------------------------------------------------------------------------------------------


def test_a_report_filed_through_the_api_shows_its_three_intel_lines(api_client, f):
    rep = as_(api_client, f.people.rep_sh)
    assert rep.post("/api/v1/daily-reports/", payload(f), format="json").status_code == 201

    rows = as_(api_client, f.people.mkt_staff).get(URL).json()["results"]

    assert sorted(row["section"] for row in rows) == ["competitor_intel", "customer_feedback", "promotion_feedback"]
    by_section = {row["section"]: row for row in rows}
    intel = by_section["competitor_intel"]
    assert intel["brand"] == {"id": f.competitor.pk, "name": "康师傅", "name_en": "Master Kong", "kind": "competitor"}
    assert intel["line"] == {
        "product_name": "冰红茶 500ml",
        "observed_price": "3.50",
        "activity": "price_cut",
        "activity_display": "Price cut",
        "description": "全场特价 3.5 元",
    }
    assert intel["text"] == "冰红茶 500ml 全场特价 3.5 元"
    assert by_section["customer_feedback"]["line"] == {
        "customer_type": "consumer",
        "customer_type_display": "Consumer",
        "category": "complaint",
        "category_display": "Complaint",
        "text": "瓶盖难拧开",
    }
    assert by_section["customer_feedback"]["follow_up"] == "open"
    assert by_section["promotion_feedback"]["promotion"] == {"id": f.promotion_sh.pk, "title": "上海可乐特价"}
    assert by_section["promotion_feedback"]["line"] == {
        "executed": "yes",
        "executed_display": "Yes",
        "actual_price": "4.50",
        "consumer_response": 4,
        "issues": "堆头位置偏",
    }


def test_item_shape(api_client, f, items):
    item = items["sh"]
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    reused = PhotoFactory(uploaded_by=f.people.rep_sh, reused_from=photo)
    IntelItem.objects.filter(pk=item.pk).update(photo=reused)

    row = as_(api_client, f.people.mkt_staff).get(f"{URL}{item.pk}/").json()

    item.refresh_from_db()
    assert row == {
        "id": item.pk,
        "section": "competitor_intel",
        "section_display": "Competitor intel",
        "date": DAY.isoformat(),
        "submitted_at": row["submitted_at"],
        "report": item.report_id,
        "rep": {"id": f.people.rep_sh.pk, "username": "rep.sh", "full_name": f.people.rep_sh.display_name},
        "region": {"id": f.regions.sh.pk, "code": f.regions.sh.code, "name": f.regions.sh.display_name},
        "outlet": {"id": f.outlet_sh.pk, "code": "SH-001", "name": "联华超市"},
        "brand": {"id": f.competitor.pk, "name": "康师傅", "name_en": "Master Kong", "kind": "competitor"},
        "product": {"id": f.cola.pk, "sku": "QY-COLA", "name": "清源可乐", "name_en": f.cola.name_en},
        "promotion": None,
        "text": "冰红茶 500ml 全场特价 3.5 元",
        "line": {
            "product_name": "冰红茶 500ml",
            "observed_price": "3.50",
            "activity": "price_cut",
            "activity_display": "Price cut",
            "description": "全场特价 3.5 元",
        },
        "photo": {
            "id": reused.pk,
            "url": f"http://testserver/api/v1/photos/{reused.pk}/file/",
            "thumbnail_url": f"http://testserver/api/v1/photos/{reused.pk}/thumbnail/",
            "taken_at": None,
        },
        "photo_reused": True,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "answer": "",
        "answered_at": None,
        "answered_by": None,
        "useful": None,
        "follow_up": "",
        "follow_up_display": "",
        "superseded": False,
        "can_answer": True,
        "can_follow_up": False,
    }
    assert row["submitted_at"].startswith(DAY.isoformat())


def test_photo_is_null_without_one_and_not_reused_for_a_first_upload(api_client, f, items):
    promo = promotion_feedback(
        f.people.rep_sh, promotion=f.promotion_sh, outlet=f.outlet_sh, photo=PhotoFactory(uploaded_by=f.people.rep_sh)
    )
    client = as_(api_client, f.people.mkt_staff)

    assert client.get(f"{URL}{items['sh'].pk}/").json()["photo"] is None
    assert client.get(f"{URL}{items['sh'].pk}/").json()["photo_reused"] is False
    row = client.get(f"{URL}{promo.pk}/").json()
    assert row["photo"]["id"] == promo.photo_id
    assert row["photo_reused"] is False


def test_a_managers_rows_say_they_may_not_answer(api_client, f, items):
    row = as_(api_client, f.people.mgr_east).get(f"{URL}{items['hz'].pk}/").json()
    assert (row["can_answer"], row["can_follow_up"]) == (False, False)
    row = as_(api_client, f.people.rep_hz).get(f"{URL}{items['hz'].pk}/").json()
    assert (row["can_answer"], row["can_follow_up"]) == (False, True)


def test_filters_over_the_api(api_client, f, items):
    client = as_(api_client, f.people.mkt_staff)

    assert set(ids(client.get(URL, {"region": f.regions.east.pk}))) == {items["sh"].pk, items["hz"].pk}
    assert set(ids(client.get(URL, {"section": "customer_feedback"}))) == {items["hz"].pk}
    assert set(ids(client.get(URL, {"q": "SH-001"}))) == {items["sh"].pk}
    assert set(ids(client.get(URL, {"answered": "false"}))) == {i.pk for i in items.values()}


def test_invalid_filters_are_a_400_with_a_message_per_field(api_client, f, items):
    response = as_(api_client, f.people.mkt_staff).get(URL, {"region": 999999, "date_to": "soon", "answered": "maybe"})

    assert response.status_code == 400
    assert set(response.json()) == {"region", "date_to", "answered"}


# --- acknowledge -------------------------------------------------------------------------------------------------


def test_acknowledge_is_idempotent_and_keeps_the_first_person_and_time(api_client, f, items):
    url = f"{URL}{items['sh'].pk}/acknowledge/"

    first = as_(api_client, f.people.mkt_staff).post(url)
    second = as_(api_client, f.people.mkt_manager).post(url)

    assert first.status_code == second.status_code == 200
    assert first.json()["acknowledged_by"]["username"] == "mkt.staff"
    assert second.json()["acknowledged_by"]["username"] == "mkt.staff"
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert not Notification.objects.exists()  # reading is not answering: the rep is not disturbed


# --- answer ------------------------------------------------------------------------------------------------------


def _answer(client, item, text):
    return client.post(f"{URL}{item.pk}/answer/", {"answer": text}, format="json")


def test_answering_notifies_the_rep_once_and_acknowledges(api_client, f, items):
    client = as_(api_client, f.people.mkt_staff)

    response = _answer(client, items["sh"], "  已转品牌组，下周出应对方案  ")

    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == "已转品牌组，下周出应对方案"
    assert body["answered_by"]["username"] == "mkt.staff"
    assert body["acknowledged_by"]["username"] == "mkt.staff"
    assert body["answered_at"] is not None
    assert body["acknowledged_at"] == body["answered_at"]
    notification = Notification.objects.get()
    assert notification.recipient_id == f.people.rep_sh.pk
    assert notification.kind == "intel_answer"
    assert notification.url == reverse("feedback:report_detail", args=[items["sh"].report_id])
    assert notification.url == f"/reports/{items['sh'].report_id}/"
    assert notification.key.startswith(f"intel_answer:{items['sh'].pk}:")
    assert "已转品牌组，下周出应对方案" in notification.body


def test_re_answering_with_the_same_text_notifies_nothing_new_and_a_new_text_does(api_client, f, items):
    client = as_(api_client, f.people.mkt_staff)
    first = _answer(client, items["sh"], "收到").json()

    same = as_(api_client, f.people.mkt_manager).post(
        f"{URL}{items['sh'].pk}/answer/", {"answer": "收到 "}, format="json"
    )

    assert same.status_code == 200
    assert Notification.objects.count() == 1
    # Nothing changed: the first answer's author and time stay.
    assert same.json()["answered_by"]["username"] == "mkt.staff"
    assert same.json()["answered_at"] == first["answered_at"]

    changed = _answer(as_(api_client, f.people.mkt_manager), items["sh"], "已安排促销应对")

    assert changed.json()["answer"] == "已安排促销应对"
    assert changed.json()["answered_by"]["username"] == "mkt.manager"
    assert changed.json()["acknowledged_by"]["username"] == "mkt.staff"  # the first reader stays
    assert Notification.objects.filter(recipient=f.people.rep_sh).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "answer"), ({"answer": ""}, "answer"), ({"answer": "   "}, "answer"), ({"answer": "x" * 2001}, "answer")],
)
def test_a_blank_or_too_long_answer_is_a_400_and_changes_nothing(api_client, f, items, body, field):
    response = as_(api_client, f.people.mkt_staff).post(f"{URL}{items['sh'].pk}/answer/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    item = IntelItem.objects.get(pk=items["sh"].pk)
    assert (item.answer, item.answered_at, item.acknowledged_at) == ("", None, None)
    assert not Notification.objects.exists()


def test_an_answer_of_the_maximum_length_is_accepted(api_client, f, items):
    response = _answer(as_(api_client, f.people.mkt_staff), items["sh"], "好" * ANSWER_MAX_LENGTH)
    assert response.status_code == 200


def test_the_rep_sees_the_answer_through_the_api(api_client, f, items):
    _answer(as_(api_client, f.people.mkt_staff), items["sh"], "谢谢，已跟进")

    row = as_(api_client, f.people.rep_sh).get(URL).json()["results"][0]

    assert (row["id"], row["answer"], row["answered_by"]["username"]) == (items["sh"].pk, "谢谢，已跟进", "mkt.staff")


# --- useful ------------------------------------------------------------------------------------------------------


def test_marking_useful_and_not_useful(api_client, f, items):
    client = as_(api_client, f.people.mkt_staff)
    url = f"{URL}{items['sh'].pk}/useful/"

    assert client.post(url, {"useful": True}, format="json").json()["useful"] is True
    row = client.post(url, {"useful": False}, format="json").json()

    assert row["useful"] is False
    assert row["acknowledged_by"]["username"] == "mkt.staff"  # rating it means someone read it
    assert not Notification.objects.exists()


@pytest.mark.parametrize("body", [{}, {"useful": "perhaps"}, {"useful": None}])
def test_useful_needs_true_or_false(api_client, f, items, body):
    response = as_(api_client, f.people.mkt_staff).post(f"{URL}{items['sh'].pk}/useful/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["useful"]
    assert IntelItem.objects.get(pk=items["sh"].pk).useful is None


# --- follow-up ---------------------------------------------------------------------------------------------------


def test_marketing_and_the_reporting_rep_move_a_customer_feedbacks_follow_up(api_client, f, items):
    url = f"{URL}{items['hz'].pk}/follow-up/"

    assert (
        as_(api_client, f.people.mkt_staff).post(url, {"status": "in_progress"}, format="json").json()["follow_up"]
        == "in_progress"
    )
    row = as_(api_client, f.people.rep_hz).post(url, {"status": "done"}, format="json").json()

    assert (row["follow_up"], row["follow_up_display"]) == ("done", "Followed up")


def test_a_manager_may_not_move_a_follow_up(api_client, f, items):
    response = as_(api_client, f.people.mgr_east).post(
        f"{URL}{items['hz'].pk}/follow-up/", {"status": "done"}, format="json"
    )

    assert response.status_code == 403
    assert IntelItem.objects.get(pk=items["hz"].pk).follow_up == "open"


def test_only_customer_feedback_has_a_follow_up(api_client, f, items):
    response = as_(api_client, f.people.mkt_staff).post(
        f"{URL}{items['sh'].pk}/follow-up/", {"status": "done"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"status": ["Only customer feedback has a follow-up."]}
    assert IntelItem.objects.get(pk=items["sh"].pk).follow_up == ""


@pytest.mark.parametrize("body", [{}, {"status": "closed"}])
def test_follow_up_needs_a_known_status(api_client, f, items, body):
    response = as_(api_client, f.people.mkt_staff).post(f"{URL}{items['hz'].pk}/follow-up/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


# --- queries -----------------------------------------------------------------------------------------------------

LIST_QUERY_BOUND = 5  # roles, the region filter, a manager's own region, the count, the page


def test_the_list_uses_the_same_queries_for_5_and_500_items(api_client, f, django_assert_max_num_queries):
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    reused = PhotoFactory(uploaded_by=f.people.rep_sh, reused_from=photo)
    bulk_items(f, 5, photos=[photo, reused], answered_by=f.people.mkt_staff)

    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        few = as_(api_client, f.people.mkt_staff).get(URL, {"page_size": 500, "region": f.regions.cn.pk})
    assert len(few.json()["results"]) == 5

    bulk_items(f, 495, photos=[photo, reused], answered_by=f.people.mkt_manager)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        many = as_(api_client, f.people.mkt_staff).get(URL, {"page_size": 500, "region": f.regions.cn.pk})
    rows = many.json()["results"]
    assert len(rows) == 500
    assert Photo.objects.count() == 2
    assert {row["section"] for row in rows} == {"competitor_intel", "customer_feedback", "promotion_feedback"}
    assert any(row["photo_reused"] for row in rows)
    assert any(row["answered_by"] for row in rows)


def test_a_managers_list_uses_the_same_queries_too(api_client, f, django_assert_max_num_queries):
    bulk_items(f, 5)
    with django_assert_max_num_queries(LIST_QUERY_BOUND) as few:
        as_(api_client, f.people.mgr_east).get(URL, {"page_size": 500})
    bulk_items(f, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = as_(api_client, f.people.mgr_east).get(URL, {"page_size": 500}).json()["results"]
    assert {row["region"]["code"] for row in rows} <= {f.regions.sh.code, f.regions.hz.code}


def test_the_schema_documents_the_feed(api_client, f):
    schema = as_(api_client, f.people.mkt_staff).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    assert {
        "/api/v1/intel/",
        "/api/v1/intel/{id}/",
        "/api/v1/intel/{id}/answer/",
        "/api/v1/intel/{id}/follow-up/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/intel/"]["get"]["parameters"]}
    assert {"region", "section", "brand", "product", "outlet", "q", "date_from", "date_to", "answered"} <= parameters


def test_the_notification_is_written_for_the_rep(api_client, f, items):
    """rep_hz reads English: the title names the section and the day, the body who answered and what."""
    _answer(as_(api_client, f.people.mkt_staff), items["hz"], "我们会联系经销商")

    notification = Notification.objects.get(recipient=f.people.rep_hz)

    assert notification.title == "Marketing answered your customer feedback of 2025-03-05"
    assert notification.body == f"{f.people.mkt_staff.display_name} answered: 我们会联系经销商"
