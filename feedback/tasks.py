"""Celery tasks of feedback: thin wrappers over services (take ids, call one service, retry per CoordinationTask)."""

from celery import shared_task


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
