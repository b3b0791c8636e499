"""Celery tasks of the KPI rollups (imported by coordination.tasks for autodiscovery)."""

import datetime

from celery import shared_task

__all__ = ["kpi_rollups_nightly", "kpi_rollups_refresh"]


@shared_task(name="coordination.kpi_rollups_nightly")
def kpi_rollups_nightly(day: str | None = None) -> list[int]:
    """Rebuild the rollups of the last three months up to yesterday (beat: 02:00). A rebuild replaces the same
    rows, so a second run, or a redelivered message, writes the same figures again."""
    from django.utils import timezone

    from .services.kpi_rollups import kpi_rollups_nightly as rebuild

    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return list(rebuild(today))


@shared_task(name="coordination.kpi_rollups_refresh")
def kpi_rollups_refresh(person_id: int, day: str) -> None:
    """One person's day and month again, after they submitted or amended that day's report."""
    from .services.kpi_rollups import kpi_rollups_refresh as refresh

    refresh(person_id=person_id, day=datetime.date.fromisoformat(day))
