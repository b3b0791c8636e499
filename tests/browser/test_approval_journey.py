"""Issue 5's "done when" for a sales request, in a real browser with the demo users: rep.zhang drafts a request and
submits it from the promotion page, mgr.east endorses it from his inbox, mkt.wang approves it from the inbox on a
phone (seeing the SLA clock), the promotion page shows it approved with the three events of its timeline, and
rep.chen (Beijing) gets 404 on the promotion and on the step."""

import datetime
import re

import pytest
from django.db import connections
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, seed_accounts_demo
from approvals.models import ApprovalEvent, ApprovalStep, StepKind, StepStatus
from campaigns.demo.master import seed_master_data
from campaigns.models import Product, Promotion, PromotionStatus
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "上海社区店牙膏堆头申请"


def sign_in(page, username):
    page.context.clear_cookies()
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


def test_a_sales_request_goes_from_rep_to_manager_to_marketing_on_a_phone(desktop, phone_zh, live_server):
    try:
        _journey(desktop, phone_zh, live_server)
    finally:
        connections.close_all()  # ORM queries made while Playwright's loop runs


def _journey(desktop, phone_zh, live_server):
    seed_accounts_demo()
    seed_master_data()
    today = timezone.localdate()
    toothpaste = Product.objects.get(sku="QY-CARE-001")

    # 1. rep.zhang drafts the request with the campaigns form and submits it from the promotion page.
    page = desktop
    sign_in(page, "rep.zhang")
    page.goto("/promotions/new/")
    page.locator("[name=title]").fill(TITLE)
    page.locator("[name=type]").select_option("display_fee")
    page.locator("[name=starts_on]").fill((today + datetime.timedelta(days=7)).isoformat())
    page.locator("[name=ends_on]").fill((today + datetime.timedelta(days=35)).isoformat())
    page.locator(f"input[name=products][value='{toothpaste.pk}']").check()
    page.locator("[name=mechanics]").fill("在 12 家社区超市做牙膏堆头，每店陈列费 500 元。")
    page.locator("[name=budget]").fill("6000")
    page.locator("[name=expected_effect]").fill("销量提升 15%")
    page.locator("form.promotion-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/promotions/\d+/$"))
    promotion = Promotion.objects.get(title=TITLE)
    assert promotion.status == PromotionStatus.DRAFT
    page.get_by_test_id("submit-promotion").click()
    page.wait_for_url(f"{live_server.url}/promotions/{promotion.pk}/#approval")
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.ENDORSEMENT
    assert page.get_by_test_id("approval-steps").locator("[data-testid=sla-clock]").count() == 1
    endorsement = ApprovalStep.objects.get(flow__promotion=promotion, kind=StepKind.ENDORSEMENT)
    assert endorsement.assignee.username == "mgr.east"

    # 2. mgr.east endorses it from his inbox.
    sign_in(page, "mgr.east")
    page.goto("/approvals/")
    card = page.get_by_test_id(f"inbox-step-{endorsement.pk}")
    assert card.is_visible()
    card.locator("a.open-step").click()
    page.wait_for_url(f"{live_server.url}/approvals/{endorsement.pk}/")
    assert page.get_by_test_id("evidence").is_visible()
    page.locator("input[name=decision][value=approve]").check()
    page.locator("[name=comment]").fill("竞品正在社区店降价，堆头能稳住份额，同意。")
    page.get_by_test_id("decide").click()
    page.wait_for_url(f"{live_server.url}/approvals/")
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.decision) == (StepStatus.DECIDED, "approve")
    assert page.get_by_test_id("inbox-empty").is_visible()
    screenshot(page, "approval-inbox-empty-wide")

    # 3. mkt.wang, on a phone in Chinese: the inbox shows the SLA clock; she opens the step and approves.
    review = ApprovalStep.objects.get(flow__promotion=promotion, kind=StepKind.REVIEW)
    phone = phone_zh
    sign_in(phone, "mkt.wang")
    phone.goto("/approvals/")
    card = phone.get_by_test_id(f"inbox-step-{review.pk}")
    assert card.locator("[data-testid=sla-clock]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    screenshot(phone, "approval-inbox-phone")
    card.locator("a.open-step").click()
    phone.wait_for_url(f"{live_server.url}/approvals/{review.pk}/")
    assert phone.get_by_test_id("step-summary").locator("[data-testid=sla-clock]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "approval-decision-phone")
    phone.locator("label[for=id_decision_0]").click()  # approve: a big touch target
    phone.get_by_test_id("decide").click()
    phone.wait_for_url(f"{live_server.url}/approvals/")
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.APPROVED

    # 4. The promotion page shows it approved, with the three events of its timeline.
    phone.goto(f"/promotions/{promotion.pk}/")
    assert phone.locator(".page-head .badge").get_attribute("data-status") == "approved"
    events = phone.get_by_test_id("approval-timeline").get_by_test_id("timeline-event")
    assert events.count() == 3
    assert list(ApprovalEvent.objects.filter(promotion=promotion).order_by("id").values_list("action", flat=True)) == [
        "submit_for_endorsement",
        "endorse",
        "approve",
    ]
    assert "竞品正在社区店降价" in events.nth(1).inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "approval-panel-phone")
    assert [url for url in phone.requests if not url.startswith(live_server.url)] == []
    assert phone.console_errors == []
    assert page.console_errors == []

    # 5. rep.chen (Beijing) can see neither the promotion nor the step.
    sign_in(page, "rep.chen")
    assert page.goto(f"/promotions/{promotion.pk}/").status == 404
    assert page.goto(f"/approvals/{review.pk}/").status == 404
    assert page.request.get(f"{live_server.url}/api/v1/approvals/{review.pk}/").status == 404
