"""Serializers of /api/v1/targets/: one output shape, one input shape per write operation."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Region, User
from accounts.serializers import RegionRefSerializer, UserRefSerializer
from coordination.tabular import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

from ..models import MarketingPlan, Product, ProductCategory, SalesTarget
from ..permissions import can_edit_target_cell


class _CategoryRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name"]


class _ProductRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "name"]


class TargetSerializer(serializers.ModelSerializer):
    """A target cell as the API shows it."""

    period = serializers.CharField(source="period_label", read_only=True, help_text=_("2026, 2026 Q2 or 2026-05."))
    region = RegionRefSerializer(read_only=True)
    rep = UserRefSerializer(read_only=True, allow_null=True)
    category = _CategoryRefSerializer(read_only=True, allow_null=True)
    product = _ProductRefSerializer(read_only=True, allow_null=True)
    revenue = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=_("Revenue in CNY, as a string.")
    )
    can_edit = serializers.SerializerMethodField(help_text=_("May the requesting user change this target?"))

    class Meta:
        model = SalesTarget
        fields = [
            "id",
            "year",
            "quarter",
            "month",
            "period",
            "region",
            "rep",
            "category",
            "product",
            "units",
            "revenue",
            "plan",
            "updated_at",
            "can_edit",
        ]
        read_only_fields = fields

    def get_can_edit(self, target: SalesTarget) -> bool:
        return can_edit_target_cell(self.context["request"].user, region=target.region, rep=target.rep)


class TargetCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=0, max_value=4, default=0, help_text=_("0 for the whole year."))
    month = serializers.IntegerField(
        min_value=0, max_value=12, default=0, help_text=_("0 for a whole quarter or year; a month needs its quarter.")
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), help_text=_("Region id."))
    rep = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.select_related("region"),
        allow_null=True,
        default=None,
        help_text=_("A rep working in the region (user id), or null for the region's own target."),
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=ProductCategory.objects.all(), allow_null=True, default=None, help_text=_("Category id, or null.")
    )
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), allow_null=True, default=None, help_text=_("Product id, or null.")
    )
    units = serializers.IntegerField(min_value=0, default=0)
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=Decimal("0.00"))
    plan = serializers.PrimaryKeyRelatedField(
        queryset=MarketingPlan.objects.select_related("region"), allow_null=True, default=None
    )


class TargetUpdateSerializer(serializers.Serializer):
    """Only the figures (and the plan) change; to move a target to another cell, delete it and create one."""

    units = serializers.IntegerField(min_value=0, required=False)
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    plan = serializers.PrimaryKeyRelatedField(queryset=MarketingPlan.objects.select_related("region"), required=False)


class TargetImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX with the columns year, quarter, month, region (code), rep (username), "
            "category (code), product (SKU), units, revenue. At most %(rows)s rows and %(mb)s MB."
        )
        % {"rows": MAX_IMPORT_ROWS, "mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    )
    plan = serializers.PrimaryKeyRelatedField(
        queryset=MarketingPlan.objects.select_related("region"), allow_null=True, default=None
    )


class TargetDifferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["quarters", "months", "regions", "reps"],
        help_text=_("What the parent is compared with: its quarters, months, child regions or reps."),
    )
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    month = serializers.IntegerField()
    period = serializers.CharField()
    region = serializers.IntegerField(help_text=_("The parent cell's region id."))
    region_code = serializers.CharField()
    rep = serializers.IntegerField(allow_null=True)
    rep_username = serializers.CharField(allow_null=True)
    category = serializers.IntegerField(allow_null=True)
    product = serializers.IntegerField(allow_null=True)
    parent_missing = serializers.BooleanField(help_text=_("Children exist but the parent target does not."))
    parent_units = serializers.IntegerField(allow_null=True)
    children_units = serializers.IntegerField()
    units_difference = serializers.IntegerField(help_text=_("Σ children − parent."))
    parent_revenue = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    children_revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    revenue_difference = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("Σ children − parent."))
    children_count = serializers.IntegerField()


class TargetCheckQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, help_text=_("Region id; default: your region or the company.")
    )
    scope = serializers.ChoiceField(choices=["all"], required=False, help_text=_("all: only the all-products targets."))
    category = serializers.PrimaryKeyRelatedField(queryset=ProductCategory.objects.all(), required=False)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False)

    def validate(self, attrs):
        if sum(1 for name in ("scope", "category", "product") if attrs.get(name)) > 1:
            raise serializers.ValidationError(_("Give at most one of scope, category and product."))
        return attrs


class TargetCheckSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    region = RegionRefSerializer()
    adds_up = serializers.BooleanField(help_text=_("True when no difference was found."))
    differences = TargetDifferenceSerializer(many=True)


class TargetImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    check = TargetDifferenceSerializer(many=True, help_text=_("What does not add up after the import."))
