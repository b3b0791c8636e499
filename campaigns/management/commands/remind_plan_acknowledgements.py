"""Remind readers who have not acknowledged a published plan (the daily 10:00 job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from campaigns.services.reminders import plan_ack_reminders_send


class Command(BaseCommand):
    help = (
        "On a working day, remind the field sales people who have not acknowledged the current version of a plan "
        "published more than PLAN_ACK_REMINDER_DAYS days ago. Idempotent: once per person, version and day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; default: today in the company time zone.")

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date)
        sent = plan_ack_reminders_send(day=day)
        self.stdout.write(self.style.SUCCESS(f"{sent} plan acknowledgement reminder(s) sent for {day.isoformat()}."))
