"""The evidence beside a step (GET /api/v1/approvals/{id}/evidence/): read-only output shapes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import RegionRefSerializer, UserRefSerializer
from feedback.models import CompetitorIntelLine, PromotionFeedbackLine


class _OutletRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class _IntelBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The intel item (the marketing feed's id)."))
    date = serializers.DateField()
    region = RegionRefSerializer()
    rep = UserRefSerializer()
    outlet = _OutletRefSerializer(allow_null=True)
    has_photo = serializers.SerializerMethodField()

    def get_has_photo(self, item) -> bool:
        return item.photo_id is not None


class CompetitorIntelEvidenceSerializer(_IntelBaseSerializer):
    brand = serializers.CharField(source="brand.display_name")
    their_product = serializers.CharField(source="competitor_intel.product_name")
    our_product = serializers.CharField(source="product.display_name", allow_null=True, default=None)
    our_list_price = serializers.DecimalField(
        source="product.list_price", max_digits=10, decimal_places=2, allow_null=True, default=None
    )
    observed_price = serializers.DecimalField(
        source="competitor_intel.observed_price", max_digits=10, decimal_places=2, allow_null=True
    )
    activity = serializers.ChoiceField(source="competitor_intel.activity", choices=CompetitorIntelLine.Activity.choices)
    description = serializers.CharField(source="competitor_intel.description")


class _PromotionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PromotionFeedbackEvidenceSerializer(_IntelBaseSerializer):
    promotion = _PromotionRefSerializer()
    executed = serializers.ChoiceField(
        source="promotion_feedback.executed", choices=PromotionFeedbackLine.Executed.choices
    )
    actual_price = serializers.DecimalField(
        source="promotion_feedback.actual_price", max_digits=10, decimal_places=2, allow_null=True
    )
    consumer_response = serializers.IntegerField(source="promotion_feedback.consumer_response")
    issues = serializers.CharField(source="promotion_feedback.issues")


class SalesWeekSerializer(serializers.Serializer):
    starts_on = serializers.DateField(help_text=_("A Monday."))
    ends_on = serializers.DateField()
    units = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)


class EvidenceSerializer(serializers.Serializer):
    """Recent field facts for the step's promotion: its regions (and below) and its products."""

    since = serializers.DateField(help_text=_("First day of the period looked at (the last 30 days)."))
    until = serializers.DateField()
    competitor_intel_count = serializers.IntegerField(help_text=_("All competitor intel of the period."))
    competitor_intel = CompetitorIntelEvidenceSerializer(many=True, help_text=_("The newest ten, newest first."))
    promotion_feedback_count = serializers.IntegerField(
        help_text=_("All field feedback of the period on earlier promotions of the same products.")
    )
    promotion_feedback = PromotionFeedbackEvidenceSerializer(many=True, help_text=_("The newest ten, newest first."))
    sales_weeks = SalesWeekSerializer(
        many=True, help_text=_("Point-of-sale sales of the products in the regions, the last four full weeks.")
    )
    sales_units = serializers.IntegerField()
    sales_revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
