"""/api/v1/promotions/: draft, edit, list, filter and read promotions; attach files.

Submitting and withdrawing (the approval workflow) are added by the approvals app.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..filters import PromotionFilter
from ..selectors.promotions import promotion_attachment_get_for_user, promotion_get_for_user, promotion_list
from ..serializers.promotions import (
    PromotionAttachmentInputSerializer,
    PromotionAttachmentSerializer,
    PromotionDetailSerializer,
    PromotionInputSerializer,
    PromotionListSerializer,
)
from ..services.promotions import (
    promotion_attachment_add,
    promotion_attachment_delete,
    promotion_create,
    promotion_update,
)

_NOT_FOUND = OpenApiResponse(description=_("No such promotion, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=_("You may see it but not change it (not the author, or no longer a draft)."))
_INVALID = OpenApiResponse(description=_("Invalid input: a message per field."))


@extend_schema(tags=["promotions"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the promotions you may see"),
        description=_(
            "Marketing sees every marketing proposal and every submitted request; sales managers those touching "
            "their regions; reps the agreed ones in their region and their own drafts."
        ),
        responses=PromotionListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary=_("One promotion with its mechanics, people and attachments"),
        responses={200: PromotionDetailSerializer, 404: _NOT_FOUND},
    ),
    create=extend_schema(
        summary=_("Draft a promotion (marketing: a proposal; sales: a request)"),
        request=PromotionInputSerializer,
        responses={201: PromotionDetailSerializer, 400: _INVALID, 403: _FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary=_("Change a draft you wrote (only the fields sent)"),
        request=PromotionInputSerializer,
        responses={200: PromotionDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
)
class PromotionViewSet(viewsets.GenericViewSet):
    # Documents the query parameters; the selector applies the same FilterSet (so do the pages).
    filterset_class = PromotionFilter
    serializer_class = PromotionDetailSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return promotion_list(user=self.request.user)

    def list(self, request):
        promotions = promotion_list(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(promotions)
        return self.get_paginated_response(
            PromotionListSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def retrieve(self, request, pk=None):
        promotion = promotion_get_for_user(user=request.user, pk=self._pk(pk))
        return Response(PromotionDetailSerializer(promotion, context=self.get_serializer_context()).data)

    def create(self, request):
        serializer = PromotionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promotion = promotion_create(user=request.user, **serializer.validated_data)
        return Response(self._detail(promotion.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        promotion = promotion_get_for_user(user=request.user, pk=self._pk(pk))
        serializer = PromotionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        promotion_update(user=request.user, promotion=promotion, data=serializer.validated_data)
        return Response(self._detail(promotion.pk))

    @extend_schema(
        summary=_("Attach a file to a draft you wrote (multipart, field 'file')"),
        request={"multipart/form-data": PromotionAttachmentInputSerializer},
        responses={201: PromotionAttachmentSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="attachments", parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        promotion = promotion_get_for_user(user=request.user, pk=self._pk(pk))
        serializer = PromotionAttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = promotion_attachment_add(
            user=request.user, promotion=promotion, file=serializer.validated_data["file"]
        )
        return Response(PromotionAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Remove an attachment from a draft you wrote"),
        request=None,
        responses={204: None, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def delete_attachment(self, request, pk=None, attachment_id=None):
        attachment = promotion_attachment_get_for_user(
            user=request.user, pk=self._pk(pk), attachment_id=int(attachment_id)
        )
        promotion_attachment_delete(user=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _detail(self, pk: int) -> dict:
        promotion = promotion_get_for_user(user=self.request.user, pk=pk)
        return PromotionDetailSerializer(promotion, context=self.get_serializer_context()).data

    @staticmethod
    def _pk(pk) -> int:
        return int(pk)  # the route only matches digits


router = SimpleRouter()
router.register("promotions", PromotionViewSet, basename="promotion")

urlpatterns = router.urls
