"""Reads for the daily report page: what the rep may choose in each select, the usual choices first.

A rep fills the report standing in a store, so the outlets they visit most come first (assigned to them, or
reported on in the last 30 days), then the rest of their territory; our products most reported first. The counts
are aggregated in the database (one UNION of per-section GROUP BYs for outlets, one for products), so the page
costs the same handful of queries whether the territory holds 5 outlets or 500.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User
from accounts.permissions import region_ancestor_paths
from campaigns.models import Brand, Product, Promotion
from campaigns.selectors.promotions import promotion_agreed_on_q

from ..models import SECTION_MODELS, Outlet, PromotionOutlet

USUAL_WINDOW_DAYS = 30

Option = tuple[str, str]  # (value, label)
OptionGroups = list[tuple[str | None, list[Option]]]  # (group label or None, options)


@dataclass
class ReportFormChoices:
    """The options of each kind of select, grouped for ``<optgroup>``; ``last_outlet`` pre-selects new rows."""

    outlets: OptionGroups = field(default_factory=list)
    products: OptionGroups = field(default_factory=list)
    promotions: OptionGroups = field(default_factory=list)
    brands: OptionGroups = field(default_factory=list)
    regions: OptionGroups = field(default_factory=list)
    last_outlet: str = ""
    outlet_count: int = 0
    promotion_count: int = 0


def _models_with(field_name: str) -> list:
    return [m for m in SECTION_MODELS.values() if any(f.name == field_name for f in m._meta.get_fields())]


def _usage(*, rep: User, field_name: str, since: datetime.date) -> tuple[Counter, dict[int, datetime.date]]:
    """How many of the rep's lines since ``since`` name each outlet (or product), and the last day each was named:
    one query (a UNION ALL of one GROUP BY per section that has the field)."""
    queries = [
        model.objects.filter(report__rep=rep, report__date__gte=since, **{f"{field_name}__isnull": False})
        .order_by()
        .values(field_name)
        .annotate(n=Count("pk"), last=Max("report__date"))
        .values_list(field_name, "n", "last")
        for model in _models_with(field_name)
    ]
    counts: Counter = Counter()
    last: dict[int, datetime.date] = {}
    for pk, n, day in queries[0].union(*queries[1:], all=True):
        counts[pk] += n
        if pk not in last or day > last[pk]:
            last[pk] = day
    return counts, last


def _territory_q(rep: User) -> Q:
    if rep.region_id is None:
        return Q(reps=rep)
    return Q(region__path__startswith=rep.region.path) | Q(reps=rep)


def report_form_outlets(*, rep: User, today: datetime.date) -> tuple[OptionGroups, str, int]:
    """The active outlets of the rep's territory: usual ones first (assigned or most reported lately), then the
    others by code. Also the outlet of the rep's latest line (to pre-select in a new row)."""
    counts, last = _usage(rep=rep, field_name="outlet", since=today - datetime.timedelta(days=USUAL_WINDOW_DAYS))
    assigned = Outlet.reps.through.objects.filter(outlet=OuterRef("pk"), user=rep)
    territory = Outlet.objects.filter(active=True).filter(pk__in=Outlet.objects.filter(_territory_q(rep)).values("pk"))
    outlets = list(territory.annotate(assigned=Exists(assigned)).order_by("code").only("pk", "code", "name"))
    usual = sorted(
        (o for o in outlets if o.assigned or counts[o.pk]), key=lambda o: (-counts[o.pk], not o.assigned, o.code)
    )
    usual_ids = {o.pk for o in usual}
    others = [o for o in outlets if o.pk not in usual_ids]
    groups: OptionGroups = []
    if usual:
        groups.append((str(_("Your usual outlets")), [(str(o.pk), f"{o.code} {o.name}") for o in usual]))
    if others:
        label = str(_("Other outlets in your territory")) if usual else None
        groups.append((label, [(str(o.pk), f"{o.code} {o.name}") for o in others]))
    in_territory = {o.pk for o in outlets}
    recent = [pk for pk in last if pk in in_territory]
    last_outlet = str(max(recent, key=lambda pk: (last[pk], counts[pk]))) if recent else ""
    return groups, last_outlet, len(outlets)


def report_form_products(*, rep: User, today: datetime.date) -> OptionGroups:
    """Our active products, the rep's most reported (last 30 days) first."""
    counts, _last = _usage(rep=rep, field_name="product", since=today - datetime.timedelta(days=USUAL_WINDOW_DAYS))
    products = list(Product.objects.filter(active=True).order_by("sku").only("pk", "sku", "name", "name_en"))
    usual = sorted((p for p in products if counts[p.pk]), key=lambda p: (-counts[p.pk], p.sku))
    others = [p for p in products if not counts[p.pk]]
    groups: OptionGroups = []
    if usual:
        groups.append((str(_("You report these most")), [(str(p.pk), f"{p.display_name} ({p.sku})") for p in usual]))
    if others:
        label = str(_("Other products")) if usual else None
        groups.append((label, [(str(p.pk), f"{p.display_name} ({p.sku})") for p in others]))
    return groups


def report_form_promotions(*, rep: User, date: datetime.date) -> list[Promotion]:
    """Promotions agreed and running on ``date`` in the rep's territory: one of its regions covers the rep's region
    or lies inside it, or one of its target outlets is in the rep's territory. The service still checks, per line,
    that the promotion runs at the outlet named (``feedback.services.reports.promotion_runs_at``)."""
    if rep.region_id is None:
        return []
    path = rep.region.path
    in_regions = Q(regions__path__in=region_ancestor_paths(path)) | Q(regions__path__startswith=path)
    at_outlets = Q(
        pk__in=PromotionOutlet.objects.filter(Q(outlet__region__path__startswith=path) | Q(outlet__reps=rep)).values(
            "promotion_id"
        )
    )
    return list(
        Promotion.objects.filter(promotion_agreed_on_q(date))
        .filter(pk__in=Promotion.objects.filter(in_regions | at_outlets).values("pk"))
        .order_by("starts_on", "title")
        .only("pk", "title", "starts_on", "ends_on")
    )


def report_form_choices(*, rep: User, date: datetime.date, today: datetime.date) -> ReportFormChoices:
    """Every select's options for ``rep``'s report on ``date``: a constant number of queries (seven)."""
    outlets, last_outlet, outlet_count = report_form_outlets(rep=rep, today=today)
    promotions = report_form_promotions(rep=rep, date=date)
    brands = Brand.objects.filter(kind=Brand.Kind.COMPETITOR, active=True).order_by("name")
    regions = (
        Region.objects.filter(path__startswith=rep.region.path).order_by("path")
        if rep.region_id
        else Region.objects.none()
    )
    return ReportFormChoices(
        outlets=outlets,
        products=report_form_products(rep=rep, today=today),
        promotions=[
            (
                None,
                [(str(p.pk), f"{p.title} ({p.starts_on:%m-%d} – {p.ends_on:%m-%d})") for p in promotions],
            )
        ]
        if promotions
        else [],
        brands=[(None, [(str(b.pk), b.display_name) for b in brands])],
        regions=[(None, [(str(r.pk), ("· " * (r.depth - 1)) + r.display_name) for r in regions])]
        if rep.region_id
        else [],
        last_outlet=last_outlet,
        outlet_count=outlet_count,
        promotion_count=len(promotions),
    )
