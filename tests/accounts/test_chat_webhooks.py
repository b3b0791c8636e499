"""Enterprise-chat deliveries against a local stand-in robot per provider: the exact JSON, the signatures, the
failures (provider error code, HTTP 500, nothing listening), retries, ``failed`` after the last attempt, and
sending at most once. Also which webhooks reach whom, and the admin's test message."""

import pytest
from django.test import override_settings

from accounts import chat
from accounts.models import (
    ChatWebhook,
    DeliveryStatus,
    Department,
    NotificationDelivery,
    NotificationKind,
)
from accounts.notifications import DeliveryFailed, delivery_send, notify, webhook_reaches
from accounts.roles import Role
from accounts.tasks import notification_deliver
from tests.factories import DepartmentFactory, UserFactory
from tests.factories.accounts import ChatWebhookFactory

from .chat_robot import closed_port_url, running_robot

pytestmark = pytest.mark.django_db


@pytest.fixture
def robot():
    with running_robot() as server:
        yield server


@pytest.fixture
def eager_retries(monkeypatch):
    """Let an eager task run its retries (the test settings otherwise propagate the first Retry to the caller)."""
    monkeypatch.setitem(notification_deliver.app.conf, "task_eager_propagates", False)


@pytest.fixture
def rep(regions):
    return UserFactory(role=Role.SALES_REP, region=regions.sh, phone="+86 138-0013-8000", email="")


def _notify_one(user, *, kind=NotificationKind.REPORT_REMINDER, key="report_reminder:2026-03-02"):
    notify(
        recipients=[user],
        kind=kind,
        key=key,
        message=lambda: ("Today's report", "File it before 18:00."),
        url="/feedback/reports/new/",
    )
    return NotificationDelivery.objects.get(notification__recipient=user, channel="chat")


@override_settings(SITE_URL="https://coordination.example.cn")
def test_wecom_gets_text_with_the_mention(robot, rep):
    ChatWebhookFactory(provider=ChatWebhook.Provider.WECOM, url=robot.url("wecom"), region=rep.region)
    delivery = _notify_one(rep)

    assert delivery_send(delivery_id=delivery.pk) is True

    [request] = robot.of("wecom")
    assert request.content_type == "application/json; charset=utf-8"
    assert request.body == {
        "msgtype": "text",
        "text": {
            "content": "Today's report\nFile it before 18:00.\nhttps://coordination.example.cn/feedback/reports/new/",
            "mentioned_mobile_list": ["13800138000"],
        },
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.sent_at is not None


@override_settings(SITE_URL="https://coordination.example.cn")
def test_dingtalk_gets_text_at_and_a_signature_the_robot_accepts(robot, rep):
    robot.secrets["dingtalk"] = "SEC0123456789abcdef"
    ChatWebhookFactory(
        provider=ChatWebhook.Provider.DINGTALK,
        url=robot.url("dingtalk") + "?access_token=tok",
        secret="SEC0123456789abcdef",
        region=rep.region,
    )
    delivery = _notify_one(rep)

    assert delivery_send(delivery_id=delivery.pk) is True

    [request] = robot.of("dingtalk")
    assert request.signature_ok is True
    assert request.query["access_token"] == "tok"
    assert set(request.query) == {"access_token", "timestamp", "sign"}
    assert request.body == {
        "msgtype": "text",
        "text": {
            "content": "Today's report\nFile it before 18:00.\nhttps://coordination.example.cn/feedback/reports/new/"
            "\n@13800138000"
        },
        "at": {"atMobiles": ["13800138000"], "isAtAll": False},
    }


def test_a_wrong_dingtalk_secret_is_refused_and_recorded(robot, rep):
    robot.secrets["dingtalk"] = "the-real-secret"
    ChatWebhookFactory(
        provider=ChatWebhook.Provider.DINGTALK, url=robot.url("dingtalk"), secret="a-wrong-secret", region=rep.region
    )
    delivery = _notify_one(rep)

    with pytest.raises(DeliveryFailed):
        delivery_send(delivery_id=delivery.pk)

    assert robot.of("dingtalk")[0].signature_ok is False
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "310000" in delivery.last_error
    assert "sign not match" in delivery.last_error


def test_feishu_gets_msg_type_text_signed_in_the_body(robot, rep):
    robot.secrets["feishu"] = "feishu-secret"
    ChatWebhookFactory(
        provider=ChatWebhook.Provider.FEISHU, url=robot.url("feishu"), secret="feishu-secret", region=rep.region
    )
    delivery = _notify_one(rep)

    assert delivery_send(delivery_id=delivery.pk) is True

    [request] = robot.of("feishu")
    assert request.signature_ok is True
    assert request.query == {}
    assert set(request.body) == {"timestamp", "sign", "msg_type", "content"}
    assert request.body["msg_type"] == "text"
    assert request.body["content"]["text"].startswith("Today's report\nFile it before 18:00.\nhttp")


def test_feishu_without_secret_sends_no_signature(robot, rep):
    ChatWebhookFactory(provider=ChatWebhook.Provider.FEISHU, url=robot.url("feishu"), region=rep.region)
    delivery = _notify_one(rep)

    assert delivery_send(delivery_id=delivery.pk) is True

    assert set(robot.of("feishu")[0].body) == {"msg_type", "content"}


@pytest.mark.parametrize(
    ("provider", "status", "answer", "expected"),
    [
        ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "invalid webhook url"),
        ("dingtalk", 200, {"errcode": 300001, "errmsg": "token is not exist"}, "token is not exist"),
        ("feishu", 200, {"code": 9499, "msg": "Bad Request"}, "Bad Request"),
        ("wecom", 500, {"error": "boom"}, "HTTP Error 500"),
        ("feishu", 200, b"<html>gateway</html>", "not JSON"),
    ],
)
def test_a_refusal_fails_the_attempt_with_the_providers_error(robot, rep, provider, status, answer, expected):
    ChatWebhookFactory(provider=provider, url=robot.url(provider), region=rep.region)
    robot.answer_next(provider, status, answer)
    delivery = _notify_one(rep)

    with pytest.raises(DeliveryFailed):
        delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (DeliveryStatus.PENDING, 1, None)
    assert expected in delivery.last_error
    # The next attempt goes through (the robot answers OK again) and clears the error.
    assert delivery_send(delivery_id=delivery.pk) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(robot.of(provider)) == 2


