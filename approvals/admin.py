"""Admin of approvals: rules are edited here (validated like the settings page); flows, steps, the audit trail and
the executability ratings are read-only facts — decisions go through the workflow (approvals.services.flows)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApprovalEvent, ApprovalFlow, ApprovalRule, ApprovalStep, ExecutabilityRating, StepStatus
from .services.rules import RULE_FIELDS, approval_rule_validate


class ApprovalRuleAdminForm(forms.ModelForm):
    class Meta:
        model = ApprovalRule
        fields = [*RULE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name, getattr(self.instance, name, None)) for name in RULE_FIELDS}
        values["name"] = (values["name"] or "").strip()
        try:
            approval_rule_validate(values, exclude_pk=self.instance.pk)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:  # the field's own validators already spoke
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def _post_clean(self):
        # The service's check above already gave per-field messages for what the model's constraints would repeat
        # as anonymous ones; the model's own validation runs only on an otherwise valid form.
        if not self._errors:
            super()._post_clean()


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    form = ApprovalRuleAdminForm
    list_display = [
        "name",
        "origin",
        "region",
        "director_threshold",
        "gm_threshold",
        "consultation_hours",
        "endorsement_hours",
        "review_hours",
        "decision_hours",
        "active",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["active", "origin", "region"]
    list_select_related = ["region", "updated_by"]
    search_fields = ["name"]
    raw_id_fields = ["region"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ApprovalStepInline(_ReadOnlyInline):
    model = ApprovalStep
    fields = [
        "round",
        "sequence",
        "kind",
        "assignee",
        "assignee_role",
        "status",
        "due_at",
        "decision",
        "comment",
        "decided_by",
        "on_behalf_of",
        "decided_at",
    ]
    readonly_fields = fields
    ordering = ["-round", "sequence", "id"]


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(_ReadOnlyAdmin):
    list_display = ["promotion", "round", "status", "rule", "director_threshold", "gm_threshold", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["promotion", "rule"]
    search_fields = ["promotion__title"]
    date_hierarchy = "submitted_at"
    inlines = [ApprovalStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps__assignee", "steps__decided_by")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(status=StepStatus.OPEN, due_at__lt=now)
        if self.value() == "no":
            return queryset.exclude(status=StepStatus.OPEN, due_at__lt=now)
        return queryset


@admin.register(ApprovalStep)
class ApprovalStepAdmin(_ReadOnlyAdmin):
    list_display = [
        "flow",
        "round",
        "sequence",
        "kind",
        "assignee",
        "assignee_role",
        "status",
        "due_at",
        "overdue",
        "decision",
        "decided_by",
        "on_behalf_of",
        "decided_at",
    ]
    list_filter = ["status", "kind", OverdueFilter, "assignee_role"]
    list_select_related = ["flow__promotion", "assignee", "decided_by", "on_behalf_of"]
    search_fields = ["flow__promotion__title", "assignee__username", "comment"]
    date_hierarchy = "due_at"

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj: ApprovalStep) -> bool:
        return obj.is_overdue()


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(_ReadOnlyAdmin):
    """The audit trail is append-only: nobody adds, changes or deletes an event here."""

    list_display = ["created_at", "promotion", "round", "action", "from_status", "to_status", "actor", "on_behalf_of"]
    list_filter = ["action", "to_status"]
    list_select_related = ["promotion", "actor", "on_behalf_of"]
    search_fields = ["promotion__title", "comment", "actor__username"]
    date_hierarchy = "created_at"


@admin.register(ExecutabilityRating)
class ExecutabilityRatingAdmin(_ReadOnlyAdmin):
    list_display = ["promotion", "rater", "score", "created_at"]
    list_filter = ["score"]
    list_select_related = ["promotion", "rater"]
    search_fields = ["promotion__title", "rater__username", "comment"]
