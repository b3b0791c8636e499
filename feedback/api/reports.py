"""/api/v1/daily-reports/: the nine daily field reports, filed from a phone (DESIGN §5's contract).

``POST`` creates (idempotent by ``client_uuid``: the same UUID again answers 200 with the same report), ``PUT``
replaces a draft's sections, ``/submit/`` submits, ``/amend/`` corrects a submitted report with a reason.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..permissions import can_file_reports
from ..selectors.reports import DailyReportFilter, report_detail, report_get_for_user, report_list, report_sections
from ..serializers.reports import (
    AmendmentInputSerializer,
    AmendmentSerializer,
    DailyReportDetailSerializer,
    DailyReportInputSerializer,
    DailyReportListSerializer,
    DailyReportUpdateSerializer,
)
from ..services.reports import ReportInvalid, report_amend, report_create, report_submit, report_update

_NOT_FOUND = OpenApiResponse(description=_("No such report, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=_("Not yours, or no longer a draft (a submitted report is amended)."))
_INVALID = OpenApiResponse(
    description=_(
        'Invalid input: a message per field, and per section and item ({"sections": {"pos_sales": {"1": {…}}}}).'
    )
)

_EXAMPLE = OpenApiExample(
    "A complete report",
    request_only=True,
    value={
        "date": "2026-11-20",
        "client_uuid": "2f1e4c1a-8a9b-4f0e-9d2c-6c1f3b7a5e10",
        "sections": {
            "shelf_display": [
                {"outlet": 1, "product": 3, "facings": 6, "shelf_position": "eye_level", "display_type": "end_cap"}
            ],
            "merchandising": [{"outlet": 1, "product": 3, "on_hand": 0, "out_of_stock": True, "action_taken": "补货"}],
            "pop_distribution": {"nothing_to_report": True},
            "outlet_coverage": [{"new_outlets": 1, "outlets_visited": 8, "active_outlets": 25}],
            "pos_sales": [{"outlet": 1, "product": 3, "units": 40, "revenue": "196.00"}],
            "promotion_feedback": {"nothing_to_report": True},
            "regional_sales": [{"region": 3, "units": 900, "revenue": "4410.00", "payments_collected": "3000.00"}],
            "competitor_intel": [
                {
                    "brand": 2,
                    "product_name": "冰红茶 500ml",
                    "product": 3,
                    "observed_price": "2.50",
                    "activity": "price_cut",
                    "description": "全场特价 2.5 元",
                    "outlet": 1,
                }
            ],
            "customer_feedback": {"nothing_to_report": True},
        },
        "submit": True,
    },
)


def _invalid(error: ReportInvalid) -> exceptions.ValidationError:
    return exceptions.ValidationError(error.errors)


@extend_schema(tags=["daily reports"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the daily reports you may see"),
        description=_("A rep sees their own; a sales manager their region's; marketing, directors and the GM all."),
    ),
    retrieve=extend_schema(
        summary=_("One report: all nine sections, what is missing, amendments and marketing's answers"),
        responses={200: DailyReportDetailSerializer, 404: _NOT_FOUND},
    ),
)
class DailyReportViewSet(viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    filterset_class = DailyReportFilter
    serializer_class = DailyReportListSerializer

    def get_queryset(self):
        # django-filter's backend documents the parameters; report_list applies the same FilterSet itself.
        return report_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DailyReportListSerializer(page, many=True).data)

    def _detail(self, report, *, status_code=status.HTTP_200_OK) -> Response:
        report = report_detail(user=self.request.user, pk=report.pk)
        context = {**self.get_serializer_context(), "sections": report_sections(report=report)}
        return Response(DailyReportDetailSerializer(report, context=context).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(report_get_for_user(user=request.user, pk=pk))

    @extend_schema(
        summary=_("File a report (a draft, or submitted at once)"),
        description=_(
            "Idempotent: posting the same client_uuid again (also at the same moment) answers 200 with the report "
            "already made and creates nothing. One report per rep per day. Each section is a list of items or "
            '{"nothing_to_report": true}; submitting needs all nine.'
        ),
        request=DailyReportInputSerializer,
        examples=[_EXAMPLE],
        responses={201: DailyReportDetailSerializer, 200: DailyReportDetailSerializer, 400: _INVALID, 403: _FORBIDDEN},
    )
    def create(self, request):
        if not can_file_reports(request.user):  # before the body: a role that files nothing gets 403, not 400
            raise exceptions.PermissionDenied(_("Your role does not file daily reports."))
        data = DailyReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report, created = report_create(rep=request.user, **data.validated_data)
        except ReportInvalid as error:
            raise _invalid(error) from None
        return self._detail(report, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary=_("Save a draft's sections (all of them), and optionally submit"),
        request=DailyReportUpdateSerializer,
        responses={200: DailyReportDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def update(self, request, pk=None):
        report = report_get_for_user(user=request.user, pk=pk)
        data = DailyReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = report_update(rep=request.user, report=report, **data.validated_data)
        except ReportInvalid as error:
            raise _invalid(error) from None
        return self._detail(report)

    @extend_schema(
        summary=_("Submit a draft"),
        description=_("Needs all nine sections filled or marked. Submitting a submitted report again changes nothing."),
        request=None,
        responses={200: DailyReportDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = report_get_for_user(user=request.user, pk=pk)
        try:
            report = report_submit(rep=request.user, report=report)
        except ReportInvalid as error:
            raise _invalid(error) from None
        return self._detail(report)

    @extend_schema(
        summary=_("Amend a submitted report"),
        description=_(
            "Replaces whole sections, with a reason; the replaced lines stay visible as replaced. Idempotent by "
            "client_uuid (the same UUID again answers 200 with the same amendment)."
        ),
        request=AmendmentInputSerializer,
        responses={201: AmendmentSerializer, 200: AmendmentSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        report = report_get_for_user(user=request.user, pk=pk)
        data = AmendmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            amendment, created = report_amend(rep=request.user, report=report, **data.validated_data)
        except ReportInvalid as error:
            raise _invalid(error) from None
        return Response(
            AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


router = SimpleRouter()
router.register("daily-reports", DailyReportViewSet, basename="daily-report")

urlpatterns = router.urls
