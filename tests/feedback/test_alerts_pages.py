"""The alert pages: triage list (open first), detail with triage form, rules page; permissions; query counts."""

from decimal import Decimal

import pytest

from feedback.models import AlertRule
from tests.factories import PromotionFactory

from .alerts_setup import build_world, make_alert, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(regions):
    return build_world(regions)


def test_list_shows_open_alerts_first_with_badges(client, w):
    resolved = make_alert(w.regions.sh, status="resolved", brand=w.competitor, product=w.cola)
    open_ = make_alert(w.regions.sh, brand=w.competitor, product=w.cola, outlet=w.sh[0])
    acknowledged = make_alert(w.regions.bj, status="acknowledged", brand=w.competitor, product=w.cola)
    client.force_login(w.people.mkt_staff)

    response = client.get("/alerts/")

    assert response.status_code == 200
    assert [a.pk for a in response.context["page_obj"].object_list] == [open_.pk, acknowledged.pk, resolved.pk]
    html = response.content.decode()
    assert 'data-status="open"' in html
    assert "Master Kong was seen at ¥5.00 at 上海店1" in html
    assert "Alert rules" in html


def test_a_sales_manager_sees_their_subtree_and_a_rep_is_refused(client, w):
    east = make_alert(w.regions.sh)
    north = make_alert(w.regions.bj)
    client.force_login(w.people.mgr_east)

    listed = client.get("/alerts/")

    assert [a.pk for a in listed.context["page_obj"].object_list] == [east.pk]
    assert "Alert rules" not in listed.content.decode()
    assert client.get(f"/alerts/{north.pk}/").status_code == 404
    detail = client.get(f"/alerts/{east.pk}/")
    assert detail.status_code == 200
    assert 'data-testid="triage-form"' not in detail.content.decode()
    assert client.post(f"/alerts/{east.pk}/triage/", {"action": "acknowledge"}).status_code == 403

    client.force_login(w.people.rep_sh)
    assert client.get("/alerts/").status_code == 403
    assert client.get(f"/alerts/{east.pk}/").status_code == 404
    client.force_login(w.people.hr)
    assert client.get("/alerts/").status_code == 403


def test_empty_states(client, w):
    client.force_login(w.people.mkt_staff)

    empty = client.get("/alerts/").content.decode()
    filtered = client.get("/alerts/", {"status": "resolved"}).content.decode()

    assert "No alerts yet." in empty
    assert "No alert matches these filters." in filtered


def test_filters_on_the_page(client, w):
    make_alert(w.regions.sh)
    north = make_alert(w.regions.bj)
    client.force_login(w.people.mkt_staff)

    response = client.get("/alerts/", {"region": w.regions.north.pk})

    assert [a.pk for a in response.context["page_obj"].object_list] == [north.pk]
    assert client.get("/alerts/", {"date_from": "not a date"}).status_code == 200


def test_triage_through_the_detail_page(client, w):
    alert = make_alert(w.regions.sh, brand=w.competitor, product=w.cola, outlet=w.sh[0])
    client.force_login(w.people.mkt_staff)

    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="triage-form"' in page
    assert 'value="acknowledge"' in page

    acknowledged = client.post(f"/alerts/{alert.pk}/triage/", {"action": "acknowledge", "note": "On it."})
    assert acknowledged.status_code == 302
    missing_note = client.post(f"/alerts/{alert.pk}/triage/", {"action": "resolve", "note": ""})
    assert missing_note.status_code == 400
    assert "a note is required to resolve an alert" in missing_note.content.decode()
    retried = client.post(f"/alerts/{alert.pk}/triage/", {"action": "acknowledge", "note": "On it."})
    assert retried.status_code == 302  # acknowledging twice (a double click) is no error, and changes nothing
    alert.refresh_from_db()
    assert alert.note.count("On it.") == 1
    resolved = client.post(f"/alerts/{alert.pk}/triage/", {"action": "resolve", "note": "Price matched."}, follow=True)

    assert resolved.status_code == 200
    html = resolved.content.decode()
    assert "The alert is resolved." in html
    assert 'data-status="resolved"' in html
    assert 'value="acknowledge"' not in html
    assert 'value="resolve"' not in html
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_detail_links_the_promotion_only_for_readers_who_may_open_it(client, w):
    draft = PromotionFactory(title="草稿促销")  # a draft marketing proposal: marketing sees it, East's manager not
    alert = make_alert(w.regions.sh, kind="promotion_price_breach", promotion=draft, outlet=w.sh[0], details={})
    client.force_login(w.people.mkt_staff)
    assert 'data-testid="promotion-link"' in client.get(f"/alerts/{alert.pk}/").content.decode()

    client.force_login(w.people.mgr_east)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="promotion-link"' not in page
    assert "草稿促销" in page


