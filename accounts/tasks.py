"""Celery tasks of accounts: thin wrappers over services."""

from celery import shared_task

from coordination.celery import TRANSIENT_ERRORS

from . import notifications, outbox


@shared_task(name="accounts.notification_deliver", autoretry_for=(*TRANSIENT_ERRORS, notifications.DeliveryFailed))
def notification_deliver(delivery_id: int) -> bool:
    """Send one notification delivery (e-mail or chat); retried with backoff while the channel fails."""
    return notifications.delivery_send(delivery_id=delivery_id)


@shared_task(name="accounts.notification_deliveries_dispatch")
def notification_deliveries_dispatch(delivery_ids: list[int]) -> int:
    """Fan one message out to a task per delivery (``notify`` enqueues one message however many recipients)."""
    for delivery_id in delivery_ids:
        notification_deliver.delay(delivery_id)
    return len(delivery_ids)


@shared_task(name="accounts.notification_deliveries_resend")
def notification_deliveries_resend() -> int:
    """Enqueue again the deliveries still pending long after they were written (their task was lost)."""
    return notifications.deliveries_resend_pending()


@shared_task(name="accounts.outbox_relay")
def outbox_relay() -> int:
    """Publish the outbox messages the broker could not take when they were written."""
    published = outbox.outbox_relay()
    outbox.outbox_prune()
    return published
