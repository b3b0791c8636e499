"""Reads of promotions, always for a user: what they may see (``promotions_visible_q``), filtered by
``campaigns.filters.PromotionFilter`` inside, with everything a list or page shows fetched in a fixed number of
queries (the page, the API and the calendar read the same way).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Region, User
from accounts.permissions import sees_whole_company

from ..filters import PromotionFilter
from ..models import PROMOTION_PUBLISHED_STATUSES, Product, Promotion, PromotionAttachment
from ..permissions import promotions_visible_q


def promotion_agreed_on_q(day: datetime.date, *, prefix: str = "") -> Q:
    """Promotions agreed (approved or later) whose period covers ``day``: what the field executes and reports on
    that day. ``prefix`` is the path to the promotion ("promotion__") for rows that point at one."""
    return Q(
        **{
            f"{prefix}status__in": PROMOTION_PUBLISHED_STATUSES,
            f"{prefix}starts_on__lte": day,
            f"{prefix}ends_on__gte": day,
        }
    )


def promotion_is_agreed_on(promotion: Promotion, day: datetime.date) -> bool:
    """``promotion_agreed_on_q`` for a promotion already fetched (a test keeps the two in step)."""
    return promotion.status in PROMOTION_PUBLISHED_STATUSES and promotion.starts_on <= day <= promotion.ends_on


def _visible(user: User) -> QuerySet[Promotion]:
    return Promotion.objects.filter(promotions_visible_q(user))


def promotion_list(*, user: User, filters: dict | None = None) -> QuerySet[Promotion]:
    """The promotions ``user`` may see, newest period first, with owner, author, regions and products prefetched.

    Invalid filters raise ``ValidationError`` (one message per field) instead of being silently ignored.
    """
    filterset = PromotionFilter(filters or {}, queryset=_visible(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return (
        filterset.qs.select_related("owner", "created_by")
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.order_by("path")),
            Prefetch("products", queryset=Product.objects.order_by("sku")),
        )
        .order_by("-starts_on", "-id")
    )


def promotion_get_for_user(*, user: User, pk: int, for_update: bool = False) -> Promotion:
    """One promotion with everything its page shows; ``Http404`` when it does not exist *or* the user may not see it
    (a denial looks like "not found"). ``for_update`` locks the row (inside the caller's transaction)."""
    queryset = _visible(user)
    if for_update:
        # Lock the promotion row only (not the joined owner/author/plan rows).
        queryset = queryset.select_for_update(of=("self",))
    queryset = queryset.select_related("owner", "created_by", "plan").prefetch_related(
        Prefetch("regions", queryset=Region.objects.order_by("path")),
        Prefetch("products", queryset=Product.objects.select_related("category", "brand").order_by("sku")),
        Prefetch("responsible", queryset=User.objects.order_by("last_name", "first_name", "username")),
        Prefetch("attachments", queryset=PromotionAttachment.objects.select_related("uploaded_by").order_by("id")),
    )
    try:
        return queryset.get(pk=pk)
    except Promotion.DoesNotExist:
        raise Http404(_("No such promotion.")) from None


def promotion_attachment_get_for_user(*, user: User, pk: int, attachment_id: int) -> PromotionAttachment:
    """An attachment of a promotion the user may see; ``Http404`` if either is not visible or they do not belong
    together (an attachment id swapped into another promotion's URL)."""
    promotion = Promotion.objects.filter(promotions_visible_q(user), pk=pk)
    try:
        return PromotionAttachment.objects.select_related("promotion").get(pk=attachment_id, promotion__in=promotion)
    except PromotionAttachment.DoesNotExist:
        raise Http404(_("No such attachment.")) from None


# --- calendar ----------------------------------------------------------------------------------------------------


@dataclass
class CalendarWeek:
    monday: datetime.date
    sunday: datetime.date
    iso_year: int
    iso_week: int
    is_current: bool


@dataclass
class CalendarRow:
    """One row of the calendar: a province (sales area), or ``region=None`` for company-wide promotions."""

    region: Region | None
    cells: list[list[Promotion]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


@dataclass
class PromotionCalendar:
    start: datetime.date
    weeks: list[CalendarWeek]
    rows: list[CalendarRow]

    @property
    def end(self) -> datetime.date:
        return self.weeks[-1].sunday

    @property
    def promotion_count(self) -> int:
        return len({p.pk for row in self.rows for cell in row.cells for p in cell})


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def _province_path(path: str) -> str | None:
    """ "CN/EAST/SH/" → "CN/EAST/"; a country ("CN/") has no province."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:2]) + "/" if len(parts) >= 2 else None


def promotion_calendar(
    *, user: User, start: datetime.date, weeks: int, today: datetime.date | None = None, filters: dict | None = None
) -> PromotionCalendar:
    """Promotions the user may see, as rows per province (a promotion for a city shows in its province's row)
    plus a company-wide row for promotions on the whole country, × ISO-week columns from ``start``'s week.

    The provinces shown are those of the user's scope (all of them for company-wide roles). Four queries whatever
    the number of promotions: the user's roles, the provinces, the promotions and their regions.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    first = week_start(start)
    columns = []
    for offset in range(weeks):
        monday = first + datetime.timedelta(weeks=offset)
        iso = monday.isocalendar()
        columns.append(
            CalendarWeek(
                monday=monday,
                sunday=monday + datetime.timedelta(days=6),
                iso_year=iso.year,
                iso_week=iso.week,
                is_current=today is not None and monday <= today <= monday + datetime.timedelta(days=6),
            )
        )
    end = columns[-1].sunday

    provinces = list(Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("path"))
    if not sees_whole_company(user):
        own = user.region.path if user.region_id else None
        provinces = [p for p in provinces if own and (p.path.startswith(own) or own.startswith(p.path))]
    company_row = CalendarRow(region=None, cells=[[] for _ in columns])
    rows = {p.path: CalendarRow(region=p, cells=[[] for _ in columns]) for p in provinces}

    promotions = (
        promotion_list(user=user, filters=filters)
        .filter(starts_on__lte=end, ends_on__gte=first)
        .prefetch_related(None)  # the cells show titles and statuses: only the regions are needed
        .prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("path")))
    )
    for promotion in promotions.order_by("starts_on", "title", "id"):
        targets: dict[str, CalendarRow] = {}
        for region in promotion.regions.all():
            province = _province_path(region.path)
            row = company_row if province is None else rows.get(province)
            if row is not None:
                targets[province or ""] = row
        for row in targets.values():
            for index, week in enumerate(columns):
                if promotion.starts_on <= week.sunday and promotion.ends_on >= week.monday:
                    row.cells[index].append(promotion)
    ordered = [company_row] if not company_row.is_empty else []
    ordered += list(rows.values())
    return PromotionCalendar(start=first, weeks=columns, rows=ordered)
