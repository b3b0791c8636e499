"""The daily report over the API (DESIGN §5): the input contract mobile clients depend on, and the output shapes.

Input: shapes, types, ranges and choices are checked here, per section and per item; errors come back as
``{"sections": {"pos_sales": {"1": {"units": ["…"]}}}}``, keyed by the failing items' positions (from 0).
Ids are plain integers: whether an outlet, product, promotion, brand, region or photo exists and may be used by
this rep on this day is decided in ``feedback.services.reports`` in one query per kind, and its messages come
back in the same shape.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import RegionRefSerializer, UserRefSerializer

from ..models import (
    SECTION_MODELS,
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    FollowUp,
    PopDistributionLine,
    PromotionFeedbackLine,
    ReportAmendment,
    Section,
    ShelfDisplayLine,
)

MAX_LINES_PER_SECTION = 100
_MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number is refused here rather than overflow the database


def _id(label, *, required: bool = True):
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=required, allow_null=not required, help_text=label
    )


class StrictUUIDField(serializers.UUIDField):
    """A UUID as text only: DRF's field also takes an integer (123 → 00000000-…-7b), so two clients numbering their
    reports 1, 2, 3 would collide on each other's ``client_uuid``."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class _Item(serializers.Serializer):
    """A line item: an unknown (e.g. misspelled) field is an error, never silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [_("Unknown field. Fields: %(fields)s.") % {"fields": ", ".join(self.fields)}]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


def _count(**kwargs):
    return serializers.IntegerField(min_value=0, max_value=10_000_000, **kwargs)


class ShelfDisplayItem(_Item):
    outlet = _id(_("Outlet id."))
    product = _id(_("Product id (ours)."))
    facings = serializers.IntegerField(min_value=0, max_value=500)
    shelf_position = serializers.ChoiceField(choices=ShelfDisplayLine.ShelfPosition.choices)
    display_type = serializers.ChoiceField(choices=ShelfDisplayLine.DisplayType.choices)
    photo = _id(_("Photo id from POST /api/v1/photos/."), required=False)


class MerchandisingItem(_Item):
    outlet = _id(_("Outlet id."))
    product = _id(_("Product id (ours)."))
    on_hand = _count()
    out_of_stock = serializers.BooleanField(default=False)
    near_expiry = _count(default=0)
    action_taken = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["out_of_stock"] and attrs["on_hand"]:
            raise serializers.ValidationError({"on_hand": [_("An out-of-stock product has nothing on hand.")]})
        if attrs["near_expiry"] > attrs["on_hand"]:
            raise serializers.ValidationError({"near_expiry": [_("Cannot be more than the quantity on hand.")]})
        return attrs


class PopDistributionItem(_Item):
    outlet = _id(_("Outlet id."))
    material = serializers.ChoiceField(choices=PopDistributionLine.Material.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    photo = _id(_("Photo id."), required=False)


class OutletCoverageItem(_Item):
    new_outlets = _count(default=0)
    outlets_visited = _count()
    active_outlets = _count()

    def validate(self, attrs):
        if attrs["outlets_visited"] > attrs["active_outlets"]:
            raise serializers.ValidationError(
                {"outlets_visited": [_("Cannot be more than the active outlets in your territory.")]}
            )
        if attrs["new_outlets"] > attrs["active_outlets"]:
            raise serializers.ValidationError(
                {"new_outlets": [_("New outlets are counted among the active ones: at most the active outlets.")]}
            )
        return attrs


class PosSalesItem(_Item):
    outlet = _id(_("Outlet id."))
    product = _id(_("Product id (ours)."))
    units = _count()
    revenue = serializers.DecimalField(**_MONEY)


class PromotionFeedbackItem(_Item):
    promotion = _id(_("Id of a promotion running at the outlet on the report's day."))
    outlet = _id(_("Outlet id."))
    executed = serializers.ChoiceField(choices=PromotionFeedbackLine.Executed.choices)
    actual_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    consumer_response = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 (poor) to 5 (very good)."))
    issues = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    photo = _id(_("Photo id."), required=False)

    def validate(self, attrs):
        if attrs["executed"] != PromotionFeedbackLine.Executed.NO and attrs.get("actual_price") is None:
            raise serializers.ValidationError(
                {"actual_price": [_("Give the shelf price you saw where the promotion runs.")]}
            )
        return attrs


class RegionalSalesItem(_Item):
    region = _id(_("Region id: your region or one below it."))
    units = _count()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    payments_collected = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
    distributor_stock = _count(default=0)


class CompetitorIntelItem(_Item):
    brand = _id(_("Competitor brand id."))
    product_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    product = _id(_("Our product it competes with (for price comparisons)."), required=False)
    observed_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    activity = serializers.ChoiceField(choices=CompetitorIntelLine.Activity.choices)
    description = serializers.CharField(max_length=2000)
    outlet = _id(_("Outlet id, if seen in one."), required=False)
    photo = _id(_("Photo id."), required=False)

    def validate(self, attrs):
        if attrs["activity"] == CompetitorIntelLine.Activity.PRICE_CUT and attrs.get("observed_price") is None:
            raise serializers.ValidationError({"observed_price": [_("A price cut needs the price you saw.")]})
        return attrs


class CustomerFeedbackItem(_Item):
    customer_type = serializers.ChoiceField(choices=CustomerFeedbackLine.CustomerType.choices)
    category = serializers.ChoiceField(choices=CustomerFeedbackLine.Category.choices)
    text = serializers.CharField(max_length=2000)
    outlet = _id(_("Outlet id, if it concerns one."), required=False)
    product = _id(_("Product id, if it concerns one."), required=False)


ITEM_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    Section.SHELF_DISPLAY: ShelfDisplayItem,
    Section.MERCHANDISING: MerchandisingItem,
    Section.POP_DISTRIBUTION: PopDistributionItem,
    Section.OUTLET_COVERAGE: OutletCoverageItem,
    Section.POS_SALES: PosSalesItem,
    Section.PROMOTION_FEEDBACK: PromotionFeedbackItem,
    Section.REGIONAL_SALES: RegionalSalesItem,
    Section.COMPETITOR_INTEL: CompetitorIntelItem,
    Section.CUSTOMER_FEEDBACK: CustomerFeedbackItem,
}


@extend_schema_field(
    {
        "type": "object",
        "description": (
            'Section key → a list of items, or {"nothing_to_report": true}. Keys: ' + ", ".join(SECTION_MODELS) + "."
        ),
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "object"}},
                {"type": "object", "properties": {"nothing_to_report": {"type": "boolean", "enum": [True]}}},
            ]
        },
    }
)
class SectionsField(serializers.Field):
    """``{"pos_sales": [...items], "merchandising": {"nothing_to_report": true}, ...}``.

    Validates to ``{key: list[dict] | None}`` — ``None`` means "nothing to report". Sections left out are not
    filled yet (fine for a draft; submitting asks for all nine).
    """

    default_error_messages = {
        "not_a_dict": _("Expected an object of sections."),
        "unknown": _("Unknown section. Sections: %(sections)s."),
        "shape": _('A section is a list of items or {"nothing_to_report": true}.'),
        "too_many": _("At most %(count)s lines per section."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        errors: dict = {}
        sections: dict[str, list[dict] | None] = {}
        for key, value in data.items():
            if key not in ITEM_SERIALIZERS:
                errors[key] = [self.error_messages["unknown"] % {"sections": ", ".join(SECTION_MODELS)}]
                continue
            if isinstance(value, dict):
                if value != {"nothing_to_report": True}:
                    errors[key] = [self.error_messages["shape"]]
                    continue
                sections[key] = None
                continue
            if not isinstance(value, list):
                errors[key] = [self.error_messages["shape"]]
                continue
            if len(value) > MAX_LINES_PER_SECTION:
                errors[key] = [self.error_messages["too_many"] % {"count": MAX_LINES_PER_SECTION}]
                continue
            items = ITEM_SERIALIZERS[key](data=value, many=True)
            if items.is_valid():
                sections[key] = [dict(item) for item in items.validated_data]
            else:
                found = items.errors  # a list aligned with the items, or (DRF ≥ 3.15) a dict of the failing ones
                pairs = found.items() if isinstance(found, dict) else enumerate(found)
                errors[key] = {str(index): item for index, item in pairs if item}
        if errors:
            raise serializers.ValidationError(errors)
        return sections

    def to_representation(self, value):  # pragma: no cover - input only
        return value


class DailyReportInputSerializer(serializers.Serializer):
    """``POST /api/v1/daily-reports/``: a new report (a draft, or submitted at once with ``"submit": true``)."""

    date = serializers.DateField(help_text=_("The day reported on (YYYY-MM-DD): today or a few days back."))
    client_uuid = StrictUUIDField(
        help_text=_("A UUID the client makes once per report: posting it again returns the same report.")
    )
    sections = SectionsField(required=False, default=dict)
    submit = serializers.BooleanField(default=False, help_text=_("Submit now (all nine sections must be filled)."))


class DailyReportUpdateSerializer(serializers.Serializer):
    """``PUT /api/v1/daily-reports/{id}/``: a draft's sections, all of them (a section left out is emptied)."""

    sections = SectionsField(required=False, default=dict)
    submit = serializers.BooleanField(default=False)


class AmendmentInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the submitted report is corrected."))
    client_uuid = StrictUUIDField(help_text=_("Posting the same UUID again returns the same amendment."))
    sections = SectionsField(help_text=_("Only the sections corrected, each replaced as a whole."))

    def validate_reason(self, value: str) -> str:
        if len(value.strip()) < 5:
            raise serializers.ValidationError(_("Say why in a few words."))
        return value.strip()

    def validate_sections(self, value: dict) -> dict:
        if not value:
            raise serializers.ValidationError(_("Correct at least one section."))
        emptied = [key for key, items in value.items() if items == []]
        if emptied:
            # A submitted report stays complete: a corrected section has lines or is marked "nothing to report".
            raise serializers.ValidationError(
                {key: [_("Give the corrected lines, or mark the section 'nothing to report'.")] for key in emptied}
            )
        return value


# --- output ------------------------------------------------------------------------------------------------------


class _LineOutput(serializers.ModelSerializer):
    amendment = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The amendment that added this line."))
    superseded_by = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("The amendment that replaced this line (null: current).")
    )


def _line_output(model, fields: list[str], extra: dict | None = None):
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": ["id", *fields, "amendment", "superseded_by"]})}
    attrs.update(extra or {})
    return type(f"{model.__name__}Output", (_LineOutput,), attrs)


