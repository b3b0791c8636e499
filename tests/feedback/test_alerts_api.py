"""/api/v1/alerts/ and /api/v1/alert-rules/: who sees and does what (ids swapped), filters, query counts."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import User
from feedback.models import Alert, AlertKind, AlertRule

from .alerts_setup import DAY, build_world, make_alert

pytestmark = pytest.mark.django_db

URL = "/api/v1/alerts/"
RULES = "/api/v1/alert-rules/"


@pytest.fixture
def w(regions):
    return build_world(regions)


@pytest.fixture
def alerts(w):
    """An alert in Shanghai (East) and one in Beijing (North)."""
    return {
        "sh": make_alert(w.regions.sh, brand=w.competitor, product=w.cola, outlet=w.sh[0]),
        "bj": make_alert(w.regions.bj, brand=w.other_competitor, product=w.cola, outlet=w.bj),
    }


def as_(api_client, user):
    api_client.force_authenticate(User.objects.get(pk=user.pk))
    return api_client


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("mkt_staff", {"sh", "bj"}),
        ("mkt_manager", {"sh", "bj"}),
        ("director", {"sh", "bj"}),
        ("gm", {"sh", "bj"}),
        ("mgr_east", {"sh"}),
        ("mgr_north", {"bj"}),
        ("rep_sh", set()),
        ("hr", set()),
    ],
)
def test_list_and_retrieve_show_only_visible_alerts(api_client, w, alerts, role, visible):
    client = as_(api_client, getattr(w.people, role))

    listed = client.get(URL)

    assert listed.status_code == 200
    assert set(ids(listed)) == {alerts[name].pk for name in visible}
    for name, alert in alerts.items():
        assert client.get(f"{URL}{alert.pk}/").status_code == (200 if name in visible else 404)


def test_list_item_and_detail_shapes(api_client, w, alerts):
    client = as_(api_client, w.people.mkt_staff)

    row = client.get(URL).json()["results"][1]
    detail = client.get(f"{URL}{alerts['sh'].pk}/").json()

    assert row == {
        "id": alerts["sh"].pk,
        "kind": "competitor_price_gap",
        "kind_display": "Competitor price below ours",
        "status": "open",
        "status_display": "Open",
        "title": "Competitor price below ours · Master Kong vs. Qingyuan Cola",
        "summary": (
            "Master Kong was seen at ¥5.00 at 上海店1, 50% below our Qingyuan Cola at ¥10.00 (the rule's limit is 15%)."
        ),
        "date": "2025-03-05",
        "region": {"id": w.regions.sh.pk, "code": "SH", "name": "Shanghai"},
        "brand": {"id": w.competitor.pk, "name": "康师傅", "name_en": "Master Kong", "kind": "competitor"},
        "product": {"id": w.cola.pk, "sku": "QY-COLA", "name": "清源可乐", "name_en": "Qingyuan Cola"},
        "outlet": {"id": w.sh[0].pk, "code": "SH-1", "name": "上海店1"},
        "promotion": None,
        "rule": {"id": alerts["sh"].rule_id, "name": "Rule competitor_price_gap"},
        "created_at": row["created_at"],
    }
    assert {k: detail[k] for k in ("details", "report", "acknowledged_by", "resolved_by", "note", "can_triage")} == {
        "details": {"observed_price": "5.00", "list_price": "10.00", "gap_pct": "50.0", "threshold_pct": "15.0"},
        "report": None,
        "acknowledged_by": None,
        "resolved_by": None,
        "note": "",
        "can_triage": True,
    }


def test_titles_follow_the_readers_language(api_client, w, alerts):
    reader = w.people.mkt_staff
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    client = as_(api_client, reader)

    row = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][1]

    assert "康师傅" in row["title"]
    assert "清源可乐" in row["title"]


def test_triage_over_the_api(api_client, w, alerts):
    client = as_(api_client, w.people.mkt_staff)
    sh = alerts["sh"].pk

    acknowledged = client.post(f"{URL}{sh}/acknowledge/", {"note": "Looking into it."}, format="json")
    again = client.post(f"{URL}{sh}/acknowledge/", {}, format="json")
    no_note = client.post(f"{URL}{sh}/resolve/", {}, format="json")
    resolved = client.post(f"{URL}{sh}/resolve/", {"note": "Matched the price."}, format="json")
    noted = client.post(f"{URL}{sh}/note/", {"note": "Still low a week later."}, format="json")

    assert acknowledged.status_code == 200
    assert acknowledged.json()["status"] == "acknowledged"
    assert acknowledged.json()["acknowledged_by"]["id"] == w.people.mkt_staff.pk
    assert again.status_code == 200  # a retry: the same answer, nothing changed
    assert again.json() == acknowledged.json()
    assert no_note.status_code == 400
    assert no_note.json() == {"note": ["This field is required."]}
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert noted.status_code == 200
    assert [line.split("] ", 1)[1] for line in noted.json()["note"].split("\n\n")] == [
        "Looking into it.",
        "Matched the price.",
        "Still low a week later.",
    ]


@pytest.mark.parametrize(
    ("role", "sh_status", "bj_status"),
    [
        ("mgr_east", 403, 404),  # sees East's alert, may not triage it; Beijing's is not there for them
        ("mgr_north", 404, 403),
        ("director", 403, 403),
        ("rep_sh", 404, 404),
        ("hr", 404, 404),
    ],
)
def test_triage_refusals_with_ids_swapped(api_client, w, alerts, role, sh_status, bj_status):
    client = as_(api_client, getattr(w.people, role))

    for name, expected in (("sh", sh_status), ("bj", bj_status)):
        pk = alerts[name].pk
        assert client.post(f"{URL}{pk}/acknowledge/", {}, format="json").status_code == expected
        assert client.post(f"{URL}{pk}/resolve/", {"note": "x"}, format="json").status_code == expected
        assert client.post(f"{URL}{pk}/note/", {"note": "x"}, format="json").status_code == expected
        # An empty body is refused for the role (403) or the visibility (404) before it is read (not a 400).
        assert client.post(f"{URL}{pk}/resolve/", {}, format="json").status_code == expected
        assert client.post(f"{URL}{pk}/note/", {}, format="json").status_code == expected
        assert client.post(f"{URL}{pk}/acknowledge/", {"note": "x" * 5000}, format="json").status_code == expected
    assert set(Alert.objects.values_list("status", "note")) == {("open", "")}


def test_filters(api_client, w, alerts):
    old = make_alert(w.regions.hz, kind=AlertKind.OUT_OF_STOCK_RATE, day=DAY - datetime.timedelta(days=10))
    resolved = make_alert(w.regions.sh, status="resolved", brand=w.competitor)
    client = as_(api_client, w.people.mkt_staff)

    def get(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return set(ids(response))

    assert get(region=w.regions.east.pk) == {alerts["sh"].pk, old.pk, resolved.pk}
    assert get(status="open") == {alerts["sh"].pk, alerts["bj"].pk, old.pk}
    assert get(status=["resolved", "acknowledged"]) == {resolved.pk}
    assert get(kind="out_of_stock_rate") == {old.pk}
    assert get(brand=w.competitor.pk) == {alerts["sh"].pk, resolved.pk}
    assert get(date_to=(DAY - datetime.timedelta(days=1)).isoformat()) == {old.pk}
    assert get(date_from=DAY.isoformat(), region=w.regions.north.pk) == {alerts["bj"].pk}
    bad = client.get(URL, {"status": "nope", "date_from": "yesterday"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"status", "date_from"}


def test_list_is_newest_first(api_client, w, alerts):
    newer = make_alert(w.regions.sh)
    assert ids(as_(api_client, w.people.mkt_staff).get(URL)) == [newer.pk, alerts["bj"].pk, alerts["sh"].pk]


@pytest.mark.parametrize("rows", [5, 500])
def test_list_query_count_is_constant(api_client, w, rows, django_assert_num_queries):
    for n in range(rows):
        make_alert(
            w.regions.sh if n % 2 else w.regions.hz,
            brand=w.competitor,
            product=w.cola,
            outlet=w.sh[n % 5],
            acknowledged_by=w.people.mkt_staff,
        )
    client = as_(api_client, w.people.mgr_east)  # a fresh user object: nothing cached

    # the user's roles, the user's region (visibility), the count, the page with everything joined
    with django_assert_num_queries(4):
        response = client.get(URL, {"page_size": 500})

    assert response.json()["count"] == rows
    assert len(response.json()["results"]) == rows


# --- rules -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("mkt_staff", 200), ("mkt_manager", 200), ("mgr_east", 403), ("rep_sh", 403), ("hr", 403), ("gm", 403)],
)
def test_rules_are_read_by_marketing(api_client, w, role, status):
    rule = AlertRule.objects.create(kind="promotion_price_breach", name="Breach", region=w.regions.east)
    client = as_(api_client, getattr(w.people, role))

    listed = client.get(RULES)
    one = client.get(f"{RULES}{rule.pk}/")

    assert (listed.status_code, one.status_code) == (status, status)
    if status == 200:
        assert one.json() == {
            "id": rule.pk,
            "kind": "promotion_price_breach",
            "kind_display": "Shelf price outside a promotion's limits",
            "name": "Breach",
            "region": {"id": w.regions.east.pk, "code": "EAST", "name": "East"},
            "threshold_pct": None,
            "min_count": None,
            "window_days": 7,
            "active": True,
            "created_by": None,
            "updated_at": one.json()["updated_at"],
        }
        assert client.get(f"{RULES}999999/").status_code == 404


def test_a_marketing_manager_creates_and_changes_rules(api_client, w):
    client = as_(api_client, w.people.mkt_manager)

    created = client.post(
        RULES, {"kind": "competitor_price_gap", "name": "Gap 10%", "threshold_pct": "10"}, format="json"
    )
    invalid = client.post(RULES, {"kind": "complaint_spike", "name": "Spike", "min_count": 0}, format="json")
    pk = created.json()["id"]
    patched = client.patch(f"{RULES}{pk}/", {"threshold_pct": "12.5", "active": False}, format="json")
    kind_change = client.patch(f"{RULES}{pk}/", {"kind": "pos_sales_drop"}, format="json")

    assert created.status_code == 201
    assert created.json()["created_by"]["id"] == w.people.mkt_manager.pk
    assert invalid.status_code == 400
    assert invalid.json() == {"min_count": ["The minimum count is 1 to 10000."]}  # the range, before the kind's needs
    assert patched.status_code == 200
    assert (patched.json()["threshold_pct"], patched.json()["active"]) == ("12.5", False)
    assert kind_change.status_code == 400
    rule = AlertRule.objects.get()
    assert (rule.kind, rule.threshold_pct, rule.active) == ("competitor_price_gap", Decimal("12.5"), False)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "competitor_activity_spread", "min_count": 10**20}, "min_count"),
        ({"kind": "competitor_activity_spread", "min_count": 1e20}, "min_count"),
        ({"kind": "competitor_activity_spread", "min_count": 2147483648}, "min_count"),  # past PostgreSQL's int4
        ({"kind": "competitor_activity_spread", "min_count": 10001}, "min_count"),
        ({"kind": "competitor_activity_spread", "min_count": 0}, "min_count"),
        ({"kind": "competitor_activity_spread", "min_count": 3, "window_days": 91}, "window_days"),
        ({"kind": "competitor_activity_spread", "min_count": 3, "window_days": 0}, "window_days"),
        ({"kind": "competitor_activity_spread", "min_count": 3, "window_days": 10**20}, "window_days"),
        ({"kind": "complaint_spike", "min_count": 3, "threshold_pct": "1000.1"}, "threshold_pct"),
        ({"kind": "complaint_spike", "min_count": 3, "threshold_pct": "-0.5"}, "threshold_pct"),
    ],
)
def test_rule_numbers_out_of_range_are_a_400(api_client, w, fields, field):
    client = as_(api_client, w.people.mkt_manager)
    threshold = Decimal("50") if fields["kind"] == "complaint_spike" else None
    rule = AlertRule.objects.create(kind=fields["kind"], name="Existing", min_count=3, threshold_pct=threshold)

    created = client.post(RULES, {"name": "Rule", **fields}, format="json")
    patched = client.patch(f"{RULES}{rule.pk}/", {field: fields[field]}, format="json")

    assert created.status_code == 400
    assert list(created.json()) == [field]
    assert patched.status_code == 400
    assert list(patched.json()) == [field]
    assert AlertRule.objects.get().pk == rule.pk
    rule.refresh_from_db()
    assert (rule.min_count, rule.window_days, rule.threshold_pct) == (3, 7, threshold)


def test_rule_numbers_at_their_limits_are_accepted(api_client, w):
    client = as_(api_client, w.people.mkt_manager)

    created = client.post(
        RULES,
        {"kind": "complaint_spike", "name": "Wide", "min_count": 10000, "window_days": 90, "threshold_pct": "1000"},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert (created.json()["min_count"], created.json()["window_days"], created.json()["threshold_pct"]) == (
        10000,
        90,
        "1000.0",
    )


def test_marketing_staff_may_not_change_rules(api_client, w):
    rule = AlertRule.objects.create(kind="promotion_price_breach", name="Breach")
    client = as_(api_client, w.people.mkt_staff)

    assert client.post(RULES, {"kind": "promotion_price_breach", "name": "X"}, format="json").status_code == 403
    assert client.patch(f"{RULES}{rule.pk}/", {"active": False}, format="json").status_code == 403
    assert AlertRule.objects.get().active is True
