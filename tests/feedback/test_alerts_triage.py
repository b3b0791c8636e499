"""Triage transitions and refusals; configuring alert rules and the default rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feedback.demo.alerts import seed_alert_rules
from feedback.models import Alert, AlertKind, AlertRule
from feedback.services.alerts import (
    ALERT_TRANSITIONS,
    alert_acknowledge,
    alert_add_note,
    alert_resolve,
    alert_rule_create,
    alert_rule_update,
    alert_rules_ensure_defaults,
)
from tests.campaigns.plan_setup import build_people

from .alerts_setup import make_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    return build_people(regions)


@pytest.fixture
def alert(regions):
    return make_alert(regions.sh)


def test_the_transition_table_is_the_documented_one():
    assert ALERT_TRANSITIONS == {
        ("open", "acknowledge"): "acknowledged",
        ("open", "resolve"): "resolved",
        ("acknowledged", "acknowledge"): "acknowledged",  # a retried request: nothing changes
        ("acknowledged", "resolve"): "resolved",
    }


def test_acknowledge_then_resolve(people, alert):
    acknowledged = alert_acknowledge(user=people.mkt_staff, alert=alert)
    alert.refresh_from_db()

    assert (acknowledged.status, alert.status, alert.acknowledged_by, alert.note) == (
        "acknowledged",
        "acknowledged",
        people.mkt_staff,
        "",
    )
    assert alert.acknowledged_at is not None
    assert alert.resolved_at is None

    alert_resolve(user=people.mkt_manager, alert=alert, note="Asked the distributor to match the price.")
    alert.refresh_from_db()

    assert (alert.status, alert.acknowledged_by, alert.resolved_by) == (
        "resolved",
        people.mkt_staff,
        people.mkt_manager,
    )
    assert alert.note.endswith("] Asked the distributor to match the price.")
    assert f" {people.mkt_manager.display_name}] " in alert.note


def test_resolving_an_open_alert_also_marks_it_acknowledged(people, alert):
    alert_resolve(user=people.mkt_staff, alert=alert, note="Handled by phone.")
    alert.refresh_from_db()

    assert (alert.status, alert.acknowledged_by, alert.resolved_by) == ("resolved", people.mkt_staff, people.mkt_staff)
    assert alert.acknowledged_at == alert.resolved_at


def test_acknowledging_again_is_idempotent(people, alert):
    """A retried acknowledgement (the mobile app lost the answer) succeeds and changes nothing; only a different
    note is still kept."""
    first = alert_acknowledge(user=people.mkt_staff, alert=alert, note="On it.")

    retried = alert_acknowledge(user=people.mkt_staff, alert=alert, note="On it.")
    by_someone_else = alert_acknowledge(user=people.mkt_manager, alert=alert)
    alert.refresh_from_db()

    assert (retried.status, by_someone_else.status) == ("acknowledged", "acknowledged")
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_at) == (
        "acknowledged",
        people.mkt_staff,
        first.acknowledged_at,
    )
    assert alert.note == first.note
    assert alert.note.endswith("] On it.")

    alert_acknowledge(user=people.mkt_manager, alert=alert, note="Calling the rep.")
    alert.refresh_from_db()
    assert [entry.split("] ", 1)[1] for entry in alert.note.split("\n\n")] == ["On it.", "Calling the rep."]
    assert (alert.acknowledged_by, alert.acknowledged_at) == (people.mkt_staff, first.acknowledged_at)


def test_illegal_transitions_are_refused_and_change_nothing(people, alert):
    alert_acknowledge(user=people.mkt_staff, alert=alert)
    alert_resolve(user=people.mkt_staff, alert=alert, note="Done.")
    for action in (
        lambda: alert_acknowledge(user=people.mkt_staff, alert=alert),
        lambda: alert_resolve(user=people.mkt_staff, alert=alert, note="Again."),
    ):
        with pytest.raises(ValidationError) as refused:
            action()
        assert refused.value.message_dict == {"status": ["This alert is already resolved."]}
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.note.count("\n\n") == 0  # only "Done."


def test_resolving_needs_a_note(people, alert):
    with pytest.raises(ValidationError) as refused:
        alert_resolve(user=people.mkt_staff, alert=alert, note="  ")

    assert refused.value.message_dict == {
        "note": ["Say what was done about it: a note is required to resolve an alert."]
    }
    alert.refresh_from_db()
    assert alert.status == "open"


def test_notes_are_added_in_any_state_as_a_log(people, alert):
    alert_add_note(user=people.mkt_staff, alert=alert, note="Checking with the rep.")
    alert_resolve(user=people.mkt_staff, alert=alert, note="Price matched.")
    alert_add_note(user=people.mkt_manager, alert=alert, note="Competitor back to list price.")
    alert.refresh_from_db()

    entries = alert.note.split("\n\n")
    assert [entry.split("] ", 1)[1] for entry in entries] == [
        "Checking with the rep.",
        "Price matched.",
        "Competitor back to list price.",
    ]
    assert alert.status == "resolved"
    with pytest.raises(ValidationError) as empty:
        alert_add_note(user=people.mkt_staff, alert=alert, note="")
    assert empty.value.message_dict == {"note": ["Write the note."]}


@pytest.mark.parametrize("role", ["rep_sh", "mgr_east", "director", "gm", "hr"])
def test_only_marketing_triages(people, alert, role):
    user = getattr(people, role)
    for action in (
        lambda: alert_acknowledge(user=user, alert=alert),
        lambda: alert_resolve(user=user, alert=alert, note="x"),
        lambda: alert_add_note(user=user, alert=alert, note="x"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    alert.refresh_from_db()
    assert (alert.status, alert.note) == ("open", "")


# --- rules -------------------------------------------------------------------------------------------------------


def test_a_marketing_manager_creates_a_rule_for_each_kind(people, regions):
    m = people.mkt_manager
    rules = [
        alert_rule_create(user=m, kind="competitor_price_gap", name="Gap", threshold_pct=Decimal("10")),
        alert_rule_create(user=m, kind="competitor_activity_spread", name="Spread", min_count=4, window_days=5),
        alert_rule_create(user=m, kind="out_of_stock_rate", name="OOS", threshold_pct=Decimal("30")),
        alert_rule_create(user=m, kind="pos_sales_drop", name="POS", threshold_pct=Decimal("50")),
        alert_rule_create(user=m, kind="complaint_spike", name="Complaints", threshold_pct=Decimal("100"), min_count=2),
        alert_rule_create(user=m, kind="promotion_price_breach", name=" Breach ", region=regions.east),
    ]

    assert [(r.kind, r.name, r.created_by) for r in rules][-1] == ("promotion_price_breach", "Breach", m)
    assert AlertRule.objects.count() == 6
    assert rules[1].window_days == 5


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": "competitor_price_gap"},
            {"threshold_pct": ["A “Competitor price below ours” rule needs a threshold in per cent."]},
        ),
        (
            {"kind": "competitor_price_gap", "threshold_pct": Decimal("100"), "min_count": 3},
            {
                "threshold_pct": ["A price gap or a sales drop is less than 100 %."],
                "min_count": ["A “Competitor price below ours” rule does not use this; leave it empty."],
            },
        ),
        (
            {"kind": "complaint_spike", "threshold_pct": Decimal("50")},
            {"min_count": ["A “Complaint spike” rule needs a minimum count."]},
        ),
        (
            {"kind": "promotion_price_breach", "threshold_pct": Decimal("5")},
            {"threshold_pct": ["A “Shelf price outside a promotion's limits” rule does not use this; leave it empty."]},
        ),
        (
            {"kind": "out_of_stock_rate", "threshold_pct": Decimal("100"), "window_days": 0},
            {
                "threshold_pct": ["An out-of-stock rate cannot exceed 100 %: enter less than 100."],
                "window_days": ["The window is 1 to 90 days."],
            },
        ),
        (
            {"kind": "competitor_activity_spread", "min_count": 10001, "window_days": 91},
            {"min_count": ["The minimum count is 1 to 10000."], "window_days": ["The window is 1 to 90 days."]},
        ),
        (
            {"kind": "complaint_spike", "min_count": 2**31, "threshold_pct": Decimal("1000.1")},
            {
                "min_count": ["The minimum count is 1 to 10000."],
                "threshold_pct": ["Enter a threshold between 0 and 1000 %."],
            },
        ),
        (
            {"kind": "nonsense", "name": ""},
            {"kind": ["Choose what the rule watches."], "name": ["Give the rule a name."]},
        ),
    ],
)
def test_rule_validation_per_kind(people, fields, errors):
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(user=people.mkt_manager, **{"name": "Rule", **fields})

    assert refused.value.message_dict == errors
    assert not AlertRule.objects.exists()


def test_rule_update_changes_the_fields_given_but_never_the_kind(people, regions):
    rule = alert_rule_create(user=people.mkt_manager, kind="pos_sales_drop", name="POS", threshold_pct=Decimal("40"))

    alert_rule_update(user=people.mkt_manager, rule=rule, threshold_pct=Decimal("30"), region=regions.north)
    rule.refresh_from_db()
    assert (rule.threshold_pct, rule.region, rule.active) == (Decimal("30.0"), regions.north, True)

    with pytest.raises(ValidationError) as kind_change:
        alert_rule_update(user=people.mkt_manager, rule=rule, kind="complaint_spike")
    assert kind_change.value.message_dict == {"kind": ["A rule's kind cannot change; create a new rule instead."]}
    with pytest.raises(ValidationError):
        alert_rule_update(user=people.mkt_manager, rule=rule, threshold_pct=None)
    rule.refresh_from_db()
    assert (rule.kind, rule.threshold_pct) == ("pos_sales_drop", Decimal("30.0"))


@pytest.mark.parametrize("role", ["mkt_staff", "mgr_east", "rep_sh", "director", "hr"])
def test_only_marketing_managers_configure_rules(people, role):
    user = getattr(people, role)
    with pytest.raises(PermissionDenied):
        alert_rule_create(user=user, kind="promotion_price_breach", name="Breach")
    rule = AlertRule.objects.create(kind="promotion_price_breach", name="Breach")
    with pytest.raises(PermissionDenied):
        alert_rule_update(user=user, rule=rule, active=False)
    rule.refresh_from_db()
    assert rule.active is True


def test_default_rules_one_per_missing_kind(db):
    AlertRule.objects.create(kind=AlertKind.POS_SALES_DROP, name="Ours", threshold_pct=Decimal("25"))

    assert alert_rules_ensure_defaults() == 5
    assert seed_alert_rules() == 0
    defaults = {r.kind: (r.threshold_pct, r.min_count, r.window_days, r.active) for r in AlertRule.objects.all()}
    assert defaults == {
        "competitor_price_gap": (Decimal("15.0"), None, 7, True),
        "competitor_activity_spread": (None, 3, 7, True),
        "out_of_stock_rate": (Decimal("20.0"), 5, 7, True),
        "pos_sales_drop": (Decimal("25.0"), None, 7, True),
        "complaint_spike": (Decimal("50.0"), 3, 7, True),
        "promotion_price_breach": (None, None, 7, True),
    }
    assert not Alert.objects.exists()
