"""Alert evaluation: each rule kind raises exactly when it should, once per facts, from current submitted lines."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from campaigns.models import PromotionStatus
from feedback import tasks
from feedback.models import Alert, AlertKind
from feedback.services.alerts import alerts_evaluate_for_report, alerts_sweep
from tests.factories import PromotionFactory
from tests.factories.feedback import (
    CompetitorIntelLineFactory,
    CustomerFeedbackLineFactory,
    MerchandisingLineFactory,
    PosSalesLineFactory,
    PromotionFeedbackLineFactory,
)

from .alerts_setup import DAY, build_world, report, rule, supersede

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(regions):
    return build_world(regions)


def evaluate(r) -> list[Alert]:
    return alerts_evaluate_for_report(report_id=r.pk)


def days_before(n: int) -> datetime.date:
    return DAY - datetime.timedelta(days=n)


# --- competitor price gap ----------------------------------------------------------------------------------------


def price_cut(w, price: str, *, rep=None, day=DAY, outlet=None, product=None):
    r = report(rep or w.people.rep_sh, day)
    return CompetitorIntelLineFactory(
        report=r,
        brand=w.competitor,
        product=product or w.cola,
        observed_price=Decimal(price),
        outlet=outlet or w.sh[0],
    )


def test_price_gap_raises_below_the_threshold_only(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)  # 15 %: below 8.50 against our 10.00
    at_limit = price_cut(w, "8.50")
    below = price_cut(w, "8.49", outlet=w.sh[1])

    raised = evaluate(at_limit.report)

    assert [a.outlet for a in raised] == [w.sh[1]]
    alert = raised[0]
    assert (alert.kind, alert.status, alert.region, alert.date, alert.report) == (
        AlertKind.COMPETITOR_PRICE_GAP,
        "open",
        w.regions.sh,
        DAY,
        below.report,
    )
    assert (alert.brand, alert.product) == (w.competitor, w.cola)
    assert alert.details == {
        "observed_price": "8.49",
        "list_price": "10.00",
        "gap_pct": "15.1",
        "threshold_pct": "15.0",
        "their_product": "冰红茶 500ml",
        "activity": "price_cut",
        "line_id": below.pk,
    }
    assert alert.title == "Competitor price below ours · Master Kong vs. Qingyuan Cola"


def test_lines_without_a_price_or_our_product_raise_nothing(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    r = report(w.people.rep_sh)
    CompetitorIntelLineFactory(report=r, brand=w.competitor, product=None, observed_price=Decimal("1.00"))
    CompetitorIntelLineFactory(report=r, brand=w.competitor, product=w.cola, observed_price=None)

    assert evaluate(r) == []


def test_the_same_facts_raise_once_even_reported_again_another_day_of_the_week(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    first = price_cut(w, "7.00")

    assert len(evaluate(first.report)) == 1
    assert evaluate(first.report) == []
    again = price_cut(w, "7.00", day=DAY + datetime.timedelta(days=1))  # Thursday of the same week
    assert evaluate(again.report) == []
    deeper = price_cut(w, "6.50", day=DAY + datetime.timedelta(days=1))
    assert [a.details["observed_price"] for a in evaluate(deeper.report)] == ["6.50"]
    assert Alert.objects.count() == 2


def test_the_same_cut_alerts_each_region_and_again_in_a_later_week(w):
    """The fingerprint names the report's region and ISO week: the same cut reported in Beijing (no outlet) still
    alerts North after Shanghai reported it, and the same cut months later alerts again."""
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    lines = [
        CompetitorIntelLineFactory(
            report=report(rep, day), brand=w.competitor, product=w.cola, observed_price=Decimal("7.00"), outlet=None
        )
        for rep, day in (
            (w.people.rep_sh, DAY),
            (w.people.rep_bj, DAY),
            (w.people.rep_sh, DAY + datetime.timedelta(days=2)),  # Friday: the same week
            (w.people.rep_sh, DAY + datetime.timedelta(days=90)),
        )
    ]

    raised = [[a.fingerprint for a in evaluate(line.report)] for line in lines]

    same = f"{w.competitor.pk}:{w.cola.pk}:-:7.00"
    assert raised == [
        [f"{same}:{w.regions.sh.pk}:2025-W10"],
        [f"{same}:{w.regions.bj.pk}:2025-W10"],
        [],
        [f"{same}:{w.regions.sh.pk}:2025-W23"],
    ]
    assert Alert.objects.filter(region=w.regions.bj).count() == 1


def test_draft_reports_and_superseded_lines_are_ignored(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    draft = report(w.people.rep_sh, submitted=False)
    CompetitorIntelLineFactory(report=draft, brand=w.competitor, product=w.cola, observed_price=Decimal("5.00"))
    replaced = price_cut(w, "5.00", rep=w.people.rep_hz)
    supersede(replaced)

    assert evaluate(draft) == []
    assert evaluate(replaced.report) == []
    assert not Alert.objects.exists()


def test_rules_apply_in_their_region_scope_and_only_when_active(w):
    north = rule(AlertKind.COMPETITOR_PRICE_GAP, region=w.regions.north)
    east = rule(AlertKind.COMPETITOR_PRICE_GAP, region=w.regions.east)
    rule(AlertKind.COMPETITOR_PRICE_GAP, active=False)
    line = price_cut(w, "5.00")

    raised = evaluate(line.report)

    assert [a.rule for a in raised] == [east]
    assert not north.alerts.exists()


def test_marketing_is_notified_once_per_alert(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    p = w.people
    p.mkt_manager.is_active = False
    p.mkt_manager.save(update_fields=["is_active"])
    line = price_cut(w, "5.00")

    [alert] = evaluate(line.report)
    evaluate(line.report)

    notes = Notification.objects.filter(key=f"alert:{alert.pk}")
    assert [n.recipient for n in notes] == [p.mkt_staff]
    note = notes.get()
    assert (note.kind, note.url) == ("alert", f"/alerts/{alert.pk}/")
    assert note.title == "Competitor price below ours · Master Kong vs. Qingyuan Cola"
    assert note.body == (
        "Master Kong was seen at ¥5.00 at 上海店1, 50% below our Qingyuan Cola at ¥10.00 (the rule's limit is 15%)."
    )
    assert Notification.objects.count() == 1


def test_the_task_evaluates_and_counts(w):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    line = price_cut(w, "5.00")

    assert tasks.alerts_evaluate_for_report(line.report.pk) == 1
    assert tasks.alerts_evaluate_for_report(line.report.pk) == 0
    assert tasks.alerts_evaluate_for_report(999999) == 0


# --- competitor activity spread ----------------------------------------------------------------------------------


def activity(w, outlet, day, *, rep=None, brand=None, kind="gift"):
    return CompetitorIntelLineFactory(
        report=report(rep or w.people.rep_sh, day),
        brand=brand or w.competitor,
        activity=kind,
        outlet=outlet,
        product=None,
        observed_price=None,
    )


def test_activity_spread_needs_min_count_distinct_outlets_of_the_region_in_the_window(w):
    rule(AlertKind.COMPETITOR_ACTIVITY_SPREAD)  # 3 outlets within 7 days
    activity(w, w.sh[0], days_before(7))  # outside the window
    activity(w, w.sh[1], days_before(6))
    activity(w, w.sh[1], days_before(2), rep=w.rep_sh2)  # the same outlet again
    activity(w, w.sh[2], days_before(1), kind="display")  # another activity
    activity(w, w.sh[3], days_before(1), brand=w.other_competitor, rep=w.rep_sh2)  # another brand
    activity(w, w.bj, days_before(1), rep=w.people.rep_bj)  # another region
    today = activity(w, w.sh[4], DAY)

    assert evaluate(today.report) == []

    more = activity(w, w.sh[2], DAY, rep=w.rep_sh2)
    [alert] = evaluate(more.report)

    assert (alert.brand, alert.region, alert.date, alert.report) == (w.competitor, w.regions.sh, DAY, more.report)
    assert alert.details == {
        "activity": "gift",
        "outlets": 3,
        "min_count": 3,
        "window_days": 7,
        "window_start": "2025-02-27",
        "window_end": "2025-03-05",
    }
    assert alert.fingerprint == f"{w.competitor.pk}:gift:{w.regions.sh.pk}:2025-W10"
    assert evaluate(today.report) == []


def test_activity_spread_is_raised_once_a_week(w):
    rule(AlertKind.COMPETITOR_ACTIVITY_SPREAD)
    for n, outlet in enumerate(w.sh[:3]):
        line = activity(w, outlet, days_before(2 - n))  # the last on DAY
    assert len(evaluate(line.report)) == 1

    thursday = activity(w, w.sh[3], DAY + datetime.timedelta(days=1))
    next_monday = activity(w, w.sh[4], DAY + datetime.timedelta(days=5))

    assert evaluate(thursday.report) == []
    assert [a.fingerprint.rsplit(":", 1)[1] for a in evaluate(next_monday.report)] == ["2025-W11"]


# --- out-of-stock rate -------------------------------------------------------------------------------------------


def stock_lines(w, rep, day, *, total: int, out: int):
    r = report(rep, day)
    for n in range(total):
        MerchandisingLineFactory(
            report=r, outlet=w.sh[n % 5], product=w.cola, out_of_stock=n < out, on_hand=0 if n < out else 12
        )
    return r


def test_out_of_stock_rate_needs_enough_lines_of_the_region_and_day(w):
    rule(AlertKind.OUT_OF_STOCK_RATE)  # above 20 %, at least 5 lines
    few = stock_lines(w, w.people.rep_sh, DAY, total=4, out=2)  # 50 %, but 4 lines
    stock_lines(w, w.people.rep_hz, DAY, total=5, out=0)  # Hangzhou
    stock_lines(w, w.people.rep_sh, days_before(1), total=5, out=0)  # another day

    assert evaluate(few) == []

    fifth = stock_lines(w, w.rep_sh2, DAY, total=1, out=0)
    [alert] = evaluate(fifth)

    assert (alert.region, alert.date, alert.fingerprint) == (w.regions.sh, DAY, f"{w.regions.sh.pk}:2025-03-05")
    assert alert.details == {
        "lines": 5,
        "out_of_stock": 2,
        "rate_pct": "40.0",
        "threshold_pct": "20.0",
        "min_count": 5,
    }
    assert evaluate(few) == []  # the same region and day: the same facts


def test_out_of_stock_rate_at_the_limit_and_superseded_lines_raise_nothing(w):
    rule(AlertKind.OUT_OF_STOCK_RATE)
    r = stock_lines(w, w.people.rep_sh, DAY, total=5, out=1)  # 20 %: not above
    assert evaluate(r) == []

    replaced = MerchandisingLineFactory(report=r, outlet=w.sh[0], product=w.tea, out_of_stock=True, on_hand=0)
    supersede(replaced)  # would make 2 of 6

    assert evaluate(r) == []
    assert not Alert.objects.exists()


# --- POS sales drop ----------------------------------------------------------------------------------------------


def pos(w, day, units: int, *, outlet=None, product=None, rep=None):
    return PosSalesLineFactory(
        report=report(rep or w.people.rep_sh, day), outlet=outlet or w.sh[0], product=product or w.cola, units=units
    )


def test_pos_drop_below_the_four_week_average(w):
    rule(AlertKind.POS_SALES_DROP)  # 40 % below the average
    pos(w, days_before(29), 1000)  # before the 28 days
    pos(w, days_before(28), 12)
    pos(w, days_before(10), 6)
    pos(w, days_before(1), 8)
    pos(w, days_before(1), 4, rep=w.rep_sh2)  # the same outlet and product by another rep: one day of 12
    pos(w, days_before(3), 1, product=w.tea)  # another product
    at_limit = pos(w, DAY, 6)  # average (12 + 6 + 12) / 3 = 10: 6 is exactly 40 % below

    assert evaluate(at_limit.report) == []

    other = pos(w, DAY, 5, rep=w.rep_sh2)
    assert evaluate(other.report) == []  # the day's 11 units are not below 6

    pos(w, DAY, 0, outlet=w.sh[1])
    for n in (2, 3, 4):
        pos(w, days_before(n), 10, outlet=w.sh[1], rep=w.rep_sh2)
    [alert] = evaluate(at_limit.report)

    assert (alert.outlet, alert.product, alert.date, alert.region) == (w.sh[1], w.cola, DAY, w.regions.sh)
    assert alert.details == {
        "units": 0,
        "average_units": "10.0",
        "baseline_days": 3,
        "drop_pct": "100.0",
        "threshold_pct": "40.0",
    }
    assert alert.fingerprint == f"{w.sh[1].pk}:{w.cola.pk}:2025-03-05"


def test_pos_drop_needs_three_days_of_history(w):
    rule(AlertKind.POS_SALES_DROP)
    pos(w, days_before(1), 100)
    pos(w, days_before(2), 100)
    today = pos(w, DAY, 1)

    assert evaluate(today.report) == []
    pos(w, days_before(3), 100)
    assert len(evaluate(today.report)) == 1


# --- complaint spike ---------------------------------------------------------------------------------------------


def complaints(w, day, count: int, *, rep=None, category="complaint"):
    r = report(rep or w.people.rep_sh, day)
    for _ in range(count):
        CustomerFeedbackLineFactory(report=r, category=category)
    return r


def test_complaint_spike_against_the_previous_four_windows(w):
    rule(AlertKind.COMPLAINT_SPIKE)  # ≥ 3 in 7 days and 50 % above the average of the 4 weeks before
    complaints(w, days_before(8), 2)  # baseline: 8 complaints in 4 windows → 2 a window
    complaints(w, days_before(20), 4, rep=w.rep_sh2)
    complaints(w, days_before(34), 2)
    complaints(w, days_before(35), 9)  # before the baseline
    complaints(w, days_before(1), 2, category="praise")
    complaints(w, DAY, 2, rep=w.people.rep_hz)  # Hangzhou
    today = complaints(w, DAY, 3)  # 3 is not above 1.5 × 2

    assert evaluate(today) == []

    more = complaints(w, DAY, 1, rep=w.rep_sh2)  # 4 in the window: above 3
    [alert] = evaluate(more)

    assert (alert.region, alert.date, alert.report) == (w.regions.sh, DAY, more)
    assert alert.details == {
        "complaints": 4,
        "average": "2.0",
        "window_days": 7,
        "window_start": "2025-02-27",
        "window_end": "2025-03-05",
        "min_count": 3,
        "threshold_pct": "50.0",
    }


def test_complaint_spike_needs_the_minimum_count(w):
    rule(AlertKind.COMPLAINT_SPIKE)
    two = complaints(w, DAY, 2)
    assert evaluate(two) == []
    assert evaluate(complaints(w, days_before(1), 1, rep=w.people.rep_hz)) == []  # Hangzhou has one
    [alert] = evaluate(complaints(w, DAY, 1))
    assert alert.details == {
        "complaints": 3,
        "average": "0.0",
        "window_days": 7,
        "window_start": "2025-02-27",
        "window_end": "2025-03-05",
        "min_count": 3,
        "threshold_pct": "50.0",
    }
    assert alert.fingerprint == f"{w.regions.sh.pk}:2025-W10"


# --- promotion price breach --------------------------------------------------------------------------------------


def test_promotion_price_outside_floor_or_ceiling(w):
    rule(AlertKind.PROMOTION_PRICE_BREACH)
    running = PromotionFactory(
        title="可乐特价",
        starts_on=days_before(5),
        ends_on=DAY,
        price_floor=Decimal("8.00"),
        price_ceiling=Decimal("9.00"),
        status=PromotionStatus.RUNNING,
    )
    ended = PromotionFactory(
        starts_on=days_before(30), ends_on=days_before(1), price_floor=Decimal("8.00"), status=PromotionStatus.ENDED
    )
    r = report(w.people.rep_sh)
    PromotionFeedbackLineFactory(report=r, promotion=running, outlet=w.sh[0], actual_price=Decimal("8.00"))
    PromotionFeedbackLineFactory(report=r, promotion=running, outlet=w.sh[1], actual_price=Decimal("9.00"))
    PromotionFeedbackLineFactory(report=r, promotion=running, outlet=w.sh[2], actual_price=None)
    PromotionFeedbackLineFactory(report=r, promotion=ended, outlet=w.sh[3], actual_price=Decimal("1.00"))
    low = PromotionFeedbackLineFactory(report=r, promotion=running, outlet=w.sh[3], actual_price=Decimal("7.99"))
    high = PromotionFeedbackLineFactory(report=r, promotion=running, outlet=w.sh[4], actual_price=Decimal("9.01"))

    raised = evaluate(r)

    assert [(a.promotion, a.outlet) for a in raised] == [(running, w.sh[3]), (running, w.sh[4])]
    assert raised[0].details == {
        "actual_price": "7.99",
        "price_floor": "8.00",
        "price_ceiling": "9.00",
        "line_id": low.pk,
    }
    assert raised[1].details["line_id"] == high.pk
    assert evaluate(r) == []


# --- sweep and command -------------------------------------------------------------------------------------------


def test_sweep_and_command_evaluate_a_days_submitted_reports(w, capsys):
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    price_cut(w, "5.00")
    price_cut(w, "6.00", rep=w.people.rep_hz, outlet=w.sh[1])
    price_cut(w, "4.00", rep=w.people.rep_bj, outlet=w.bj, day=days_before(1))  # another day
    draft = report(w.people.mgr_east, submitted=False)
    CompetitorIntelLineFactory(
        report=draft, brand=w.competitor, product=w.cola, observed_price=Decimal("3.00"), outlet=w.sh[2]
    )

    call_command("evaluate_alerts", "--date", DAY.isoformat())
    assert capsys.readouterr().out.strip() == "2 alert(s) raised for 2025-03-05."
    assert alerts_sweep(date=DAY) == 0
    assert alerts_sweep(date=days_before(1)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_evaluations_at_the_same_moment_raise_one_alert(regions):
    w = build_world(regions)
    rule(AlertKind.COMPETITOR_PRICE_GAP)
    line = price_cut(w, "5.00")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(alerts_evaluate_for_report(report_id=line.report.pk))
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(len(raised) for raised in results) == [0, 1]
    alert = Alert.objects.get()
    assert sorted(
        Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient__username", flat=True)
    ) == [
        "mkt.manager",
        "mkt.staff",
    ]


def test_the_command_defaults_to_yesterday_and_refuses_a_bad_date(db, capsys):
    call_command("evaluate_alerts")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert capsys.readouterr().out.strip() == f"0 alert(s) raised for {yesterday.isoformat()}."
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("evaluate_alerts", "--date", "05/03/2025")
