"""Admin: master data marketing owns — product categories, brands (ours and competitors'), products."""

from django.contrib import admin

from ..models import Brand, Product, ProductCategory


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]
    search_fields = ["name", "name_en"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "name_en", "category", "brand", "unit", "list_price", "active"]
    list_filter = ["active", "category", "brand", "unit"]
    list_editable = ["active"]
    list_select_related = ["category", "brand"]
    search_fields = ["sku", "name", "name_en"]
    autocomplete_fields = ["category", "brand"]
