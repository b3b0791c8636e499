"""A rep signs in on a phone with the page in Chinese, sees the home page, and signs out."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

# serialized_rollback: the live server needs committed data, and the roles and departments that migrations
# created must survive the flush between transactional tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def test_rep_signs_in_in_chinese_sees_home_and_signs_out(demo, phone_zh, live_server):
    page = phone_zh

    page.goto("/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/"
    assert page.locator("h1").inner_text() == "登录"
    screenshot(page, "login-zh-phone")

    page.get_by_label("用户名").fill("rep.zhang")
    page.get_by_label("密码").fill("coordination-demo")
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "您好，张伟"
    assert page.get_by_role("heading", name="今天需要我处理的事").is_visible()
    # The demo publishes two East plans: they wait on the home page until rep.zhang has read them.
    assert page.get_by_role("heading", name="待阅读的计划").is_visible()
    plans = page.locator(".card").filter(has=page.get_by_role("heading", name="待阅读的计划"))
    assert plans.locator(".items li").count() == 2
    assert "销售代表" in page.locator(".profile").inner_text()
    assert "上海" in page.locator(".profile").inner_text()
    screenshot(page, "home-zh-phone")

    # On a phone the menu is folded; open it, then sign out.
    page.get_by_text("菜单").click()
    assert not page.get_by_role("link", name="系统管理").count()  # a rep gets no admin entry
    page.get_by_role("button", name="退出登录").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto("/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/"

    # Everything the pages needed came from this server: no CDN, nothing external, no script errors.
    assert [url for url in page.requests if not url.startswith(live_server.url)] == []
    assert page.console_errors == []


def test_wrong_password_shows_the_error_in_chinese(demo, phone_zh):
    page = phone_zh
    page.goto("/accounts/login/")

    page.get_by_label("用户名").fill("rep.zhang")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()

    assert "请输入一个正确的" in page.locator(".form-errors").inner_text()
    assert page.get_by_label("用户名").input_value() == "rep.zhang"  # nothing typed is lost
