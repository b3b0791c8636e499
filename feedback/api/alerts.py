"""/api/v1/alerts/ (read and triage) and /api/v1/alert-rules/ (read; marketing managers configure)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..models import AlertRule
from ..permissions import can_triage_alerts
from ..selectors.alerts import AlertFilter, alert_get_for_user, alert_list, alert_rule_get_for_user, alert_rule_list
from ..serializers.alerts import (
    AlertAcknowledgeInputSerializer,
    AlertDetailSerializer,
    AlertListSerializer,
    AlertNoteInputSerializer,
    AlertRuleInputSerializer,
    AlertRuleSerializer,
)
from ..services.alerts import (
    alert_acknowledge,
    alert_add_note,
    alert_resolve,
    alert_rule_create,
    alert_rule_update,
)

_NOT_FOUND = OpenApiResponse(description=_("No such alert, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=_("You may see it but not triage it (only marketing triages)."))
_INVALID = OpenApiResponse(description=_("Invalid input or a move the alert's status does not allow: a message."))
_RULE_FORBIDDEN = OpenApiResponse(description=_("Alert rules are read by marketing and changed by its managers."))


@extend_schema(tags=["alerts"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the alerts you may see, newest first"),
        description=_(
            "Marketing, the sales director and the general manager see every alert; a sales manager those of their "
            "region subtree. Titles and summaries are in your language."
        ),
        responses={200: AlertListSerializer(many=True), 400: _INVALID},
    ),
    retrieve=extend_schema(
        summary=_("One alert with its facts and triage"),
        responses={200: AlertDetailSerializer, 404: _NOT_FOUND},
    ),
)
class AlertViewSet(viewsets.GenericViewSet):
    filterset_class = AlertFilter  # documents the query parameters; the selector applies it
    serializer_class = AlertDetailSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return alert_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(alert_list(user=request.user, filters=request.query_params))
        return self.get_paginated_response(
            AlertListSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request, pk=None):
        return Response(self._detail(int(pk)))

    @extend_schema(
        summary=_("Acknowledge an open alert (optionally with a note); again: 200, nothing changes"),
        request=AlertAcknowledgeInputSerializer,
        responses={200: AlertDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self._alert_to_triage(int(pk))
        serializer = AlertAcknowledgeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert_acknowledge(user=request.user, alert=alert, note=serializer.validated_data.get("note", ""))
        return Response(self._detail(alert.pk))

    @extend_schema(
        summary=_("Resolve an alert, saying what was done"),
        request=AlertNoteInputSerializer,
        responses={200: AlertDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        alert = self._alert_to_triage(int(pk))
        serializer = AlertNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert_resolve(user=request.user, alert=alert, note=serializer.validated_data["note"])
        return Response(self._detail(alert.pk))

    @extend_schema(
        summary=_("Add a note to an alert (any status)"),
        request=AlertNoteInputSerializer,
        responses={200: AlertDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        alert = self._alert_to_triage(int(pk))
        serializer = AlertNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert_add_note(user=request.user, alert=alert, note=serializer.validated_data["note"])
        return Response(self._detail(alert.pk))

    def _alert_to_triage(self, pk: int):
        """The alert (404 if the user may not see it), then the role (403) — both before the body is read, so a
        sales manager is told they may not triage, not that their note is missing."""
        alert = alert_get_for_user(user=self.request.user, pk=pk)
        if not can_triage_alerts(self.request.user):
            raise PermissionDenied(_("Only marketing triages alerts."))
        return alert

    def _detail(self, pk: int) -> dict:
        alert = alert_get_for_user(user=self.request.user, pk=pk)
        return AlertDetailSerializer(alert, context=self.get_serializer_context()).data


@extend_schema(tags=["alerts"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the alert rules"),
        responses={200: AlertRuleSerializer(many=True), 403: _RULE_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=_("One alert rule"),
        responses={
            200: AlertRuleSerializer,
            403: _RULE_FORBIDDEN,
            404: OpenApiResponse(description=_("No such rule.")),
        },
    ),
    create=extend_schema(
        summary=_("Create an alert rule (marketing managers)"),
        description=_(
            "Competitor price gap and POS drop need threshold_pct; activity spread needs min_count; out-of-stock "
            "rate needs threshold_pct (min_count optional, default 5 lines); complaint spike needs both; a promotion "
            "price breach needs neither. Parameters a kind does not use must be left empty."
        ),
        request=AlertRuleInputSerializer,
        responses={201: AlertRuleSerializer, 400: _INVALID, 403: _RULE_FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary=_("Change an alert rule (only the fields sent; the kind cannot change)"),
        request=AlertRuleInputSerializer,
        responses={200: AlertRuleSerializer, 400: _INVALID, 403: _RULE_FORBIDDEN, 404: OpenApiResponse()},
    ),
)
class AlertRuleViewSet(viewsets.GenericViewSet):
    serializer_class = AlertRuleSerializer
    lookup_value_regex = "[0-9]+"

    queryset = AlertRule.objects.none()  # for the schema; every action reads through the selector

    def list(self, request):
        page = self.paginate_queryset(alert_rule_list(user=request.user))
        return self.get_paginated_response(AlertRuleSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(AlertRuleSerializer(alert_rule_get_for_user(user=request.user, pk=int(pk))).data)

    def create(self, request):
        serializer = AlertRuleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = alert_rule_create(user=request.user, **serializer.validated_data)
        rule = alert_rule_get_for_user(user=request.user, pk=rule.pk)
        return Response(AlertRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        rule = alert_rule_get_for_user(user=request.user, pk=int(pk))
        serializer = AlertRuleInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        alert_rule_update(user=request.user, rule=rule, **serializer.validated_data)
        return Response(AlertRuleSerializer(alert_rule_get_for_user(user=request.user, pk=rule.pk)).data)


router = SimpleRouter()
router.register("alerts", AlertViewSet, basename="alert")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")

urlpatterns = router.urls
