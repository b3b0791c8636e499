"""Celery tasks of accounts: thin wrappers over services."""

from celery import shared_task

from . import notifications


@shared_task(name="accounts.notification_email_send")
def notification_email_send(notification_id: int) -> bool:
    return notifications.notification_email_send(notification_id=notification_id)
