"""The periodic jobs live in django-celery-beat's tables: installed after migrate, editable in the admin, and
never overwritten by a later install unless asked."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from coordination.celery import app
from coordination.schedules import JOBS, schedules_install

pytestmark = pytest.mark.django_db


def test_every_job_is_installed_by_migrate_and_names_a_registered_task():
    app.loader.import_default_modules()
    rows = {row.name: row for row in PeriodicTask.objects.select_related("crontab")}

    assert set(rows) >= {job.name for job in JOBS}
    for job in JOBS:
        row = rows[job.name]
        assert row.task in app.tasks, row.task
        assert row.enabled
        assert str(row.crontab.timezone) == settings.TIME_ZONE == "Asia/Shanghai"
    digest = rows["coordination.digest_monthly"].crontab
    assert (digest.minute, digest.hour, digest.day_of_month) == ("0", "7", "1")
    reminder = rows["feedback.report_reminders_send"].crontab
    assert (reminder.minute, reminder.hour) == ("0", "18")
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.beat_schedule == {}  # beat would overwrite admin edits with a static schedule


def test_an_admin_edit_survives_a_later_install_and_reset_puts_the_default_back():
    row = PeriodicTask.objects.get(name="feedback.report_reminders_send")
    row.crontab = CrontabSchedule.objects.create(minute="30", hour="17", timezone=settings.TIME_ZONE)
    row.enabled = False
    row.save()

    assert schedules_install() == 0
    row.refresh_from_db()
    assert (row.crontab.hour, row.crontab.minute, row.enabled) == ("17", "30", False)

    out = io.StringIO()
    call_command("install_schedules", "--reset", stdout=out)
    row.refresh_from_db()
    assert (row.crontab.hour, row.crontab.minute, row.enabled) == ("18", "0", True)
    assert f"{len(JOBS)} of {len(JOBS)}" in out.getvalue()


def test_a_deleted_job_comes_back_with_the_next_install_and_nothing_is_doubled():
    PeriodicTask.objects.filter(name="accounts.outbox_relay").delete()

    assert schedules_install() == 1
    assert schedules_install() == 0
    assert PeriodicTask.objects.filter(task="accounts.outbox_relay").count() == 1
