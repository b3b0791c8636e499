"""The intel feed over the API: one item's shape (with its line's own fields) and the inputs of marketing's
actions on it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from accounts.serializers import RegionRefSerializer, UserRefSerializer
from campaigns.serializers.master import BrandRefSerializer, ProductRefSerializer

from ..models import (
    CompetitorIntelLine,
    CustomerFeedbackLine,
    FollowUp,
    IntelItem,
    Outlet,
    Photo,
    PromotionFeedbackLine,
    Section,
)
from ..permissions import can_answer_intel, can_follow_up_feedback
from ..services.intel import ANSWER_MAX_LENGTH
from .photos import photo_api_url


class IntelOutletRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "code", "name"]


class IntelPromotionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class IntelPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The photo (only for those who may see it)."))
    thumbnail_url = serializers.SerializerMethodField(help_text=_("Its thumbnail (the photo until it is made)."))

    class Meta:
        model = Photo
        fields = ["id", "url", "thumbnail_url", "taken_at"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "file", context=self.context)

    @extend_schema_field(serializers.URLField())
    def get_thumbnail_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "thumbnail", context=self.context)


class CompetitorIntelLineOutSerializer(serializers.ModelSerializer):
    activity_display = serializers.CharField(source="get_activity_display", read_only=True)

    class Meta:
        model = CompetitorIntelLine
        fields = ["product_name", "observed_price", "activity", "activity_display", "description"]


class CustomerFeedbackLineOutSerializer(serializers.ModelSerializer):
    customer_type_display = serializers.CharField(source="get_customer_type_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = CustomerFeedbackLine
        fields = ["customer_type", "customer_type_display", "category", "category_display", "text"]


class PromotionFeedbackLineOutSerializer(serializers.ModelSerializer):
    executed_display = serializers.CharField(source="get_executed_display", read_only=True)

    class Meta:
        model = PromotionFeedbackLine
        fields = ["executed", "executed_display", "actual_price", "consumer_response", "issues"]


LINE_SERIALIZERS = {
    Section.COMPETITOR_INTEL: CompetitorIntelLineOutSerializer,
    Section.CUSTOMER_FEEDBACK: CustomerFeedbackLineOutSerializer,
    Section.PROMOTION_FEEDBACK: PromotionFeedbackLineOutSerializer,
}


class IntelItemSerializer(serializers.ModelSerializer):
    section_display = serializers.CharField(source="get_section_display", read_only=True)
    rep = UserRefSerializer(read_only=True)
    region = RegionRefSerializer(read_only=True)
    outlet = IntelOutletRefSerializer(read_only=True, allow_null=True)
    brand = BrandRefSerializer(read_only=True, allow_null=True)
    product = ProductRefSerializer(read_only=True, allow_null=True)
    promotion = IntelPromotionRefSerializer(read_only=True, allow_null=True)
    report = serializers.IntegerField(source="report_id", read_only=True, help_text=_("The report's id."))
    line = serializers.SerializerMethodField(help_text=_("The reported line's own fields (they depend on section)."))
    photo = IntelPhotoSerializer(read_only=True, allow_null=True)
    photo_reused = serializers.SerializerMethodField(
        help_text=_("The same picture was uploaded on an earlier day (evidence to doubt).")
    )
    acknowledged_by = UserRefSerializer(read_only=True, allow_null=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)
    follow_up_display = serializers.CharField(source="get_follow_up_display", read_only=True)
    can_answer = serializers.SerializerMethodField(help_text=_("Whether you may acknowledge, answer and rate it."))
    can_follow_up = serializers.SerializerMethodField(help_text=_("Whether you may move its follow-up."))

    class Meta:
        model = IntelItem
        fields = [
            "id",
            "section",
            "section_display",
            "date",
            "submitted_at",
            "report",
            "rep",
            "region",
            "outlet",
            "brand",
            "product",
            "promotion",
            "text",
            "line",
            "photo",
            "photo_reused",
            "acknowledged_at",
            "acknowledged_by",
            "answer",
            "answered_at",
            "answered_by",
            "useful",
            "follow_up",
            "follow_up_display",
            "superseded",
            "can_answer",
            "can_follow_up",
        ]

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="IntelLine",
            serializers=list(LINE_SERIALIZERS.values()),
            resource_type_field_name=None,
        )
    )
    def get_line(self, item: IntelItem) -> dict:
        return LINE_SERIALIZERS[item.section](item.line).data

    def get_photo_reused(self, item: IntelItem) -> bool:
        return bool(item.photo_id and item.photo.reused_from_id)

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def get_can_answer(self, item: IntelItem) -> bool:
        user = self._user()
        return bool(user and can_answer_intel(user))

    def get_can_follow_up(self, item: IntelItem) -> bool:
        user = self._user()
        return bool(user and item.section == Section.CUSTOMER_FEEDBACK and can_follow_up_feedback(user, item))


class IntelAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(
        max_length=ANSWER_MAX_LENGTH, help_text=_("What marketing tells the rep (replaces an earlier answer).")
    )


class IntelUsefulInputSerializer(serializers.Serializer):
    useful = serializers.BooleanField(help_text=_("true: useful intel; false: not useful."))


class IntelFollowUpInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FollowUp.choices, help_text=_("open, in_progress or done."))
