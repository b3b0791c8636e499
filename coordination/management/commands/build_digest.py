import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coordination.selectors.digest import month_parse
from coordination.services.digest import DigestError, digest_build, digest_send_reporting, previous_month


def parse_month(value: str | None) -> datetime.date:
    """ "YYYY-MM" (or None: last month in the company time zone) → the month's first day."""
    if not value:
        return previous_month(timezone.localdate())
    try:
        return month_parse(value)
    except ValueError as error:
        raise CommandError(f"--month must look like 2026-10, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Build (and mail) the monthly joint-meeting digest. A month already built is left as it is — and mailed "
        "only to recipients not sent yet — unless --rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; default: last month.")
        parser.add_argument("--rebuild", action="store_true", help="Replace the stored digest (a new version).")
        parser.add_argument("--no-send", action="store_true", help="Build only; mail nothing.")

    def handle(self, *args, month=None, rebuild=False, no_send=False, **options):
        first = parse_month(month)
        try:
            digest = digest_build(first, rebuild=rebuild)
        except DigestError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Digest {digest} version {digest.version}, built in {digest.build_seconds:.3f} s.")
        if not no_send:
            sent, failed = digest_send_reporting(digest)
            self.stdout.write(
                f"{sent} e-mail(s) sent now." + (f" {failed} failed: run send_digest later." if failed else "")
            )
