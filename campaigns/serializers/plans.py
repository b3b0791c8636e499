"""Input and output shapes of /api/v1/plans/ (one serializer per shape, not one for everything)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Region
from accounts.serializers import RegionRefSerializer, UserRefSerializer

from ..models import MarketingPlan, PlanAcknowledgement, PlanComment, PlanKind, PlanVersion, SectionKind
from ..permissions import sees_plan_drafts


class VersionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["id", "number", "published_at"]


class PlanListSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=_("Sales see published/archived; marketing the draft's status.")
    )
    published_version = VersionRefSerializer(read_only=True, allow_null=True)
    acknowledged = serializers.BooleanField(read_only=True, help_text=_("Have you acknowledged the published version?"))

    class Meta:
        model = MarketingPlan
        fields = [
            "id",
            "title",
            "kind",
            "year",
            "quarter",
            "month",
            "period",
            "region",
            "owner",
            "status",
            "published_version",
            "acknowledged",
            "updated_at",
        ]

    def get_status(self, plan: MarketingPlan) -> str:
        if sees_plan_drafts(self.context["request"].user) or plan.status == "archived":
            return plan.status
        return "published"


class SectionContentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SectionKind.choices)
    goals = serializers.CharField(allow_blank=True)
    rationale = serializers.CharField(allow_blank=True, help_text=_("Why: the reasons behind the goals."))
    body = serializers.CharField(allow_blank=True, help_text=_("Formatted text (a Markdown subset)."))


class PlanContentSerializer(serializers.Serializer):
    title = serializers.CharField()
    period = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    owner = serializers.CharField()
    sections = SectionContentSerializer(many=True)


class PublishedVersionSerializer(serializers.ModelSerializer):
    published_by = UserRefSerializer(read_only=True)
    content = PlanContentSerializer(read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "published_at", "published_by", "change_note", "content"]


class PlanDetailSerializer(PlanListSerializer):
    summary = serializers.CharField(read_only=True)
    published = PublishedVersionSerializer(source="published_version", read_only=True, allow_null=True)
    draft = serializers.SerializerMethodField(help_text=_("The working copy (marketing and management only)."))
    allowed_actions = serializers.SerializerMethodField()

    class Meta(PlanListSerializer.Meta):
        fields = [*PlanListSerializer.Meta.fields, "summary", "published", "draft", "allowed_actions"]
        fields.remove("published_version")

    @extend_schema_field(PlanContentSerializer(allow_null=True))
    def get_draft(self, plan: MarketingPlan):
        if not sees_plan_drafts(self.context["request"].user):
            return None
        return self.context["draft"]

    def get_allowed_actions(self, plan: MarketingPlan) -> list[str]:
        return self.context.get("allowed_actions", [])


class PlanCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    summary = serializers.CharField(required=False, allow_blank=True)


class SectionInputSerializer(serializers.Serializer):
    goals = serializers.CharField(required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)


class PlanUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=PlanKind.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    sections = serializers.DictField(
        child=SectionInputSerializer(),
        required=False,
        help_text=_("Per section kind (sales_promotion, activity_schedule, ...): goals, rationale, body."),
    )

    def validate_sections(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(SectionKind.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown section: %(kinds)s. Use: %(valid)s.")
                % {"kinds": ", ".join(unknown), "valid": ", ".join(SectionKind.values)}
            )
        return value


class PublishSerializer(serializers.Serializer):
    change_note = serializers.CharField(
        required=False, allow_blank=True, help_text=_("What changed, for sales (required from version 2 on).")
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class AcknowledgeSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The version number you read (default: the published one).")
    )


class AcknowledgementSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = PlanAcknowledgement
        fields = ["version", "acknowledged_at"]


class CommentReplySerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True, allow_null=True)

    class Meta:
        model = PlanComment
        fields = ["id", "author", "body", "version", "created_at"]


class CommentSerializer(CommentReplySerializer):
    replies = CommentReplySerializer(many=True, read_only=True)

    class Meta(CommentReplySerializer.Meta):
        fields = [*CommentReplySerializer.Meta.fields, "replies"]


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)
    parent = serializers.IntegerField(required=False, allow_null=True, help_text=_("The comment you answer (id)."))


class VersionSerializer(serializers.ModelSerializer):
    published_by = UserRefSerializer(read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "published_at", "published_by", "change_note"]


class AckPersonSerializer(serializers.Serializer):
    user = UserRefSerializer()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    read_earlier = serializers.BooleanField(help_text=_("Acknowledged an earlier version only."))


class AckRegionSerializer(serializers.Serializer):
    region = serializers.CharField(source="region_name")
    total = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    people = AckPersonSerializer(source="rows", many=True)
