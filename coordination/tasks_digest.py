"""Celery tasks of the monthly digest (imported by coordination.tasks for autodiscovery)."""
