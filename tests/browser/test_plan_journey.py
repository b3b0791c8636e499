"""The plan journey of issue 3, in a real browser: marketing drafts and previews a plan, a marketing manager
publishes it, the rep in scope is notified, reads it on a phone and acknowledges it, a rep outside the scope
cannot see it (page or API), and the acknowledgement board shows who has not read it yet."""

import re

import pytest
from django.db import connections

from accounts.demo import DEMO_PASSWORD, seed_accounts_demo
from accounts.models import Region
from campaigns.models import MarketingPlan, PlanAcknowledgement, SectionKind
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def test_plan_is_drafted_published_read_and_acknowledged(desktop, phone_zh, live_server):
    try:
        _journey(desktop, phone_zh, live_server)
    finally:
        # ORM queries made while Playwright's loop runs use that context's connections: close them here, or the
        # test database cannot be dropped at the end of the session ("being accessed by other users").
        connections.close_all()


def _journey(desktop, phone_zh, live_server):
    seed_accounts_demo()

    # 1. mkt.li drafts the plan in the browser; the editor autosaves; the preview shows it as sales will read it.
    page = desktop
    sign_in(page, "mkt.li")
    page.goto("/plans/new/")
    page.locator("[name=title]").fill("华东夏季冰饮计划")
    page.locator("[name=kind]").select_option("annual")
    page.locator("[name=region]").select_option(str(Region.objects.get(code="EAST").pk))
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/plans/\d+/edit/$"))
    plan = MarketingPlan.objects.get(title="华东夏季冰饮计划")
    for kind in SectionKind.values:
        page.locator(f"[name={kind}-goals]").fill(f"{kind} 的目标")
        page.locator(f"[name={kind}-rationale]").fill(f"{kind} 的理由")
    page.locator("[name=sales_promotion-body]").fill("特价 3.5 元\n- 覆盖 60 家门店")
    # autosave: the status line reports the save, and the database has the text without any button pressed
    page.get_by_test_id("autosave-status").filter(has_text=re.compile(r"\d\d:\d\d:\d\d")).wait_for()
    page.wait_for_function("() => !document.querySelector('.autosave-status').textContent.includes('…')")
    assert plan.sections.get(kind="brand_share").rationale == "brand_share 的理由"
    page.locator("button[name=preview]").click()
    page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/preview/")
    assert page.get_by_test_id("preview-banner").is_visible()
    assert page.locator("#section-sales_promotion li").inner_text() == "覆盖 60 家门店"
    screenshot(page, "plan-preview-desktop")
    page.locator(f"form[action='/plans/{plan.pk}/submit/'] button").click()
    page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/preview/")

    # 2. mkt.wang (a marketing manager) publishes it.
    page.context.clear_cookies()
    sign_in(page, "mkt.wang")
    page.goto(f"/plans/{plan.pk}/preview/")
    page.locator(".plan-actions summary.primary").click()
    page.get_by_test_id("publish").click()
    page.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.published_version.number == 1

    # 3. rep.zhang (Shanghai, in East) is notified, reads the plan on a phone and acknowledges it.
    rep = phone_zh
    sign_in(rep, "rep.zhang")
    assert rep.get_by_test_id("bell").locator(".count").inner_text() == "1"
    assert rep.get_by_role("link", name="华东夏季冰饮计划").is_visible()  # on the home page: plans to read
    rep.get_by_test_id("bell").click()
    rep.locator(".notification a.title").first.click()
    rep.wait_for_url(f"{live_server.url}/plans/{plan.pk}/")
    assert rep.get_by_test_id("plan-reader").is_visible()
    assert rep.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    screenshot(rep, "plan-reader-phone")
    rep.get_by_test_id("acknowledge").click()
    rep.get_by_test_id("acknowledged").wait_for()
    assert PlanAcknowledgement.objects.filter(user__username="rep.zhang", version=plan.published_version).exists()
    assert [url for url in rep.requests if not url.startswith(live_server.url)] == []
    assert rep.console_errors == []

    # 4. rep.chen (Beijing, outside East) cannot see it: not by page, not by API.
    rep.context.clear_cookies()
    sign_in(rep, "rep.chen")
    assert rep.goto(f"/plans/{plan.pk}/").status == 404
    assert rep.request.get(f"{live_server.url}/api/v1/plans/{plan.pk}/").status == 404
    rep.goto("/plans/")
    assert rep.get_by_test_id("plans-empty").is_visible()

    # 5. The acknowledgement board shows who has read it and who hasn't.
    page.goto(f"/plans/{plan.pk}/acknowledgements/")
    assert "todo" in page.get_by_test_id("ack-rep.liu").get_attribute("class")
    assert "done" in page.get_by_test_id("ack-rep.zhang").get_attribute("class")
    screenshot(page, "plan-acknowledgements-desktop")
    assert page.console_errors == []
