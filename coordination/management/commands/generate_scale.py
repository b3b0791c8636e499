"""Generate a month of field data at a real company's scale, for benchmarks (``bench/digest.py``).

Needs the demo's master data (run ``seed_demo`` first: regions, products, competitor brands). Adds ``--reps`` sales
reps (``scale.rep.NNNN``, spread over the leaf regions, 8 outlets each region) and, for every working day of
``--month``, one submitted report per rep with a realistic mix of lines: regional sales, two shelf-display and two
stock checks, two point-of-sale lines, outlet coverage, and now and then POP, competitor intel and customer
feedback. Everything is written with ``bulk_create`` in batches; running it again for the same month adds nothing.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.models import Department, Region, User
from accounts.roles import Role
from campaigns.models import Brand, Product
from coordination.selectors.digest import month_bounds, month_parse
from feedback.models import (
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    MerchandisingLine,
    Outlet,
    OutletChannel,
    OutletCoverageLine,
    PopDistributionLine,
    PosSalesLine,
    RegionalSalesLine,
    ReportStatus,
    ShelfDisplayLine,
)

BATCH = 2000
UNUSABLE = make_password(None)


class Command(BaseCommand):
    help = "Generate a month of submitted field reports for N reps (benchmark data; idempotent per month)."

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=2000)
        parser.add_argument("--days", type=int, default=31, help="At most this many days of the month.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, reps, days, month, seed, **options):
        try:
            first = month_parse(month)
        except ValueError as error:
            raise CommandError("--month must look like 2026-10.") from error
        dice = random.Random(seed)  # noqa: S311 (benchmark data, not secrets)
        leaves = list(Region.objects.filter(children__isnull=True).order_by("path"))
        products = list(Product.objects.order_by("pk")[:15])
        brands = list(Brand.objects.filter(kind=Brand.Kind.COMPETITOR).order_by("pk"))
        if not (leaves and products and brands):
            raise CommandError("Run `python manage.py seed_demo` first: regions, products and brands are needed.")
        people = self._reps(reps, leaves)
        outlets = self._outlets(leaves)
        calendar = WorkCalendar()
        last = min(month_bounds(first)[1], first + datetime.timedelta(days=days - 1))
        day, total = first, 0
        while day <= last:
            if calendar.is_working_day(day):
                total += self._day(day, people, outlets, products, brands, dice)
            day += datetime.timedelta(days=1)
        self._analyze()
        self.stdout.write(f"{len(people)} reps; {total} reports created for {first:%Y-%m}.")

    @staticmethod
    def _analyze() -> None:
        """Refresh the planner's statistics after a bulk load, as autovacuum would a little later: without them
        PostgreSQL plans the digest's joins for empty tables (nested loops over hundreds of thousands of rows)."""
        if connection.vendor != "postgresql":
            return
        tables = [
            DailyReport,
            RegionalSalesLine,
            OutletCoverageLine,
            ShelfDisplayLine,
            MerchandisingLine,
            PosSalesLine,
            PopDistributionLine,
            CompetitorIntelLine,
            CustomerFeedbackLine,
            Outlet,
            User,
        ]
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')

    def _reps(self, count: int, leaves: list[Region]) -> list[User]:
        existing = {u.username: u for u in User.objects.filter(username__startswith="scale.rep.")}
        sales = Department.objects.get(code=Department.Code.SALES)
        new = [
            User(
                username=f"scale.rep.{n:04d}",
                first_name=f"{n:04d}",
                last_name="测",
                department=sales,
                region=leaves[n % len(leaves)],
                password=UNUSABLE,  # cannot sign in
            )
            for n in range(count)
            if f"scale.rep.{n:04d}" not in existing
        ]
        User.objects.bulk_create(new, batch_size=BATCH)
        reps = list(User.objects.filter(username__startswith="scale.rep.").order_by("username")[:count])
        group = Group.objects.get(name=Role.SALES_REP)
        group.user_set.add(*[u for u in reps if u.username not in existing])
        return reps

    def _outlets(self, leaves: list[Region]) -> dict[int, list[Outlet]]:
        Outlet.objects.bulk_create(
            [
                Outlet(
                    code=f"SC-{region.code}-{n}",
                    name=f"{region.name} 门店 {n}",
                    channel=OutletChannel.choices[0][0],
                    region=region,
                )
                for region in leaves
                for n in range(8)
                if not Outlet.objects.filter(code=f"SC-{region.code}-{n}").exists()
            ]
        )
        by_region: dict[int, list[Outlet]] = {}
        for outlet in Outlet.objects.filter(code__startswith="SC-"):
            by_region.setdefault(outlet.region_id, []).append(outlet)
        return by_region

    @transaction.atomic
    def _day(self, day, reps, outlets, products, brands, dice) -> int:
        done = set(DailyReport.objects.filter(date=day, rep__in=reps).values_list("rep_id", flat=True))
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 30)))
        reports = [
            DailyReport(
                rep=rep,
                region_id=rep.region_id,
                date=day,
                status=ReportStatus.SUBMITTED,
                client_uuid=uuid.uuid4(),
                submitted_at=at,
                on_time=True,
            )
            for rep in reps
            if rep.pk not in done
        ]
        DailyReport.objects.bulk_create(reports, batch_size=BATCH)
        lines: dict[type, list] = {}

        def add(model, **fields):
            lines.setdefault(model, []).append(model(**fields))

        for report in reports:
            shop = outlets[report.region_id]
            add(
                RegionalSalesLine,
                report=report,
                region_id=report.region_id,
                units=dice.randint(200, 900),
                revenue=Decimal(dice.randint(1000, 6000)),
                payments_collected=Decimal(dice.randint(500, 5000)),
            )
            add(
                OutletCoverageLine,
                report=report,
                new_outlets=dice.random() < 0.05,
                outlets_visited=dice.randint(4, 9),
                active_outlets=20,
            )
            for position in range(2):
                outlet, product = dice.choice(shop), dice.choice(products)
                add(
                    ShelfDisplayLine,
                    report=report,
                    position=position,
                    outlet=outlet,
                    product=product,
                    facings=dice.randint(1, 8),
                    shelf_position=dice.choice(["eye_level", "other"]),
                    display_type=dice.choice(["shelf", "shelf", "end_cap", "pile"]),
                )
                out = dice.random() < 0.08
                add(
                    MerchandisingLine,
                    report=report,
                    position=position,
                    outlet=outlet,
                    product=product,
                    on_hand=0 if out else dice.randint(1, 40),
                    out_of_stock=out,
                )
                add(
                    PosSalesLine,
                    report=report,
                    position=position,
                    outlet=outlet,
                    product=product,
                    units=dice.randint(1, 60),
                    revenue=Decimal(dice.randint(10, 400)),
                )
            if dice.random() < 0.3:
                add(
                    PopDistributionLine,
                    report=report,
                    outlet=dice.choice(shop),
                    material="poster",
                    quantity=dice.randint(1, 10),
                )
            if dice.random() < 0.2:
                add(
                    CompetitorIntelLine,
                    report=report,
                    brand=dice.choice(brands),
                    product_name="竞品",
                    observed_price=Decimal("2.50"),
                    activity=dice.choice(["price_cut", "gift", "display"]),
                    description="生成数据",
                    outlet=dice.choice(shop),
                )
            if dice.random() < 0.1:
                add(
                    CustomerFeedbackLine,
                    report=report,
                    customer_type="consumer",
                    category=dice.choice(["complaint", "suggestion", "praise", "inquiry"]),
                    text="生成数据",
                )
        for model, rows in lines.items():
            model.objects.bulk_create(rows, batch_size=BATCH)
        return len(reports)
