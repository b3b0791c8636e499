"""Generate field data at a real company's scale, for the benchmarks (``bench/digest.py``, ``bench/kpis.py``).

``python manage.py generate_scale --reps 2000 --days 365`` writes the year up to yesterday; ``--month 2026-06``
only that month (at most ``--days`` days of it). Needs the demo's master data (run ``seed_demo`` first: regions,
products, competitor brands, the demo's managers and marketing people).

Adds ``--reps`` sales reps (``scale.rep.NNNN``, spread over the leaf regions, each assigned two of the region's 8
outlets, with the company since the first generated day) and, for every working day, one submitted report per rep
— 95% of the days, so filing rates vary, 10% of them after their day — with a realistic mix of about ten lines:
regional sales, two shelf-display and two stock checks, two point-of-sale lines, outlet coverage, feedback on the
promotion running in their region, and now and then POP, competitor intel and customer feedback (which reach the
intel feed, where marketing marks some useful and answers some). Per month: each rep's and each region's target;
a marketing promotion per leaf region (consulted, reviewed, approved, running, rated); a sales request for every 20
reps (endorsed and reviewed). Everything is written with ``bulk_create`` in batches; running it again for the same
days adds nothing. Ends with ``ANALYZE`` and the KPI rollups of the generated months.
"""

import datetime
import random
import time
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
from approvals.models import ApprovalFlow, ApprovalStep, ExecutabilityRating, FlowStatus, StepKind, StepStatus
from campaigns.models import (
    Brand,
    Product,
    Promotion,
    PromotionOrigin,
    PromotionStatus,
    PromotionType,
    SalesTarget,
)
from coordination.models import KpiDaily, KpiMonthly
from coordination.selectors.digest import month_bounds, month_parse
from coordination.services.kpi_rollups import kpi_rollups_rebuild, months_between
from feedback.models import (
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    IntelItem,
    MerchandisingLine,
    Outlet,
    OutletChannel,
    OutletCoverageLine,
    PopDistributionLine,
    PosSalesLine,
    PromotionFeedbackLine,
    RegionalSalesLine,
    ReportStatus,
    Section,
    ShelfDisplayLine,
)

BATCH = 2000
UNUSABLE = make_password(None)


