"""Admin of the joint KPIs (imported by coordination.admin): HR's schemes, and the monthly rollups read-only (they
are rebuilt from the facts: ``rebuild_kpi_rollups`` or the action here)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import KpiMonthly, KpiScheme
from .services.kpi_rollups import kpi_rollups_rebuild, month_last
from .services.kpi_schemes import kpi_scheme_errors


class KpiSchemeForm(forms.ModelForm):
    """The same rules as HR's page and the API (``kpi_scheme_errors``), message by message."""

    class Meta:
        model = KpiScheme
        fields = ["role", "valid_from", "weights"]

    def clean(self):
        data = super().clean()
        weights = data.get("weights")
        if not isinstance(weights, dict):
            raise forms.ValidationError({"weights": _("A JSON object: KPI key → whole-number weight.")})
        errors = kpi_scheme_errors(role=data.get("role", ""), weights=weights)
        if errors:
            raise forms.ValidationError(errors)
        if data.get("valid_from"):
            data["valid_from"] = data["valid_from"].replace(day=1)
        return data


@admin.register(KpiScheme)
class KpiSchemeAdmin(admin.ModelAdmin):
    form = KpiSchemeForm
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
