"""Settings of the worker process the SIGKILL test starts (tests/coordination/test_reliability.py): the test's
database, the real Redis broker with a short visibility timeout (a killed worker's message comes back in seconds,
not hours), and a gated e-mail backend that lets the test kill the worker between two mails deterministically."""

import os

from coordination.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["RELIABILITY_DB_NAME"]  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": os.environ["RELIABILITY_DB_NAME"]}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["RELIABILITY_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_VISIBILITY_TIMEOUT_SECONDS = 3
CELERY_MAX_TASK_DELAY_SECONDS = 1
EMAIL_BACKEND = "tests.gated_mail.GatedFileBackend"
OUTBOX_ENABLED = False
