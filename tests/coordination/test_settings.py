"""Settings come from the environment; the embedded default needs no server; production passes check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1" + "Zz"

_PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "tz": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "debug": settings.DEBUG,
    "cache": settings.CACHES["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
    "csrf": settings.CSRF_TRUSTED_ORIGINS,
}))
"""


def _settings_with(env: dict, module: str = "coordination.settings.local") -> dict:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_with_nothing_set():
    values = _settings_with({})

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "var" / "coordination.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert (values["tz"], values["use_tz"], values["debug"]) == ("Asia/Shanghai", True, True)


def test_everything_comes_from_the_environment():
    values = _settings_with(
        {
            "DATABASE_URL": "postgres://app:pw@db:5432/coordination",
            "REDIS_URL": "redis://cache:6379/1",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
            "TIME_ZONE": "Asia/Hong_Kong",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "coordination.example.com,10.0.0.5",
            "CSRF_TRUSTED_ORIGINS": "https://coordination.example.com",
        }
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "coordination"
    assert values["broker"] == "redis://cache:6379/1"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["tz"], values["debug"]) == ("Asia/Hong_Kong", False)
    assert values["hosts"] == ["coordination.example.com", "10.0.0.5"]
    assert values["csrf"] == ["https://coordination.example.com"]


def test_a_broker_can_be_named_without_redis_url():
    values = _settings_with({"CELERY_BROKER_URL": "amqp://guest:guest@mq:5672//"})

    assert values["broker"] == "amqp://guest:guest@mq:5672//"


def test_production_settings_pass_check_deploy_without_warnings():
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "coordination.settings.production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "coordination.example.com",
        "DATABASE_URL": "sqlite:////tmp/coordination-deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "coordination.settings.production"},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 50 characters" in result.stderr
