"""Run the alert rules on one day's submitted reports (the nightly sweep, also runnable by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from feedback.services.alerts import alerts_sweep


class Command(BaseCommand):
    help = "Evaluate the alert rules on every submitted report of a day (default: yesterday). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; default: yesterday in the company time zone.")

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date, days_back=1)
        raised = alerts_sweep(date=day)
        self.stdout.write(self.style.SUCCESS(f"{raised} alert(s) raised for {day.isoformat()}."))
