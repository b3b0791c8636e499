"""Celery settings (read by coordination.celery with the CELERY_ namespace).

Reliability choices, and why:
- Late acks + reject on worker loss: a task whose worker dies mid-way is delivered again. Every task in this
  project is idempotent (a unique key per job and period), so a second delivery does no work twice.
- Prefetch of one: a long task does not hold back messages another worker could run.
- Visibility timeout (Redis) of 12 h: longer than any countdown/ETA we use (retry backoff is capped at 10 min),
  so Redis never re-delivers a message that is merely waiting for its ETA.
- Hard and soft time limits, JSON only, capped retries (see coordination.celery.CoordinationTask).
"""

from .base import REDIS_URL, TIME_ZONE, VAR_DIR, env

CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The longest delay a task may be scheduled with (countdown/ETA/retry backoff).
# The visibility timeout must stay above it.
CELERY_MAX_TASK_DELAY_SECONDS = 60 * 60
CELERY_VISIBILITY_TIMEOUT_SECONDS = 60 * 60 * 12

# With late acks, a task still running when the broker connection drops would be delivered again to another
# worker; cancel it here so it does not run twice at the same time (Celery's recommendation for acks_late).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# Broker: CELERY_BROKER_URL, else REDIS_URL, else the embedded filesystem transport.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL) or None
if CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS}
else:
    # Embedded default: kombu's filesystem transport. The web process, the worker and beat exchange messages
    # through files in var/celery/, so the demo runs real asynchronous jobs with no broker server.
    CELERY_BROKER_DIR = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # The exchange table too; kombu's default is "control/" in the current directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }

# Periodic jobs live in django-celery-beat's tables, editable in the admin; coordination.schedules installs the
# defaults after migrate (CELERY_BEAT_SCHEDULE is left empty: beat would overwrite admin edits with it).
CELERY_BEAT_SCHEDULE: dict = {}
