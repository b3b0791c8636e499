"""/api/v1/targets/: the target cells (list, read, create, change the figures, delete), the CSV/XLSX import and the
decomposition check.

Visibility comes from the selector (an invisible target is a 404); changing a visible target one may not edit is a
403 (``campaigns.permissions.can_edit_target_cell``, asked by the services).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Region

from ..filters import SalesTargetFilter
from ..permissions import can_edit_targets
from ..selectors.targets import target_decomposition_check, target_get, target_list
from ..serializers.targets import (
    TargetCheckQuerySerializer,
    TargetCheckSerializer,
    TargetCreateSerializer,
    TargetImportResultSerializer,
    TargetImportSerializer,
    TargetSerializer,
    TargetUpdateSerializer,
)
from ..services.targets import target_delete, target_import, target_set

_ERRORS = OpenApiResponse(description=_("Invalid input: messages per field."))
_FORBIDDEN = OpenApiResponse(description=_("You may see this target but not change it."))
_NOT_FOUND = OpenApiResponse(description=_("No such target, or not one you may see."))


class CanEditTargetsOrReadOnly(BasePermission):
    """Everyone signed in reads (what they may see); marketing and sales managers create and import. Changes to
    one target are decided on the target itself, after the lookup, so an invisible target stays a 404."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if view.action in ("create", "import_file"):
            return can_edit_targets(request.user)
        return True


@extend_schema(tags=["targets"])
@extend_schema_view(
    list=extend_schema(summary=_("List the sales targets you may see (filter by period, region, rep, product)")),
    retrieve=extend_schema(summary=_("One sales target"), responses={200: TargetSerializer, 404: _NOT_FOUND}),
)
class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TargetSerializer
    permission_classes = [CanEditTargetsOrReadOnly]
    lookup_value_regex = "[0-9]+"  # anything else is a 404 from the router, never an int() error
    # The FilterSet backend applies campaigns.filters.SalesTargetFilter (and documents it); pages use the selector.
    filterset_class = SalesTargetFilter

    def get_queryset(self):
        return target_list(user=self.request.user)

    def get_object(self):
        return target_get(user=self.request.user, target_id=self.kwargs["pk"])

    def _output(self, target, status_code=status.HTTP_200_OK) -> Response:
        target = target_get(user=self.request.user, target_id=target.pk)  # with its related rows, as listed
        return Response(TargetSerializer(target, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary=_("Set one target cell (created, or its figures replaced when the cell exists)"),
        request=TargetCreateSerializer,
        responses={201: TargetSerializer, 400: _ERRORS, 403: _FORBIDDEN},
    )
    def create(self, request):
        serializer = TargetCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = target_set(user=request.user, **serializer.validated_data)
        return self._output(target, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a target's units, revenue or plan"),
        request=TargetUpdateSerializer,
        responses={200: TargetSerializer, 400: _ERRORS, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def partial_update(self, request, pk=None):
        serializer = TargetUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            target = target_get(user=request.user, target_id=pk, lock=True)
            target = target_set(
                user=request.user,
                year=target.year,
                quarter=target.quarter,
                month=target.month,
                region=target.region,
                rep=target.rep,
                category=target.category,
                product=target.product,
                units=serializer.validated_data.get("units"),
                revenue=serializer.validated_data.get("revenue"),
                plan=serializer.validated_data.get("plan"),
            )
        return self._output(target)

    @extend_schema(summary=_("Delete a target"), responses={204: None, 403: _FORBIDDEN, 404: _NOT_FOUND}, request=None)
    def destroy(self, request, pk=None):
        with transaction.atomic():
            target_delete(user=request.user, target=target_get(user=request.user, target_id=pk, lock=True))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Import targets from a CSV or XLSX file (all rows or none)"),
        description=_(
            "Row errors come back as 400 with `rows`: one message per problem, naming the spreadsheet row "
            "(\"Row 7, region: unknown region 'XX'\"). Nothing is saved unless every row is valid."
        ),
        request={"multipart/form-data": TargetImportSerializer},
        responses={200: TargetImportResultSerializer, 400: _ERRORS, 403: _FORBIDDEN},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filterset_class=None,
        pagination_class=None,
    )
    def import_file(self, request):
        serializer = TargetImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        summary = target_import(user=request.user, **serializer.validated_data)
        return Response(
            TargetImportResultSerializer(
                {
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "check": [difference.as_dict() for difference in summary.check],
                }
            ).data
        )

    @extend_schema(
        summary=_("Check that a region's targets add up (quarters to year, months to quarter, regions and reps)"),
        parameters=[TargetCheckQuerySerializer],
        responses={200: TargetCheckSerializer, 400: _ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="check", url_name="check", filterset_class=None)
    def check(self, request):
        query = TargetCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        region = data.get("region") or request.user.region or Region.objects.filter(parent=None).first()
        scope = data.get("scope") or data.get("category") or data.get("product")
        differences = (
            target_decomposition_check(user=request.user, year=data["year"], region=region, scope=scope)
            if region
            else []
        )
        return Response(
            TargetCheckSerializer(
                {
                    "year": data["year"],
                    "region": region,
                    "adds_up": not differences,
                    "differences": [difference.as_dict() for difference in differences],
                }
            ).data
        )


router = SimpleRouter()
router.register("targets", TargetViewSet, basename="target")

urlpatterns = router.urls
