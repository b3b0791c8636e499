"""Admin of the joint KPIs (imported by coordination.admin): HR's schemes, and the monthly rollups read-only (they
are rebuilt from the facts: ``rebuild_kpi_rollups`` or the action here)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import KpiMonthly, KpiScheme
from .services.kpi_rollups import kpi_rollups_rebuild, month_last


@admin.register(KpiScheme)
class KpiSchemeAdmin(admin.ModelAdmin):
    list_display = ["role", "valid_from", "weights", "updated_by", "updated_at"]
    list_filter = ["role"]
    list_select_related = ["updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(KpiMonthly)
class KpiMonthlyAdmin(admin.ModelAdmin):
    list_display = ["month", "person", "region", "days_expected", "days_filed", "revenue", "target_revenue"]
    list_select_related = ["person", "region"]
    date_hierarchy = "month"
    search_fields = ["person__username", "person__last_name"]
    actions = ["rebuild_months"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Rebuild the selected rows' months from the facts"))
    def rebuild_months(self, request, queryset):
        months = sorted(set(queryset.values_list("month", flat=True)))
        for month in months:
            kpi_rollups_rebuild(month, month_last(month))
        messages.success(request, _("%(count)s month(s) rebuilt.") % {"count": len(months)})
