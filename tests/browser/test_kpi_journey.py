"""HR opens the joint KPIs on a wide screen, clicks a rep's filing rate, sees the missing days, exports the month to
XLSX; a rep on a phone sees only their own scorecard."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from openpyxl import load_workbook

from accounts.models import User
from coordination.models import KpiMonthly
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise (it also builds the KPI rollups)
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("coordination-demo")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()


def test_hr_follows_a_filing_rate_to_the_missing_days_and_exports_the_month(demo, browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    _sign_in(page, "hr.zhao")
    # hr.zhao prefers Chinese: her language wins over the browser's.
    page.locator(".nav a[href='/kpis/']").click()
    page.wait_for_url(f"{live_server.url}/kpis/")
    assert page.locator("h1").inner_text().startswith("联合 KPI")
    table = page.get_by_test_id("kpi-table")
    for rep in ("rep.zhang", "rep.liu", "rep.chen"):
        assert page.get_by_test_id(f"kpi-row-{rep}").is_visible()
    screenshot(page, "kpis-hr-wide")

    chen = User.objects.get(username="rep.chen")
    period = page.locator("input[name=period]").get_attribute("placeholder")
    counts = KpiMonthly.objects.filter(person=chen, month=f"{period}-01").aggregate(
        expected=Sum("days_expected"), filed=Sum("days_filed")
    )
    table.get_by_test_id("kpi-rep.chen-filing_rate").click()
    page.wait_for_url(f"**/kpis/people/{chen.pk}/facts/missing_days/**")
    assert page.locator("h1").inner_text() == "未提交日报的工作日"
    missing = counts["expected"] - counts["filed"]
    if missing:
        assert page.get_by_test_id("kpi-facts").locator("tbody tr").count() == missing
    else:
        assert page.get_by_test_id("kpi-facts-empty").is_visible()
    screenshot(page, "kpis-missing-days")

    page.goto("/kpis/")
    with page.expect_download() as download:
        page.get_by_test_id("kpi-export-xlsx").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert book.sheetnames == ["销售部", "市场部", "定义"]
    users = [row[1].value for row in book["销售部"].iter_rows(min_row=3)]
    assert {"rep.zhang", "rep.liu", "rep.chen", "mgr.east"} <= set(users)
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    context.close()


def test_a_rep_sees_only_their_own_scorecard(demo, phone_zh, live_server):
    page = phone_zh
    _sign_in(page, "rep.zhang")
    page.goto("/kpis/")
    zhang = User.objects.get(username="rep.zhang")
    assert page.url.startswith(f"{live_server.url}/kpis/people/{zhang.pk}/")
    assert page.locator("h1").inner_text().startswith("我的考核表")
    assert page.get_by_test_id("kpi-figures").is_visible()
    screenshot(page, "kpis-rep-zh-phone")
    assert page.console_errors == []
    other = User.objects.get(username="rep.liu")
    response = page.goto(f"/kpis/people/{other.pk}/")
    assert response.status == 404
