"""Admin of alerts: rules are edited here (validated like the rules page); alerts are read-only facts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from ..models import Alert, AlertRule
from ..services.alerts import RULE_FIELDS, alert_rule_validate


class AlertRuleAdminForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = [*RULE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name, getattr(self.instance, name, None)) for name in RULE_FIELDS}
        try:
            alert_rule_validate(values)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleAdminForm
    list_display = ["kind", "name", "region", "threshold_pct", "min_count", "window_days", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["region"]
    search_fields = ["name"]
    raw_id_fields = ["region"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "region", "date", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["region"]
    search_fields = ["title", "fingerprint"]
    date_hierarchy = "date"
    # The facts are what the rule found; triage goes through the alert pages (feedback.services.alerts).
    readonly_fields = [
        "rule",
        "kind",
        "fingerprint",
        "region",
        "date",
        "title",
        "details",
        "report",
        "brand",
        "product",
        "outlet",
        "promotion",
        "category",
        "status",
        "created_at",
        "acknowledged_by",
        "acknowledged_at",
        "resolved_by",
        "resolved_at",
        "note",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
