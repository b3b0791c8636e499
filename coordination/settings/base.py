"""Base settings: every value comes from the environment (12-factor), with embedded defaults.

With nothing set, the project runs on SQLite under ``var/``, Celery uses the filesystem transport under
``var/celery/`` (a worker and beat run without a broker server), and e-mail is printed to the console.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Only the local settings turn DEBUG on by default; everything else must ask for it.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-only-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # Our apps, in their one-way dependency order: accounts <- campaigns <- feedback <- approvals <- coordination.
    "accounts",
    "campaigns",
    "feedback",
    "approvals",
    "coordination",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coordination.urls"
WSGI_APPLICATION = "coordination.wsgi.application"
ASGI_APPLICATION = "coordination.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coordination.navigation.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:pass@db:5432/coordination. Embedded default: SQLite in var/.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coordination.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo runs web, worker and beat against one file: WAL lets readers and the writer overlap,
    # IMMEDIATE transactions take the write lock up front instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Optional read replica for the heavy reporting reads (KPI views, digests). See coordination.db.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["coordination.formats"]  # zh_Hans: group figures by thousands (Django's groups nothing)
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Field photos (feedback): the largest upload accepted (bytes, and width × height: a small file can hold a picture
# that takes gigabytes once decoded), and the longest side of the thumbnails made of them.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
PHOTO_THUMBNAIL_SIZE = env.int("PHOTO_THUMBNAIL_SIZE", default=320)
# How many days back a rep may still file a daily report (0: only today).
REPORT_BACKFILL_DAYS = env.int("REPORT_BACKFILL_DAYS", default=3)

# --- Company calendar and approval SLAs --------------------------------------------------------------------
# Working hours of a working day (company time zone); SLA clocks count only these. Holidays and make-up days are
# kept in the admin (company calendar).
WORKDAY_START = env.str("WORKDAY_START", default="09:00")
WORKDAY_END = env.str("WORKDAY_END", default="17:00")
# Defaults of a new approval rule, in working hours (each rule can change its own in the admin or settings page).
APPROVAL_REVIEW_SLA_HOURS = env.int("APPROVAL_REVIEW_SLA_HOURS", default=24)
APPROVAL_CONSULTATION_HOURS = env.int("APPROVAL_CONSULTATION_HOURS", default=16)
APPROVAL_ENDORSEMENT_HOURS = env.int("APPROVAL_ENDORSEMENT_HOURS", default=8)
APPROVAL_DECISION_HOURS = env.int("APPROVAL_DECISION_HOURS", default=16)

# --- E-mail -------------------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587. Embedded default: printed to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Coordination <coordination@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where people open the app: links in e-mails are built on it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Notifications and schedules (issue 6) -----------------------------------------------------------------
# A delivery (e-mail, chat webhook) is tried this many times, with backoff, before it is marked failed.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
# Seconds to wait for an enterprise-chat robot to answer.
CHAT_WEBHOOK_TIMEOUT_SECONDS = env.float("CHAT_WEBHOOK_TIMEOUT_SECONDS", default=5)
# Tasks enqueued after a commit go through the transactional outbox (accounts.outbox): nothing is lost, and no
# request waits, while the broker is down.
OUTBOX_ENABLED = env.bool("OUTBOX_ENABLED", default=True)
# Approval steps due within this many working hours get a reminder (DESIGN §4).
APPROVAL_REMINDER_HOURS = env.int("APPROVAL_REMINDER_HOURS", default=4)
# Reps are reminded of a plan version published more than this many days ago and still not acknowledged.
PLAN_ACK_REMINDER_DAYS = env.int("PLAN_ACK_REMINDER_DAYS", default=2)
# Action-item owners are reminded this many days before the due date.
ACTION_ITEM_REMINDER_DAYS = env.int("ACTION_ITEM_REMINDER_DAYS", default=2)

# --- Security that holds everywhere -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
# A load balancer probes /healthz over plain HTTP; it must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replace Django's own DEBUG-only console handler, or every message is printed twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

from .api import *  # noqa: E402
from .celery import *  # noqa: E402
