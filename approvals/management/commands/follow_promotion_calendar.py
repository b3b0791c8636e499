"""Start approved promotions whose period began and end those whose period is over (the daily job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_day
from approvals.services.flows import promotions_follow_calendar
from campaigns.models import Promotion, PromotionStatus


class Command(BaseCommand):
    help = (
        "Make promotions follow the calendar on a day (default: today): approved ones whose period began start, "
        "agreed ones whose period is over end. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; default: today in the company time zone.")

    def handle(self, *args, date: str | None = None, **options):
        day = command_day(date)
        watched = [PromotionStatus.APPROVED, PromotionStatus.RUNNING]
        before = dict(Promotion.objects.filter(status__in=watched).values_list("pk", "status"))
        moved = promotions_follow_calendar(today=day)
        if moved:
            for pk, title, status in (
                Promotion.objects.filter(pk__in=list(before)).order_by("pk").values_list("pk", "title", "status")
            ):
                if status != before[pk]:
                    self.stdout.write(f"  #{pk} {title}: {before[pk]} → {status}")
        self.stdout.write(self.style.SUCCESS(f"{moved} promotion(s) moved on {day.isoformat()}."))
