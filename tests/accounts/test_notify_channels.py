"""``notify``: the in-app notification always, e-mail and chat per the recipient's preferences, each person in their
own language, once per key (also when two runs race), in a constant number of queries."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, gettext_lazy

from accounts.models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    User,
)
from accounts.notifications import deliveries_resend_pending, delivery_send, notify
from accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import ChatWebhookFactory

from .chat_robot import running_robot

KEY = "plan_published:12:v3"


def _message():
    # "Notifications" has a Chinese translation in the catalogue: each recipient gets their own language.
    return gettext("Notifications"), gettext_lazy("Sign out")


def _notify(recipients, *, kind=NotificationKind.PLAN_PUBLISHED, key=KEY, url="/plans/12/"):
    return notify(recipients=recipients, kind=kind, key=key, message=_message, url=url)


@pytest.mark.django_db
def test_preferences_choose_the_channels_and_the_inbox_always_has_it(regions):
    ChatWebhookFactory(department=None, region=regions.cn)
    everything = UserFactory(role=Role.SALES_REP, region=regions.sh)
    no_email = UserFactory(role=Role.SALES_REP, region=regions.sh)
    no_chat = UserFactory(role=Role.SALES_REP, region=regions.sh)
    nothing = UserFactory(role=Role.SALES_REP, region=regions.sh)
    other_kind_off = UserFactory(role=Role.SALES_REP, region=regions.sh)
    NotificationPreference.objects.create(user=no_email, kind=NotificationKind.PLAN_PUBLISHED, email=False)
    NotificationPreference.objects.create(user=no_chat, kind=NotificationKind.PLAN_PUBLISHED, chat=False)
    NotificationPreference.objects.create(user=nothing, kind=NotificationKind.PLAN_PUBLISHED, email=False, chat=False)
    NotificationPreference.objects.create(user=other_kind_off, kind=NotificationKind.ALERT, email=False, chat=False)

    _notify([everything, no_email, no_chat, nothing, other_kind_off])

    assert Notification.objects.filter(key=KEY).count() == 5
    channels = {}
    for username, channel in NotificationDelivery.objects.values_list("notification__recipient__username", "channel"):
        channels.setdefault(username, set()).add(channel)
    assert channels == {
        everything.username: {Channel.EMAIL, Channel.CHAT},
        no_email.username: {Channel.CHAT},
        no_chat.username: {Channel.EMAIL},
        other_kind_off.username: {Channel.EMAIL, Channel.CHAT},
    }


@pytest.mark.django_db
def test_no_email_address_means_no_email_delivery_and_inactive_users_get_nothing():
    without = UserFactory(email="")
    inactive = UserFactory(is_active=False)

    created = _notify([without, inactive])

    assert [n.recipient for n in created] == [without]
    assert not NotificationDelivery.objects.exists()


@pytest.mark.django_db
@override_settings(SITE_URL="https://coordination.example.cn/")
def test_email_is_multipart_in_each_recipients_language_with_the_site_link():
    english = UserFactory(language=User.Language.EN, email="en@example.com")
    chinese = UserFactory(language=User.Language.ZH_HANS, email="zh@example.com")
    _notify([english, chinese])

    for delivery in NotificationDelivery.objects.order_by("pk"):
        assert delivery_send(delivery_id=delivery.pk) is True

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"en@example.com", "zh@example.com"}
    en, zh = by_address["en@example.com"], by_address["zh@example.com"]
    assert en.subject == "Notifications"
    assert zh.subject == "通知"
    for message in (en, zh):
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        assert "https://coordination.example.cn/plans/12/" in message.body
        assert 'href="https://coordination.example.cn/plans/12/"' in html
        assert "https://coordination.example.cn/accounts/notifications/settings/" in message.body
    assert "Sign out" in en.body
    assert "Open it:" in en.body
    assert '<html lang="en">' in en.alternatives[0][0]
    assert '<html lang="zh-hans">' in zh.alternatives[0][0]
    assert "退出" in zh.body
    assert "Sign out" not in zh.body
    assert Notification.objects.get(recipient=chinese).title == "通知"


@pytest.mark.django_db
def test_a_title_with_line_breaks_becomes_one_line():
    user = UserFactory()
    notify(recipients=[user], kind=NotificationKind.ALERT, key="alert:1", message=lambda: ("Out of\nstock ", "body"))

    assert Notification.objects.get().title == "Out of stock"


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_notification_and_one_delivery_per_channel(regions):
    ChatWebhookFactory(department=None, region=regions.east)
    ChatWebhookFactory(department=None, region=regions.sh)
    user = UserFactory(role=Role.SALES_REP, region=regions.sh)

    first = _notify([user, user])
    second = _notify([user])

    assert len(first) == 1
    assert second == []
    assert Notification.objects.count() == 1
    assert NotificationDelivery.objects.filter(channel=Channel.EMAIL).count() == 1
    assert NotificationDelivery.objects.filter(channel=Channel.CHAT).count() == 2
    # Another period is another notification.
    assert len(_notify([user], key="plan_published:12:v4")) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_still_notify_once(regions):
    # No surrounding transaction here: each run commits, and its deliveries are sent at once (eager tasks).
    with running_robot() as robot:
        ChatWebhookFactory(department=None, region=regions.cn, url=robot.url("wecom"))
        _race(regions)
    assert len(robot.of("wecom")) == 5  # sent once each, though both runs enqueued them
    assert len(mail.outbox) == 5


def _race(regions):
    users = [UserFactory(role=Role.SALES_REP, region=regions.sh) for _ in range(5)]
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            _notify(users)
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
    assert Notification.objects.filter(key=KEY).count() == 5
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert NotificationDelivery.objects.filter(channel=Channel.EMAIL).count() == 5
    assert NotificationDelivery.objects.filter(channel=Channel.CHAT).count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_notify_takes_a_constant_number_of_queries(regions, count, django_capture_on_commit_callbacks):
    ChatWebhookFactory(department=None, region=regions.cn)
    ChatWebhookFactory(department=None, region=regions.east)
    users = [
        UserFactory(role=Role.SALES_REP, region=regions.sh, language=("en", "zh-hans")[i % 2]) for i in range(count)
    ]
    NotificationPreference.objects.create(user=users[0], kind=NotificationKind.PLAN_PUBLISHED, chat=False)
    users = list(User.objects.filter(pk__in=[u.pk for u in users]))

    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        _notify(users)

    # already notified, insert, read back, preferences, webhooks, insert deliveries, pending ids
    assert len(queries) == 7
    assert len(callbacks) == 1  # one message for all the deliveries
    assert NotificationDelivery.objects.count() == count * 3 - 2


@pytest.mark.django_db
def test_resend_pending_enqueues_only_old_pending_deliveries(django_capture_on_commit_callbacks):
    user = UserFactory()
    _notify([user])
    delivery = NotificationDelivery.objects.get()

    assert deliveries_resend_pending(older_than_seconds=600) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_resend_pending(older_than_seconds=0) == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_resend_pending(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_resend_notifications_command(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _notify([UserFactory()])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resend_notifications", "--older-than", "0", stdout=out)
    assert out.getvalue().strip() == "1 pending deliveries enqueued again."
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError):
        call_command("resend_notifications", "--older-than", "-1")


@pytest.mark.django_db
def test_a_chat_delivery_through_notify_reaches_the_robot_once(regions, django_capture_on_commit_callbacks):
    user = UserFactory(role=Role.SALES_REP, region=regions.sh)
    with running_robot() as robot:
        ChatWebhookFactory(department=None, region=regions.sh, url=robot.url("wecom"))
        with django_capture_on_commit_callbacks(execute=True):
            _notify([user])
        with django_capture_on_commit_callbacks(execute=True):
            _notify([user])
            deliveries_resend_pending(older_than_seconds=0)

    assert len(robot.of("wecom")) == 1
    assert len(mail.outbox) == 1
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
