"""Remind deciders of steps due soon and escalate overdue steps (the hourly job, by hand)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.management.dates import command_moment
from approvals.services.reminders import approval_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the deciders of approval steps due within APPROVAL_REMINDER_HOURS working hours, and escalate "
        "overdue steps to the deciders' managers. Only in working time; idempotent (once per step, once per "
        "overdue step and day)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            help="ISO date-time to judge due times at (e.g. 2026-03-02T10:00); default: now. Without an offset "
            "it is read in the company time zone.",
        )

    def handle(self, *args, at: str | None = None, **options):
        moment = command_moment(at)
        sent = approval_reminders_send(now=moment)
        self.stdout.write(
            self.style.SUCCESS(
                f"{sent.due_soon} due-soon reminder(s) and {sent.escalated} escalation(s) sent at "
                f"{timezone.localtime(moment):%Y-%m-%d %H:%M}."
            )
        )
