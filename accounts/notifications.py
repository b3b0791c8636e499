"""The one service every app notifies people through: an in-app notification, then an e-mail after commit.

A notification is written in its recipient's language (their preference, else the site default). ``key`` names
the event, and a recipient gets at most one notification per key, so processing an event twice notifies nobody
twice. Later channels (enterprise-chat webhooks, per-user preferences) plug in here.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification, User


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    message: Callable[[], tuple[str, str]],
    url: str = "",
) -> list[Notification]:
    """Notify each recipient once per ``key``. ``message()`` returns (title, body) in the active language.

    Returns the notifications created now (recipients already notified for ``key`` are left alone).
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
        language = recipient.language or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                title, body = message()
                texts[language] = (str(title)[:200], str(body))
        title, body = texts[language]
        rows.append(Notification(recipient=recipient, kind=kind, key=key, title=title, body=body, url=url))
    # ignore_conflicts: a concurrent run of the same event inserts nothing twice (the unique key decides).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(key=key, recipient__in=[row.recipient for row in rows], emailed_at__isnull=True)
    )
    from .tasks import notification_email_send  # the tasks module imports this one

    for notification in created:
        notification_email_send.delay_on_commit(notification.pk)
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification, at most once. Returns whether a message was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        send_mail(
            subject=notification.title,
            message="\n\n".join(part for part in (notification.body, link) if part),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        # Marked inside the same transaction as the row lock: a redelivered task finds it sent and stops.
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given). Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
