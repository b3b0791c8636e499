"""The daily report journey of issue 4, in a real browser: a rep on a phone, in Chinese, fills all nine sections
(some "nothing to report"), adds a row without a reload, attaches a photo from the "camera", watches the draft
autosave and the "what is missing" panel reach 0, submits, and lands on the report."""

import re

import pytest
from django.db import connections
from django.utils import timezone

from feedback.models import DailyReport, MerchandisingLine, Photo, ReportStatus, ShelfDisplayLine
from feedback.views.reports import _detail_url
from tests.browser.conftest import screenshot
from tests.factories import build_region_tree, jpeg_bytes
from tests.factories.accounts import PASSWORD
from tests.feedback.field_setup import build_field

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_rep_files_a_complete_report_with_a_photo_on_a_phone(phone_zh, live_server, tmp_path):
    try:
        _journey(phone_zh, live_server, tmp_path)
    finally:
        # ORM queries made while Playwright's loop runs use that context's connections: close them here.
        connections.close_all()


def _section(page, key):
    return page.locator(f"#section-{key}")


def _journey(page, live_server, tmp_path):
    f = build_field(build_region_tree())
    rep = f.people.rep_sh
    photo_file = tmp_path / "shelf.jpg"
    photo_file.write_bytes(jpeg_bytes(size=(320, 240)))

    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(rep.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r".*/$"))

    page.goto("/reports/today/")
    page.wait_for_url(f"{live_server.url}/reports/new/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_test_id("missing-panel").locator("[data-missing-count]").inner_text() == "9"
    page.evaluate("document.querySelectorAll('details.report-section').forEach((d) => { d.open = true; })")
    page.evaluate("window.samePage = true")  # survives only if nothing reloads the page

    # 1. Shelf display, with a photo "from the camera".
    shelf = _section(page, "shelf_display")
    shelf.locator("[name='shelf_display-0-outlet']").select_option(str(f.outlet_sh.pk))
    shelf.locator("[name='shelf_display-0-product']").select_option(str(f.cola.pk))
    shelf.locator("[name='shelf_display-0-facings']").fill("6")
    shelf.locator("[name='shelf_display-0-shelf_position']").select_option("eye_level")
    shelf.locator("[name='shelf_display-0-display_type']").select_option("end_cap")
    shelf.locator("[data-photo-input]").first.set_input_files(str(photo_file))
    shelf.locator("[data-photo-thumb]").first.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('[name=\"shelf_display-0-photo\"]').value !== ''")

    # 2. Merchandising: two rows, the second added without a reload — its outlet is the last one used.
    merch = _section(page, "merchandising")
    merch.locator("[name='merchandising-0-outlet']").select_option(str(f.outlet_sh.pk))
    merch.locator("[name='merchandising-0-product']").select_option(str(f.cola.pk))
    merch.locator("[name='merchandising-0-on_hand']").fill("24")
    merch.locator("[data-add-row]").click()
    assert merch.locator("[data-row]").count() == 2
    assert merch.locator("[name='merchandising-1-outlet']").input_value() == str(f.outlet_sh.pk)
    merch.locator("[name='merchandising-1-product']").select_option(str(f.tea.pk))
    merch.locator("[name='merchandising-1-on_hand']").fill("0")
    merch.locator("[name='merchandising-1-out_of_stock']").check()
    merch.locator("[name='merchandising-1-action_taken']").fill("已通知补货")

    # 3., 6., 7., 9.: nothing to report today.
    for key in ("pop_distribution", "promotion_feedback", "regional_sales", "customer_feedback"):
        _section(page, key).locator(f"[name='{key}-nothing']").check()
    assert not _section(page, "pop_distribution").locator("[data-rows]").is_visible()

    # 4. Outlet coverage, 5. point-of-sale sales, 8. competitor intel.
    coverage = _section(page, "outlet_coverage")
    coverage.locator("[name='outlet_coverage-0-new_outlets']").fill("1")
    coverage.locator("[name='outlet_coverage-0-outlets_visited']").fill("8")
    coverage.locator("[name='outlet_coverage-0-active_outlets']").fill("25")
    pos = _section(page, "pos_sales")
    pos.locator("[name='pos_sales-0-outlet']").select_option(str(f.outlet_sh.pk))
    pos.locator("[name='pos_sales-0-product']").select_option(str(f.cola.pk))
    pos.locator("[name='pos_sales-0-units']").fill("40")
    pos.locator("[name='pos_sales-0-revenue']").fill("196.00")
    intel = _section(page, "competitor_intel")
    intel.locator("[name='competitor_intel-0-brand']").select_option(str(f.competitor.pk))
    intel.locator("[name='competitor_intel-0-product_name']").fill("冰红茶 500ml")
    intel.locator("[name='competitor_intel-0-observed_price']").fill("3.50")
    intel.locator("[name='competitor_intel-0-activity']").select_option("price_cut")
    intel.locator("[name='competitor_intel-0-description']").fill("全场特价 3.5 元")
    page.locator("body").click(position={"x": 5, "y": 5})  # leave the last field

    # The panel says nothing is missing; the draft autosaves and the address becomes the draft's edit page.
    assert page.get_by_test_id("missing-panel").locator("[data-missing-count]").inner_text() == "0"
    assert page.get_by_test_id("report-bar").locator("[data-missing-count]").inner_text() == "0"
    assert all(_section(page, key).locator("[data-tick]").is_visible() for key in ("shelf_display", "pop_distribution"))
    page.wait_for_url(re.compile(r"/reports/\d+/edit/$"))
    page.get_by_test_id("autosave-status").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    page.wait_for_function(
        "() => { const s = document.querySelector('.autosave-status').textContent;"
        " return /\\d\\d:\\d\\d/.test(s) && !s.includes('…'); }"
    )
    report = DailyReport.objects.get(rep=rep, date=timezone.localdate())
    assert report.status == ReportStatus.DRAFT
    assert page.url == f"{live_server.url}/reports/{report.pk}/edit/"
    assert MerchandisingLine.objects.filter(report=report).count() == 2
    assert page.evaluate("window.samePage") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone

    # The connection drops: the change waits on the device and is saved when the phone is back online.
    page.context.set_offline(True)
    merch.locator("[name='merchandising-0-action_taken']").fill("已整理货架")
    page.get_by_test_id("autosave-status").filter(has_text="离线").wait_for()  # the page speaks Chinese
    page.context.set_offline(False)
    page.get_by_test_id("autosave-status").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    page.wait_for_function("() => !document.querySelector('.autosave-status').textContent.includes('…')")
    assert MerchandisingLine.objects.get(report=report, position=0).action_taken == "已整理货架"
    screenshot(page, "report-form-phone")

    # Submit: the report is submitted, with the photo on its shelf line; the rep lands on it.
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"{live_server.url}{_detail_url(report)}")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert sorted(report.nothing_to_report) == [
        "customer_feedback",
        "pop_distribution",
        "promotion_feedback",
        "regional_sales",
    ]
    line = ShelfDisplayLine.objects.get(report=report)
    assert line.photo == Photo.objects.get(uploaded_by=rep)
    assert DailyReport.objects.filter(rep=rep).count() == 1
    assert [url for url in page.requests if not url.startswith(live_server.url)] == []
    assert page.console_errors == []
