"""Remind reps without a submitted report for a day (the daily 18:00 job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from feedback.services.reminders import report_reminders_send


class Command(BaseCommand):
    help = (
        "Remind every rep expected to file who has no submitted report for the day (working days only). "
        "Idempotent: a rep is reminded once per day however often it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; default: today in the company time zone.")

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date)
        sent = report_reminders_send(day=day)
        self.stdout.write(self.style.SUCCESS(f"{sent} report reminder(s) sent for {day.isoformat()}."))
