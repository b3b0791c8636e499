"""API of the monthly digest: /api/v1/digests/ (list, one month as YYYY-MM with its figures, its XLSX) and
``POST /api/v1/digests/build/`` for organisers. A digest one may not read answers 404, like a month never built."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..models import Digest
from ..permissions import can_build_digest
from ..selectors.digest import digest_get_for_user, digests_for, month_bounds
from ..services.digest import DigestError, digest_build, digest_send_reporting, digest_xlsx

_NOT_FOUND = OpenApiResponse(description=_("No digest for that month among those you may read."))


class DigestSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")

    class Meta:
        model = Digest
        fields = ["month", "version", "built_at", "build_seconds"]


class DigestDetailSerializer(DigestSerializer):
    content = serializers.JSONField(help_text=_("The frozen figures: per area (region path) and 'company'."))

    class Meta(DigestSerializer.Meta):
        fields = [*DigestSerializer.Meta.fields, "content"]


class DigestBuildSerializer(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m"], help_text=_("YYYY-MM, a month that is over."))
    rebuild = serializers.BooleanField(default=False, help_text=_("Replace a digest already built (a new version)."))
    send = serializers.BooleanField(default=True, help_text=_("Mail it to the recipients not sent yet."))

    def validate_month(self, value):
        if month_bounds(value)[1] >= timezone.localdate():
            raise serializers.ValidationError(_("A month's digest can be built once the month is over."))
        return value.replace(day=1)


class DigestBuiltSerializer(DigestSerializer):
    sent = serializers.IntegerField(help_text=_("E-mails sent by this request."))
    failed = serializers.IntegerField(help_text=_("E-mails that failed now; they are tried again later."))

    class Meta(DigestSerializer.Meta):
        fields = [*DigestSerializer.Meta.fields, "sent", "failed"]


@extend_schema(tags=["digests"])
@extend_schema_view(
    list=extend_schema(summary=_("Monthly digests I may read, newest first")),
    retrieve=extend_schema(
        summary=_("One month's digest with its figures"), responses={200: DigestDetailSerializer, 404: _NOT_FOUND}
    ),
)
class DigestViewSet(viewsets.GenericViewSet):
    serializer_class = DigestSerializer
    queryset = Digest.objects.none()  # for the schema; every action reads through the selectors
    lookup_field = "month"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}"
    filterset_class = None

    def list(self, request):
        page = self.paginate_queryset(digests_for(user=request.user))
        return self.get_paginated_response(DigestSerializer(page, many=True).data)

    def retrieve(self, request, month=None):
        return Response(DigestDetailSerializer(digest_get_for_user(user=request.user, month=month)).data)

    @extend_schema(
        summary=_("The figures as a spreadsheet (XLSX)"),
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request, month=None):
        digest = digest_get_for_user(user=request.user, month=month)
        response = HttpResponse(
            digest_xlsx(digest), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="digest-{digest.month:%Y-%m}.xlsx"'
        return response

    @extend_schema(
        summary=_("Build a month's digest by hand (organisers), then mail it"),
        description=_(
            "A month already built is returned as it is (and mailed only to recipients not sent yet) unless "
            "``rebuild`` is true."
        ),
        request=DigestBuildSerializer,
        responses={
            201: DigestBuiltSerializer,
            400: OpenApiResponse(description=_("Invalid input: a message per field.")),
            403: OpenApiResponse(
                description=_("Only organisers (marketing manager, sales director, general manager).")
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def build(self, request):
        if not can_build_digest(request.user):
            raise PermissionDenied(_("Only organisers of the joint meeting build digests."))
        serializer = DigestBuildSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            digest = digest_build(data["month"], rebuild=data["rebuild"])
        except DigestError as error:
            raise serializers.ValidationError({"month": [str(error)]}) from error
        sent, failed = digest_send_reporting(digest) if data["send"] else (0, 0)
        body = DigestSerializer(digest).data | {"sent": sent, "failed": failed}
        return Response(body, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("digests", DigestViewSet, basename="digest")
urlpatterns = router.urls
