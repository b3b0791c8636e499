"""Enqueue again the notification deliveries still pending (their task was lost): the periodic job, by hand."""

from django.core.management.base import BaseCommand, CommandError

from accounts.notifications import deliveries_resend_pending


class Command(BaseCommand):
    help = (
        "Enqueue again every e-mail and chat delivery still pending after --older-than seconds (default 600). "
        "Sending is idempotent: a delivery already sent is not sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=600,
            dest="older_than",
            metavar="SECONDS",
            help="Only deliveries written at least this many seconds ago (default 600).",
        )

    def handle(self, *args, older_than: int, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        count = deliveries_resend_pending(older_than_seconds=older_than)
        self.stdout.write(f"{count} pending deliveries enqueued again.")
