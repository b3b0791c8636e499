from django.core.management.base import BaseCommand, CommandError

from coordination.models import Digest
from coordination.services.digest import digest_send_reporting

from .build_digest import parse_month


class Command(BaseCommand):
    help = "Mail a built digest to every recipient not sent yet (nobody gets it twice)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; default: last month.")

    def handle(self, *args, month=None, **options):
        first = parse_month(month)
        digest = Digest.objects.filter(month=first).first()
        if digest is None:
            raise CommandError(f"No digest for {first:%Y-%m}: build it with build_digest --month {first:%Y-%m}.")
        sent, failed = digest_send_reporting(digest)
        self.stdout.write(f"{sent} e-mail(s) sent now." + (f" {failed} failed: run it again later." if failed else ""))
