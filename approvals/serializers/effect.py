"""A promotion followed through execution over the API: costs, executability ratings and the effect."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserRefSerializer
from campaigns.models import CostCategory, PromotionCost, PromotionStatus
from feedback.models import Photo
from feedback.serializers.photos import photo_api_url

from ..models import Decision, ExecutabilityRating

# Sums and ratios are unbounded (many lines, a tiny budget): no digit limit on output, only the places.
_MONEY = {"max_digits": None, "decimal_places": 2}


# --- costs -------------------------------------------------------------------------------------------------------


class CostInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CostCategory.choices)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("CNY, at most 2 decimals, not 0. A negative amount corrects an earlier booking (give the reason)."),
    )
    spent_on = serializers.DateField(
        help_text=_("In the promotion's period or up to 30 days after its end; not in the future.")
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text=_("What was paid for; required for a negative amount."),
    )
    client_uuid = serializers.UUIDField(
        help_text=_("A UUID the client makes per booking: sending the same booking again returns it (200, not 201).")
    )


class CostSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    booked_by = UserRefSerializer()
    total_after = serializers.DecimalField(
        **_MONEY, help_text=_("The promotion's total booked, including this booking.")
    )
    over_budget = serializers.BooleanField(help_text=_("The total after this booking is above the budget."))

    class Meta:
        model = PromotionCost
        fields = [
            "id",
            "category",
            "category_display",
            "amount",
            "spent_on",
            "description",
            "booked_by",
            "client_uuid",
            "total_after",
            "over_budget",
            "created_at",
        ]


# --- ratings -----------------------------------------------------------------------------------------------------


class RatingInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("1 (hardly workable) to 5 (easy to carry out).")
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class RatingSerializer(serializers.ModelSerializer):
    rater = UserRefSerializer()

    class Meta:
        model = ExecutabilityRating
        fields = ["id", "promotion", "rater", "score", "comment", "created_at"]


# --- the effect --------------------------------------------------------------------------------------------------


class EffectRatingSerializer(serializers.Serializer):
    person = UserRefSerializer(allow_null=True)
    score = serializers.IntegerField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    decision = serializers.ChoiceField(
        choices=[("", ""), *Decision.choices], help_text=_("The consultation's answer (consultation only).")
    )


class RatingSummarySerializer(serializers.Serializer):
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    count = serializers.IntegerField()
    ratings = EffectRatingSerializer(many=True)


class EffectPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "url", "thumbnail_url", "taken_at"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "file", context=self.context)

    @extend_schema_field(serializers.URLField())
    def get_thumbnail_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "thumbnail", context=self.context)


class DayPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    units = serializers.IntegerField()
    revenue = serializers.DecimalField(**_MONEY)


class _Pct(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=1, allow_null=True, **kwargs)


class ExecutionSerializer(serializers.Serializer):
    target_outlets = serializers.IntegerField()
    targets_named = serializers.BooleanField(
        help_text=_("True: the promotion names its outlets; false: every active outlet of its regions.")
    )
    outlets_reported = serializers.IntegerField(help_text=_("Target outlets with promotion feedback."))
    rate_pct = _Pct(source="execution_rate")
    feedback_lines = serializers.IntegerField()
    executed_yes = serializers.IntegerField()
    executed_partly = serializers.IntegerField()
    executed_no = serializers.IntegerField()
    consumer_response_avg = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class PriceComplianceSerializer(serializers.Serializer):
    price_floor = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    price_ceiling = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    prices_reported = serializers.IntegerField()
    within = serializers.IntegerField(source="prices_within")
    below_floor = serializers.IntegerField(source="prices_below")
    above_ceiling = serializers.IntegerField(source="prices_above")
    rate_pct = _Pct(source="price_compliance_rate", help_text=_("Within the limits / prices reported."))


class SalesSerializer(serializers.Serializer):
    measured_from = serializers.DateField()
    measured_to = serializers.DateField(allow_null=True, help_text=_("Null: the promotion has not started yet."))
    days = serializers.IntegerField(source="days_elapsed")
    baseline_from = serializers.DateField()
    baseline_to = serializers.DateField()
    units_during = serializers.IntegerField()
    revenue_during = serializers.DecimalField(**_MONEY)
    units_baseline = serializers.IntegerField()
    revenue_baseline = serializers.DecimalField(**_MONEY)
    units_per_day_during = serializers.DecimalField(max_digits=14, decimal_places=2)
    units_per_day_baseline = serializers.DecimalField(max_digits=14, decimal_places=2)
    revenue_per_day_during = serializers.DecimalField(**_MONEY)
    revenue_per_day_baseline = serializers.DecimalField(**_MONEY)
    units_uplift_pct = _Pct(help_text=_("Null when the 4 weeks before had no sales."))
    revenue_uplift_pct = _Pct()
    expected_uplift_pct = _Pct()
    daily = DayPointSerializer(many=True)


class CostSummarySerializer(serializers.Serializer):
    budget = serializers.DecimalField(**_MONEY)
    total = serializers.DecimalField(**_MONEY)
    count = serializers.IntegerField()
    pct_of_budget = _Pct()
    over_budget = serializers.BooleanField()
    by_category = serializers.DictField(child=serializers.DecimalField(**_MONEY))


class EffectSerializer(serializers.Serializer):
    """``promotion_effect`` as JSON: execution, price compliance, sales vs baseline, cost, ratings and photos."""

    promotion = serializers.IntegerField(source="promotion.pk")
    status = serializers.ChoiceField(choices=PromotionStatus.choices)
    as_of = serializers.DateField(source="today")
    execution = ExecutionSerializer(source="*")
    price_compliance = PriceComplianceSerializer(source="*")
    sales = SalesSerializer(source="*")
    cost = CostSummarySerializer(source="costs")
    consultation_ratings = RatingSummarySerializer(source="consultation")
    executability_ratings = RatingSummarySerializer(source="after_execution")
    photo_count = serializers.IntegerField(help_text=_("Photos of the promotion's feedback lines."))
    photos = EffectPhotoSerializer(many=True, help_text=_("The newest photos you may see (at most 24)."))
