"""Pages for photos: the bytes of a photo and of its thumbnail, served only to those who may see the photo.

Photos are evidence from the field, so they are never public media: every request goes through
``photo_get_for_user`` (404 for anyone else, HR included) and is answered by ``photo_file_response``: the type
stored at upload (what Pillow found in the bytes), ``nosniff``, a private cache, inline. The API serves the same
bytes the same way to token clients (``feedback.api.photos``).
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..models import Photo
from ..selectors.photos import photo_get_for_user


def _serve(field_file, *, content_type: str, filename: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The photo's file is missing.")) from None
    response = FileResponse(handle, content_type=content_type, as_attachment=False, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def photo_file_response(photo: Photo, *, thumbnail: bool = False) -> FileResponse:
    """The photo's bytes (or its thumbnail's: the original while the task has not made it yet), for a photo the
    caller has already fetched for the user; ``Http404`` when the file is missing from the storage."""
    if thumbnail and photo.thumbnail:
        return _serve(photo.thumbnail, content_type="image/jpeg", filename=f"{photo.uuid.hex}_thumb.jpg")
    return _serve(photo.file, content_type=photo.content_type, filename=f"{photo.uuid.hex}.{photo.extension}")


@login_required
@require_safe
def photo_file_view(request: HttpRequest, pk: int) -> FileResponse:
    return photo_file_response(photo_get_for_user(user=request.user, pk=pk))


@login_required
@require_safe
def photo_thumbnail_view(request: HttpRequest, pk: int) -> FileResponse:
    """The thumbnail; the original while the task has not made it yet."""
    return photo_file_response(photo_get_for_user(user=request.user, pk=pk), thumbnail=True)


urlpatterns = [
    path("photos/<int:pk>/", photo_file_view, name="photo_file"),
    path("photos/<int:pk>/thumbnail/", photo_thumbnail_view, name="photo_thumbnail"),
]
