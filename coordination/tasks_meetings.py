"""Celery tasks of joint meetings (imported by coordination.tasks for autodiscovery)."""

import datetime

from celery import shared_task

__all__ = ["action_item_reminders_send"]


@shared_task(name="coordination.action_item_reminders_send")
def action_item_reminders_send(day: str | None = None) -> dict:
    """Remind owners of action items due soon and escalate overdue ones (daily; working days only). ``day`` is an
    ISO date, today in the company time zone by default. Idempotent: a repeated run sends nothing twice."""
    from django.utils import timezone

    from .services.meetings import action_item_reminders_send as send

    run = send(day=datetime.date.fromisoformat(day) if day else timezone.localdate())
    return {"working_day": run.working_day, "reminded": run.reminded, "escalated": run.escalated}
