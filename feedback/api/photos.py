"""/api/v1/photos/: upload a field photo (multipart), read one back, and fetch its bytes.

A photo is uploaded first and its id is then put on report lines (display, POP, promotion feedback, competitor
intel). Uploading again with the same ``client_uuid`` returns the first upload (200) instead of a second photo.
``file/`` and ``thumbnail/`` serve the bytes to token clients too (the pages under /photos/ need a session).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..permissions import can_upload_photos
from ..selectors.photos import photo_get_for_user
from ..serializers.photos import PhotoSerializer, PhotoUploadSerializer
from ..services.photos import photo_upload
from ..views.photos import photo_file_response

_INVALID = OpenApiResponse(
    description=_("Not an accepted photo (not an image, not JPEG/PNG/WebP, too large), or a client UUID in use.")
)
_FORBIDDEN = OpenApiResponse(description=_("Your role does not upload field photos."))
_NOT_FOUND = OpenApiResponse(description=_("No such photo, or not one you may see."))
_BYTES = OpenApiResponse(
    response=OpenApiTypes.BINARY,
    description=_("The image, with the type found at upload (JPEG, PNG or WebP); a private cache, shown inline."),
)


class AnyAccept(BaseContentNegotiation):
    """The bytes answer whatever the client accepts (an <img> asks for image/*, which no API renderer is): the
    picture itself bypasses the renderers, and an error is rendered by the first one (JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(tags=["photos"])
class PhotoViewSet(viewsets.GenericViewSet):
    serializer_class = PhotoSerializer
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = "[0-9]+"
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary=_("Upload a photo (multipart: file, optional client_uuid)"),
        description=_(
            "The file must be a real JPEG, PNG or WebP image within the size limit; other types are refused. "
            "EXIF time and GPS are kept as evidence; a picture already uploaded on another day is flagged in "
            "`reused_from`. A retry with the same `client_uuid` answers 200 with the first upload."
        ),
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: PhotoSerializer, 200: PhotoSerializer, 400: _INVALID, 403: _FORBIDDEN},
    )
    def create(self, request):
        if not can_upload_photos(request.user):  # before reading the upload: a 403, not a 400 about the file
            raise PermissionDenied(_("Your role does not upload field photos."))
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo, created = photo_upload(user=request.user, **serializer.validated_data)
        return Response(
            PhotoSerializer(photo, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(summary=_("One photo's details"), responses={200: PhotoSerializer, 404: _NOT_FOUND})
    def retrieve(self, request, pk=None):
        photo = photo_get_for_user(user=request.user, pk=int(pk))
        return Response(PhotoSerializer(photo, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("The photo's bytes"),
        description=_("For token and session clients alike; the same visibility as the photo's details."),
        responses={(200, "image/*"): _BYTES, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="file", content_negotiation_class=AnyAccept)
    def file(self, request, pk=None):
        return photo_file_response(photo_get_for_user(user=request.user, pk=int(pk)))

    @extend_schema(
        summary=_("The photo's thumbnail (a JPEG; the photo itself until it is made)"),
        responses={(200, "image/*"): _BYTES, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="thumbnail", content_negotiation_class=AnyAccept)
    def thumbnail(self, request, pk=None):
        return photo_file_response(photo_get_for_user(user=request.user, pk=int(pk)), thumbnail=True)


router = SimpleRouter()
router.register("photos", PhotoViewSet, basename="photo")

urlpatterns = router.urls
