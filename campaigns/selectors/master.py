"""Reads of master data (products, brands, categories): QuerySets with the FilterSets applied inside."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ..filters import BrandFilter, ProductFilter
from ..models import Brand, Product, ProductCategory


def _filtered(filterset_class, filters: dict | None, queryset: QuerySet) -> QuerySet:
    filterset = filterset_class(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def product_category_list() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.order_by("code")


def brand_list(*, filters: dict | None = None) -> QuerySet[Brand]:
    """Brands, ours first, filtered by ``campaigns.filters.BrandFilter`` (invalid filters raise ValidationError)."""
    return _filtered(BrandFilter, filters, Brand.objects.order_by("kind", "name"))


def product_list(*, filters: dict | None = None) -> QuerySet[Product]:
    """Products by SKU with their category and brand, filtered by ``campaigns.filters.ProductFilter``."""
    return _filtered(ProductFilter, filters, Product.objects.select_related("category", "brand").order_by("sku"))
