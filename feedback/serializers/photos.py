from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Photo


def photo_api_url(photo: Photo, which: str, *, context: dict) -> str:
    """The API address of a photo's bytes (``which``: "file" or "thumbnail"), absolute when the serializer has the
    request: a token client (the mobile app) can fetch it, which the session-only pages under /photos/ refuse."""
    path = reverse(f"api:photo-{which}", args=[photo.pk])
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class PhotoUploadSerializer(serializers.Serializer):
    # A plain file: whether it is a real image of an accepted type is decided by the service, with clear messages.
    file = serializers.FileField(help_text=_("A JPEG, PNG or WebP photo."))
    client_uuid = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A UUID the client makes for this upload: sending it again returns the same photo."),
    )


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The photo itself (needs the same sign-in: token or session)."))
    thumbnail_url = serializers.SerializerMethodField(
        help_text=_("A small JPEG of the photo; the original until the thumbnail is made.")
    )
    gps_latitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)
    gps_longitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)
    reused_from = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("An earlier photo with the same picture, uploaded on another day.")
    )

    class Meta:
        model = Photo
        fields = [
            "id",
            "uuid",
            "url",
            "thumbnail_url",
            "width",
            "height",
            "content_type",
            "size",
            "taken_at",
            "gps_latitude",
            "gps_longitude",
            "reused_from",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField())
    def get_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "file", context=self.context)

    @extend_schema_field(serializers.URLField())
    def get_thumbnail_url(self, photo: Photo) -> str:
        return photo_api_url(photo, "thumbnail", context=self.context)
