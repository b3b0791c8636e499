"""Delegations over the API: the output shape and the input to create one."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Delegation, User
from accounts.serializers import UserRefSerializer


class DelegationSerializer(serializers.ModelSerializer):
    delegator = UserRefSerializer(read_only=True, help_text=_("The person away."))
    delegate = UserRefSerializer(read_only=True, help_text=_("Who decides instead."))
    state = serializers.SerializerMethodField(help_text=_("upcoming, current or past (today in the company)."))

    class Meta:
        model = Delegation
        fields = ["id", "delegator", "delegate", "starts_on", "ends_on", "reason", "state", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "current", "past"]))
    def get_state(self, delegation: Delegation) -> str:
        today = self.context.setdefault("today", timezone.localdate())
        if delegation.ends_on < today:
            return "past"
        return "current" if delegation.starts_on <= today else "upcoming"


class DelegationInputSerializer(serializers.Serializer):
    delegate = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        help_text=_("User id: an active colleague who decides approvals too, or one of your department."),
    )
    starts_on = serializers.DateField(help_text=_("The first day away; today or later."))
    ends_on = serializers.DateField(help_text=_("The last day away (included); at most 90 days after the first."))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
