"""Approval rules over the API: one output shape, one input shape (ranges here; the rules of a rule in
approvals.services.rules)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Region
from accounts.serializers import RegionRefSerializer, UserRefSerializer
from campaigns.models import PromotionOrigin

from ..models import ApprovalRule
from ..services.rules import HOURS_MAX, HOURS_MIN, NAME_MAX_LENGTH, THRESHOLD_MAX


class ApprovalRuleSerializer(serializers.ModelSerializer):
    origin_display = serializers.CharField(source="get_origin_display", read_only=True)
    region = RegionRefSerializer(read_only=True, allow_null=True, help_text=_("Null: the whole company."))
    updated_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ApprovalRule
        fields = [
            "id",
            "name",
            "origin",
            "origin_display",
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


def _hours(help_text) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=HOURS_MIN, max_value=HOURS_MAX, help_text=help_text)


def _threshold(help_text) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=THRESHOLD_MAX, required=False, help_text=help_text
    )


class ApprovalRuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    origin = serializers.ChoiceField(choices=PromotionOrigin.choices)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Region id: the rule covers it and everything below. Null: the whole company."),
    )
    director_threshold = _threshold(_("Threshold A (CNY): above it the sales director approves too. Default 50000."))
    gm_threshold = _threshold(
        _("Threshold B (CNY), not below A: above it the general manager approves last. Default 200000.")
    )
    consultation_hours = _hours(_("Consultation deadline, 1–2000 working hours."))
    endorsement_hours = _hours(_("Endorsement SLA, 1–2000 working hours."))
    review_hours = _hours(_("Marketing review SLA, 1–2000 working hours."))
    decision_hours = _hours(_("Manager / director / GM decision SLA, 1–2000 working hours."))
    active = serializers.BooleanField(required=False, help_text=_("One active rule per origin and region."))
