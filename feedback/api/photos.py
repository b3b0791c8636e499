"""/api/v1/photos/: upload a field photo (multipart) and read one back.

A photo is uploaded first and its id is then put on report lines (display, POP, promotion feedback, competitor
intel). Uploading again with the same ``client_uuid`` returns the first upload (200) instead of a second photo.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..permissions import can_upload_photos
from ..selectors.photos import photo_get_for_user
from ..serializers.photos import PhotoSerializer, PhotoUploadSerializer
from ..services.photos import photo_upload

_INVALID = OpenApiResponse(
    description=_("Not an accepted photo (not an image, not JPEG/PNG/WebP, too large), or a client UUID in use.")
)
_FORBIDDEN = OpenApiResponse(description=_("Your role does not upload field photos."))
_NOT_FOUND = OpenApiResponse(description=_("No such photo, or not one you may see."))


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


router = SimpleRouter()
router.register("photos", PhotoViewSet, basename="photo")

urlpatterns = router.urls
