"""Celery tasks of feedback: thin wrappers over services (take ids, call one service, retry per CoordinationTask)."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="feedback.alerts_evaluate_for_report")
def alerts_evaluate_for_report(report_id: int) -> int:
    """Run the alert rules on one submitted report's facts (enqueued after the submission commits)."""
    from .services.alerts import alerts_evaluate_for_report as evaluate

    return len(evaluate(report_id=report_id))


@shared_task(name="feedback.photo_thumbnail_make")
def photo_thumbnail_make(photo_id: int) -> bool:
    """Make a photo's thumbnail (does nothing if it has one)."""
    from .services.photos import photo_thumbnail_make as make

    return make(photo_id=photo_id)


def _day(day: str | None, *, days_back: int = 0) -> datetime.date:
    """The job's day: the ISO date given (a re-run by hand), else today in the company time zone minus
    ``days_back``."""
    if day:
        return datetime.date.fromisoformat(day)
    return timezone.localdate() - datetime.timedelta(days=days_back)


@shared_task(name="feedback.report_reminders_send")
def report_reminders_send(day: str | None = None) -> int:
    """Remind reps without a submitted report for today (working days; beat fires daily at 18:00)."""
    from .services.reminders import report_reminders_send as send

    return send(day=_day(day))


@shared_task(name="feedback.missing_reports_escalate")
def missing_reports_escalate(day: str | None = None) -> int:
    """Tell sales managers who missed the previous working day's report (working days; beat fires at 09:30)."""
    from .services.reminders import missing_reports_escalate as escalate

    return escalate(day=_day(day))


@shared_task(name="feedback.alerts_sweep")
def alerts_sweep(day: str | None = None) -> int:
    """Run the alert rules on yesterday's submitted reports (nightly): catches what a lost task missed."""
    from .services.alerts import alerts_sweep as sweep

    return sweep(date=_day(day, days_back=1))
