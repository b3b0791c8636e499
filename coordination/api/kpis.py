"""API of the joint KPIs: ``/api/v1/kpis/`` (scorecards or group figures for a period, ranked), ``definitions/``,
``export/xlsx/`` and ``export/csv/`` (streamed), ``/api/v1/kpis/people/{id}/`` (one scorecard with its 12-month
trend) and ``…/facts/{kind}/`` (the facts behind a figure), and ``/api/v1/kpi-schemes/`` (HR's weights).

Who reads whom: ``coordination.permissions.kpi_people_visible_q``. A person one may not read answers 404, like one
who does not exist. Bad parameters answer 400 with a message per field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Department, Region

from ..kpi_forms import GROUP_CHOICES, ROLE_CHOICES
from ..kpis import FACT_KINDS, KPIS, Kpi
from ..models import KpiMonthly, KpiScheme
from ..permissions import can_manage_kpi_schemes, can_open_kpi_dashboard
from ..selectors.kpi_facts import kpi_facts
from ..selectors.kpis import PERIOD_HELP, Scorecard, kpi_groups, kpi_person, kpi_schemes, kpi_scorecards, kpi_trend
from ..selectors.kpis import period_parse as _period_parse
from ..services.kpi_export import XLSX_TYPE, kpi_csv_rows, kpi_xlsx_file
from ..services.kpi_schemes import kpi_scheme_save

_NOT_FOUND = OpenApiResponse(description=_("No such person, or you may not read their scorecard."))
_INVALID = OpenApiResponse(description=_("Invalid parameters: a message per field."))
_UNITS = _('"pct": a percentage; "hours": mean hours; "count": a number of facts; "score": a mean rating 1–5.')


class PeriodField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return _period_parse(value)
        except ValueError:
            raise serializers.ValidationError(
                _('Use a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026").')
            ) from None


class KpiQuerySerializer(serializers.Serializer):
    period = PeriodField(required=False, allow_blank=True, help_text=PERIOD_HELP)
    group = serializers.ChoiceField(choices=GROUP_CHOICES, required=False, default="person")
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, allow_blank=True)
    department = serializers.ChoiceField(
        choices=[Department.Code.SALES, Department.Code.MARKETING], required=False, allow_blank=True
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Part of a name."))

    def validate_period(self, value):
        return value or _period_parse("")


def _query(request) -> dict:
    serializer = KpiQuerySerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if not data.get("period"):
        data["period"] = _period_parse("")
    return data


class KpiDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField(help_text=_UNITS)
    roles = serializers.ListField(child=serializers.CharField())
    numerator = serializers.CharField(help_text=_("The counted fact above the line."))
    denominator = serializers.CharField(help_text=_("The counted fact below the line (empty for counts)."))
    weighable = serializers.BooleanField(help_text=_("May carry a weight in the composite score."))

    def to_representation(self, kpi: Kpi):
        return {
            "key": kpi.key,
            "label": str(kpi.label),
            "definition": str(kpi.definition),
            "unit": kpi.unit,
            "roles": list(kpi.roles),
            "numerator": kpi.numerator,
            "denominator": kpi.denominator,
            "weighable": kpi.weighable,
        }


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text=_UNITS)
    value = serializers.FloatField(allow_null=True, help_text=_("Empty when there is nothing to measure."))
    numerator = serializers.FloatField()
    denominator = serializers.FloatField(allow_null=True)
    facts = serializers.CharField(help_text=_("The API address of the facts this figure counts."))


class KpiPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.CharField()
    region = serializers.CharField()


class ScorecardSerializer(serializers.Serializer):
    person = KpiPersonSerializer()
    period = serializers.CharField()
    composite = serializers.FloatField(allow_null=True, help_text=_("0–100; shown with its parts, never alone."))
    rank = serializers.IntegerField(allow_null=True, help_text=_("Rank by composite among the listed of the role."))
    weights = serializers.DictField(child=serializers.IntegerField(), help_text=_("Empty: equal weights."))
    figures = FigureSerializer(many=True)

    def to_representation(self, card: Scorecard):
        period = self.context["period"]
        return {
            "person": {
                "id": card.person_id,
                "username": card.username,
                "name": card.name,
                "role": card.role,
                "department": card.department,
                "region": card.region,
            },
            "period": period.key,
            "composite": card.composite,
            "rank": card.rank,
            "weights": card.weights,
            "figures": [
                {
                    "key": f.kpi.key,
                    "label": str(f.kpi.label),
                    "unit": f.kpi.unit,
                    "value": f.value,
                    "numerator": f.numerator,
                    "denominator": f.denominator,
                    "facts": _facts_url(card, f.kpi, period),
                }
                for f in card.figures
            ],
        }


def _facts_url(card: Scorecard, kpi: Kpi, period) -> str:
    return f"{reverse('api:kpi-person-facts', args=[card.person_id, kpi.facts])}?period={period.key}"


class TrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    composite = serializers.FloatField(allow_null=True)
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))


class ScorecardDetailSerializer(ScorecardSerializer):
    trend = TrendPointSerializer(many=True, help_text=_("The twelve months ending with the period."))


class GroupRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    members = serializers.IntegerField()
    composite = serializers.FloatField(allow_null=True, help_text=_("The mean of the members' composite scores."))
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))


class FactsSerializer(serializers.Serializer):
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.DictField())
    results = serializers.ListField(child=serializers.DictField())


_QUERY = [
    OpenApiParameter("period", str, description=str(PERIOD_HELP)),
    OpenApiParameter("group", str, enum=[key for key, _label in GROUP_CHOICES]),
    OpenApiParameter("role", str, enum=[key for key, _label in ROLE_CHOICES]),
    OpenApiParameter("department", str, enum=[Department.Code.SALES, Department.Code.MARKETING]),
    OpenApiParameter("region", int),
    OpenApiParameter("q", str, description=_("Part of a name.")),
]


def _cards(request, data: dict) -> list[Scorecard]:
    region = data.get("region")
    return kpi_scorecards(
        user=request.user,
        period=data["period"],
        role=data.get("role") or None,
        department=data.get("department") or None,
        region=region.pk if region else None,
        search=data.get("q") or None,
    )


@extend_schema(tags=["kpis"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Scorecards (group=person, ranked) or figures per team, department or region"),
        description=_(
            "HR and the general manager read everyone; the sales director the sales department; a sales manager "
            "the reps of their region; the marketing manager the marketing department; everyone else only "
            "themselves. Figures are read from the monthly rollups. Each figure carries its numerator, "
            "denominator and the address of the facts it counts."
        ),
        parameters=_QUERY,
        responses={200: ScorecardSerializer(many=True), 400: _INVALID},
    ),
)
class KpiViewSet(viewsets.GenericViewSet):
    serializer_class = ScorecardSerializer
    queryset = KpiMonthly.objects.none()  # for the schema; every action reads through the selectors
    filterset_class = None

    def list(self, request):
        data = _query(request)
        period = data["period"]
        if data.get("group", "person") != "person":
            if not can_open_kpi_dashboard(request.user):
                raise PermissionDenied(_("Only HR, the general manager and managers see group figures."))
            rows = kpi_groups(user=request.user, period=period, group=data["group"], role=data.get("role") or None)
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(
                [
                    {"key": r.key, "name": r.name, "members": r.members, "composite": r.composite, "figures": r.figures}
                    for r in page
                ]
            )
        page = self.paginate_queryset(_cards(request, data))
        return self.get_paginated_response(ScorecardSerializer(page, many=True, context={"period": period}).data)

    @extend_schema(summary=_("What each KPI is and how it is computed"), responses=KpiDefinitionSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def definitions(self, request):
        return Response(KpiDefinitionSerializer(KPIS, many=True).data)

    def _export_cards(self, request):
        if not can_open_kpi_dashboard(request.user):
            raise PermissionDenied(_("Only HR, the general manager and managers export scorecards."))
        data = _query(request)
        return _cards(request, data), data["period"]

    @extend_schema(
        summary=_("Export as XLSX (one sheet per department, with the definitions)"),
        parameters=_QUERY,
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, 400: _INVALID},
    )
    @action(detail=False, methods=["get"], url_path="export/xlsx")
    def export_xlsx(self, request):
        cards, period = self._export_cards(request)
        return FileResponse(
            kpi_xlsx_file(cards, period), as_attachment=True, filename=f"kpis-{period.key}.xlsx", content_type=XLSX_TYPE
        )

    @extend_schema(
        summary=_("Export as CSV (one row per person and KPI), streamed"),
        parameters=_QUERY,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: _INVALID},
    )
    @action(detail=False, methods=["get"], url_path="export/csv")
    def export_csv(self, request):
        cards, period = self._export_cards(request)
        response = StreamingHttpResponse(kpi_csv_rows(cards, period), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kpis-{period.key}.csv"'
        return response


@extend_schema(tags=["kpis"])
class KpiPersonViewSet(viewsets.GenericViewSet):
    serializer_class = ScorecardDetailSerializer
    queryset = KpiMonthly.objects.none()  # for the schema
    lookup_value_regex = "[0-9]+"
    filterset_class = None

    @extend_schema(
        summary=_("One person's scorecard with its twelve-month trend"),
        parameters=[OpenApiParameter("period", str, description=str(PERIOD_HELP))],
        responses={200: ScorecardDetailSerializer, 400: _INVALID, 404: _NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        period = _query(request)["period"]
        card = kpi_person(user=request.user, pk=int(pk), period=period)
        body = ScorecardSerializer(card, context={"period": period}).data
        body["trend"] = [
            {"month": f"{p['month']:%Y-%m}", "composite": p["composite"], "values": p["values"]}
            for p in kpi_trend(card=card, period=period)
        ]
        return Response(body)

    @extend_schema(
        summary=_("The facts behind a figure (the missing days, the reviews, the acknowledged intel …)"),
        parameters=[
            OpenApiParameter("period", str, description=str(PERIOD_HELP)),
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=FACT_KINDS),
        ],
        responses={200: FactsSerializer, 400: _INVALID, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"facts/(?P<kind>[a-z_]+)")
    def facts(self, request, pk=None, kind=None):
        period = _query(request)["period"]
        card = kpi_person(user=request.user, pk=int(pk), period=period)
        facts = kpi_facts(card=card, kind=kind, period=period)
        page = self.paginate_queryset(facts.rows)
        response = self.get_paginated_response([facts.complete(row) for row in page])
        response.data["title"] = str(facts.title)
        response.data["columns"] = [{"key": key, "label": str(label)} for key, label in facts.columns]
        return response


class KpiSchemeSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    valid_from = serializers.DateField(
        format="%Y-%m", input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("The month it applies from (YYYY-MM).")
    )
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        help_text=_("KPI key → whole-number weight (percentages and ratings of the role only)."),
    )

    class Meta:
        model = KpiScheme
        fields = ["id", "role", "valid_from", "weights", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []  # a scheme for the same role and month is replaced, not refused


@extend_schema(tags=["kpis"])
@extend_schema_view(
    list=extend_schema(summary=_("HR's KPI weights per role and starting month")),
    create=extend_schema(
        summary=_("Set a role's weights from a month on (replaces that month's scheme)"),
        responses={201: KpiSchemeSerializer, 400: _INVALID, 403: OpenApiResponse(description=_("HR only."))},
    ),
)
class KpiSchemeViewSet(viewsets.GenericViewSet):
    serializer_class = KpiSchemeSerializer
    filterset_class = None

    def get_queryset(self):
        return kpi_schemes()

    def list(self, request):
        if not can_manage_kpi_schemes(request.user):
            raise PermissionDenied(_("Only HR sets the KPI weights."))
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(KpiSchemeSerializer(page, many=True).data)

    def create(self, request):
        if not can_manage_kpi_schemes(request.user):
            raise PermissionDenied(_("Only HR sets the KPI weights."))
        serializer = KpiSchemeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            scheme = kpi_scheme_save(
                role=data["role"], valid_from=data["valid_from"], weights=data["weights"], by=request.user
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(KpiSchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("kpis/people", KpiPersonViewSet, basename="kpi-person")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("kpi-schemes", KpiSchemeViewSet, basename="kpi-scheme")
urlpatterns = router.urls