LINE_OUTPUTS = {
    Section.SHELF_DISPLAY: _line_output(
        ShelfDisplayLine, ["outlet", "product", "facings", "shelf_position", "display_type", "photo"]
    ),
    Section.MERCHANDISING: _line_output(
        SECTION_MODELS["merchandising"], ["outlet", "product", "on_hand", "out_of_stock", "near_expiry", "action_taken"]
    ),
    Section.POP_DISTRIBUTION: _line_output(PopDistributionLine, ["outlet", "material", "quantity", "photo"]),
    Section.OUTLET_COVERAGE: _line_output(
        SECTION_MODELS["outlet_coverage"], ["new_outlets", "outlets_visited", "active_outlets"]
    ),
    Section.POS_SALES: _line_output(SECTION_MODELS["pos_sales"], ["outlet", "product", "units", "revenue"]),
    Section.PROMOTION_FEEDBACK: _line_output(
        PromotionFeedbackLine,
        ["promotion", "outlet", "executed", "actual_price", "consumer_response", "issues", "photo"],
    ),
    Section.REGIONAL_SALES: _line_output(
        SECTION_MODELS["regional_sales"], ["region", "units", "revenue", "payments_collected", "distributor_stock"]
    ),
    Section.COMPETITOR_INTEL: _line_output(
        CompetitorIntelLine,
        ["brand", "product_name", "product", "observed_price", "activity", "description", "outlet", "photo"],
    ),
    Section.CUSTOMER_FEEDBACK: _line_output(
        CustomerFeedbackLine, ["customer_type", "category", "text", "outlet", "product"]
    ),
}


class AmendmentSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = ReportAmendment
        fields = ["id", "author", "reason", "sections", "nothing_to_report", "created_at"]


class DailyReportListSerializer(serializers.ModelSerializer):
    rep = UserRefSerializer(read_only=True)
    region = RegionRefSerializer(read_only=True)
    # A method field, not ``source="get_status_display"``: DRF inspects a callable source's signature on every row,
    # which was a tenth of the list's time (bench/kpis.py (b)).
    status_display = serializers.SerializerMethodField()
    amendment_count = serializers.IntegerField(read_only=True, help_text=_("How many times it was amended."))

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "rep",
            "region",
            "date",
            "status",
            "status_display",
            "client_uuid",
            "submitted_at",
            "on_time",
            "amendment_count",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_display(self, report) -> str:
        return report.get_status_display()


@extend_schema_field(OpenApiTypes.OBJECT)
class _SectionsOutputField(serializers.Field):
    """Each section: ``{"nothing_to_report": bool, "lines": [current], "replaced": [lines amendments replaced]}``."""

    def to_representation(self, report):
        sections = self.context["sections"]  # from feedback.selectors.reports.report_sections
        out = {}
        for key, view in sections.items():
            serializer = LINE_OUTPUTS[key]
            out[key] = {
                "nothing_to_report": view.nothing_to_report,
                "lines": serializer(view.lines, many=True).data,
                "replaced": serializer(view.replaced, many=True).data,
            }
        return out


class DailyReportDetailSerializer(DailyReportListSerializer):
    sections = _SectionsOutputField(source="*", read_only=True)
    missing_sections = serializers.SerializerMethodField(help_text=_("Sections neither filled nor marked."))
    amendments = AmendmentSerializer(many=True, read_only=True)
    intel = serializers.SerializerMethodField(help_text=_("Marketing's answers to this report's intel lines."))

    class Meta(DailyReportListSerializer.Meta):
        fields = [*DailyReportListSerializer.Meta.fields, "sections", "missing_sections", "amendments", "intel"]

    def get_missing_sections(self, report) -> list[str]:
        return [key for key, view in self.context["sections"].items() if view.missing]

    def get_intel(self, report) -> list[dict]:
        return [
            {
                "id": item.pk,
                "section": item.section,
                "line": item.competitor_intel_id or item.customer_feedback_id or item.promotion_feedback_id,
                "acknowledged_at": item.acknowledged_at,
                "answer": item.answer,
                "answered_by": item.answered_by.display_name if item.answered_by_id else None,
                "answered_at": item.answered_at,
                "follow_up": item.follow_up or FollowUp.OPEN,
            }
            for item in report.intel_items.all()
        ]
