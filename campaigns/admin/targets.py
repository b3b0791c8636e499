"""Admin: targets. Day-to-day entry is the grid page and the import; the admin is for corrections by staff."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import SalesTarget


@admin.register(SalesTarget)
class SalesTargetAdmin(admin.ModelAdmin):
    list_display = ["period_label", "region", "rep", "category", "product", "units", "revenue", "plan", "updated_at"]
    list_filter = ["year", "quarter", "month", "category", "region"]
    search_fields = ["region__code", "region__name", "rep__username", "product__sku", "category__code"]
    raw_id_fields = ["region", "rep", "category", "product", "plan"]
    list_select_related = ["region", "rep", "category", "product", "plan"]
    readonly_fields = ["updated_at", "updated_by"]
    ordering = ["-year", "quarter", "month", "region__path"]

    @admin.display(description=_("period"), ordering="year")
    def period_label(self, target: SalesTarget) -> str:
        return target.period_label
