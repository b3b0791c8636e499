from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Brand, Product, ProductCategory


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "name_en"]


class BrandSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Brand
        fields = ["id", "name", "name_en", "kind", "kind_display", "active"]


class BrandRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "name_en", "kind"]


class ProductSerializer(serializers.ModelSerializer):
    category = ProductCategorySerializer(read_only=True)
    brand = BrandRefSerializer(read_only=True)
    unit_display = serializers.CharField(source="get_unit_display", read_only=True)
    list_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, help_text=_("List price in CNY, as a string.")
    )

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "name_en", "category", "brand", "unit", "unit_display", "list_price", "active"]


class ProductRefSerializer(serializers.ModelSerializer):
    """A product as other resources mention it."""

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "name_en"]
