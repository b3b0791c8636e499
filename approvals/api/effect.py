"""/api/v1/promotions/{id}/costs/, /rating/ and /effect/: a promotion followed through execution to its effect.

The approvals app owns this follow-up API; the cost model and its service belong to campaigns. A promotion the
caller may not see is a 404 (HR sees none), an action they may not take on a visible one a 403, and an action its
status does not allow a 409.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import PromotionCost
from campaigns.selectors.costs import CostFilter, promotion_costs
from campaigns.selectors.promotions import promotion_get_for_user
from campaigns.services.costs import promotion_cost_book
from coordination.errors import Conflict

from ..selectors.effect import has_effect, promotion_effect
from ..serializers.effect import (
    CostInputSerializer,
    CostSerializer,
    EffectSerializer,
    RatingInputSerializer,
    RatingSerializer,
)
from ..services.ratings import executability_rate

_NOT_FOUND = OpenApiResponse(description=gettext_lazy("No such promotion, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=gettext_lazy("You may see the promotion but not do this."))
_INVALID = OpenApiResponse(description=gettext_lazy("Invalid input: a message per field."))


@extend_schema(tags=["promotions"])
class PromotionCostsView(GenericAPIView):
    serializer_class = CostSerializer
    filterset_class = CostFilter

    def get_queryset(self):  # for the schema and the filter backend; the list reads through the selector
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no promotion
            return PromotionCost.objects.none()
        promotion = promotion_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return promotion_costs(promotion=promotion)

    def filter_queryset(self, queryset):
        return queryset  # the selector applies the FilterSet (and answers 400 for invalid filters)

    @extend_schema(
        summary=gettext_lazy("The costs booked on a promotion, in booking order"),
        description=gettext_lazy(
            "Whoever sees the promotion reads its costs. Filters: category, spent_from, spent_to, booked_by."
        ),
        responses={200: CostSerializer(many=True), 400: _INVALID, 404: _NOT_FOUND},
    )
    def get(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        costs = promotion_costs(promotion=promotion, filters=request.query_params)
        page = self.paginate_queryset(costs)
        return self.get_paginated_response(CostSerializer(page, many=True).data)

    @extend_schema(
        summary=gettext_lazy("Book a cost on an agreed promotion"),
        description=gettext_lazy(
            "Sales reps and managers of the promotion's regions and its owner and responsible people book costs on "
            "approved, running and ended promotions (409 otherwise). Idempotent by client_uuid: the same booking "
            "again answers 200 with the first one; the UUID with another booking is a 400. A booking taking the "
            "total over the budget is flagged (over_budget) and marketing is notified once."
        ),
        request=CostInputSerializer,
        examples=[
            OpenApiExample(
                "display fee",
                request_only=True,
                value={
                    "category": "display_fee",
                    "amount": "1200.00",
                    "spent_on": "2026-11-20",
                    "description": "联华超市 堆头费",
                    "client_uuid": "6f0c1c52-3a57-4b8e-9a55-2f3f3f1b2a10",
                },
            )
        ],
        responses={
            201: CostSerializer,
            200: OpenApiResponse(CostSerializer, description=gettext_lazy("The same booking sent again.")),
            400: _INVALID,
            403: _FORBIDDEN,
            404: _NOT_FOUND,
            409: OpenApiResponse(description=gettext_lazy("The promotion's status takes no costs.")),
        },
    )
    def post(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        serializer = CostInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cost, created = promotion_cost_book(user=request.user, promotion=promotion, **serializer.validated_data)
        return Response(CostSerializer(cost).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    tags=["promotions"],
    summary=gettext_lazy("Rate how workable the promotion was for the field (1–5)"),
    description=gettext_lazy(
        "Sales reps and managers of the promotion's regions, once it runs (running, ended, evaluated; 409 "
        "otherwise). One rating per person: rating again replaces the score and comment (200; the first is 201)."
    ),
    request=RatingInputSerializer,
    responses={
        201: RatingSerializer,
        200: OpenApiResponse(RatingSerializer, description=gettext_lazy("Your earlier rating, replaced.")),
        400: _INVALID,
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        409: OpenApiResponse(description=gettext_lazy("The promotion does not run (yet).")),
    },
)
class PromotionRatingView(APIView):
    def post(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating, created = executability_rate(user=request.user, promotion=promotion, **serializer.validated_data)
        return Response(
            RatingSerializer(rating).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(
    tags=["promotions"],
    summary=gettext_lazy("The promotion's effect from the field's facts"),
    description=gettext_lazy(
        "Execution rate (target outlets with promotion feedback / target outlets), price compliance against the "
        "floor and ceiling, sales during the period so far vs the 4 weeks before in the same outlets (average per "
        "day, uplift %), cost vs budget, executability ratings (consultation and after execution), photos. Only "
        "current lines of submitted reports count. For a promotion not agreed yet (draft, in approval, returned, "
        "rejected, withdrawn) there is no effect: 409."
    ),
    responses={
        200: EffectSerializer,
        404: _NOT_FOUND,
        409: OpenApiResponse(description=gettext_lazy("Not agreed yet: no effect to measure.")),
    },
)
class PromotionEffectView(APIView):
    def get(self, request, pk: int):
        promotion = promotion_get_for_user(user=request.user, pk=pk)
        if not has_effect(promotion):
            raise Conflict(_("The promotion is not agreed yet: its effect is measured once it is approved."))
        effect = promotion_effect(promotion=promotion, user=request.user)
        return Response(EffectSerializer(effect, context={"request": request}).data)


urlpatterns = [
    path("promotions/<int:pk>/costs/", PromotionCostsView.as_view(), name="promotion-costs"),
    path("promotions/<int:pk>/rating/", PromotionRatingView.as_view(), name="promotion-rating"),
    path("promotions/<int:pk>/effect/", PromotionEffectView.as_view(), name="promotion-effect"),
]