class Command(BaseCommand):
    help = "Generate N reps' field reports, targets, promotions and approvals (benchmark data; idempotent per day)."

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=2000)
        parser.add_argument("--days", type=int, default=365, help="Days up to yesterday (or of --month).")
        parser.add_argument("--month", help="YYYY-MM: only this month (at most --days days of it).")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--no-rollups", action="store_true", help="Leave the KPI rollups to the nightly job.")

    def handle(self, *args, reps, days, month, seed, no_rollups=False, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        if month:
            try:
                first = month_parse(month)
            except ValueError as error:
                raise CommandError("--month must look like 2026-10.") from error
            last = min(month_bounds(first)[1], first + datetime.timedelta(days=days - 1))
        else:
            last = timezone.localdate() - datetime.timedelta(days=1)
            first = last - datetime.timedelta(days=days - 1)
        dice = random.Random(seed)  # noqa: S311 (benchmark data, not secrets)
        leaves = list(Region.objects.filter(children__isnull=True).order_by("path"))
        products = list(Product.objects.order_by("pk")[:15])
        brands = list(Brand.objects.filter(kind=Brand.Kind.COMPETITOR).order_by("pk"))
        if not (leaves and products and brands):
            raise CommandError("Run `python manage.py seed_demo` first: regions, products and brands are needed.")
        started = time.monotonic()
        people = self._reps(reps, leaves, joined=first)
        outlets = self._outlets(leaves)
        self._assign_outlets(people, outlets)
        staff = _Staff.load()
        months = months_between(first, last)
        promotions: dict[tuple[datetime.date, int], Promotion] = {}
        for month_first in months:
            self._targets(month_first, people, leaves, dice)
            promotions |= self._promotions(month_first, leaves, people, staff, products, dice)
        calendar = WorkCalendar()
        day, total = first, 0
        while day <= last:
            if calendar.is_working_day(day):
                running = {region: p for (m, region), p in promotions.items() if m == day.replace(day=1)}
                total += self._day(day, people, outlets, products, brands, running, staff, dice)
            day += datetime.timedelta(days=1)
        self._analyze()
        self.stdout.write(
            f"{len(people)} reps; {total} reports created for {first} – {last} in {time.monotonic() - started:.0f} s."
        )
        if not no_rollups:
            started = time.monotonic()
            for month_first in months:
                kpi_rollups_rebuild(month_first, min(month_bounds(month_first)[1], last))
            self._analyze(rollups=True)
            self.stdout.write(f"KPI rollups of {len(months)} month(s) built in {time.monotonic() - started:.0f} s.")

    @staticmethod
    def _analyze(*, rollups: bool = False) -> None:
        """Refresh the planner's statistics after a bulk load, as autovacuum would a little later: without them
        PostgreSQL plans the digest's joins for empty tables (nested loops over hundreds of thousands of rows)."""
        if connection.vendor != "postgresql":
            return
        tables = (
            [KpiDaily, KpiMonthly]
            if rollups
            else [
                DailyReport,
                IntelItem,
                PromotionFeedbackLine,
                Promotion,
                ApprovalFlow,
                ApprovalStep,
                SalesTarget,
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
        )
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')

    def _reps(self, count: int, leaves: list[Region], *, joined: datetime.date) -> list[User]:
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
                date_joined=timezone.make_aware(datetime.datetime.combine(joined, datetime.time(9))),
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

    @staticmethod
    def _assign_outlets(people: list[User], outlets: dict[int, list[Outlet]]) -> None:
        """Each rep looks after two outlets of their region (the promotion checks expected of them)."""
        through = Outlet.reps.through
        assigned = set(through.objects.filter(user__in=people).values_list("user_id", flat=True))
        rows = []
        for n, rep in enumerate(people):
            if rep.pk in assigned:
                continue
            shop = outlets[rep.region_id]
            rows += [through(outlet_id=shop[(n + k) % len(shop)].pk, user_id=rep.pk) for k in range(2)]
        through.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)

    @staticmethod
    def _targets(month: datetime.date, people: list[User], leaves: list[Region], dice) -> None:
        quarter = (month.month + 2) // 3
        common = {"year": month.year, "quarter": quarter, "month": month.month}
        rows = [
            SalesTarget(**common, region_id=rep.region_id, rep=rep, units=22 * 550, revenue=Decimal(22 * 3500))
            for rep in people
        ]
        per_region = {region.pk: sum(1 for rep in people if rep.region_id == region.pk) for region in leaves}
        rows += [
            SalesTarget(**common, region=region, units=per_region[region.pk] * 22 * 550, revenue=Decimal(n))
            for region in leaves
            if (n := per_region[region.pk] * 22 * dice.randint(3300, 3700))
        ]
        SalesTarget.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)

    @transaction.atomic
    def _promotions(self, month: datetime.date, leaves, people, staff: "_Staff", products, dice) -> dict:
        """A marketing promotion per leaf region running all month (consulted, reviewed, approved, rated), and a
        sales request per 20 reps (endorsed, reviewed, approved). Returns {(month, region id): promotion}."""
        last = month_bounds(month)[1]
        title = f"SCALE {month:%Y-%m}"
        existing = {
            (month, p.regions.first().pk): p
            for p in Promotion.objects.filter(title__startswith=title + " M ").prefetch_related("regions")
        }
        if existing:
            return existing
        submitted = timezone.make_aware(
            datetime.datetime.combine(month - datetime.timedelta(days=10), datetime.time(9))
        )
        proposals = [
            Promotion(
                title=f"{title} M {region.code}",
                origin=PromotionOrigin.MARKETING,
                type=PromotionType.SPECIAL_PRICE,
                status=PromotionStatus.ENDED if last < timezone.localdate() else PromotionStatus.RUNNING,
                starts_on=month,
                ends_on=last,
                mechanics="特价",
                price_floor=Decimal("4.00"),
                price_ceiling=Decimal("4.80"),
                budget=Decimal(dice.randint(20, 80) * 1000),
                expected_effect="+15%",
                owner=staff.marketing[i % len(staff.marketing)],
                created_by=staff.marketing[i % len(staff.marketing)],
            )
            for i, region in enumerate(leaves)
        ]
        requesters = people[::20]
        requests = [
            Promotion(
                title=f"{title} S {rep.username}",
                origin=PromotionOrigin.SALES,
                type=PromotionType.DISPLAY_FEE,
                status=PromotionStatus.ENDED if last < timezone.localdate() else PromotionStatus.APPROVED,
                starts_on=month + datetime.timedelta(days=14),
                ends_on=last,
                mechanics="堆头",
                budget=Decimal(dice.randint(2, 9) * 1000),
                expected_effect="+10%",
                owner=rep,
                created_by=rep,
            )
            for rep in requesters
        ]
        Promotion.objects.bulk_create(proposals + requests, batch_size=BATCH)
        Promotion.regions.through.objects.bulk_create(
            [
                Promotion.regions.through(promotion_id=p.pk, region_id=r.pk)
                for p, r in zip(proposals, leaves, strict=True)
            ]
            + [
                Promotion.regions.through(promotion_id=p.pk, region_id=rep.region_id)
                for p, rep in zip(requests, requesters, strict=True)
            ]
        )
        flows = [
            ApprovalFlow(
                promotion=p,
                status=FlowStatus.APPROVED,
                director_threshold=Decimal(50000),
                gm_threshold=Decimal(200000),
                submitted_at=submitted,
                closed_at=submitted + datetime.timedelta(hours=dice.randint(30, 120)),
            )
            for p in proposals + requests
        ]
        ApprovalFlow.objects.bulk_create(flows, batch_size=BATCH)
        steps = []

        def step(flow, sequence, kind, person, hours, sla=24):
            opened = submitted + datetime.timedelta(hours=sequence * 2)
            decided = opened + datetime.timedelta(hours=hours)
            decision = "support" if kind == StepKind.CONSULTATION else "approve"
            steps.append(
                ApprovalStep(
                    flow=flow,
                    round=1,
                    sequence=sequence,
                    kind=kind,
                    assignee=person,
                    status=StepStatus.DECIDED,
                    sla_hours=sla,
                    opened_at=opened,
                    due_at=opened + datetime.timedelta(hours=sla),
                    decision=decision,
                    decided_by=person,
                    decided_at=decided,
                )
            )

        for flow, region in zip(flows[: len(proposals)], leaves, strict=True):
            step(flow, 1, StepKind.CONSULTATION, staff.manager_of(region), dice.randint(2, 40))
            step(flow, 2, StepKind.APPROVAL, staff.marketing_manager, dice.randint(1, 30))
        for flow, rep in zip(flows[len(proposals) :], requesters, strict=True):
            step(flow, 1, StepKind.ENDORSEMENT, staff.manager_of(rep.region), dice.randint(1, 30))
            step(flow, 2, StepKind.REVIEW, staff.marketing[dice.randrange(len(staff.marketing))], dice.randint(2, 40))
        ApprovalStep.objects.bulk_create(steps, batch_size=BATCH)
        ExecutabilityRating.objects.bulk_create(
            [
                ExecutabilityRating(promotion=p, rater=rater, score=dice.randint(2, 5))
                for p in proposals
                for rater in requesters[:2]
            ],
            ignore_conflicts=True,
        )
        return {(month, region.pk): p for p, region in zip(proposals, leaves, strict=True)}

    @transaction.atomic
    def _day(self, day, reps, outlets, products, brands, running, staff: "_Staff", dice) -> int:
        done = set(DailyReport.objects.filter(date=day, rep__in=reps).values_list("rep_id", flat=True))
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 30)))
        late = at + datetime.timedelta(hours=15)
        reports = [
            DailyReport(
                rep=rep,
                region_id=rep.region_id,
                date=day,
                status=ReportStatus.SUBMITTED,
                client_uuid=uuid.uuid4(),
                submitted_at=late if (on_time := dice.random() >= 0.1) is False else at,
                on_time=on_time,
            )
            for rep in reps
            # One day in twenty goes unreported — the same days on every run, so a re-run adds nothing.
            if rep.pk not in done and (rep.pk * 7919 + day.toordinal()) % 20
        ]
        DailyReport.objects.bulk_create(reports, batch_size=BATCH)
        lines: dict[type, list] = {}

        def add(model, **fields):
            line = model(**fields)
            lines.setdefault(model, []).append(line)
            return line

        intel: list[tuple] = []
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
            promotion = running.get(report.region_id)
            if promotion is not None and dice.random() < 0.7:
                line = add(
                    PromotionFeedbackLine,
                    report=report,
                    promotion=promotion,
                    outlet=dice.choice(shop),
                    executed=dice.choice(["yes", "yes", "yes", "partly", "no"]),
                    actual_price=Decimal(dice.choice(["4.20", "4.50", "4.50", "4.90", "3.80"])),
                    consumer_response=dice.randint(2, 5),
                )
                intel.append((Section.PROMOTION_FEEDBACK, report, line))
            if dice.random() < 0.3:
                add(
                    PopDistributionLine,
                    report=report,
                    outlet=dice.choice(shop),
                    material="poster",
                    quantity=dice.randint(1, 10),
                )
            if dice.random() < 0.3:
                line = add(
                    CompetitorIntelLine,
                    report=report,
                    brand=dice.choice(brands),
                    product_name="竞品",
                    observed_price=Decimal("2.50"),
                    activity=dice.choice(["price_cut", "gift", "display"]),
                    description="生成数据",
                    outlet=dice.choice(shop),
                )
                intel.append((Section.COMPETITOR_INTEL, report, line))
            if dice.random() < 0.15:
                line = add(
                    CustomerFeedbackLine,
                    report=report,
                    customer_type="consumer",
                    category=dice.choice(["complaint", "suggestion", "praise", "inquiry"]),
                    text="生成数据",
                )
                intel.append((Section.CUSTOMER_FEEDBACK, report, line))
        for model, rows in lines.items():
            model.objects.bulk_create(rows, batch_size=BATCH)
        IntelItem.objects.bulk_create([self._intel(*row, staff, dice) for row in intel], batch_size=BATCH)
        return len(reports)

    @staticmethod
    def _intel(section, report, line, staff: "_Staff", dice) -> IntelItem:
        """The feed item of an intel line; marketing acknowledges most, answers some, marks some useful."""
        item = IntelItem(
            section=section,
            report=report,
            rep_id=report.rep_id,
            region_id=report.region_id,
            date=report.date,
            submitted_at=report.submitted_at,
            text="生成数据",
            **{
                Section.COMPETITOR_INTEL: {"competitor_intel": line, "brand_id": getattr(line, "brand_id", None)},
                Section.CUSTOMER_FEEDBACK: {"customer_feedback": line},
                Section.PROMOTION_FEEDBACK: {
                    "promotion_feedback": line,
                    "promotion_id": getattr(line, "promotion_id", None),
                },
            }[section],
        )
        if dice.random() < 0.8:
            marketer = staff.marketing[dice.randrange(len(staff.marketing))]
            item.acknowledged_by, item.acknowledged_at = (
                marketer,
                report.submitted_at + datetime.timedelta(hours=dice.randint(1, 30)),
            )
            item.useful = dice.random() < 0.4
            if dice.random() < 0.4:
                item.answered_by, item.answer = marketer, "收到"
                item.answered_at = item.acknowledged_at + datetime.timedelta(hours=dice.randint(0, 10))
        if section == Section.CUSTOMER_FEEDBACK:
            item.follow_up = dice.choice(["open", "in_progress", "done", "done"])
        return item


class _Staff:
    """The demo's marketing people and sales managers, who decide the generated approvals."""

    def __init__(self, marketing: list[User], marketing_manager: User, managers: list[User]):
        self.marketing, self.marketing_manager, self.managers = marketing, marketing_manager, managers

    @classmethod
    def load(cls) -> "_Staff":
        marketing = list(
            User.objects.filter(groups__name__in=[Role.MARKETING_STAFF, Role.MARKETING_MANAGER]).order_by("pk")
        )
        managers = list(User.objects.filter(groups__name=Role.SALES_MANAGER).select_related("region").order_by("pk"))
        chief = next((u for u in marketing if u.has_role(Role.MARKETING_MANAGER)), marketing[0] if marketing else None)
        if not marketing or not managers:
            raise CommandError("Run `python manage.py seed_demo` first: its marketing people and managers decide.")
        return cls(marketing, chief, managers)

    def manager_of(self, region: Region) -> User:
        """The sales manager whose region holds ``region`` (the first manager when none does)."""
        for manager in self.managers:
            if manager.region_id and region.path.startswith(manager.region.path):
                return manager
        return self.managers[0]
