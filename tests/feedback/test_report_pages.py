"""The daily report page: new / edit draft / amend, submitted as real forms (no JavaScript), and its JSON autosave."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from campaigns.models import PromotionStatus
from feedback.models import (
    SECTION_MODELS,
    DailyReport,
    MerchandisingLine,
    PosSalesLine,
    ReportAmendment,
    ReportStatus,
    ShelfDisplayLine,
)
from feedback.services.reports import report_create
from feedback.views.reports import _detail_url
from tests.factories import DailyReportFactory, OutletFactory, PhotoFactory, PromotionFactory
from tests.factories.feedback import PosSalesLineFactory

from .field_setup import build_field, full_sections

pytestmark = pytest.mark.django_db
NEW = "/reports/new/"


@pytest.fixture
def f(regions):
    return build_field(regions)


def form_data(sections: dict, *, action="submit", client_uuid=None, date=None) -> dict:
    """The flat form the page posts, from an API-shaped ``sections`` dict."""
    data = {
        "date": (date or timezone.localdate()).isoformat(),
        "client_uuid": str(client_uuid or uuid.uuid4()),
        "action": action,
    }
    for key, value in sections.items():
        if isinstance(value, dict):
            data[f"{key}-nothing"] = "on"
            continue
        for index, item in enumerate(value):
            for name, field_value in item.items():
                if isinstance(field_value, bool):
                    if field_value:
                        data[f"{key}-{index}-{name}"] = "on"
                else:
                    data[f"{key}-{index}-{name}"] = str(field_value)
    return data


def signed_in(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_url_names():
    assert reverse("feedback:report_new") == NEW
    assert reverse("feedback:report_today") == "/reports/today/"
    assert reverse("feedback:report_edit", args=[7]) == "/reports/7/edit/"
    assert reverse("feedback:report_amend", args=[7]) == "/reports/7/amend/"


def test_the_new_page_shows_all_nine_sections_with_the_reps_usual_choices_first(client, f, regions):
    rep = f.people.rep_sh
    # Outlets sort by code, so an unassigned one ("SH-000") would come first if usage were ignored.
    never = OutletFactory(code="SH-000", name="从未去过", region=regions.sh)
    recent = OutletFactory(code="SH-009", name="最近常去", region=regions.sh)
    OutletFactory(code="SH-008", name="已关闭", region=regions.sh, active=False)
    last_week = DailyReportFactory(rep=rep, date=timezone.localdate() - datetime.timedelta(days=7), submitted=True)
    for _ in range(3):
        PosSalesLineFactory(report=last_week, outlet=recent, product=f.tea)

    response = signed_in(client, rep).get(NEW)

    assert response.status_code == 200
    html = response.content.decode()
    sections = response.context["sections"]
    assert [s.key for s in sections] == list(SECTION_MODELS)
    positions = [html.index(f'id="section-{key}"') for key in SECTION_MODELS]
    assert positions == sorted(positions)
    outlet_field = next(fv for fv in sections[0].rows[0].fields if fv.name == "outlet")
    groups = [(str(label), [value for value, _ in options]) for label, options in outlet_field.options]
    # Most reported first, then assigned; then the rest of the territory; not other cities', not closed ones.
    assert groups == [
        ("Your usual outlets", [str(recent.pk), str(f.outlet_sh.pk)]),
        ("Other outlets in your territory", [str(never.pk), str(f.outlet_sh2.pk)]),
    ]
    product_field = next(fv for fv in sections[0].rows[0].fields if fv.name == "product")
    assert [[v for v, _ in options] for _, options in product_field.options] == [[str(f.tea.pk)], [str(f.cola.pk)]]
    assert response.context["last_outlet"] == str(recent.pk)
    # Promotions running in the territory today, competitor brands only, the rep's region and below.
    promotion_field = next(fv for fv in sections[5].rows[0].fields if fv.name == "promotion")
    assert [v for _, options in promotion_field.options for v, _ in options] == [str(f.promotion_sh.pk)]
    brand_field = next(fv for fv in sections[7].rows[0].fields if fv.name == "brand")
    assert [v for _, options in brand_field.options for v, _ in options] == [str(f.competitor.pk)]
    region_field = next(fv for fv in sections[6].rows[0].fields if fv.name == "region")
    assert [v for _, options in region_field.options for v, _ in options] == [str(regions.sh.pk)]
    # Typed inputs and the photo input of the display section, the blank row, the hidden client_uuid.
    assert 'name="pos_sales-0-units"' in html
    assert 'inputmode="numeric"' in html
    assert 'inputmode="decimal"' in html
    assert 'name="shelf_display-0-facings" id="id_shelf_display-0-facings" value="" min="0" max="500"' in html
    assert 'accept="image/*" capture="environment"' in html
    assert 'name="pos_sales-nothing"' in html
    assert 'name="shelf_display-__prefix__-outlet"' in html  # the <template> row
    assert uuid.UUID(response.context["client_uuid"])
    assert [key for key, _ in response.context["missing"]] == list(SECTION_MODELS)


def test_a_posted_complete_form_creates_a_submitted_report_with_its_lines(client, f):
    response = signed_in(client, f.people.rep_sh).post(NEW, form_data(full_sections(f)))

    report = DailyReport.objects.get()
    assert response.status_code == 302
    assert response.url == _detail_url(report)
    assert report.status == ReportStatus.SUBMITTED
    assert report.rep == f.people.rep_sh
    assert report.nothing_to_report == []
    assert [SECTION_MODELS[key].objects.filter(report=report).count() for key in SECTION_MODELS] == [
        1,
        2,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
    ]
    merch = list(MerchandisingLine.objects.filter(report=report).order_by("position"))
    assert [(m.product_id, m.on_hand, m.out_of_stock, m.near_expiry) for m in merch] == [
        (f.cola.pk, 24, False, 2),
        (f.tea.pk, 0, True, 0),
    ]
    assert PosSalesLine.objects.get(report=report).revenue == Decimal("196.00")


def test_a_retried_post_with_the_same_client_uuid_creates_nothing(client, f):
    data = form_data(full_sections(f))
    signed_in(client, f.people.rep_sh)

    first = client.post(NEW, data)
    again = client.post(NEW, data)

    report = DailyReport.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == _detail_url(report)
    assert PosSalesLine.objects.count() == 1
    assert MerchandisingLine.objects.count() == 2


def test_a_negative_number_re_renders_the_form_with_the_values_kept_and_the_message_on_its_field(client, f):
    sections = full_sections(f)
    sections["pos_sales"][0]["units"] = -3
    data = form_data(sections)

    response = signed_in(client, f.people.rep_sh).post(NEW, data)

    assert response.status_code == 400
    assert DailyReport.objects.count() == 0
    errors = response.context["errors"]
    assert errors.fields == {("pos_sales", 0, "units"): ["Ensure this value is greater than or equal to 0."]}
    html = response.content.decode()
    assert 'name="pos_sales-0-units" id="id_pos_sales-0-units" value="-3"' in html
    assert 'aria-describedby="id_pos_sales-0-units_errors"' in html
    assert "全场特价 3.5 元" in html  # other sections' values are kept too
    assert f'value="{data["client_uuid"]}"' in html  # the retry key survives the error


def test_outlets_and_promotions_the_rules_refuse_are_shown_per_row(client, f, regions):
    beijing_promotion = PromotionFactory(
        title="北京促销",
        regions=[regions.bj],
        products=[f.cola],
        starts_on=timezone.localdate() - datetime.timedelta(days=2),
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    beijing_promotion.status = PromotionStatus.RUNNING
    beijing_promotion.save(update_fields=["status"])
    sections = full_sections(f)
    sections["shelf_display"][0]["outlet"] = f.outlet_bj.pk
    sections["pos_sales"].append({"outlet": 999999, "product": f.cola.pk, "units": 1, "revenue": "5.00"})
    sections["promotion_feedback"][0]["promotion"] = beijing_promotion.pk

    response = signed_in(client, f.people.rep_sh).post(NEW, form_data(sections))

    assert response.status_code == 400
    assert DailyReport.objects.count() == 0
    fields = response.context["errors"].fields
    assert fields[("shelf_display", 0, "outlet")] == ["This outlet is outside your territory."]
    assert fields[("pos_sales", 1, "outlet")] == ["Unknown outlet."]
    assert fields[("promotion_feedback", 0, "promotion")] == [
        f"This promotion is not running at this outlet on {timezone.localdate().isoformat()}."
    ]
    html = response.content.decode()
    assert '<option value="999999" selected>#999999' in html  # what was posted stays on the page
    assert "This outlet is outside your territory." in html


def test_blank_rows_are_ignored_and_nothing_to_report_is_honoured(client, f):
    sections = full_sections(f)
    data = form_data(sections)
    # A blank row (as the page renders one per section) and rows typed into a section marked "nothing to report".
    data.update({"pos_sales-7-outlet": "", "pos_sales-7-units": "", "pos_sales-7-revenue": ""})
    data.update({"customer_feedback-nothing": "on", "pop_distribution-nothing": "on"})

    response = signed_in(client, f.people.rep_sh).post(NEW, data)

    report = DailyReport.objects.get()
    assert response.status_code == 302
    assert report.status == ReportStatus.SUBMITTED
    assert sorted(report.nothing_to_report) == ["customer_feedback", "pop_distribution"]
    assert PosSalesLine.objects.filter(report=report).count() == 1
    assert SECTION_MODELS["customer_feedback"].objects.count() == 0
    assert SECTION_MODELS["pop_distribution"].objects.count() == 0


def test_submitting_an_incomplete_report_keeps_it_as_a_draft_and_lists_what_is_missing(client, f):
    sections = {"pos_sales": full_sections(f)["pos_sales"], "merchandising": {"nothing_to_report": True}}

    response = signed_in(client, f.people.rep_sh).post(NEW, form_data(sections))

    report = DailyReport.objects.get()
    assert response.status_code == 400
    assert report.status == ReportStatus.DRAFT
    assert PosSalesLine.objects.filter(report=report).count() == 1
    assert response.context["mode"] == "edit"
    assert response.context["action_url"] == f"/reports/{report.pk}/edit/"
    errors = response.context["errors"]
    assert errors.top[0].startswith("7 sections are still missing: Shelf display, POP & DM distribution")
    assert set(errors.sections) == set(SECTION_MODELS) - {"pos_sales", "merchandising"}


def test_the_json_autosave_saves_the_valid_rows_and_reports_the_rest(client, f):
    data = form_data(
        {"pos_sales": full_sections(f)["pos_sales"], "competitor_intel": {"nothing_to_report": True}}, action=""
    )
    data.update({"shelf_display-0-outlet": str(f.outlet_sh.pk)})  # a row still being filled
    signed_in(client, f.people.rep_sh)

    response = client.post(NEW, data, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    report = DailyReport.objects.get()
    assert body["ok"] is True
    assert body["id"] == report.pk
    assert body["edit_url"] == f"/reports/{report.pk}/edit/"
    assert body["errors"] == {
        "shelf_display-0-product": ["This field is required."],
        "shelf_display-0-facings": ["This field is required."],
        "shelf_display-0-shelf_position": ["This field is required."],
        "shelf_display-0-display_type": ["This field is required."],
    }
    assert body["missing"] == [k for k in SECTION_MODELS if k not in {"pos_sales", "competitor_intel"}]
    assert body["saved_at"]
    assert report.status == ReportStatus.DRAFT
    assert report.nothing_to_report == ["competitor_intel"]
    assert PosSalesLine.objects.filter(report=report).count() == 1
    assert ShelfDisplayLine.objects.count() == 0

    # The next autosave goes to the edit page, now with the row complete.
    data.update(
        {
            "shelf_display-0-product": str(f.cola.pk),
            "shelf_display-0-facings": "4",
            "shelf_display-0-shelf_position": "eye_level",
            "shelf_display-0-display_type": "shelf",
        }
    )
    response = client.post(body["edit_url"], data, HTTP_ACCEPT="application/json")
    assert response.json()["errors"] == {}
    assert ShelfDisplayLine.objects.get(report=report).facings == 4
    assert DailyReport.objects.count() == 1


def test_an_autosave_that_cannot_save_answers_400_with_the_reason(client, f):
    data = form_data({}, action="", date=timezone.localdate() + datetime.timedelta(days=1))

    response = signed_in(client, f.people.rep_sh).post(NEW, data, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["errors"]["__all__"] == ["The report cannot be for a day in the future."]
    assert DailyReport.objects.count() == 0


def test_a_draft_is_edited_and_then_submitted(client, f):
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    sections = full_sections(f)
    sections["shelf_display"][0]["photo"] = photo.pk
    report, _ = report_create(
        rep=f.people.rep_sh,
        date=timezone.localdate(),
        client_uuid=uuid.uuid4(),
        sections={"shelf_display": [dict(sections["shelf_display"][0], outlet=f.outlet_sh.pk)]},
    )
    url = f"/reports/{report.pk}/edit/"
    signed_in(client, f.people.rep_sh)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="shelf_display-0-facings" id="id_shelf_display-0-facings" value="6"' in html
    assert f'name="shelf_display-0-photo" value="{photo.pk}"' in html
    assert reverse("feedback:photo_thumbnail", args=[photo.pk]) in html
    assert 'name="shelf_display-1-facings"' in html  # the blank row after the saved one

    data = form_data(sections)
    del data["client_uuid"]
    response = client.post(url, data)

    report.refresh_from_db()
    assert response.status_code == 302
    assert response.url == _detail_url(report)
    assert report.status == ReportStatus.SUBMITTED
    assert ShelfDisplayLine.objects.get(report=report).photo == photo


def test_the_new_page_sends_the_rep_to_the_report_they_already_have_that_day(client, f):
    draft = DailyReportFactory(rep=f.people.rep_sh, date=timezone.localdate())
    submitted = DailyReportFactory(
        rep=f.people.rep_sh, date=timezone.localdate() - datetime.timedelta(days=1), submitted=True
    )
    signed_in(client, f.people.rep_sh)

    assert client.get(NEW).url == f"/reports/{draft.pk}/edit/"
    assert client.get("/reports/today/").url == f"/reports/{draft.pk}/edit/"
    assert client.get(f"{NEW}?date={submitted.date.isoformat()}").url == _detail_url(submitted)


def test_today_leads_to_the_new_page_when_there_is_no_report_yet(client, f):
    assert signed_in(client, f.people.rep_sh).get("/reports/today/").url == NEW


def test_a_day_outside_the_back_filing_window_is_refused_with_the_services_message(client, f, settings):
    settings.REPORT_BACKFILL_DAYS = 3
    day = timezone.localdate() - datetime.timedelta(days=4)

    response = signed_in(client, f.people.rep_sh).get(f"{NEW}?date={day.isoformat()}")

    assert response.status_code == 400
    assert f"Reports can be filed at most 3 days back; this day ({day.isoformat()}) is closed." in (
        response.content.decode()
    )


def test_a_submitted_report_cannot_be_edited(client, f):
    report = DailyReportFactory(rep=f.people.rep_sh, submitted=True)

    response = signed_in(client, f.people.rep_sh).post(f"/reports/{report.pk}/edit/", {"action": "save"})

    assert response.status_code == 403
    assert "A submitted report is never changed: amend it instead." in response.content.decode()


def test_another_reps_report_is_not_found(client, f):
    report = DailyReportFactory(rep=f.people.rep_hz)
    submitted = DailyReportFactory(rep=f.people.rep_hz, date=timezone.localdate() - datetime.timedelta(days=1))
    signed_in(client, f.people.rep_sh)

    assert client.get(f"/reports/{report.pk}/edit/").status_code == 404
    assert client.post(f"/reports/{report.pk}/edit/", {"action": "save"}).status_code == 404
    assert client.get(f"/reports/{submitted.pk}/amend/").status_code == 404


def test_a_manager_sees_the_teams_draft_but_may_not_edit_it(client, f):
    report = DailyReportFactory(rep=f.people.rep_sh)

    response = signed_in(client, f.people.mgr_east).get(f"/reports/{report.pk}/edit/")

    assert response.status_code == 403
    assert "Only the rep who files a report can change it, while it is a draft." in response.content.decode()


def test_the_amend_page_records_an_amendment_of_the_sections_ticked(client, f):
    report, _ = report_create(
        rep=f.people.rep_sh,
        date=timezone.localdate(),
        client_uuid=uuid.uuid4(),
        sections=_validated_full(f),
        submit=True,
    )
    url = f"/reports/{report.pk}/amend/"
    signed_in(client, f.people.rep_sh)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="pos_sales-0-units" id="id_pos_sales-0-units" value="40"' in page.content.decode()

    data = form_data(full_sections(f), action="amend")
    data["pos_sales-0-units"] = "44"
    data["pos_sales-amend"] = "on"
    data["reason"] = "收银系统数据更正"
    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == _detail_url(report)
    amendment = ReportAmendment.objects.get()
    assert amendment.sections == ["pos_sales"]
    assert amendment.reason == "收银系统数据更正"
    lines = PosSalesLine.objects.filter(report=report)
    assert sorted((line.units, line.superseded_by_id is None) for line in lines) == [(40, False), (44, True)]
    assert ShelfDisplayLine.objects.filter(report=report, superseded_by__isnull=False).count() == 0


def test_an_amendment_needs_a_reason_and_a_section(client, f):
    report = DailyReportFactory(rep=f.people.rep_sh, submitted=True)
    signed_in(client, f.people.rep_sh)

    response = client.post(f"/reports/{report.pk}/amend/", {"client_uuid": str(uuid.uuid4()), "reason": ""})

    assert response.status_code == 400
    errors = response.context["errors"]
    assert errors.reason == ["This field may not be blank."]
    assert errors.top == ["Correct at least one section."]
    assert ReportAmendment.objects.count() == 0


def test_a_draft_cannot_be_amended(client, f):
    report = DailyReportFactory(rep=f.people.rep_sh)

    response = signed_in(client, f.people.rep_sh).get(f"/reports/{report.pk}/amend/")

    assert response.status_code == 403
    assert "Only a submitted report can be amended; change the draft instead." in response.content.decode()


@pytest.mark.parametrize("who", ["hr", "mkt_staff", "director"])
def test_roles_that_do_not_file_reports_get_the_403_page(client, f, who):
    response = signed_in(client, getattr(f.people, who)).get(NEW)

    assert response.status_code == 403
    assert "Your role does not file daily reports." in response.content.decode()
    assert signed_in(client, getattr(f.people, who)).get("/reports/today/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(NEW)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_new_page_costs_the_same_queries_with_5_or_50_outlets(client, f, regions, django_assert_max_num_queries):
    rep = f.people.rep_sh
    old = DailyReportFactory(rep=rep, date=timezone.localdate() - datetime.timedelta(days=2), submitted=True)

    def add(count):
        for _ in range(count):
            outlet = OutletFactory(region=regions.sh, reps=[rep])
            PosSalesLineFactory(report=old, outlet=outlet, product=f.cola)

    add(3)  # with the field's two: 5 outlets
    client.force_login(User.objects.get(pk=rep.pk))
    with django_assert_max_num_queries(20) as small:
        client.get(NEW)
    add(45)
    client.force_login(User.objects.get(pk=rep.pk))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(NEW)
    outlet_field = next(fv for fv in response.context["sections"][0].rows[0].fields if fv.name == "outlet")
    assert sum(len(options) for _, options in outlet_field.options) == 50


def _validated_full(f) -> dict:
    from feedback.serializers.reports import SectionsField

    return SectionsField().to_internal_value(full_sections(f))
