"""The test suite. PostgreSQL when DATABASE_URL is set, SQLite otherwise; the real Redis when REDIS_URL is set."""

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test sends them to the real broker on purpose (tests/coordination/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks have no broker to lose; the outbox is switched on by the tests that use a real broker
# (tests/coordination/test_reliability.py).
OUTBOX_ENABLED = False
# Tests clear the cache between tests; on Redis that would be FLUSHDB of whatever database REDIS_URL names (maybe a
# developer's). Tests that need the real Redis (healthz, the Celery round trip) talk to it directly.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
# Serve static files (e.g. the API docs' assets) straight from the finders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
