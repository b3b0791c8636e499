"""Celery tasks of campaigns: thin wrappers over services (retries per CoordinationTask)."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="campaigns.plan_ack_reminders_send")
def plan_ack_reminders_send(day: str | None = None) -> int:
    """Remind readers who have not acknowledged a published plan (working days; beat fires daily at 10:00).
    ``day``: an ISO date instead of today in the company time zone (a re-run by hand)."""
    from .services.reminders import plan_ack_reminders_send as send

    return send(day=datetime.date.fromisoformat(day) if day else timezone.localdate())