def test_nothing_listening_fails_the_attempt(rep):
    ChatWebhookFactory(url=closed_port_url(), region=rep.region)
    delivery = _notify_one(rep)

    with pytest.raises(DeliveryFailed):
        delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "ChatError" in delivery.last_error
    assert "Connection refused" in delivery.last_error


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3)
def test_the_last_allowed_attempt_marks_the_delivery_failed(robot, rep):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    robot.answer_next("wecom", 500, {"error": "down"}, times=5)
    delivery = _notify_one(rep)

    for _ in range(2):
        with pytest.raises(DeliveryFailed):
            delivery_send(delivery_id=delivery.pk)
    assert delivery_send(delivery_id=delivery.pk) is False  # third attempt: given up, not raised for a retry

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert "HTTP Error 500" in delivery.last_error
    # A failed delivery is not tried again by a late task.
    assert delivery_send(delivery_id=delivery.pk) is False
    assert len(robot.of("wecom")) == 3


def test_a_sent_delivery_is_not_sent_again(robot, rep):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    delivery = _notify_one(rep)

    assert delivery_send(delivery_id=delivery.pk) is True
    assert delivery_send(delivery_id=delivery.pk) is False
    notification_deliver.apply(args=[delivery.pk]).get()

    assert len(robot.of("wecom")) == 1


def test_the_task_retries_until_the_robot_accepts(robot, rep, eager_retries):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    robot.answer_next("wecom", 500, {"error": "busy"}, times=2)
    delivery = _notify_one(rep)

    assert notification_deliver.apply(args=[delivery.pk]).get() is True

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert len(robot.of("wecom")) == 3


