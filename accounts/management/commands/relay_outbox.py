from django.core.management.base import BaseCommand

from accounts.outbox import outbox_relay


class Command(BaseCommand):
    help = "Publish the tasks the broker could not take when they were written (the beat job does it every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"{outbox_relay()} message(s) published.")
