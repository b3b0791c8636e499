"""The feedback demo: four weeks of the demo reps' reports, complete and realistic, and the alerts they raise."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.demo import seed_accounts_demo
from accounts.models import Notification, User
from approvals.demo import seed_approvals_demo
from campaigns.demo import seed_campaigns_demo
from campaigns.models import Promotion
from feedback.demo import seed_feedback_demo
from feedback.demo.reports import AMENDMENT_REASON, HISTORY_DAYS, seed_reports
from feedback.models import (
    INTEL_SECTIONS,
    SECTION_MODELS,
    Alert,
    AlertKind,
    AlertRule,
    CompetitorIntelLine,
    DailyReport,
    IntelItem,
    Outlet,
    PosSalesLine,
    PromotionFeedbackLine,
    ReportAmendment,
    ReportStatus,
)

pytestmark = pytest.mark.django_db

DEMO_REPS = ["rep.zhang", "rep.liu", "rep.chen"]
# 20 weekdays in any 28 days, 3 reps, 2 missing days each, plus rep.liu's draft of today.
EXPECTED = {"outlets": 40, "alert rules": 6, "daily reports": 3 * 20 - 6 + 1, "alerts": 7}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed once for the module (a few seconds), inside a transaction rolled back after its last test; each test
    runs in a savepoint of it, so what one test changes the next does not see. The approvals demo runs first, as in
    seed_demo: the field files feedback only on promotions the workflow agreed."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_accounts_demo()
        seed_campaigns_demo()
        seed_approvals_demo()
        yield seed_feedback_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db) -> dict[str, int]:
    return _seeded_once


def _snapshot() -> tuple:
    return (
        DailyReport.objects.count(),
        *(model.objects.count() for model in SECTION_MODELS.values()),
        IntelItem.objects.count(),
        ReportAmendment.objects.count(),
        Alert.objects.count(),
        AlertRule.objects.count(),
        Outlet.objects.count(),
        Notification.objects.count(),
    )


def test_seeding_twice_creates_everything_once(seeded):
    assert seeded == EXPECTED
    before = _snapshot()

    assert seed_feedback_demo() == dict.fromkeys(EXPECTED, 0)

    assert _snapshot() == before
    assert DailyReport.objects.count() == EXPECTED["daily reports"]
    assert Alert.objects.count() == EXPECTED["alerts"]


def test_seed_reports_leaves_a_day_that_has_a_report_alone(seeded):
    report = DailyReport.objects.filter(rep__username="rep.chen").order_by("date").first()
    report.delete()

    assert seed_reports() == 1

    again = DailyReport.objects.get(rep__username="rep.chen", date=report.date)
    assert again.client_uuid == report.client_uuid  # the same deterministic report, written again
    assert seed_reports() == 0


def test_history_covers_weekdays_only_with_a_few_missing_days(seeded):
    today = timezone.localdate()
    first = today - datetime.timedelta(days=HISTORY_DAYS)
    history = DailyReport.objects.filter(date__lt=today)

    assert not history.filter(date__week_day__in=[1, 7]).exists()  # Sunday, Saturday
    assert history.filter(date__lt=first).count() == 0
    weekdays = [
        first + datetime.timedelta(days=n)
        for n in range(HISTORY_DAYS)
        if (first + datetime.timedelta(days=n)).weekday() < 5
    ]
    assert len(weekdays) == 20
    for username in DEMO_REPS:
        dates = set(history.filter(rep__username=username).values_list("date", flat=True))
        assert dates < set(weekdays), username
        assert len(set(weekdays) - dates) == 2, username
    assert set(history.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    # rep.liu has not filed the last weekday: still open for back-filing, and a gap on East's board.
    assert not history.filter(rep__username="rep.liu", date=weekdays[-1]).exists()


def test_today_zhang_has_not_filed_liu_has_a_draft_chen_has_nothing(seeded):
    today = timezone.localdate()
    todays = {r.rep.username: r for r in DailyReport.objects.filter(date=today).select_related("rep")}

    assert set(todays) == {"rep.liu"}
    draft = todays["rep.liu"]
    assert draft.status == ReportStatus.DRAFT
    assert draft.submitted_at is None
    assert draft.on_time is None
    assert not draft.intel_items.exists()


def test_every_submitted_report_is_complete_and_shaped_like_the_service_writes_it(seeded):
    reports = DailyReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("rep", "region")
    assert reports.count() == EXPECTED["daily reports"] - 1
    filled = {
        key: set(model.objects.filter(superseded_by__isnull=True).values_list("report_id", flat=True))
        for key, model in SECTION_MODELS.items()
    }
    for report in reports:
        for key in SECTION_MODELS:
            has_lines = report.pk in filled[key]
            marked = key in report.nothing_to_report
            assert has_lines != marked, (report, key)  # filled or marked, never both, never neither
        assert report.region_id == report.rep.region_id
        assert report.submitted_at is not None
        assert report.on_time == (timezone.localtime(report.submitted_at).date() <= report.date)
        assert report.created_at == report.submitted_at  # filed on its day, not when the demo ran
    # Lines are numbered 0, 1, 2 … within each report and section.
    for model in SECTION_MODELS.values():
        rows = model.objects.filter(amendment__isnull=True).values("report_id").annotate(n=Count("pk"))
        for row in rows:
            positions = sorted(
                model.objects.filter(report_id=row["report_id"], amendment__isnull=True).values_list(
                    "position", flat=True
                )
            )
            assert positions == list(range(row["n"])), model.__name__


def test_lines_stay_in_the_reps_territory(seeded):
    for username in DEMO_REPS:
        rep = User.objects.get(username=username)
        territory = set(Outlet.objects.filter(reps=rep).values_list("pk", flat=True))
        for key, model in SECTION_MODELS.items():
            if "outlet" not in {f.name for f in model._meta.fields}:
                continue
            used = set(model.objects.filter(report__rep=rep, outlet__isnull=False).values_list("outlet_id", flat=True))
            assert used <= territory, (username, key)


def test_intel_feed_rows_mirror_the_submitted_intel_lines(seeded):
    for key in INTEL_SECTIONS:
        lines = SECTION_MODELS[key].objects.filter(report__status=ReportStatus.SUBMITTED)
        items = IntelItem.objects.filter(section=key)
        assert items.count() == lines.count() > 0, key
        for item in items.select_related("report", key):
            line = getattr(item, key)
            assert (item.report_id, item.rep_id, item.region_id, item.date, item.submitted_at) == (
                line.report_id,
                item.report.rep_id,
                item.report.region_id,
                item.report.date,
                item.report.submitted_at,
            )
            assert item.outlet_id == line.outlet_id
            assert not item.superseded


def test_two_reports_were_filed_late_the_next_morning(seeded):
    late = DailyReport.objects.filter(on_time=False).select_related("rep")

    assert sorted(r.rep.username for r in late) == ["rep.chen", "rep.liu"]
    for report in late:
        submitted = timezone.localtime(report.submitted_at)
        assert submitted.date() == report.date + datetime.timedelta(days=1)
        assert submitted.hour == 8


def test_one_report_has_its_pos_section_amended_with_a_reason(seeded):
    amendment = ReportAmendment.objects.select_related("report__rep").get()

    assert amendment.report.rep.username == "rep.zhang"
    assert amendment.author == amendment.report.rep
    assert amendment.reason == AMENDMENT_REASON
    assert amendment.sections == ["pos_sales"]
    replaced = list(PosSalesLine.objects.filter(superseded_by=amendment).order_by("position"))
    current = list(PosSalesLine.objects.filter(amendment=amendment).order_by("position"))
    assert len(replaced) == len(current) >= 2
    assert not PosSalesLine.objects.filter(report=amendment.report, superseded_by__isnull=True, amendment__isnull=True)
    assert replaced[0].units == current[0].units * 10  # the typo the amendment corrects
    assert [(r.outlet_id, r.product_id, r.units) for r in replaced[1:]] == [
        (c.outlet_id, c.product_id, c.units) for c in current[1:]
    ]
    assert amendment.created_at > amendment.report.submitted_at


def test_the_price_cut_raises_alerts_for_marketing(seeded):
    gaps = Alert.objects.filter(kind=AlertKind.COMPETITOR_PRICE_GAP).select_related(
        "region", "outlet", "brand", "product"
    )
    by_region: dict[str, set[str]] = {}
    for alert in gaps:
        by_region.setdefault(alert.region.code, set()).add(alert.outlet.code)
        assert alert.brand.name == "康师傅"
        assert alert.product.sku == "QY-BEV-002"
        assert Decimal(alert.details["gap_pct"]) >= 20
    assert by_region == {"SH": {"SH-001", "SH-002"}, "HZ": {"HZ-001", "HZ-002", "HZ-004"}}
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    assert all(alert.date >= week_ago for alert in gaps)

    spread = Alert.objects.get(kind=AlertKind.COMPETITOR_ACTIVITY_SPREAD)
    assert (spread.region.code, spread.brand.name, spread.details["outlets"]) == ("HZ", "康师傅", 3)

    breach = Alert.objects.select_related("promotion", "outlet").get(kind=AlertKind.PROMOTION_PRICE_BREACH)
    assert breach.promotion.title == "上海清源绿茶月度特价"
    assert breach.outlet.code == "SH-003"
    assert Decimal(breach.details["actual_price"]) < breach.promotion.price_floor

    assert Alert.objects.count() == 7
    for username in ["mkt.li", "mkt.wang"]:
        assert Notification.objects.filter(recipient__username=username, kind="alert").count() == 7


def test_promotion_feedback_only_where_a_promotion_runs(seeded):
    for line in PromotionFeedbackLine.objects.select_related("promotion", "outlet__region", "report"):
        promotion = line.promotion
        assert promotion.starts_on <= line.report.date <= promotion.ends_on
        assert any(line.outlet.region.path.startswith(r.path) for r in promotion.regions.all())
    sh = Promotion.objects.get(title="上海清源绿茶月度特价")
    assert PromotionFeedbackLine.objects.filter(promotion=sh).exists()
    # Only promotions the workflow agreed and the calendar started get feedback (the running and ended ones).
    with_feedback = set(PromotionFeedbackLine.objects.values_list("promotion_id", flat=True))
    started = set(
        Promotion.objects.filter(approval_events__action="start", approval_events__actor=None).values_list(
            "pk", flat=True
        )
    )
    assert with_feedback == started
    assert len(with_feedback) == 4
    assert not PromotionFeedbackLine.objects.filter(report__rep__username="rep.chen").exists()


def test_marketing_has_answered_two_of_zhangs_intel_items(seeded):
    answered = IntelItem.objects.exclude(answer="").select_related("rep", "answered_by", "acknowledged_by")

    assert sorted(i.section for i in answered) == ["competitor_intel", "customer_feedback"]
    for item in answered:
        assert item.rep.username == "rep.zhang"
        assert item.answered_by.username == item.acknowledged_by.username == "mkt.li"
        assert item.answered_at > item.submitted_at
    price_cut = answered.get(section="competitor_intel").competitor_intel
    assert (price_cut.activity, price_cut.brand.name) == (CompetitorIntelLine.Activity.PRICE_CUT, "康师傅")


def test_everyday_intel_is_chinese_and_about_competitors(seeded):
    lines = CompetitorIntelLine.objects.select_related("brand")
    assert lines.count() >= 30
    assert {line.brand.kind for line in lines} == {"competitor"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line.description) for line in lines)
