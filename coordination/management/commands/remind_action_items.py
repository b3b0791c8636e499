"""Remind owners of action items due soon and escalate overdue ones (the daily job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from coordination.services.meetings import action_item_reminders_send


class Command(BaseCommand):
    help = (
        "On a working day, remind the owners of open action items due within ACTION_ITEM_REMINDER_DAYS working "
        "days and escalate overdue ones to the owner's manager (or the general manager). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today in the company).")

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date)
        run = action_item_reminders_send(day=day)
        if not run.working_day:
            self.stdout.write(f"{day.isoformat()} is not a working day: nothing sent.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{day.isoformat()}: {run.reminded} reminder(s) to owners, {run.escalated} escalation(s) sent."
            )
        )
