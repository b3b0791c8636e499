"""Approval rules: the services (who, validation per field, one active rule per origin and region), the API, the
settings page and its permission matrix, the admin."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import ApprovalFlow, ApprovalRule
from approvals.services.flows import promotion_submit
from approvals.services.rules import approval_rule_create, approval_rule_deactivate, approval_rule_update
from tests.factories import UserFactory

from .flow_setup import NOW, request

pytestmark = pytest.mark.django_db

RULES = "/approvals/rules/"
API = "/api/v1/approval-rules/"


def _company_wide(origin: str) -> ApprovalRule:
    """The default rules the data migration creates (one per origin, the whole company)."""
    return ApprovalRule.objects.get(origin=origin, region=None, active=True)


def _snapshot():
    return list(ApprovalRule.objects.order_by("id").values())


# --- services ------------------------------------------------------------------------------------------------------


def test_a_marketing_manager_creates_a_rule_for_a_region(company):
    rule = approval_rule_create(
        user=company.mkt_wang,
        name="  East requests  ",
        origin="sales",
        region=company.regions.east,
        director_threshold=Decimal("30000"),
        gm_threshold=Decimal("150000"),
        review_hours=12,
    )

    rule.refresh_from_db()
    assert (rule.name, rule.origin, rule.region, rule.active, rule.updated_by) == (
        "East requests",
        "sales",
        company.regions.east,
        True,
        company.mkt_wang,
    )
    assert (rule.director_threshold, rule.gm_threshold) == (Decimal("30000.00"), Decimal("150000.00"))
    # Hours not given take the settings' defaults.
    assert (rule.consultation_hours, rule.endorsement_hours, rule.review_hours, rule.decision_hours) == (16, 8, 12, 16)


def test_an_administrator_may_change_rules_too(company):
    admin = UserFactory(is_superuser=True, is_staff=True)
    rule = approval_rule_update(user=admin, rule=_company_wide("sales"), review_hours=20)
    assert (rule.review_hours, rule.updated_by) == (20, admin)


@pytest.mark.parametrize("who", ["mkt_li", "dir_sales", "gm", "mgr_east", "rep_zhang", "hr_zhao"])
def test_only_marketing_managers_change_rules(company, who):
    user = company.user(who)
    rule = _company_wide("sales")
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        approval_rule_create(user=user, name="Mine", origin="sales", region=company.regions.east)
    with pytest.raises(PermissionDenied):
        approval_rule_update(user=user, rule=rule, review_hours=1)
    with pytest.raises(PermissionDenied):
        approval_rule_deactivate(user=user, rule=rule)

    assert _snapshot() == before


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"director_threshold": Decimal("-1")}, {"director_threshold": ["A threshold cannot be negative."]}),
        (
            {"director_threshold": Decimal("100000"), "gm_threshold": Decimal("99999.99")},
            {"gm_threshold": ["Threshold B (general manager) cannot be below threshold A (sales director)."]},
        ),
        ({"review_hours": 0}, {"review_hours": ["Enter 1 to 2000 working hours."]}),
        ({"consultation_hours": 2001}, {"consultation_hours": ["Enter 1 to 2000 working hours."]}),
        ({"name": "   "}, {"name": ["Give the rule a name."]}),
        ({"origin": "hr"}, {"origin": ["Choose marketing proposals or sales requests."]}),
    ],
)
def test_invalid_values_are_refused_field_by_field_and_nothing_is_saved(company, values, errors):
    before = _snapshot()
    arguments = {"name": "East", "origin": "sales", "region": company.regions.east, **values}

    with pytest.raises(ValidationError) as raised:
        approval_rule_create(user=company.mkt_wang, **arguments)

    assert raised.value.message_dict == errors
    assert _snapshot() == before


def test_a_second_active_rule_for_the_same_origin_and_region_is_refused_with_a_clear_message(company):
    approval_rule_create(user=company.mkt_wang, name="East A", origin="sales", region=company.regions.east)
    before = _snapshot()

    with pytest.raises(ValidationError) as same_region:
        approval_rule_create(user=company.mkt_wang, name="East B", origin="sales", region=company.regions.east)
    with pytest.raises(ValidationError) as company_wide:
        approval_rule_create(user=company.mkt_wang, name="All", origin="marketing")

    assert same_region.value.message_dict == {
        "region": ["“East A” is already the active rule for this origin in East; change or deactivate it."]
    }
    assert company_wide.value.message_dict == {
        "region": [
            "“Marketing proposals (company-wide)” is already the active company-wide rule for this origin; change "
            "or deactivate it."
        ]
    }
    assert _snapshot() == before
    # Another origin, or an inactive rule, does not collide.
    approval_rule_create(user=company.mkt_wang, name="East M", origin="marketing", region=company.regions.east)
    approval_rule_create(user=company.mkt_wang, name="Old", origin="sales", region=company.regions.east, active=False)
    assert ApprovalRule.objects.filter(region=company.regions.east).count() == 3


def test_switching_a_rule_back_on_while_another_is_active_names_the_active_field(company):
    old = approval_rule_create(
        user=company.mkt_wang, name="Old", origin="sales", region=company.regions.east, active=False
    )
    approval_rule_create(user=company.mkt_wang, name="New", origin="sales", region=company.regions.east)

    with pytest.raises(ValidationError) as raised:
        approval_rule_update(user=company.mkt_wang, rule=old, active=True)

    assert list(raised.value.message_dict) == ["active"]
    old.refresh_from_db()
    assert old.active is False


def test_an_update_changes_only_the_fields_given_and_records_who(company):
    rule = _company_wide("sales")
    other = _company_wide("marketing")
    other_before = ApprovalRule.objects.filter(pk=other.pk).values().get()

    approval_rule_update(user=company.mkt_wang, rule=rule, gm_threshold=Decimal("300000"), name="Requests")

    rule.refresh_from_db()
    assert (rule.name, rule.director_threshold, rule.gm_threshold, rule.review_hours, rule.updated_by) == (
        "Requests",
        Decimal("50000.00"),
        Decimal("300000.00"),
        24,
        company.mkt_wang,
    )
    assert ApprovalRule.objects.filter(pk=other.pk).values().get() == other_before


def test_an_update_checks_the_thresholds_against_the_stored_ones(company):
    rule = _company_wide("sales")  # A = 50000, B = 200000

    with pytest.raises(ValidationError) as raised:
        approval_rule_update(user=company.mkt_wang, rule=rule, director_threshold=Decimal("250000"))

    assert list(raised.value.message_dict) == ["gm_threshold"]
    rule.refresh_from_db()
    assert rule.director_threshold == Decimal("50000.00")


def test_deactivating_lets_a_new_company_wide_rule_in(company):
    rule = approval_rule_deactivate(user=company.mkt_wang, rule=_company_wide("sales"))
    assert (rule.active, rule.updated_by) == (False, company.mkt_wang)

    new = approval_rule_create(user=company.mkt_wang, name="Requests 2026", origin="sales")

    assert _company_wide("sales") == new


def test_a_change_routes_new_submissions_but_not_a_promotion_already_on_its_way(company):
    on_its_way = request(company, budget="60000")
    promotion_submit(user=company.rep_zhang, promotion=on_its_way, now=NOW)

    approval_rule_update(user=company.mkt_wang, rule=_company_wide("sales"), director_threshold=Decimal("70000"))
    later = request(company, budget="60000", title="Later")
    promotion_submit(user=company.rep_zhang, promotion=later, now=NOW)

    flows = {f.promotion_id: f for f in ApprovalFlow.objects.all()}
    assert flows[on_its_way.pk].director_threshold == Decimal("50000.00")
    assert flows[later.pk].director_threshold == Decimal("70000.00")
    assert on_its_way.approval_flow.steps.filter(assignee_role="sales_director").count() == 1
    assert later.approval_flow.steps.filter(assignee_role="sales_director").count() == 0


# --- API -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mkt_wang", 200),
        ("mkt_li", 200),
        ("dir_sales", 200),
        ("gm", 200),
        ("mgr_east", 403),
        ("rep_zhang", 403),
        ("hr_zhao", 403),
    ],
)
def test_the_api_lists_the_rules_to_those_they_route(api_client, company, who, status):
    api_client.force_authenticate(company.user(who))

    listing = api_client.get(API)
    one = api_client.get(f"{API}{_company_wide('sales').pk}/")

    assert (listing.status_code, one.status_code) == (status, status)
    if status == 200:
        assert [(r["origin"], r["region"], r["active"]) for r in listing.json()["results"]] == [
            ("marketing", None, True),
            ("sales", None, True),
        ]
        assert one.json()["review_hours"] == 24


def test_the_api_refuses_anonymous_users(api_client, company):
    assert api_client.get(API).status_code in (401, 403)


def test_a_manager_creates_and_changes_a_rule_over_the_api(api_client, company):
    api_client.force_authenticate(company.mkt_wang)

    created = api_client.post(
        API,
        {
            "name": "East requests",
            "origin": "sales",
            "region": company.regions.east.pk,
            "director_threshold": "30000",
            "gm_threshold": "150000",
            "review_hours": 16,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["region"]["code"], body["director_threshold"], body["review_hours"], body["updated_by"]["id"]) == (
        "EAST",
        "30000.00",
        16,
        company.mkt_wang.pk,
    )

    changed = api_client.patch(f"{API}{body['id']}/", {"active": False}, format="json")
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert ApprovalRule.objects.get(pk=body["id"]).active is False


def test_the_api_answers_invalid_input_per_field_and_saves_nothing(api_client, company):
    api_client.force_authenticate(company.mkt_wang)
    rule = _company_wide("sales")
    before = _snapshot()

    ranges = api_client.post(
        API, {"name": "X", "origin": "sales", "review_hours": 0, "director_threshold": "-5"}, format="json"
    )
    ordered = api_client.patch(f"{API}{rule.pk}/", {"gm_threshold": "100"}, format="json")
    duplicate = api_client.post(API, {"name": "Again", "origin": "sales"}, format="json")

    assert ranges.status_code == 400
    assert set(ranges.json()) >= {"review_hours", "director_threshold"}
    assert (ordered.status_code, list(ordered.json())) == (400, ["gm_threshold"])
    assert (duplicate.status_code, list(duplicate.json())) == (400, ["region"])
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["mkt_li", "dir_sales", "rep_zhang"])
def test_the_api_refuses_changes_from_anyone_but_marketing_managers(api_client, company, who):
    api_client.force_authenticate(company.user(who))
    before = _snapshot()

    created = api_client.post(API, {"name": "X", "origin": "sales", "region": company.regions.east.pk}, format="json")
    changed = api_client.patch(f"{API}{_company_wide('sales').pk}/", {"review_hours": 1}, format="json")

    assert (created.status_code, changed.status_code) == (403, 403)
    assert _snapshot() == before


def test_an_unknown_rule_is_a_404(api_client, company):
    api_client.force_authenticate(company.mkt_wang)
    assert api_client.get(f"{API}999999/").status_code == 404


def test_the_schema_documents_the_rules(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    assert set(schema["paths"]["/api/v1/approval-rules/"]) >= {"get", "post"}
    assert set(schema["paths"]["/api/v1/approval-rules/{id}/"]) >= {"get", "patch"}


# --- the settings page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "edits"),
    [
        ("mkt_wang", 200, True),
        ("mkt_li", 200, False),
        ("dir_sales", 200, False),
        ("gm", 200, False),
        ("mgr_east", 403, False),
        ("rep_zhang", 403, False),
        ("hr_zhao", 403, False),
    ],
)
def test_the_rules_page_permission_matrix(client, company, who, status, edits):
    client.force_login(company.user(who))

    response = client.get(RULES)

    assert response.status_code == status
    page = response.content.decode()
    if status == 200:
        assert 'data-testid="routing-explained"' in page
        assert "Sales requests (company-wide)" in page
        assert ('data-testid="new-rule"' in page) is edits
        assert ('data-testid="read-only"' in page) is not edits
    assert client.get(f"{RULES}new/").status_code == (200 if edits else 403)
    assert client.get(f"{RULES}{_company_wide('sales').pk}/edit/").status_code == (200 if edits else 403)


def test_the_page_lists_thresholds_and_hours(client, company):
    client.force_login(company.mkt_li)
    rule = _company_wide("sales")

    row = client.get(RULES).content.decode().split(f'data-testid="rule-{rule.pk}"')[1].split("</tr>")[0]

    assert [cell.split(">")[-1] for cell in row.split("</td>")[3:9]] == [
        "50,000",
        "200,000",
        "16",
        "8",
        "24",
        "16",
    ]


def test_a_manager_creates_a_rule_with_the_form(client, company):
    client.force_login(company.mkt_wang)
    form = {
        "name": "North proposals",
        "origin": "marketing",
        "region": company.regions.north.pk,
        "director_threshold": "40000",
        "gm_threshold": "100000",
        "consultation_hours": "8",
        "endorsement_hours": "8",
        "review_hours": "24",
        "decision_hours": "16",
        "active": "on",
    }

    response = client.post(f"{RULES}new/", form)

    assert response.status_code == 302
    rule = ApprovalRule.objects.get(name="North proposals")
    assert (rule.region, rule.gm_threshold, rule.consultation_hours, rule.updated_by) == (
        company.regions.north,
        Decimal("100000.00"),
        8,
        company.mkt_wang,
    )


def test_the_form_shows_the_services_message_on_its_field(client, company):
    client.force_login(company.mkt_wang)
    rule = _company_wide("sales")
    before = _snapshot()
    form = {
        "name": rule.name,
        "origin": "sales",
        "region": "",
        "director_threshold": "90000",
        "gm_threshold": "80000",
        "consultation_hours": "16",
        "endorsement_hours": "8",
        "review_hours": "24",
        "decision_hours": "16",
        "active": "on",
    }

    response = client.post(f"{RULES}{rule.pk}/edit/", form)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "gm_threshold": ["Threshold B (general manager) cannot be below threshold A (sales director)."]
    }
    assert _snapshot() == before


def test_a_manager_switches_a_rule_off_from_the_page(client, company):
    client.force_login(company.mkt_wang)
    rule = _company_wide("marketing")

    assert client.post(f"{RULES}{rule.pk}/deactivate/").status_code == 302

    rule.refresh_from_db()
    assert rule.active is False


def test_staff_cannot_switch_a_rule_off(client, company):
    client.force_login(company.mkt_li)
    rule = _company_wide("marketing")

    assert client.post(f"{RULES}{rule.pk}/deactivate/").status_code == 403

    rule.refresh_from_db()
    assert rule.active is True


# --- admin ---------------------------------------------------------------------------------------------------------


def test_the_admin_edits_rules_with_the_same_messages(client, company):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    rule = _company_wide("sales")
    form = {
        "name": "Second",
        "origin": "sales",
        "region": "",
        "director_threshold": "1",
        "gm_threshold": "2",
        "consultation_hours": "1",
        "endorsement_hours": "1",
        "review_hours": "1",
        "decision_hours": "1",
        "active": "on",
    }

    refused = client.post("/admin/approvals/approvalrule/add/", form)
    changed = client.post(f"/admin/approvals/approvalrule/{rule.pk}/change/", {**form, "name": "Requests"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "region": [
            "“Sales requests (company-wide)” is already the active company-wide rule for this origin; change or "
            "deactivate it."
        ]
    }
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.review_hours, rule.updated_by) == ("Requests", 1, admin)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/approvals/approvalrule/",
        "/admin/approvals/approvalflow/",
        "/admin/approvals/approvalstep/?overdue=yes",
        "/admin/approvals/approvalevent/",
        "/admin/approvals/executabilityrating/",
        "/admin/accounts/calendarday/",
        "/admin/accounts/delegation/",
        "/admin/campaigns/promotioncost/",
    ],
)
def test_the_admin_lists_open(client, url):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200


def test_the_audit_trail_is_read_only_in_the_admin(client, company):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    on_its_way = request(company)
    promotion_submit(user=company.rep_zhang, promotion=on_its_way, now=NOW)
    event = on_its_way.approval_events.first()

    assert client.get("/admin/approvals/approvalevent/add/").status_code == 403
    assert client.post(f"/admin/approvals/approvalevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/approvals/approvalevent/{event.pk}/change/", {"comment": "x"}).status_code == 403
    assert on_its_way.approval_events.filter(pk=event.pk, comment=event.comment).exists()


def test_the_rules_table_scrolls_inside_its_box_on_a_phone(client, company):
    """The table's visually hidden "Actions" header is absolutely positioned: without a positioned box around the
    table it sat at the table's far right and widened the whole page on a phone (found in a real browser)."""
    client.force_login(company.mkt_wang)

    page = client.get(RULES).content.decode()

    assert '<div class="table-wrap rules-table-wrap">' in page
    assert "css/approvals.css" in page
    css = (settings.BASE_DIR / "static" / "css" / "approvals.css").read_text()
    assert ".rules-table-wrap { position: relative; }" in css
