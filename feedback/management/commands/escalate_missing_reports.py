"""Tell sales managers which reps missed the previous working day's report (the 09:30 job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from feedback.services.reminders import missing_reports_escalate


class Command(BaseCommand):
    help = (
        "On a working day, send each sales manager the reps of their team who did not submit a report on the "
        "previous working day. Idempotent: one notification per manager and day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="YYYY-MM-DD: the day the job runs (it reports the working day before); default: today."
        )

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date)
        sent = missing_reports_escalate(day=day)
        self.stdout.write(self.style.SUCCESS(f"{sent} manager(s) told of missing reports (run on {day.isoformat()})."))
