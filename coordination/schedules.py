"""The periodic jobs of DESIGN §4, as django-celery-beat rows the admin can edit.

The admin is the source of truth: ``schedules_install`` (run after every ``migrate`` and by
``manage.py install_schedules``) creates the jobs that are missing and leaves existing ones — and any change made in
the admin — alone; ``--reset`` puts the defaults back. (``CELERY_BEAT_SCHEDULE`` is not used: django-celery-beat would
overwrite admin edits with it each time beat starts.)

Crontabs are in the company time zone. Jobs that only make sense on working days (reminders) still fire every day
and ask the company calendar (``accounts.calendar``) themselves, so holidays and make-up days are honoured.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class Job:
    name: str  # also the Celery task name
    description: str
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    day_of_week: str = "*"
    month_of_year: str = "*"


JOBS: tuple[Job, ...] = (
    Job("feedback.report_reminders_send", "Daily report reminder (working days, 18:00)", minute="0", hour="18"),
    Job(
        "feedback.missing_reports_escalate",
        "Missing-report escalation to managers (next working day, 09:30)",
        minute="30",
        hour="9",
    ),
    Job("approvals.approval_reminders_send", "Approval SLA reminder and escalation (hourly)", minute="15"),
    Job("approvals.consultations_close_overdue", "Consultation deadline: close as no answer (hourly)", minute="10"),
    Job("approvals.promotions_follow_calendar", "Start and end approved promotions (00:05)", minute="5", hour="0"),
    Job("campaigns.plan_ack_reminders_send", "Plan acknowledgement reminder (daily, 10:00)", minute="0", hour="10"),
    Job("feedback.alerts_sweep", "Nightly alert sweep (01:30)", minute="30", hour="1"),
    Job("coordination.action_item_reminders_send", "Action items: reminder and escalation (daily, 09:00)", hour="9"),
    Job("coordination.kpi_rollups_nightly", "KPI rollups: rebuild the last three months (02:00)", hour="2"),
    Job("coordination.digest_monthly", "Monthly joint-meeting digest (1st, 07:00)", hour="7", day_of_month="1"),
    Job("accounts.outbox_relay", "Publish tasks the broker could not take (every minute)", minute="*"),
    Job(
        "accounts.notification_deliveries_resend",
        "Send again notification deliveries left pending (every 15 minutes)",
        minute="*/15",
    ),
)


@transaction.atomic
def schedules_install(*, reset: bool = False) -> int:
    """Create the missing periodic jobs (all of them again with ``reset``). Returns how many were written."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    written = 0
    for job in JOBS:
        if not reset and PeriodicTask.objects.filter(name=job.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=job.minute,
            hour=job.hour,
            day_of_month=job.day_of_month,
            day_of_week=job.day_of_week,
            month_of_year=job.month_of_year,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.update_or_create(
            name=job.name,
            defaults={
                "task": job.name,
                "crontab": crontab,
                "interval": None,
                "solar": None,
                "clocked": None,
                "enabled": True,
                "description": job.description,
                "args": "[]",
                "kwargs": "{}",
                "one_off": False,
            },
        )
        written += 1
    return written
