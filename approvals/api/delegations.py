"""/api/v1/delegations/: my delegations (given and received), naming a delegate while away, and ending one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Delegation
from accounts.selectors import delegation_get_for_user, delegations_for
from accounts.services import delegation_create, delegation_end

from ..serializers.delegations import DelegationInputSerializer, DelegationSerializer

_NOT_FOUND = OpenApiResponse(description=_("No such delegation among yours."))
_INVALID = OpenApiResponse(
    description=_("Invalid input: a message per field (dates in the past, over 90 days, overlapping, delegate).")
)


@extend_schema(tags=["approvals"])
@extend_schema_view(
    list=extend_schema(
        summary=_("My delegations: those I gave while away and those I received"),
        responses={200: DelegationSerializer(many=True)},
    ),
    retrieve=extend_schema(summary=_("One of my delegations"), responses={200: DelegationSerializer, 404: _NOT_FOUND}),
    create=extend_schema(
        summary=_("Name a delegate for the days I am away"),
        description=_(
            "For marketing managers, sales managers, the sales director and the general manager. While it runs, the "
            "delegate sees and decides my approval steps; each decision records it was on my behalf. One "
            "delegation at a time; at most 90 days; not in the past."
        ),
        request=DelegationInputSerializer,
        examples=[
            OpenApiExample(
                "holiday",
                value={"delegate": 7, "starts_on": "2026-10-01", "ends_on": "2026-10-07", "reason": "National Day"},
                request_only=True,
            )
        ],
        responses={
            201: DelegationSerializer,
            400: _INVALID,
            403: OpenApiResponse(description=_("You do not decide approvals.")),
        },
    ),
)
class DelegationViewSet(viewsets.GenericViewSet):
    serializer_class = DelegationSerializer
    lookup_value_regex = "[0-9]+"
    queryset = Delegation.objects.none()  # for the schema; every action reads through the selector

    def list(self, request):
        page = self.paginate_queryset(delegations_for(user=request.user))
        return self.get_paginated_response(DelegationSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(DelegationSerializer(delegation_get_for_user(user=request.user, pk=int(pk))).data)

    def create(self, request):
        serializer = DelegationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        delegation = delegation_create(user=request.user, **serializer.validated_data)
        delegation = delegation_get_for_user(user=request.user, pk=delegation.pk)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("End a delegation: I am back (or not going)"),
        description=_(
            "A running delegation ends yesterday (200 with it); one still to come is deleted (204). Only the person "
            "away ends it; one already over is a 400."
        ),
        request=None,
        responses={
            200: DelegationSerializer,
            204: OpenApiResponse(description=_("It had not started: deleted.")),
            400: _INVALID,
            403: OpenApiResponse(description=_("You are the delegate, not the person away.")),
            404: _NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        delegation = delegation_get_for_user(user=request.user, pk=int(pk))
        ended = delegation_end(user=request.user, delegation=delegation)
        if ended is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DelegationSerializer(delegation_get_for_user(user=request.user, pk=ended.pk)).data)


router = SimpleRouter()
router.register("delegations", DelegationViewSet, basename="delegation")

urlpatterns = router.urls
