"""Promotions over the API: one input serializer (create and partial update) and list/detail output shapes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Region, User
from accounts.serializers import RegionRefSerializer, UserRefSerializer

from ..models import Product, Promotion, PromotionAttachment, PromotionType
from ..permissions import can_edit_promotion
from .master import ProductRefSerializer


class PromotionInputSerializer(serializers.Serializer):
    """What an author sends. Shapes and ids are checked here; the business rules in
    ``campaigns.services.promotions`` (their messages come back per field too)."""

    title = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=PromotionType.choices)
    products = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Product.objects.all(), help_text=_("Product ids (active products only).")
    )
    regions = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Region.objects.all(),
        help_text=_("Region ids; each includes every region below it. Sales may only target their own area."),
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    mechanics = serializers.CharField()
    price_floor = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    price_ceiling = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    expected_effect = serializers.CharField()
    expected_uplift_pct = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, help_text=_("User id of the owner (项目负责人); default: you.")
    )
    responsible = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False, help_text=_("User ids of the people responsible.")
    )


class PromotionAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Download link (signed-in browser session)."))

    class Meta:
        model = PromotionAttachment
        fields = ["id", "name", "size", "uploaded_at", "url"]

    def get_url(self, attachment: PromotionAttachment) -> str:
        return reverse(
            "campaigns:promotion_attachment",
            kwargs={"pk": attachment.promotion_id, "attachment_id": attachment.pk},
        )


class PromotionAttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, image, XLSX/DOCX/PPTX or CSV; at most 10 MB."))


class PromotionListSerializer(serializers.ModelSerializer):
    origin_display = serializers.CharField(source="get_origin_display", read_only=True)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    regions = RegionRefSerializer(many=True, read_only=True)
    products = ProductRefSerializer(many=True, read_only=True)
    owner = UserRefSerializer(read_only=True)
    created_by = UserRefSerializer(read_only=True)
    can_edit = serializers.SerializerMethodField(help_text=_("Whether you may edit it now."))

    class Meta:
        model = Promotion
        fields = [
            "id",
            "title",
            "origin",
            "origin_display",
            "type",
            "type_display",
            "status",
            "status_display",
            "starts_on",
            "ends_on",
            "regions",
            "products",
            "price_floor",
            "price_ceiling",
            "budget",
            "owner",
            "created_by",
            "can_edit",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_can_edit(self, promotion: Promotion) -> bool:
        request = self.context.get("request")
        return bool(request) and can_edit_promotion(request.user, promotion)


class PromotionDetailSerializer(PromotionListSerializer):
    responsible = UserRefSerializer(many=True, read_only=True)
    attachments = PromotionAttachmentSerializer(many=True, read_only=True)

    class Meta(PromotionListSerializer.Meta):
        fields = [
            *PromotionListSerializer.Meta.fields,
            "mechanics",
            "expected_effect",
            "expected_uplift_pct",
            "plan",
            "responsible",
            "attachments",
            "created_at",
            "updated_at",
        ]
