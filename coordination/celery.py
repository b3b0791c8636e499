"""The Celery app. Every task in the project inherits CoordinationTask's delivery and retry policy.

Tasks are thin: they take ids, call a service, and are enqueued only after the surrounding transaction
commits (``task.delay_on_commit(...)``), so a worker never looks for a row that a rollback took away.
"""

import os
import smtplib
from datetime import UTC, datetime
from pathlib import Path

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings.local")

# Errors worth trying again: the network, the database or the mail server hiccupped. Anything else
# (a bug, bad data) would fail the same way on every retry, so it is not retried.
TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


class CoordinationTask(DjangoTask):
    """Retry transient failures with exponential backoff and jitter, at most 5 times, never past 10 minutes apart.

    Refuses a countdown/ETA beyond CELERY_MAX_TASK_DELAY_SECONDS: Redis would re-deliver a message that waits
    longer than its visibility timeout, and the task would run twice. Schedule far-off work with beat instead.
    """

    autoretry_for = TRANSIENT_ERRORS
    max_retries = 5
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        from django.conf import settings

        delay = options.get("countdown") or 0
        if options.get("eta") is not None:
            delay = max(delay, (options["eta"] - datetime.now(tz=UTC)).total_seconds())
        if delay > settings.CELERY_MAX_TASK_DELAY_SECONDS:
            raise ValueError(
                f"{self.name}: a delay of {delay:.0f} s exceeds CELERY_MAX_TASK_DELAY_SECONDS "
                f"({settings.CELERY_MAX_TASK_DELAY_SECONDS} s); schedule it with beat instead."
            )
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)

    def delay_on_commit(self, *args, **kwargs) -> None:
        """Enqueue after the surrounding transaction commits — through the transactional outbox
        (``accounts.outbox``) when ``OUTBOX_ENABLED``, so a broker that is down loses nothing and blocks nobody."""
        from django.conf import settings

        if settings.OUTBOX_ENABLED:
            from accounts.outbox import outbox_enqueue

            outbox_enqueue(self, args, kwargs)
            return None
        return super().delay_on_commit(*args, **kwargs)


app = Celery("coordination", task_cls=CoordinationTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _ensure_filesystem_broker_folders(sender, **kwargs):
    """The embedded filesystem transport needs its folders before the first message is written."""
    if str(sender.conf.broker_url).startswith("filesystem"):
        options = sender.conf.broker_transport_options or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
