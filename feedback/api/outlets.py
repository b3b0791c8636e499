"""/api/v1/outlets/: list (filtered, paginated) and read the outlets one may see; import the master data from a
CSV/XLSX file.

An outlet one may not see is a 404; importing without the right (``can_import_outlets``) is a 403.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..permissions import can_import_outlets
from ..selectors.outlets import OutletFilter, outlet_get_for_user, outlet_list
from ..serializers.outlets import OutletImportResultSerializer, OutletImportSerializer, OutletSerializer
from ..services.outlets import outlet_import

_INVALID = OpenApiResponse(description=_("Invalid input: a message per field."))
_FORBIDDEN = OpenApiResponse(description=_("You may not import outlets."))
_NOT_FOUND = OpenApiResponse(description=_("No such outlet, or not one you may see."))


@extend_schema(tags=["outlets"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the outlets you may see (filter by region, channel, rep, active, text)"),
        description=_(
            "Marketing, the sales director and the general manager see every outlet; sales reps and managers the "
            "outlets of their territory and those assigned to them."
        ),
        responses={200: OutletSerializer(many=True), 400: _INVALID},
    ),
    retrieve=extend_schema(summary=_("One outlet"), responses={200: OutletSerializer, 404: _NOT_FOUND}),
)
class OutletViewSet(viewsets.GenericViewSet):
    # Documents the query parameters; the selector applies the same FilterSet (so does the page).
    filterset_class = OutletFilter
    serializer_class = OutletSerializer
    lookup_value_regex = "[0-9]+"  # anything else is a 404 from the router, never an int() error

    def get_queryset(self):
        return outlet_list(user=self.request.user)

    def list(self, request):
        outlets = outlet_list(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(outlets)
        return self.get_paginated_response(OutletSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(OutletSerializer(outlet_get_for_user(user=request.user, pk=int(pk))).data)

    @extend_schema(
        summary=_("Import outlets from a CSV or XLSX file (all rows or none)"),
        description=_(
            "Outlets are matched by code: unknown codes are created, known ones updated. Row errors come back as "
            '400 with `rows`: one message per problem, naming the spreadsheet row ("Row 7, region: unknown region '
            "'XX'\"). Nothing is saved unless every row is valid."
        ),
        request={"multipart/form-data": OutletImportSerializer},
        responses={200: OutletImportResultSerializer, 400: _INVALID, 403: _FORBIDDEN},
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
        if not can_import_outlets(request.user):  # before reading the upload: a 403, not a 400 about the file
            raise PermissionDenied(_("You may not import outlets."))
        serializer = OutletImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        summary = outlet_import(user=request.user, file=serializer.validated_data["file"])
        return Response(
            OutletImportResultSerializer(
                {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged}
            ).data
        )


router = SimpleRouter()
router.register("outlets", OutletViewSet, basename="outlet")

urlpatterns = router.urls
