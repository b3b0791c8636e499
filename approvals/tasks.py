"""Celery tasks of approvals: thin wrappers over the workflow services (retries per CoordinationTask).

Both are in the beat schedule (``CELERY_BEAT_SCHEDULE``) and both services are idempotent, so a late, repeated or
redelivered run moves nothing twice.
"""

from celery import shared_task


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
