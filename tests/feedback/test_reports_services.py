"""feedback.services.reports directly: the territory and promotion rules, submission side effects, amendments."""

import datetime
import uuid
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from campaigns.models import PromotionStatus
from feedback.models import DailyReport, IntelItem, PosSalesLine, PromotionOutlet, ReportAmendment
from feedback.services.reports import ReportInvalid, report_amend, report_create, report_submit
from tests.factories import OutletFactory

from .field_setup import build_field, full_sections

pytestmark = pytest.mark.django_db

COVERAGE = {"outlet_coverage": [{"new_outlets": 0, "outlets_visited": 3, "active_outlets": 9}]}


@pytest.fixture
def f(regions):
    return build_field(regions)


def _pos(outlet, product, units=5):
    return {"pos_sales": [{"outlet": outlet.pk, "product": product.pk, "units": units, "revenue": "25.00"}]}


def test_an_outlet_assigned_to_the_rep_counts_as_territory_even_outside_their_region(f):
    far = OutletFactory(region=f.regions.gz, reps=[f.people.rep_sh])

    report, created = report_create(
        rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=_pos(far, f.cola)
    )

    assert created
    assert PosSalesLine.objects.get(report=report).outlet == far


def test_a_closed_outlet_and_a_discontinued_product_are_refused(f):
    closed = OutletFactory(region=f.regions.sh, active=False)
    f.tea.active = False
    f.tea.save(update_fields=["active"])

    with pytest.raises(ReportInvalid) as error:
        report_create(
            rep=f.people.rep_sh,
            date=timezone.localdate(),
            client_uuid=uuid.uuid4(),
            sections={
                "pos_sales": [
                    {"outlet": closed.pk, "product": f.cola.pk, "units": 1, "revenue": "5"},
                    {"outlet": f.outlet_sh.pk, "product": f.tea.pk, "units": 1, "revenue": "5"},
                ]
            },
        )

    assert error.value.errors == {
        "sections": {
            "pos_sales": {
                "0": {"outlet": ["This outlet is closed (inactive)."]},
                "1": {"product": ["This product is no longer sold."]},
            }
        }
    }
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize(
    ("status", "shift_days", "ok"),
    [
        (PromotionStatus.RUNNING, 0, True),
        (PromotionStatus.APPROVED, 0, True),
        (PromotionStatus.DRAFT, 0, False),  # not agreed: unknown to the field
        (PromotionStatus.RUNNING, 30, False),  # the day lies outside its period
    ],
)
def test_promotion_feedback_needs_an_agreed_promotion_running_that_day(f, status, shift_days, ok):
    promotion = f.promotion_sh
    promotion.status = status
    promotion.starts_on += datetime.timedelta(days=shift_days)
    promotion.ends_on += datetime.timedelta(days=shift_days)
    promotion.save()
    sections = {"promotion_feedback": full_sections(f)["promotion_feedback"]}

    if ok:
        report_create(rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=sections)
        assert DailyReport.objects.count() == 1
    else:
        with pytest.raises(ReportInvalid) as error:
            report_create(rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=sections)
        message = error.value.errors["sections"]["promotion_feedback"]["0"]["promotion"][0]
        assert message.startswith("Unknown promotion" if status == PromotionStatus.DRAFT else "This promotion is not")


def test_a_promotion_with_target_outlets_runs_only_there(f):
    PromotionOutlet.objects.create(promotion=f.promotion_sh, outlet=f.outlet_sh2)
    sections = {"promotion_feedback": full_sections(f)["promotion_feedback"]}

    with pytest.raises(ReportInvalid):
        report_create(rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=sections)
    sections["promotion_feedback"][0]["outlet"] = f.outlet_sh2.pk
    report, _created = report_create(
        rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=sections
    )

    assert report.pk


def test_regional_sales_are_for_the_reps_own_region_or_below(f):
    line = {"region": f.regions.east.pk, "units": 1, "revenue": "1"}

    with pytest.raises(ReportInvalid) as error:
        report_create(
            rep=f.people.rep_sh,
            date=timezone.localdate(),
            client_uuid=uuid.uuid4(),
            sections={"regional_sales": [line]},
        )

    assert error.value.errors["sections"]["regional_sales"]["0"] == {
        "region": ["Report regional sales for your own region or one below it."]
    }


def test_submitting_enqueues_the_alert_rules_only_after_the_commit(f, django_capture_on_commit_callbacks):
    with mock.patch("feedback.services.alerts.alerts_evaluate_for_report", return_value=[]) as evaluate:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report, _created = report_create(
                rep=f.people.rep_sh,
                date=timezone.localdate(),
                client_uuid=uuid.uuid4(),
                sections=full_sections(f),
                submit=True,
            )
        assert evaluate.call_count == 0  # nothing leaves before the transaction commits
        assert len(callbacks) == 2  # the alert rules, and the KPI rollup refresh (coordination listens)
        for callback in callbacks:
            callback()  # the commit: the tasks run (eagerly in tests) and evaluate this report

    evaluate.assert_called_once_with(report_id=report.pk)


def test_a_draft_reaches_nobody_and_enqueues_nothing(f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report_create(rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=COVERAGE)

    assert callbacks == []
    assert not IntelItem.objects.exists()


def test_a_report_submitted_the_next_morning_is_late(f):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    report, _created = report_create(
        rep=f.people.rep_sh, date=yesterday, client_uuid=uuid.uuid4(), sections=full_sections(f)
    )

    report_submit(rep=f.people.rep_sh, report=report)

    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.on_time is False


def test_another_rep_cannot_submit_or_amend(f):
    report, _created = report_create(
        rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=full_sections(f), submit=True
    )

    with pytest.raises(PermissionDenied):
        report_amend(rep=f.people.rep_hz, report=report, reason="not mine", client_uuid=uuid.uuid4(), sections=COVERAGE)
    assert not ReportAmendment.objects.exists()


def test_an_amendment_is_checked_like_the_report(f):
    report, _created = report_create(
        rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=uuid.uuid4(), sections=full_sections(f), submit=True
    )

    with pytest.raises(ReportInvalid) as error:
        report_amend(
            rep=f.people.rep_sh,
            report=report,
            reason="wrong outlet",
            client_uuid=uuid.uuid4(),
            sections=_pos(f.outlet_bj, f.cola),
        )

    assert error.value.errors == {
        "sections": {"pos_sales": {"0": {"outlet": ["This outlet is outside your territory."]}}}
    }
    assert PosSalesLine.objects.filter(superseded_by__isnull=True).count() == 1


def test_a_client_uuid_of_another_reps_report_is_refused_without_showing_it(f):
    client_uuid = uuid.uuid4()
    report_create(rep=f.people.rep_hz, date=timezone.localdate(), client_uuid=client_uuid, sections=COVERAGE)

    with pytest.raises(ReportInvalid) as error:
        report_create(rep=f.people.rep_sh, date=timezone.localdate(), client_uuid=client_uuid, sections=COVERAGE)

    assert list(error.value.errors) == ["client_uuid"]
    assert DailyReport.objects.count() == 1
