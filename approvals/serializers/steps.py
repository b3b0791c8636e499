"""Approval steps, decisions and timelines over the API."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.calendar import WorkCalendar
from accounts.serializers import RegionRefSerializer, UserRefSerializer
from campaigns.models import PromotionOrigin, PromotionStatus

from ..models import ApprovalEvent, ApprovalStep, Decision, StepKind
from ..selectors.steps import step_sla


class StepPromotionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    origin = serializers.ChoiceField(choices=PromotionOrigin.choices)
    status = serializers.ChoiceField(choices=PromotionStatus.choices)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    author = UserRefSerializer(source="created_by")
    regions = RegionRefSerializer(many=True)


class StepSerializer(serializers.ModelSerializer):
    """One step with its SLA clock (due, working hours left — negative when overdue — and overdue)."""

    promotion = StepPromotionSerializer(source="flow.promotion")
    assignee = UserRefSerializer(allow_null=True)
    hours_left = serializers.SerializerMethodField(help_text=_("Working hours until due; negative: overdue by."))
    overdue = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("The decision page."))

    class Meta:
        model = ApprovalStep
        fields = [
            "id",
            "kind",
            "round",
            "status",
            "promotion",
            "assignee",
            "assignee_role",
            "sla_hours",
            "opened_at",
            "due_at",
            "hours_left",
            "overdue",
            "decision",
            "comment",
            "executability",
            "decided_at",
            "url",
        ]

    def _sla(self, step):
        cache = self.context.setdefault("_sla", {})
        if step.pk not in cache:
            calendar = self.context.setdefault("calendar", WorkCalendar())
            now = self.context.setdefault("now", timezone.now())
            cache[step.pk] = step_sla(step, now=now, calendar=calendar)
        return cache[step.pk]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_hours_left(self, step) -> float | None:
        return self._sla(step).hours_left

    def get_overdue(self, step) -> bool:
        return self._sla(step).overdue

    def get_url(self, step) -> str:
        return reverse("approvals:step_detail", args=[step.pk])


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=Decision.choices,
        help_text=_(
            "approve | approve_with_changes | return | reject; a consultation answers support | "
            "support_with_changes | oppose; an endorsement approve | return | reject."
        ),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text=_("Required for approve with changes (the changes), return and reject (the reason), oppose."),
    )
    executability = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text=_("Consultation only, required there: how workable it is for the field, 1–5."),
    )


class WithdrawInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class EventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(allow_null=True, help_text=_("Empty: the system (a deadline or the calendar)."))
    on_behalf_of = UserRefSerializer(allow_null=True)
    action_label = serializers.SerializerMethodField()
    step_kind = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalEvent
        fields = [
            "id",
            "created_at",
            "round",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "actor",
            "on_behalf_of",
            "step_kind",
            "comment",
            "data",
        ]

    def get_action_label(self, event) -> str:
        from ..workflow import Action

        try:
            return str(Action(event.action).label)
        except ValueError:
            return event.action

    @extend_schema_field(serializers.ChoiceField(choices=StepKind.choices, allow_null=True))
    def get_step_kind(self, event):
        return event.step.kind if event.step_id else None
