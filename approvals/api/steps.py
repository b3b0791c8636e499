"""/api/v1/approvals/ (my open steps, one step, decide) and the author's side on promotions (submit, withdraw,
timeline)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.calendar import WorkCalendar
from campaigns.selectors.promotions import promotion_get_for_user
from campaigns.serializers.promotions import PromotionDetailSerializer

from ..filters import StepFilter
from ..selectors.evidence import promotion_evidence
from ..selectors.steps import inbox, promotion_timeline, step_decided_by, step_get_for_user
from ..serializers.evidence import EvidenceSerializer
from ..serializers.steps import DecisionInputSerializer, EventSerializer, StepSerializer, WithdrawInputSerializer
from ..services.flows import promotion_submit, promotion_withdraw, step_decide

_NOT_FOUND = OpenApiResponse(description=_("No such step or promotion, or you may not see it."))
_FORBIDDEN = OpenApiResponse(
    description=_(
        "You may see it but not do this (not the assignee or their delegate, your own promotion, not the author)."
    )
)
_CONFLICT = OpenApiResponse(
    description=_("The state moved on: the step is already decided, or the promotion's status does not allow this.")
)
_INVALID = OpenApiResponse(description=_("Invalid input: a message per field."))


@extend_schema(tags=["approvals"])
@extend_schema_view(
    list=extend_schema(
        summary=_("My open steps (an inbox), oldest due first"),
        description=_(
            "Steps you may decide now: assigned to you or your role, or to someone you stand in for (delegation). "
            "Never steps of your own promotions. Each carries its SLA clock in working hours."
        ),
        responses=StepSerializer(many=True),
    ),
    retrieve=extend_schema(summary=_("One step"), responses={200: StepSerializer, 404: _NOT_FOUND}),
)
class ApprovalStepViewSet(viewsets.GenericViewSet):
    filterset_class = StepFilter
    serializer_class = StepSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return inbox(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(now=timezone.now(), calendar=WorkCalendar())
        return context

    def list(self, request):
        steps = inbox(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(steps)
        return self.get_paginated_response(StepSerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request, pk=None):
        step = step_get_for_user(user=request.user, pk=int(pk))
        return Response(StepSerializer(step, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("Decide a step"),
        request=DecisionInputSerializer,
        examples=[
            OpenApiExample("approve", value={"decision": "approve", "comment": ""}, request_only=True),
            OpenApiExample(
                "consultation",
                value={"decision": "oppose", "comment": "Too close to the national price war.", "executability": 2},
                request_only=True,
            ),
        ],
        responses={200: StepSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        step = step_get_for_user(user=request.user, pk=int(pk))
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step_decide(user=request.user, step=step, **serializer.validated_data)
        step = step_decided_by(user=request.user, pk=step.pk)
        return Response(StepSerializer(step, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("The evidence beside a step"),
        description=_(
            "What the field reported in the last 30 days in the promotion's regions (and below) about its products: "
            "competitor intel, feedback on earlier promotions of the same products, and point-of-sale sales of the "
            "last four full weeks. Submitted reports only, current lines only. Seen by whoever may see the step."
        ),
        responses={200: EvidenceSerializer, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        step = step_get_for_user(user=request.user, pk=int(pk))
        return Response(EvidenceSerializer(promotion_evidence(promotion=step.flow.promotion)).data)


class _PromotionActionView(APIView):
    def _detail(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        return PromotionDetailSerializer(promotion, context={"request": request}).data


@extend_schema(
    tags=["promotions"],
    summary=_("Submit a draft (or a returned promotion) for agreement"),
    description=_(
        "Marketing proposals go to consultation of the affected regions' sales managers, sales requests to "
        "endorsement by the author's sales manager (a manager's own request skips it), then marketing review and "
        "the approvals above the thresholds. A returned promotion starts a new round; the history is kept."
    ),
    request=None,
    responses={200: PromotionDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class PromotionSubmitView(_PromotionActionView):
    def post(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        promotion_submit(user=request.user, promotion=promotion)
        return Response(self._detail(request, pk))


@extend_schema(
    tags=["promotions"],
    summary=_("Withdraw your promotion before a final decision"),
    request=WithdrawInputSerializer,
    responses={200: PromotionDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class PromotionWithdrawView(_PromotionActionView):
    def post(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        serializer = WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promotion_withdraw(user=request.user, promotion=promotion, comment=serializer.validated_data.get("comment", ""))
        return Response(self._detail(request, pk))


@extend_schema(
    tags=["promotions"],
    summary=_("The promotion's audit trail: every event, who, when, from, to, comment"),
    responses={200: EventSerializer(many=True), 404: _NOT_FOUND},
)
class PromotionTimelineView(APIView):
    def get(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        return Response(EventSerializer(promotion_timeline(promotion=promotion), many=True).data)


router = SimpleRouter()
router.register("approvals", ApprovalStepViewSet, basename="approval")

urlpatterns = router.urls
