"""Reads of outlets, always for a user: the outlets they may see (``outlets_visible_q``), filtered by ``OutletFilter``
inside, with the region and the assigned reps fetched in a fixed number of queries (the page and the API read the
same way).
"""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Region, User

from ..models import Outlet, OutletChannel
from ..permissions import outlets_visible_q


@extend_schema_field(OpenApiTypes.STR)
class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A region given by its code (documented as a string)."""


class OutletFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        label=gettext_lazy("Region"),
        help_text=gettext_lazy("Outlets in this region (id) or any region below it."),
    )
    region_code = RegionCodeFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        method="filter_region",
        label=gettext_lazy("Region code"),
        help_text=gettext_lazy("Outlets in the region with this code (e.g. EAST, SH) or any region below it."),
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=OutletChannel.choices,
        distinct=False,  # a plain column: no join to deduplicate
        label=gettext_lazy("Channel"),
        help_text=gettext_lazy("One or more channels."),
    )
    rep = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(),
        field_name="reps",
        label=gettext_lazy("Assigned rep"),
        help_text=gettext_lazy("Outlets assigned to this rep (user id)."),
    )
    active = django_filters.BooleanFilter(
        label=gettext_lazy("Active"), help_text=gettext_lazy("true: outlets in business; false: closed ones.")
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label=gettext_lazy("Search"),
        help_text=gettext_lazy("Part of the code, the name or the address."),
    )

    class Meta:
        model = Outlet
        fields = ["region", "region_code", "channel", "rep", "active", "q"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(address__icontains=value))


def _visible(user: User) -> QuerySet[Outlet]:
    # A subquery, not the Q itself: "in my territory OR assigned to me" joins the reps table, and an outlet with two
    # reps would be listed twice.
    return Outlet.objects.filter(pk__in=Outlet.objects.filter(outlets_visible_q(user)).values("pk"))


def _with_related(queryset: QuerySet[Outlet]) -> QuerySet[Outlet]:
    return queryset.select_related("region").prefetch_related(
        Prefetch("reps", queryset=User.objects.order_by("username"))
    )


def outlet_list(*, user: User, filters: dict | None = None) -> QuerySet[Outlet]:
    """The outlets ``user`` may see, by code, with their region and assigned reps.

    Invalid filters raise ``ValidationError`` (one message per field) instead of being silently ignored.
    """
    filterset = OutletFilter(filters or {}, queryset=_visible(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _with_related(filterset.qs).order_by("code")


def outlet_get_for_user(*, user: User, pk: int) -> Outlet:
    """One outlet; ``Http404`` when it does not exist *or* the user may not see it."""
    try:
        return _with_related(_visible(user)).get(pk=pk)
    except Outlet.DoesNotExist:
        raise Http404(_("No such outlet.")) from None
