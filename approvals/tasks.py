"""Celery tasks of approvals: thin wrappers over the workflow services (retries per CoordinationTask).

Each is a periodic job of ``coordination.schedules`` (django-celery-beat rows, editable in the admin) and each
service is idempotent, so a late, repeated or redelivered run moves or sends nothing twice.
"""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="approvals.promotions_follow_calendar")
def promotions_follow_calendar() -> int:
    """Start approved promotions whose period began and end those whose period is over (daily, just after
    midnight in the company time zone). Returns how many promotions moved."""
    from .services.flows import promotions_follow_calendar as follow

    return follow()


@shared_task(name="approvals.consultations_close_overdue")
def consultations_close_overdue() -> int:
    """Close consultation steps past their deadline as "no answer" and move their flows on (hourly). Returns how
    many steps were closed."""
    from .services.flows import consultations_close_overdue as close

    return close()


@shared_task(name="approvals.approval_reminders_send")
def approval_reminders_send(at: str | None = None) -> dict:
    """Remind deciders of steps due soon and escalate overdue steps to their managers (hourly). ``at``: an ISO
    date-time to judge at instead of now (a re-run by hand). Returns what was sent."""
    from .services.reminders import approval_reminders_send as send

    now = datetime.datetime.fromisoformat(at) if at else timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    sent = send(now=now)
    return {"due_soon": sent.due_soon, "escalated": sent.escalated}
