"""/api/v1/intel/: marketing's intel feed — every submitted line of competitor intel, customer feedback and
promotion feedback — read, filtered, acknowledged, answered, rated; customer feedback followed up."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..permissions import can_answer_intel, can_follow_up_feedback
from ..selectors.intel import IntelFilter, intel_feed, intel_item_get_for_user
from ..serializers.intel import (
    IntelAnswerInputSerializer,
    IntelFollowUpInputSerializer,
    IntelItemSerializer,
    IntelUsefulInputSerializer,
)
from ..services.intel import intel_acknowledge, intel_answer, intel_follow_up, intel_mark_useful

_NOT_FOUND = OpenApiResponse(description=_("No such item, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=_("You may see it but not act on it (only marketing answers intel)."))
_INVALID = OpenApiResponse(description=_("Invalid input: a message per field."))
_MARKETING_ONLY = _("Only marketing acknowledges, answers and rates the field's intel.")
_FOLLOW_UP_ONLY = _("Only marketing or the rep who reported it moves a customer feedback's follow-up.")


@extend_schema(tags=["intel"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the intel items you may see, newest first"),
        description=_(
            "Marketing, the sales director and the general manager see every item; a sales manager those of their "
            "region subtree; a rep those of their own reports (with marketing's answers). Lines an amendment "
            "replaced are hidden unless include_superseded=true."
        ),
        responses={200: IntelItemSerializer(many=True), 400: _INVALID},
    ),
    retrieve=extend_schema(
        summary=_("One intel item with its line, photo and marketing's answer"),
        responses={200: IntelItemSerializer, 404: _NOT_FOUND},
    ),
)
class IntelViewSet(viewsets.GenericViewSet):
    filterset_class = IntelFilter  # documents the query parameters; the selector applies it
    serializer_class = IntelItemSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return intel_feed(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(intel_feed(user=request.user, filters=request.query_params))
        return self.get_paginated_response(
            IntelItemSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request, pk=None):
        return Response(self._detail(int(pk)))

    @extend_schema(
        summary=_("Acknowledge an item (marketing has read it; a second time changes nothing)"),
        request=None,
        responses={200: IntelItemSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        item = intel_item_get_for_user(user=request.user, pk=int(pk))
        intel_acknowledge(user=request.user, item=item)
        return Response(self._detail(item.pk))

    @extend_schema(
        summary=_("Answer the rep (also acknowledges; the rep is notified when the text is new)"),
        request=IntelAnswerInputSerializer,
        responses={200: IntelItemSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        item = self._item_for_marketing(pk)
        serializer = IntelAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intel_answer(user=request.user, item=item, answer=serializer.validated_data["answer"])
        return Response(self._detail(item.pk))

    @extend_schema(
        summary=_("Rate an item useful or not"),
        request=IntelUsefulInputSerializer,
        responses={200: IntelItemSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def useful(self, request, pk=None):
        item = self._item_for_marketing(pk)
        serializer = IntelUsefulInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intel_mark_useful(user=request.user, item=item, useful=serializer.validated_data["useful"])
        return Response(self._detail(item.pk))

    @extend_schema(
        summary=_("Move a customer feedback's follow-up (marketing, or the rep who reported it)"),
        request=IntelFollowUpInputSerializer,
        responses={200: IntelItemSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        item = intel_item_get_for_user(user=request.user, pk=int(pk))
        if not can_follow_up_feedback(request.user, item):
            raise PermissionDenied(_FOLLOW_UP_ONLY)
        serializer = IntelFollowUpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intel_follow_up(user=request.user, item=item, status=serializer.validated_data["status"])
        return Response(self._detail(item.pk))

    def _item_for_marketing(self, pk):
        """The item (404 if invisible), then 403 before any input is read if the user may not act on it."""
        item = intel_item_get_for_user(user=self.request.user, pk=int(pk))
        if not can_answer_intel(self.request.user):
            raise PermissionDenied(_MARKETING_ONLY)
        return item

    def _detail(self, pk: int) -> dict:
        item = intel_item_get_for_user(user=self.request.user, pk=pk)
        return IntelItemSerializer(item, context=self.get_serializer_context()).data


router = SimpleRouter()
router.register("intel", IntelViewSet, basename="intel")

urlpatterns = router.urls
