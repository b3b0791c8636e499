"""FilterSets of campaigns, shared by the pages, the API and exports (selectors apply them)."""

import django_filters
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User
from accounts.permissions import region_ancestor_paths

from .models import (
    Brand,
    MarketingPlan,
    Product,
    ProductCategory,
    Promotion,
    PromotionOrigin,
    PromotionStatus,
    PromotionType,
    SalesTarget,
)

# --- master data -------------------------------------------------------------------------------------------------


class ProductFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=ProductCategory.objects.all(), help_text=_("Only products of this category (id).")
    )
    category_code = django_filters.CharFilter(
        field_name="category__code", lookup_expr="iexact", label=_("Category code"), help_text=_("E.g. BEV.")
    )
    brand = django_filters.ModelChoiceFilter(
        queryset=Brand.objects.all(), help_text=_("Only products of this brand (id).")
    )
    active = django_filters.BooleanFilter(help_text=_("true: products on sale; false: discontinued ones."))
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Part of the SKU code or the Chinese or English name.")
    )

    class Meta:
        model = Product
        fields = ["category", "category_code", "brand", "active", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value))


class BrandFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Brand.Kind.choices, help_text=_("own or competitor"))
    active = django_filters.BooleanFilter(help_text=_("true: brands still tracked."))
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Part of the Chinese or English name.")
    )

    class Meta:
        model = Brand
        fields = ["kind", "active", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


# --- promotions --------------------------------------------------------------------------------------------------


class PromotionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=PromotionStatus.choices,
        distinct=False,  # a plain column: no join to deduplicate
        label=_("Status"),
        help_text=_("One or more statuses."),
    )
    origin = django_filters.ChoiceFilter(
        choices=PromotionOrigin.choices, label=_("Origin"), help_text=_("marketing (proposal) or sales (request)")
    )
    type = django_filters.ChoiceFilter(choices=PromotionType.choices, label=_("Type"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.order_by("path"),
        field_name="regions",  # documents the parameter as a region id in the schema
        method="filter_region",
        label=_("Region"),
        help_text=_("Promotions touching this region (id): run in it, in a region above it, or in a region below it."),
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(),
        field_name="products",  # documents the parameter as a product id in the schema
        method="filter_product",
        label=_("Product"),
        help_text=_("Product id."),
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), label=_("Owner"), help_text=_("The owner's user id (项目负责人).")
    )
    active_on = django_filters.DateFilter(
        method="filter_active_on", label=_("Running on"), help_text=_("Promotions whose period includes this date.")
    )
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("Starts on or after"))
    ends_before = django_filters.DateFilter(field_name="ends_on", lookup_expr="lte", label=_("Ends on or before"))
    period_from = django_filters.DateFilter(
        field_name="ends_on",
        lookup_expr="gte",
        label=_("Period from"),
        help_text=_("With period_to: promotions overlapping that period (still running on this date or later)."),
    )
    period_to = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="lte",
        label=_("Period to"),
        help_text=_("Promotions that start on this date or earlier."),
    )
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Part of the title, the mechanics or the expected effect.")
    )

    class Meta:
        model = Promotion
        fields = [
            "status",
            "origin",
            "type",
            "region",
            "product",
            "owner",
            "active_on",
            "starts_after",
            "ends_before",
            "period_from",
            "period_to",
            "q",
        ]

    def filter_region(self, queryset, name, value):
        # Subqueries, not joins: a promotion on several regions of the subtree is listed once.
        touching = Q(region__path__startswith=value.path) | Q(region__path__in=region_ancestor_paths(value.path))
        through = Promotion.regions.through
        return queryset.filter(Exists(through.objects.filter(touching, promotion=OuterRef("pk"))))

    def filter_product(self, queryset, name, value):
        through = Promotion.products.through
        return queryset.filter(Exists(through.objects.filter(product=value, promotion=OuterRef("pk"))))

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(mechanics__icontains=value) | Q(expected_effect__icontains=value)
        )


# --- targets -----------------------------------------------------------------------------------------------------


class SalesTargetFilter(django_filters.FilterSet):
    """Filters of the target list (API and exports); applied by ``campaigns.selectors.targets.target_list``."""

    class Level(models.TextChoices):
        YEAR = "year", _("Year")
        QUARTER = "quarter", _("Quarter")
        MONTH = "month", _("Month")

    class ProductScope(models.TextChoices):
        ALL = "all", _("All products")
        CATEGORY = "category", _("A category")
        PRODUCT = "product", _("A product")

    year = django_filters.NumberFilter(label=_("Year"), help_text=_("E.g. 2026."))
    quarter = django_filters.NumberFilter(label=_("Quarter"), help_text=_("1-4; 0 for whole-year targets."))
    month = django_filters.NumberFilter(label=_("Month"), help_text=_("1-12; 0 for year and quarter targets."))
    level = django_filters.ChoiceFilter(
        choices=Level.choices, method="filter_level", label=_("Period level"), help_text=_("year, quarter or month")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), label=_("Region"), help_text=_("Targets of exactly this region (id).")
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        field_name="region",
        method="filter_within",
        label=_("Within"),
        help_text=_("Targets of this region (id) and every region below it."),
    )
    rep = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), label=_("Sales rep"), help_text=_("The rep's user id.")
    )
    has_rep = django_filters.BooleanFilter(
        field_name="rep",
        lookup_expr="isnull",
        exclude=True,
        label=_("Rep targets"),
        help_text=_("true: only reps' targets; false: only regions' own targets."),
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ProductCategory.objects.all(), label=_("Category"), help_text=_("Category id.")
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), label=_("Product"), help_text=_("Product id.")
    )
    scope = django_filters.ChoiceFilter(
        choices=ProductScope.choices,
        method="filter_scope",
        label=_("Product scope"),
        help_text=_("all: targets for all products; category: per category; product: per product."),
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=MarketingPlan.objects.all(), label=_("Plan"), help_text=_("Plan id.")
    )

    class Meta:
        model = SalesTarget
        fields = [
            "year",
            "quarter",
            "month",
            "level",
            "region",
            "within",
            "rep",
            "has_rep",
            "category",
            "product",
            "scope",
            "plan",
        ]

    def filter_level(self, queryset, name, value):
        if value == self.Level.YEAR:
            return queryset.filter(quarter=0, month=0)
        if value == self.Level.QUARTER:
            return queryset.filter(quarter__gt=0, month=0)
        return queryset.filter(month__gt=0)

    def filter_within(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_scope(self, queryset, name, value):
        if value == self.ProductScope.ALL:
            return queryset.filter(category__isnull=True, product__isnull=True)
        if value == self.ProductScope.CATEGORY:
            return queryset.filter(category__isnull=False)
        return queryset.filter(product__isnull=False)


# --- plans -------------------------------------------------------------------------------------------------------


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MarketingPlan._meta.get_field("status").choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=MarketingPlan._meta.get_field("kind").choices, label=_("Kind"))
    year = django_filters.NumberFilter(label=_("Year"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        label=_("Region"),
        help_text=_("Plans that reach this region (id): for it, for a region above it, or for one below it."),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Part of the title."))

    class Meta:
        model = MarketingPlan
        fields = ["status", "kind", "year", "region", "q"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Q(region__path__startswith=value.path) | Q(region__path__in=region_ancestor_paths(value.path))
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(title__icontains=value)
