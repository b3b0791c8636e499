"""Coordination: the project package (settings, URLs, Celery app) and the joint layer of marketing and sales."""

from .celery import app as celery_app

__all__ = ["celery_app"]
