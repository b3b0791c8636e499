"""Reads of marketing's intel feed, always for a user: the items they may see (``intel_visible_q``), filtered by
``IntelFilter`` inside, with everything a card or an API row shows fetched in the same query (the page and the API
read the same way, in a constant number of queries).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from accounts.selectors import region_subtree
from campaigns.models import Brand, Product, Promotion

from ..models import INTEL_SECTIONS, IntelItem, Outlet
from ..permissions import intel_visible_q, outlets_visible_q, reads_all_field_data

SECTION_CHOICES = [(section.value, section.label) for section in INTEL_SECTIONS]

# Everything a feed card or an API row shows: one joined query, whatever the number of items.
FEED_RELATED = (
    "rep",
    "region",
    "outlet",
    "brand",
    "product",
    "promotion",
    "photo",
    "competitor_intel",
    "customer_feedback",
    "promotion_feedback",
    "acknowledged_by",
    "answered_by",
)


class _YesNoField(forms.NullBooleanField):
    """true / false (or 1 / 0), or empty for "either"; anything else is an error, not silently "either"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1", 1):
            return True
        if value in (False, "false", "False", "0", 0):
            return False
        raise ValidationError(_("Use true or false."), code="invalid")


class _YesNoFilter(django_filters.BooleanFilter):
    field_class = _YesNoField


class IntelFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        label=gettext_lazy("Region"),
        help_text=gettext_lazy("Items reported in this region (id) or any region below it."),
    )
    section = django_filters.ChoiceFilter(
        choices=SECTION_CHOICES,
        label=gettext_lazy("Section"),
        help_text=gettext_lazy("competitor_intel, customer_feedback or promotion_feedback."),
    )
    brand = django_filters.ModelChoiceFilter(
        queryset=Brand.objects.all(), label=gettext_lazy("Brand"), help_text=gettext_lazy("Brand id.")
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), label=gettext_lazy("Product"), help_text=gettext_lazy("Our product id.")
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.all(), label=gettext_lazy("Outlet"), help_text=gettext_lazy("Outlet id.")
    )
    promotion = django_filters.ModelChoiceFilter(
        queryset=Promotion.objects.all(), label=gettext_lazy("Promotion"), help_text=gettext_lazy("Promotion id.")
    )
    rep = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), label=gettext_lazy("Rep"), help_text=gettext_lazy("The reporting rep's user id.")
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label=gettext_lazy("From"),
        help_text=gettext_lazy("Reports of this day or later."),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label=gettext_lazy("Until"),
        help_text=gettext_lazy("Reports of this day or earlier."),
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label=gettext_lazy("Text"),
        help_text=gettext_lazy("Part of the reported words, or of the brand, product or outlet name."),
    )
    answered = _YesNoFilter(
        method="filter_answered",
        label=gettext_lazy("Answered"),
        help_text=gettext_lazy("true: only items marketing answered; false: only unanswered ones."),
    )
    acknowledged = _YesNoFilter(
        method="filter_acknowledged",
        label=gettext_lazy("Acknowledged"),
        help_text=gettext_lazy("true: only items marketing acknowledged; false: only unread ones."),
    )
    include_superseded = _YesNoFilter(
        method="filter_include_superseded",
        label=gettext_lazy("Include replaced lines"),
        help_text=gettext_lazy("true: also lines an amendment replaced (hidden by default)."),
    )

    class Meta:
        model = IntelItem
        fields = [
            "region",
            "section",
            "brand",
            "product",
            "outlet",
            "promotion",
            "rep",
            "date_from",
            "date_to",
            "q",
            "answered",
            "acknowledged",
            "include_superseded",
        ]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Lines an amendment replaced are no longer the facts: hidden unless asked for.
        if not self.form.cleaned_data.get("include_superseded"):
            queryset = queryset.filter(superseded=False)
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Forward foreign keys only: no join multiplies the rows.
        return queryset.filter(
            Q(text__icontains=value)
            | Q(brand__name__icontains=value)
            | Q(brand__name_en__icontains=value)
            | Q(product__name__icontains=value)
            | Q(product__name_en__icontains=value)
            | Q(product__sku__icontains=value)
            | Q(outlet__name__icontains=value)
            | Q(outlet__code__icontains=value)
        )

    def filter_answered(self, queryset, name, value):
        return queryset.filter(answered_at__isnull=not value)

    def filter_acknowledged(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=not value)

    def filter_include_superseded(self, queryset, name, value):
        return queryset  # applied in filter_queryset (its default, "hide", needs no parameter)


def _visible(user: User) -> QuerySet[IntelItem]:
    return IntelItem.objects.filter(intel_visible_q(user))


def intel_feed(*, user: User, filters: dict | None = None) -> QuerySet[IntelItem]:
    """The intel items ``user`` may see, newest submitted first, with everything a card shows joined in.

    Invalid filters raise ``ValidationError`` (one message per field) instead of being silently ignored.
    """
    filterset = IntelFilter(filters or {}, queryset=_visible(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.select_related(*FEED_RELATED).order_by("-submitted_at", "-id")


def intel_item_get_for_user(*, user: User, pk: int, for_update: bool = False) -> IntelItem:
    """One intel item; ``Http404`` when it does not exist *or* the user may not see it (a denial looks like "not
    found"). ``for_update`` locks the item's row (inside the caller's transaction)."""
    queryset = _visible(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related(*FEED_RELATED).get(pk=pk)
    except IntelItem.DoesNotExist:
        raise Http404(_("No such intel item.")) from None


def intel_filter_choices(*, user: User) -> dict[str, QuerySet]:
    """What the feed page's filter bar offers: the regions of what the user reads (a sales manager: their subtree),
    brands and our products on file, and the outlets they may see."""
    if reads_all_field_data(user) or user.region_id is None:
        regions = Region.objects.all()
    else:
        regions = region_subtree(user.region)
    return {
        "regions": regions.order_by("path"),
        "brands": Brand.objects.filter(active=True).order_by("kind", "name"),
        "products": Product.objects.filter(active=True).order_by("sku"),
        "outlets": Outlet.objects.filter(outlets_visible_q(user), active=True).distinct().order_by("code"),
    }
