"""Reading the joint KPIs (issue 7) from the monthly rollups: scorecards per person, figures per team, department
and region, twelve-month trends. Every list is a fixed number of queries whatever the number of people or months
(tests pin them): the people, their summed counters, their region subtrees' counters and targets (managers and
marketing), HR's schemes. Sums run in the database over ``KpiMonthly``; Python only divides and ranks.

Reads go to ``reporting_alias()`` (the read replica when one is configured).
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Region, User, full_name
from campaigns.models import SalesTarget
from coordination.db import reporting_alias
from coordination.kpis import BY_KEY, KPI_ROLES, Kpi, composite, kpis_for
from coordination.models import KpiMonthly, KpiScheme
from coordination.permissions import kpi_people_visible_q
from coordination.services.kpi_rollups import COUNTERS, MONTHLY_ONLY, month_last

PERIOD_KINDS = ("month", "quarter", "year")
GROUPS = ("person", "team", "department", "region")
TREND_MONTHS = 12
TEAM_COUNTERS = ("team_revenue", "team_days_filed", "team_days_expected", "team_target_revenue")


@dataclass(frozen=True)
class Period:
    """A month ("2026-10"), a quarter ("2026-Q4") or a year ("2026"): whole months from ``first`` to ``last``."""

    kind: str
    first: datetime.date
    last: datetime.date

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        return str(self.first.year)

    def target_q(self) -> Q:
        """``SalesTarget`` month rows of the period."""
        return Q(year=self.first.year, month__gte=self.first.month, month__lte=self.last.month)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_parse(value: str | None, *, today: datetime.date | None = None) -> Period:
    """ "YYYY-MM", "YYYY-Qn" or "YYYY" → a Period; empty → the current month. ``ValueError`` for anything else."""
    value = (value or "").strip()
    if not value:
        first = (today or timezone.localdate()).replace(day=1)
        return Period("month", first, month_last(first))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            first = datetime.date(year, month, 1)
            return Period("month", first, month_last(first))
    elif match := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
        year, quarter = int(match[1]), int(match[2])
        if 2000 <= year <= 2100:
            first = datetime.date(year, quarter * 3 - 2, 1)
            return Period("quarter", first, month_last(datetime.date(year, quarter * 3, 1)))
    elif re.fullmatch(r"\d{4}", value) and 2000 <= int(value) <= 2100:
        year = int(value)
        return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    raise ValueError(value)


PERIOD_HELP = _('A month ("2026-10"), a quarter ("2026-Q4") or a year ("2026"); empty: this month.')


@dataclass
class Figure:
    kpi: Kpi
    value: float | None
    numerator: float | int
    denominator: float | int | None


@dataclass
class Scorecard:
    """One person's figures for a period: their role's KPIs, the composite next to them, their rank in the role."""

    person_id: int
    username: str
    name: str
    role: str
    department: str
    region: str
    region_id: int | None
    manager_id: int | None
    figures: list[Figure]
    composite: float | None
    weights: dict[str, int]
    rank: int | None = None

    @property
    def values(self) -> dict[str, float | None]:
        return {f.kpi.key: f.value for f in self.figures}

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.kpi.key == key), None)


@dataclass
class GroupRow:
    key: str
    name: str
    members: int
    figures: dict[str, float | None] = field(default_factory=dict)
    composite: float | None = None


def _figures(role: str, counters: dict) -> list[Figure]:
    figures = []
    for kpi in kpis_for(role):
        figures.append(
            Figure(
                kpi,
                kpi.value(counters),
                _plain(counters.get(kpi.numerator) or 0),
                _plain((counters.get(kpi.denominator) or 0) * kpi.denominator_factor) if kpi.denominator else None,
            )
        )
    return figures


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "quantize"):
        return float(value)
    return value


def kpi_people(*, user: User) -> QuerySet:
    """The people whose scorecards ``user`` may read: active users in a KPI role, with that role."""
    return (
        User.objects.using(reporting_alias())
        .filter(kpi_people_visible_q(user), is_active=True, groups__name__in=KPI_ROLES)
        .values("pk")
        .annotate(role=Min("groups__name", filter=Q(groups__name__in=KPI_ROLES)))
        .order_by()
    )


def _schemes(period: Period) -> dict[str, dict[str, int]]:
    """The weights per role that apply to the period (latest scheme starting on or before its first month)."""
    weights: dict[str, dict[str, int]] = {}
    for scheme in (
        KpiScheme.objects.using(reporting_alias())
        .filter(valid_from__lte=period.first)
        .order_by("role", "-valid_from")
        .values("role", "weights")
    ):
        weights.setdefault(scheme["role"], scheme["weights"])
    return weights


def _month_has(target: str) -> Exists:
    """The person has a ``target`` for the month of the rollup row (in any of the month's regions)."""
    return Exists(KpiMonthly.objects.filter(person=OuterRef("person"), month=OuterRef("month"), **{f"{target}__gt": 0}))


def counter_sums() -> dict:
    """The monthly counters summed, plus the sales of the person-months that have a target: attainment over a
    quarter, a team or a department puts only those sales over the targets (a rep without a target — or a month
    without one — would otherwise add sales and no target, and lift everyone's attainment above what was met).

    The filtered sums come first: an annotation named like a field hides the field from the ones after it."""
    return {
        "revenue_targeted": Sum("revenue", filter=_month_has("target_revenue")),
        "units_targeted": Sum("units", filter=_month_has("target_units")),
    } | {name: Sum(name) for name in (*COUNTERS, *MONTHLY_ONLY)}


def _counters(people: QuerySet, period: Period) -> dict[int, dict]:
    rows = (
        KpiMonthly.objects.using(reporting_alias())
        .filter(month__gte=period.first, month__lte=period.last, person__in=people.values("pk"))
        .values("person")
        .annotate(**counter_sums())
        .order_by()
    )
    return {row.pop("person"): row for row in rows}


def subtree_target(path: str, targets: dict[str, object]):
    """A region's target: its own, or — when it has none — the targets of the highest regions below it that have
    one, added up (a company with targets set per area only still has a company target). None: no target at all."""
    if path in targets:
        return targets[path]
    below = [p for p in targets if p.startswith(path)]
    tops = [p for p in below if not any(q != p and p.startswith(q) for q in below)]
    return sum(targets[p] for p in tops) if tops else None


def _team_counters(people: QuerySet, period: Period) -> dict[int, dict]:
    """For people with team KPIs: the counters of their region subtree and its own revenue targets.

    The database sums the period's rollups per region (a row per region, whatever the number of reps); each team's
    figure is then the few region sums under its path — so the cost does not grow with the number of managers."""
    using = reporting_alias()
    team_roles = sorted({role for kpi in BY_KEY.values() if kpi.team for role in kpi.roles})
    leads = list(people.filter(role__in=team_roles, region__isnull=False).values("pk", "region_id", "region__path"))
    if not leads:
        return {}
    per_region = list(
        KpiMonthly.objects.using(using)
        .filter(month__gte=period.first, month__lte=period.last, region__isnull=False)
        .values("region__path")
        .annotate(revenue=Sum("revenue"), days_filed=Sum("days_filed"), days_expected=Sum("days_expected"))
        .order_by()
    )
    targets = dict(
        SalesTarget.objects.using(using)
        .filter(period.target_q(), rep__isnull=True, category__isnull=True, product__isnull=True)
        .values("region__path")
        .annotate(total=Sum("revenue"))
        .values_list("region__path", "total")
        .order_by()
    )
    result = {}
    for lead in leads:
        rows = [row for row in per_region if row["region__path"].startswith(lead["region__path"])]
        result[lead["pk"]] = {
            "team_revenue": sum((row["revenue"] or 0) for row in rows),
            "team_days_filed": sum(row["days_filed"] or 0 for row in rows),
            "team_days_expected": sum(row["days_expected"] or 0 for row in rows),
            "team_target_revenue": subtree_target(lead["region__path"], targets),
        }
    return result


def kpi_scorecards(
    *,
    user: User,
    period: Period,
    role: str | None = None,
    department: str | None = None,
    region: int | None = None,
    search: str | None = None,
    person: int | None = None,
) -> list[Scorecard]:
    """The scorecards ``user`` may read, ranked by composite within each role (best first; no score last)."""
    people = kpi_people(user=user)
    if person is not None:
        people = people.filter(pk=person)
    if role:
        people = people.filter(role=role)
    if department:
        people = people.filter(department__code=department)
    if region:
        path = Region.objects.using(reporting_alias()).filter(pk=region).values_list("path", flat=True).first() or "-"
        people = people.filter(region__path__startswith=path)
    if search:
        people = people.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    rows = list(
        people.values(
            "pk",
            "role",
            "username",
            "first_name",
            "last_name",
            "department__code",
            "region_id",
            "region__name",
            "region__name_en",
            "manager_id",
        )
    )
    counters = _counters(people, period)
    team = _team_counters(people, period)
    schemes = _schemes(period)
    departments = dict(Department.Code.choices)
    cards = []
    for row in rows:
        values = {**counters.get(row["pk"], {}), **team.get(row["pk"], {})}
        figures = _figures(row["role"], values)
        weights = schemes.get(row["role"])
        cards.append(
            Scorecard(
                person_id=row["pk"],
                username=row["username"],
                name=User(
                    first_name=row["first_name"], last_name=row["last_name"], username=row["username"]
                ).display_name,
                role=row["role"],
                department=str(departments.get(row["department__code"], "")),
                region=_region_name(row["region__name"], row["region__name_en"]),
                region_id=row["region_id"],
                manager_id=row["manager_id"],
                figures=figures,
                composite=composite(row["role"], {f.kpi.key: f.value for f in figures}, weights),
                weights=weights if weights is not None else {},
            )
        )
    _rank(cards)
    role_order = {r: i for i, r in enumerate(KPI_ROLES)}
    cards.sort(key=lambda c: (role_order.get(c.role, 9), c.rank or 10**9, c.name))
    return cards


def _region_name(name: str | None, name_en: str | None) -> str:
    from accounts.models import localized_name

    return localized_name(name or "", name_en or "") if name else ""


def _rank(cards: list[Scorecard]) -> None:
    """Rank within each role by composite (ties share a rank); people without a composite get none."""
    by_role: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        if card.composite is not None:
            by_role[card.role].append(card)
    for group in by_role.values():
        group.sort(key=lambda c: -c.composite)
        previous, rank = None, 0
        for index, card in enumerate(group, start=1):
            if card.composite != previous:
                rank, previous = index, card.composite
            card.rank = rank


def kpi_person(*, user: User, pk: int, period: Period) -> Scorecard:
    """One person's scorecard; 404 when ``user`` may not read it (or there is no such person)."""
    cards = kpi_scorecards(user=user, period=period, person=pk)
    if not cards:
        raise Http404
    return cards[0]


_TARGETS = frozenset(("target_units", "target_revenue", "team_target_revenue"))


def _active(counters: dict) -> bool:
    """Something was expected of or done by the person (or their team) that month — a target alone is not: a month
    with a target and no one yet working in the system is not a month at 0 per cent."""
    return any(value for name, value in counters.items() if name not in _TARGETS)


def kpi_trend(*, card: Scorecard, period: Period, months: int = TREND_MONTHS) -> list[dict]:
    """The person's figures and composite per month for the ``months`` months ending with the period's last."""
    last = period.last.replace(day=1)
    first = _add_months(last, -(months - 1))
    using = reporting_alias()
    rows = {
        row.pop("month"): row
        for row in KpiMonthly.objects.using(using)
        .filter(person_id=card.person_id, month__gte=first, month__lte=last)
        .values("month")
        .annotate(**counter_sums())
        .order_by()
    }
    team = {}
    if any(f.kpi.team for f in card.figures) and card.region_id:
        path = Region.objects.using(using).filter(pk=card.region_id).values_list("path", flat=True).first()
        team = {
            row.pop("month"): row
            for row in KpiMonthly.objects.using(using)
            .filter(region__path__startswith=path, month__gte=first, month__lte=last)
            .values("month")
            .annotate(
                team_revenue=Sum("revenue"), team_days_filed=Sum("days_filed"), team_days_expected=Sum("days_expected")
            )
            .order_by()
        }
        targets: dict[datetime.date, dict[str, object]] = defaultdict(dict)
        for row in (
            SalesTarget.objects.using(using)
            .filter(
                rep__isnull=True,
                category__isnull=True,
                product__isnull=True,
                year__gte=first.year,
                year__lte=last.year,
                month__gt=0,
            )
            .values("year", "month", "region__path")
            .annotate(total=Sum("revenue"))
            .order_by()
        ):
            targets[datetime.date(row["year"], row["month"], 1)][row["region__path"]] = row["total"]
        for month, by_path in targets.items():
            if first <= month <= last:
                team.setdefault(month, {})["team_target_revenue"] = subtree_target(path, by_path)
    weights = card.weights or None
    trend = []
    month = first
    while month <= last:
        counters = {**rows.get(month, {}), **team.get(month, {})}
        figures = _figures(card.role, counters)
        values = {f.kpi.key: f.value for f in figures}
        point = {"month": month, "values": values, "composite": composite(card.role, values, weights)}
        trend.append(point | {"active": _active(counters)})
        month = _add_months(month, 1)
    return trend


def kpi_groups(*, user: User, period: Period, group: str, role: str | None = None) -> list[GroupRow]:
    """Figures per team (a manager and their direct reports), department or sales area: the members' counters
    summed in the database, the KPIs computed from the sums, and the mean of the members' composites."""
    cards = kpi_scorecards(user=user, period=period, role=role)
    people = kpi_people(user=user)
    if role:
        people = people.filter(role=role)
    using = reporting_alias()
    monthly = KpiMonthly.objects.using(using).filter(
        month__gte=period.first, month__lte=period.last, person__in=people.values("pk")
    )
    sums = counter_sums()
    if group == "department":
        key_field, names = "person__department__code", {k: str(v) for k, v in Department.Code.choices}
    elif group == "team":
        key_field = "person__manager"
        managers = {c.manager_id for c in cards}
        names = {
            pk: full_name(first, last) or username
            for pk, first, last, username in User.objects.using(using)
            .filter(pk__in=managers)
            .values_list("pk", "first_name", "last_name", "username")
        }
    else:
        from coordination.selectors.digest import _Areas

        areas = _Areas(using)
        rows = monthly.annotate(_area=areas.case("region__path")).values("_area").annotate(**sums).order_by()
        grouped = {row.pop("_area"): row for row in rows}
        names = {area.path: area.display_name for area in areas.regions}
        return _group_rows(grouped, names, cards, member_key=_area_of(areas, cards, using))
    grouped = {row.pop(key_field): row for row in monthly.values(key_field).annotate(**sums).order_by()}
    member_key = (lambda c: c.manager_id) if group == "team" else _department_of(cards, using)
    return _group_rows(grouped, names, cards, member_key=member_key)


def _department_of(cards: list[Scorecard], using: str):
    codes = dict(
        User.objects.using(using).filter(pk__in=[c.person_id for c in cards]).values_list("pk", "department__code")
    )
    return lambda card: codes.get(card.person_id)


def _area_of(areas, cards: list[Scorecard], using: str):
    paths = dict(Region.objects.using(using).filter(pk__in={c.region_id for c in cards}).values_list("pk", "path"))

    def key(card):
        path = paths.get(card.region_id) or ""
        return next((area.path for area in areas.regions if path.startswith(area.path)), "")

    return key


def _group_rows(grouped: dict, names: dict, cards: list[Scorecard], *, member_key) -> list[GroupRow]:
    members: dict = defaultdict(list)
    for card in cards:
        members[member_key(card)].append(card)
    result = []
    for key in sorted(set(grouped) | set(members), key=lambda k: str(names.get(k, k) or "")):
        if key in (None, ""):
            continue
        counters = grouped.get(key, {})
        group_cards = members.get(key, [])
        scores = [c.composite for c in group_cards if c.composite is not None]
        result.append(
            GroupRow(
                key=str(key),
                name=str(names.get(key, key)),
                members=len(group_cards),
                figures={kpi.key: kpi.value(counters) for kpi in BY_KEY.values() if not kpi.team},
                composite=round(sum(scores) / len(scores), 1) if scores else None,
            )
        )
    return result


def kpi_role_trend(*, user: User, period: Period, role: str, months: int = TREND_MONTHS) -> list[dict]:
    """The role's figures per month over the ``months`` months ending with the period, for everyone of the role
    ``user`` may read: one grouped query (team figures, which need each person's region, are left out)."""
    last = period.last.replace(day=1)
    first = _add_months(last, -(months - 1))
    people = kpi_people(user=user).filter(role=role)
    rows = {
        row.pop("month"): row
        for row in KpiMonthly.objects.using(reporting_alias())
        .filter(month__gte=first, month__lte=last, person__in=people.values("pk"))
        .values("month")
        .annotate(**counter_sums())
        .order_by()
    }
    trend, month = [], first
    while month <= last:
        counters = rows.get(month, {})
        values = {kpi.key: kpi.value(counters) for kpi in kpis_for(role) if not kpi.team}
        trend.append({"month": month, "values": values, "composite": None, "active": _active(counters)})
        month = _add_months(month, 1)
    return trend


def kpi_schemes(*, role: str | None = None) -> QuerySet:
    qs = KpiScheme.objects.select_related("updated_by").order_by("role", "-valid_from")
    return qs.filter(role=role) if role else qs


def kpi_weights_for(*, role: str, month: datetime.date) -> dict[str, int] | None:
    """HR's weights for ``role`` that apply to ``month`` (None: no scheme yet, equal weights)."""
    scheme = KpiScheme.objects.filter(role=role, valid_from__lte=month).order_by("-valid_from").first()
    return scheme.weights if scheme else None
