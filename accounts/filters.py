"""FilterSets shared by the pages, the API and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationKind, Region


class RegionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices, help_text=_("country, province or city"))
    parent = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), help_text=_("Only the direct children of this region (id).")
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        field_name="id",  # documents the parameter as a region id in the schema
        method="filter_within",
        label=_("Within"),
        help_text=_("This region (id) and everything below it."),
    )
    code = django_filters.CharFilter(lookup_expr="iexact", help_text=_("Exact region code, e.g. SH."))
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Part of the Chinese or English name.")
    )

    class Meta:
        model = Region
        fields = ["kind", "parent", "within", "code", "q"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


class NotificationFilter(django_filters.FilterSet):
    # A choice, not a BooleanFilter: "unread=maybe" is a 400 with a message rather than silently ignored.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        label=_("Unread"),
        help_text=_("true: only unread; false: only read."),
    )
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices, help_text=_("Only this kind."))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")
