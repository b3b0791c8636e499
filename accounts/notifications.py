"""The one service every app notifies people through.

``notify`` writes the in-app notification (the inbox always has it) and one ``NotificationDelivery`` per other
channel the recipient's preferences allow: e-mail (HTML + text) and each enterprise-chat webhook of their department
or region. Each delivery is sent by a Celery task after the commit, at most once, retried with backoff while the
channel fails (``CoordinationTask``), and marked ``failed`` after ``NOTIFICATION_MAX_ATTEMPTS``.

A notification is written in its recipient's language (their preference, else the site default). ``key`` names
the event *and its period* — the (kind, object, period) the notification is about, e.g.
``report_reminder:2026-03-02`` or ``approval_overdue:41:2026-03-02`` — and a recipient gets at most one
notification per key (a unique constraint), so a job run twice, or by two beat instances at once, sends nothing
twice.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import chat
from .models import (
    Channel,
    ChatWebhook,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    User,
)

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A channel failed this time; the task retries it with backoff."""


class DeliveryImpossible(Exception):
    """Trying again cannot help (no address, webhook switched off): the delivery fails at once."""


def absolute_url(url: str) -> str:
    """A link for outside the site (e-mail, chat): SITE_URL + the path; an absolute address stays as it is."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL.rstrip('/')}/{url.lstrip('/')}"


def user_language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    message: Callable[[], tuple[str, str]],
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient once per ``key``. ``message()`` returns (title, body) in the active language.

    ``email=False`` when the caller mails the recipients itself (the monthly digest, with its attachment): the
    notification then reaches the inbox and the chat robots only.

    Returns the notifications created now (recipients already notified for ``key`` are left alone). A constant
    number of queries whatever the number of recipients.
    """
    recipients = [r for r in {r.pk: r for r in recipients}.values() if r.is_active]
    if not recipients:
        return []
    already = set(Notification.objects.filter(key=key, recipient__in=recipients).values_list("recipient_id", flat=True))
    texts: dict[str, tuple[str, str]] = {}
    rows = []
    for recipient in recipients:
        if recipient.pk in already:
            continue
        language = user_language(recipient)
        if language not in texts:
            with translation.override(language):
                title, body = message()
                # One line: the title is also the e-mail subject, where a line break is refused.
                texts[language] = (" ".join(str(title).split())[:200], str(body))
        title, body = texts[language]
        rows.append(Notification(recipient=recipient, kind=kind, key=key, title=title, body=body, url=url))
    if not rows:
        return []
    # ignore_conflicts: a concurrent run of the same event inserts nothing twice (the unique key decides).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(key=key, recipient__in=[row.recipient for row in rows]).select_related(
            "recipient__region"
        )
    )
    _deliveries_plan(created, kind=kind, email=email)
    return created


