"""/api/v1/approval-rules/: read by those the rules route (marketing, the sales director, the general manager);
created and changed by marketing managers."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..models import ApprovalRule
from ..selectors.rules import approval_rule_get_for_user, approval_rule_list
from ..serializers.rules import ApprovalRuleInputSerializer, ApprovalRuleSerializer
from ..services.rules import approval_rule_create, approval_rule_update

_FORBIDDEN = OpenApiResponse(
    description=_(
        "The rules are read by marketing, the sales director and the general manager, and changed by marketing "
        "managers."
    )
)
_INVALID = OpenApiResponse(
    description=_("Invalid input: a message per field (ranges, B below A, a second active rule).")
)
_NOT_FOUND = OpenApiResponse(description=_("No such rule."))


@extend_schema(tags=["approvals"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the approval rules (active first)"),
        description=_(
            "Which steps a promotion gets: the active rule of its origin whose region is the deepest covering all "
            "its regions applies (no region: the whole company). Above threshold A the sales director approves, "
            "above threshold B the general manager. Hours are working hours of the company calendar."
        ),
        responses={200: ApprovalRuleSerializer(many=True), 403: _FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=_("One approval rule"), responses={200: ApprovalRuleSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND}
    ),
    create=extend_schema(
        summary=_("Create an approval rule (marketing managers)"),
        description=_("Hours not sent take the built-in defaults. Only one active rule per origin and region."),
        request=ApprovalRuleInputSerializer,
        examples=[
            OpenApiExample(
                "East sales requests",
                value={
                    "name": "East sales requests",
                    "origin": "sales",
                    "region": 2,
                    "director_threshold": "30000.00",
                    "gm_threshold": "150000.00",
                    "review_hours": 16,
                },
                request_only=True,
            )
        ],
        responses={201: ApprovalRuleSerializer, 400: _INVALID, 403: _FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary=_("Change an approval rule (only the fields sent; active=false switches it off)"),
        description=_("Promotions already submitted keep the thresholds and hours they were routed with."),
        request=ApprovalRuleInputSerializer,
        responses={200: ApprovalRuleSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
)
class ApprovalRuleViewSet(viewsets.GenericViewSet):
    serializer_class = ApprovalRuleSerializer
    lookup_value_regex = "[0-9]+"
    queryset = ApprovalRule.objects.none()  # for the schema; every action reads through the selector

    def list(self, request):
        page = self.paginate_queryset(approval_rule_list(user=request.user))
        return self.get_paginated_response(ApprovalRuleSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ApprovalRuleSerializer(approval_rule_get_for_user(user=request.user, pk=int(pk))).data)

    def create(self, request):
        serializer = ApprovalRuleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = approval_rule_create(user=request.user, **serializer.validated_data)
        rule = approval_rule_get_for_user(user=request.user, pk=rule.pk)
        return Response(ApprovalRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        rule = approval_rule_get_for_user(user=request.user, pk=int(pk))
        serializer = ApprovalRuleInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        approval_rule_update(user=request.user, rule=rule, **serializer.validated_data)
        return Response(ApprovalRuleSerializer(approval_rule_get_for_user(user=request.user, pk=rule.pk)).data)


router = SimpleRouter()
router.register("approval-rules", ApprovalRuleViewSet, basename="approval-rule")

urlpatterns = router.urls
