from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.management.dates import command_day
from coordination.selectors.digest import month_bounds, month_parse
from coordination.services.kpi_rollups import kpi_rollups_nightly, kpi_rollups_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the KPI rollups (daily and monthly) from the raw facts: --from/--to months, or, by default, what "
        "the nightly job does (the last three months up to yesterday). Safe to run again: it replaces the rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="YYYY-MM: the first month to rebuild.")
        parser.add_argument("--to", dest="last", help="YYYY-MM: the last month (default: the --from month).")
        parser.add_argument("--date", help="YYYY-MM-DD: run the nightly rebuild as on this day (default: today).")

    def handle(self, *args, first=None, last=None, date=None, **options):
        started = timezone.now()
        if first:
            try:
                start = month_parse(first)
                end = month_bounds(month_parse(last or first))[1]
            except ValueError as error:
                raise CommandError("--from and --to must look like 2026-10.") from error
            if end < start:
                raise CommandError("--to must not be before --from.")
            daily, monthly = kpi_rollups_rebuild(start, end)
        else:
            daily, monthly = kpi_rollups_nightly(command_day(date))
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"{daily} daily and {monthly} monthly rollup rows written in {seconds:.1f} s.")
