"""Remind owners of action items due soon and escalate overdue ones (the daily job, by hand)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coordination.services.meetings import action_item_reminders_send


class Command(BaseCommand):
    help = (
        "On a working day, remind the owners of open action items due within ACTION_ITEM_REMINDER_DAYS working "
        "days and escalate overdue ones to the owner's manager (or the general manager). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today in the company).")

    def handle(self, *args, date: str | None = None, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        else:
            day = timezone.localdate()
        run = action_item_reminders_send(day=day)
        if not run.working_day:
            self.stdout.write(f"{day.isoformat()} is not a working day: nothing sent.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{day.isoformat()}: {run.reminded} reminder(s) to owners, {run.escalated} escalation(s) sent."
            )
        )
