"""Alerts and alert rules over the API: list and detail shapes, triage input, rule input."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Region
from accounts.serializers import RegionRefSerializer, UserRefSerializer
from campaigns.serializers.master import BrandRefSerializer, ProductRefSerializer

from ..models import Alert, AlertKind, AlertRule, Outlet
from ..permissions import can_triage_alerts
from ..selectors.alerts import alert_summary, alert_title
from ..services.alerts import NOTE_MAX_LENGTH, alert_rule_range_error


class OutletRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "code", "name"]


class PromotionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class AlertRuleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertRule
        fields = ["id", "name"]


class AlertListSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text=_("In your language, from the facts."))
    summary = serializers.SerializerMethodField(help_text=_("One sentence with the facts, in your language."))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    region = RegionRefSerializer(read_only=True)
    brand = BrandRefSerializer(read_only=True, allow_null=True)
    product = ProductRefSerializer(read_only=True, allow_null=True)
    outlet = OutletRefSerializer(read_only=True, allow_null=True)
    promotion = PromotionRefSerializer(read_only=True, allow_null=True)
    rule = AlertRuleRefSerializer(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "title",
            "summary",
            "date",
            "region",
            "brand",
            "product",
            "outlet",
            "promotion",
            "rule",
            "created_at",
        ]

    def get_title(self, alert: Alert) -> str:
        return alert_title(alert)

    def get_summary(self, alert: Alert) -> str:
        return alert_summary(alert)


class AlertDetailSerializer(AlertListSerializer):
    details = serializers.JSONField(read_only=True, help_text=_("The facts the rule found, as data."))
    report = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The report that raised it (id)."))
    acknowledged_by = UserRefSerializer(read_only=True, allow_null=True)
    resolved_by = UserRefSerializer(read_only=True, allow_null=True)
    can_triage = serializers.SerializerMethodField(help_text=_("Whether you may acknowledge, resolve or note it."))

    class Meta(AlertListSerializer.Meta):
        fields = [
            *AlertListSerializer.Meta.fields,
            "details",
            "report",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "note",
            "can_triage",
        ]

    def get_can_triage(self, alert: Alert) -> bool:
        request = self.context.get("request")
        return bool(request and can_triage_alerts(request.user))


class AlertAcknowledgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, help_text=_("What was done or will be done.")
    )


class AlertNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, help_text=_("What was done about it (required)."))


class AlertRuleSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region = RegionRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "region",
            "threshold_pct",
            "min_count",
            "window_days",
            "active",
            "created_by",
            "updated_at",
        ]


class AlertRuleInputSerializer(serializers.Serializer):
    """Shapes and ranges (so an absurd number is a 400, never a database error); which parameters a kind needs is
    checked by ``feedback.services.alerts``."""

    kind = serializers.ChoiceField(choices=AlertKind.choices)
    name = serializers.CharField(max_length=200)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Region id: only facts from this region and below. Null: the whole company."),
    )
    threshold_pct = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True, help_text=_("0 to 1000 (per cent).")
    )
    min_count = serializers.IntegerField(required=False, allow_null=True, help_text=_("1 to 10000."))
    window_days = serializers.IntegerField(required=False, help_text=_("1 to 90 days."))
    active = serializers.BooleanField(required=False)

    def _in_range(self, name: str, value):
        message = alert_rule_range_error(name, value) if value is not None else None
        if message:
            raise serializers.ValidationError(message)
        return value

    def validate_threshold_pct(self, value):
        return self._in_range("threshold_pct", value)

    def validate_min_count(self, value):
        return self._in_range("min_count", value)

    def validate_window_days(self, value):
        return self._in_range("window_days", value)