def test_the_task_gives_up_after_notification_max_attempts(robot, rep, settings, eager_retries):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    robot.answer_next("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, times=50)
    delivery = _notify_one(rep)

    assert notification_deliver.apply(args=[delivery.pk]).get() is False

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == settings.NOTIFICATION_MAX_ATTEMPTS == 6
    assert len(robot.of("wecom")) == 6
    assert "api freq out of limit" in delivery.last_error


def test_a_webhook_switched_off_after_planning_fails_at_once(robot, rep):
    webhook = ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    delivery = _notify_one(rep)
    ChatWebhook.objects.filter(pk=webhook.pk).update(is_active=False)

    assert delivery_send(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "switched off" in delivery.last_error
    assert robot.requests == []


def test_notify_sends_through_the_task_after_the_commit(robot, rep, django_capture_on_commit_callbacks):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)

    with django_capture_on_commit_callbacks(execute=True):
        _notify_one(rep)
        assert robot.requests == []  # nothing leaves before the commit

    assert len(robot.of("wecom")) == 1
    assert NotificationDelivery.objects.get().status == DeliveryStatus.SENT


# --- who a webhook reaches ------------------------------------------------------------------------------------


def test_webhook_audience(regions):
    sales = DepartmentFactory(code=Department.Code.SALES)
    marketing = DepartmentFactory(code=Department.Code.MARKETING)
    sh_rep = UserFactory(department=sales, region=regions.sh)
    bj_rep = UserFactory(department=sales, region=regions.bj)
    sh_marketer = UserFactory(department=marketing, region=regions.sh)
    nowhere = UserFactory(department=sales, region=None)

    department_only = ChatWebhookFactory(department=sales, region=None)
    east_only = ChatWebhookFactory(department=None, region=regions.east)
    sales_in_east = ChatWebhookFactory(department=sales, region=regions.east)
    city = ChatWebhookFactory(department=None, region=regions.sh)

    reach = {
        webhook.name: {u.username for u in (sh_rep, bj_rep, sh_marketer, nowhere) if webhook_reaches(webhook, u)}
        for webhook in (department_only, east_only, sales_in_east, city)
    }
    assert reach == {
        department_only.name: {sh_rep.username, bj_rep.username, nowhere.username},
        east_only.name: {sh_rep.username, sh_marketer.username},
        sales_in_east.name: {sh_rep.username},
        city.name: {sh_rep.username, sh_marketer.username},
    }


def test_notify_plans_chat_deliveries_per_audience_kind_and_activity(regions):
    sales = DepartmentFactory(code=Department.Code.SALES)
    sh_rep = UserFactory(department=sales, region=regions.sh)
    bj_rep = UserFactory(department=sales, region=regions.bj)
    east = ChatWebhookFactory(department=None, region=regions.east)
    all_sales = ChatWebhookFactory(department=sales)
    ChatWebhookFactory(department=sales, is_active=False)
    ChatWebhookFactory(department=sales, kinds=[NotificationKind.ALERT])
    reminders_only = ChatWebhookFactory(department=sales, kinds=[NotificationKind.REPORT_REMINDER])

    notify(
        recipients=[sh_rep, bj_rep],
        kind=NotificationKind.REPORT_REMINDER,
        key="report_reminder:2026-03-02",
        message=lambda: ("t", "b"),
    )

    chat_rows = set(
        NotificationDelivery.objects.filter(channel="chat").values_list("notification__recipient__username", "webhook")
    )
    assert chat_rows == {
        (sh_rep.username, east.pk),
        (sh_rep.username, all_sales.pk),
        (sh_rep.username, reminders_only.pk),
        (bj_rep.username, all_sales.pk),
        (bj_rep.username, reminders_only.pk),
    }


# --- admin -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_test_message_reports_each_webhook(admin_client, robot, regions):
    good = ChatWebhookFactory(name="Good group", url=robot.url("feishu"), provider="feishu", region=regions.sh)
    bad = ChatWebhookFactory(name="Bad group", url=robot.url("wecom"), provider="wecom", region=regions.sh)
    robot.answer_next("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"})

    response = admin_client.post(
        "/admin/accounts/chatwebhook/",
        {"action": "send_test_message", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )

    texts = [str(m) for m in response.context["messages"]]
    assert "Good group: test message delivered." in texts
    assert any(t.startswith("Bad group: not delivered:") and "invalid webhook url" in t for t in texts)
    assert robot.of("feishu")[0].body["content"]["text"].startswith("Test message from Coordination")


def test_admin_never_shows_the_secret_and_keeps_it_when_left_empty(admin_client, regions):
    webhook = ChatWebhookFactory(provider="dingtalk", secret="SECkeep-me-hidden", region=regions.sh)

    page = admin_client.get(f"/admin/accounts/chatwebhook/{webhook.pk}/change/")
    assert page.status_code == 200
    assert "SECkeep-me-hidden" not in page.content.decode()

    form = {
        "name": "Renamed",
        "provider": "dingtalk",
        "url": webhook.url,
        "secret": "",
        "department": webhook.department_id,
        "region": regions.sh.pk,
        "kinds": [NotificationKind.ALERT],
        "is_active": "on",
    }
    response = admin_client.post(f"/admin/accounts/chatwebhook/{webhook.pk}/change/", form)
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.secret, webhook.kinds) == ("Renamed", "SECkeep-me-hidden", ["alert"])

    admin_client.post(f"/admin/accounts/chatwebhook/{webhook.pk}/change/", {**form, "clear_secret": "on"})
    webhook.refresh_from_db()
    assert webhook.secret == ""


def test_admin_send_again_requeues_failed_deliveries(admin_client, robot, rep, django_capture_on_commit_callbacks):
    ChatWebhookFactory(url=robot.url("wecom"), region=rep.region)
    delivery = _notify_one(rep)
    NotificationDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/accounts/notificationdelivery/",
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert len(robot.of("wecom")) == 1


def test_admin_pages_of_notifications_open(admin_client, rep):
    ChatWebhookFactory(region=rep.region)
    delivery = _notify_one(rep)
    for url in (
        "/admin/accounts/chatwebhook/",
        "/admin/accounts/notificationdelivery/?status__exact=pending&channel__exact=chat",
        f"/admin/accounts/notificationdelivery/?q={rep.username}",
        f"/admin/accounts/notificationdelivery/{delivery.pk}/change/",
        "/admin/accounts/notificationpreference/",
        f"/admin/accounts/notification/{delivery.notification_id}/change/",
        "/admin/accounts/outboxmessage/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_chat_post_refuses_other_schemes():
    webhook = ChatWebhook(name="x", provider="wecom", url="file:///etc/passwd")
    with pytest.raises(chat.ChatError):
        chat.post(webhook, chat.ChatMessage(title="t", body="b"))