def _deliveries_plan(notifications: list[Notification], *, kind: str, email: bool = True) -> None:
    """Create the pending deliveries the recipients' preferences allow and enqueue them after the commit."""
    if not notifications:
        return
    users = [n.recipient_id for n in notifications]
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in=users, kind=kind).only("user_id", "email", "chat")
    }
    webhooks = [
        w for w in ChatWebhook.objects.filter(is_active=True).select_related("region") if not w.kinds or kind in w.kinds
    ]
    deliveries = []
    for notification in notifications:
        recipient = notification.recipient
        preference = preferences.get(recipient.pk)
        if email and recipient.email and (preference is None or preference.email):
            deliveries.append(NotificationDelivery(notification=notification, channel=Channel.EMAIL))
        if webhooks and (preference is None or preference.chat):
            deliveries += [
                NotificationDelivery(notification=notification, channel=Channel.CHAT, webhook=webhook)
                for webhook in webhooks
                if webhook_reaches(webhook, recipient)
            ]
    if not deliveries:
        return
    NotificationDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    pending = list(
        NotificationDelivery.objects.filter(notification__in=notifications, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    if pending:
        deliveries_enqueue(delivery_ids=pending)


def deliveries_enqueue(*, delivery_ids: list[int]) -> None:
    """Enqueue the deliveries after the commit as one message (one outbox row however many there are); the worker
    fans it out to one ``accounts.notification_deliver`` task per delivery, each retried on its own."""
    from .tasks import notification_deliveries_dispatch  # the tasks module imports this one

    notification_deliveries_dispatch.delay_on_commit(list(delivery_ids))


def webhook_reaches(webhook: ChatWebhook, user: User) -> bool:
    """Whether the webhook's audience (department and/or region subtree) includes ``user``."""
    if webhook.department_id and webhook.department_id != user.department_id:
        return False
    if webhook.region_id:
        return user.region is not None and user.region.path.startswith(webhook.region.path)
    return True


def _send_email(notification: Notification) -> None:
    recipient = notification.recipient
    context = {
        "notification": notification,
        "link": absolute_url(notification.url),
        "settings_link": absolute_url(reverse("accounts:notification_settings")),
        "recipient": recipient,
    }
    with translation.override(user_language(recipient)):
        text = render_to_string("accounts/email/notification.txt", context)
        html = render_to_string("accounts/email/notification.html", context)
    message = EmailMultiAlternatives(subject=notification.title, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _send_chat(delivery: NotificationDelivery) -> None:
    notification = delivery.notification
    chat.post(
        delivery.webhook,
        chat.ChatMessage(
            title=notification.title,
            body=notification.body,
            link=absolute_url(notification.url),
            mobile=notification.recipient.phone,
        ),
    )


def delivery_send(*, delivery_id: int) -> bool:
    """Send one pending delivery, at most once. Returns whether it was sent now.

    The row is locked while sending and marked sent in the same transaction, so a redelivered or concurrent task
    finds it sent and stops. A failure is recorded (attempts, error) and raised as ``DeliveryFailed`` for the task
    to retry with backoff; the last allowed attempt marks it ``failed``.
    """
    failure = None
    with transaction.atomic():
        delivery = (
            NotificationDelivery.objects.select_for_update(of=("self",))
            .select_related("notification__recipient", "webhook")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return False
        delivery.attempts += 1
        try:
            if delivery.channel == Channel.EMAIL:
                if not delivery.notification.recipient.email:
                    raise DeliveryImpossible("the recipient has no e-mail address")
                _send_email(delivery.notification)
            else:
                if not delivery.webhook.is_active:
                    raise DeliveryImpossible("the webhook is switched off")
                _send_chat(delivery)
        except Exception as error:  # any channel error is recorded on the delivery, then retried
            failure = error
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if isinstance(error, DeliveryImpossible) or delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if failure is not None:
        logger.warning("delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, failure)
        if delivery.status == DeliveryStatus.PENDING:
            raise DeliveryFailed(str(failure)) from failure
        return False
    return True


def deliveries_resend_pending(*, older_than_seconds: int = 600) -> int:
    """Enqueue again the pending deliveries nobody has finished (e.g. their task was lost). Returns how many."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        NotificationDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:5000]
    )
    if ids:
        deliveries_enqueue(delivery_ids=ids)
    return len(ids)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given). Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def deliveries_send_again(*, delivery_ids: Iterable[int]) -> int:
    """Give failed deliveries a fresh set of attempts: back to pending, then enqueued. Returns how many."""
    with transaction.atomic():
        ids = list(
            NotificationDelivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids), status=DeliveryStatus.FAILED)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        NotificationDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, attempts=0)
        deliveries_enqueue(delivery_ids=ids)
    return len(ids)


def notification_preferences_for(*, user: User) -> list[dict]:
    """Every kind of notification with the user's e-mail and chat choice (both on when they never chose)."""
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "email": chosen[kind.value].email if kind.value in chosen else True,
            "chat": chosen[kind.value].chat if kind.value in chosen else True,
        }
        for kind in NotificationKind
    ]


def notification_preferences_save(*, user: User, choices: Iterable[dict]) -> list[dict]:
    """Save the user's channels for some kinds: ``[{"kind": ..., "email": bool, "chat": bool}, ...]``.

    A choice may leave ``email`` or ``chat`` out (it keeps its current value). One transaction, one upsert; the
    in-app inbox is not a choice. Returns every kind's choice, as ``notification_preferences_for``.
    """
    choices = list(choices)
    kinds = [choice.get("kind") for choice in choices]
    unknown = [str(kind) for kind in kinds if kind not in NotificationKind.values]
    if unknown:
        raise ValidationError(
            {"kind": _("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}}
        )
    twice = sorted({kind for kind in kinds if kinds.count(kind) > 1})
    if twice:
        raise ValidationError({"kind": _("Each kind only once, please: %(kinds)s.") % {"kinds": ", ".join(twice)}})
    with transaction.atomic():
        current = {
            p.kind: p for p in NotificationPreference.objects.select_for_update().filter(user=user, kind__in=kinds)
        }
        rows = []
        for choice in choices:
            before = current.get(choice["kind"])
            rows.append(
                NotificationPreference(
                    user=user,
                    kind=choice["kind"],
                    email=bool(choice.get("email", before.email if before else True)),
                    chat=bool(choice.get("chat", before.chat if before else True)),
                )
            )
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email", "chat"]
        )
    return notification_preferences_for(user=user)