@pytest.mark.parametrize("rows", [5, 50])
def test_list_page_query_count_is_constant(client, w, rows, django_assert_num_queries):
    for n in range(rows):
        make_alert(
            w.regions.sh,
            brand=w.competitor,
            product=w.cola,
            outlet=w.sh[n % 5],
            status="acknowledged",
            acknowledged_by=w.people.mkt_staff,
        )
    client.force_login(w.people.mkt_staff)
    client.get("/alerts/")  # warm the session

    # session, user, roles, count, the page with everything joined, the region and brand filter choices, the bell
    with django_assert_num_queries(8):
        response = client.get("/alerts/")

    assert len(response.context["page_obj"].object_list) == min(rows, 25)


# --- rules -------------------------------------------------------------------------------------------------------


def test_rules_page_is_read_only_for_marketing_staff(client, w):
    rule = AlertRule.objects.create(kind="promotion_price_breach", name="Breach")
    client.force_login(w.people.mkt_staff)

    page = client.get("/alerts/rules/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Breach" in html
    assert 'data-testid="new-rule"' not in html
    assert f"/alerts/rules/{rule.pk}/edit/" not in html
    assert client.get("/alerts/rules/new/").status_code == 403
    assert client.post("/alerts/rules/new/", {"kind": "promotion_price_breach", "name": "X"}).status_code == 403
    client.force_login(w.people.mgr_east)
    assert client.get("/alerts/rules/").status_code == 403


def test_a_marketing_manager_creates_and_edits_a_rule_through_the_forms(client, w):
    client.force_login(w.people.mkt_manager)
    assert "No alert rules yet." in client.get("/alerts/rules/").content.decode()

    invalid = client.post("/alerts/rules/new/", {"kind": "competitor_price_gap", "name": "Gap", "window_days": 7})
    assert invalid.status_code == 400
    assert "needs a threshold in per cent" in invalid.content.decode()

    created = client.post(
        "/alerts/rules/new/",
        {"kind": "competitor_price_gap", "name": "Gap", "threshold_pct": "12", "window_days": 7, "active": "on"},
    )
    assert created.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.threshold_pct, rule.active, rule.region) == (Decimal("12.0"), True, None)

    form = client.get(f"/alerts/rules/{rule.pk}/edit/")
    assert form.status_code == 200
    edited = client.post(
        f"/alerts/rules/{rule.pk}/edit/",
        {
            "kind": "pos_sales_drop",
            "name": "Gap East",
            "region": w.regions.east.pk,
            "threshold_pct": "20",
            "window_days": 7,
        },
    )
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert (rule.kind, rule.name, rule.region, rule.threshold_pct, rule.active) == (
        "competitor_price_gap",  # the kind field is disabled: posted values are ignored
        "Gap East",
        w.regions.east,
        Decimal("20.0"),
        False,
    )


def test_the_rule_form_refuses_numbers_out_of_range(client, w):
    client.force_login(w.people.mkt_manager)

    response = client.post(
        "/alerts/rules/new/",
        {
            "kind": "complaint_spike",
            "name": "Spike",
            "threshold_pct": "50",
            "min_count": "2147483648",
            "window_days": 7,
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["min_count"]
    assert 'max="10000"' in response.content.decode()
    assert not AlertRule.objects.exists()


def test_detail_links_the_report_for_readers_of_it(client, w):
    filed = report(w.people.rep_sh)
    alert = make_alert(w.regions.sh, report=filed)
    client.force_login(w.people.mgr_east)

    page = client.get(f"/alerts/{alert.pk}/").content.decode()

    assert f'href="/reports/{filed.pk}/" data-testid="report-link"' in page


# --- admin -------------------------------------------------------------------------------------------------------


def test_admin_lists_alerts_read_only_and_validates_rules(admin_client, w):
    alert = make_alert(w.regions.sh)

    assert admin_client.get("/admin/feedback/alert/").status_code == 200
    assert admin_client.get(f"/admin/feedback/alert/{alert.pk}/change/").status_code == 200
    assert admin_client.get("/admin/feedback/alert/add/").status_code == 403
    assert admin_client.get("/admin/feedback/alertrule/").status_code == 200

    refused = admin_client.post(
        "/admin/feedback/alertrule/add/",
        {"kind": "complaint_spike", "name": "Spike", "threshold_pct": "50", "window_days": 7, "active": "on"},
    )
    created = admin_client.post(
        "/admin/feedback/alertrule/add/",
        {"kind": "complaint_spike", "name": "Spike", "threshold_pct": "50", "min_count": 3, "window_days": 7},
    )

    assert refused.status_code == 200
    assert "needs a minimum count" in refused.content.decode()
    assert created.status_code == 302
    assert AlertRule.objects.get(name="Spike").min_count == 3
