"""Reads of photos, always for a user: a photo they may not see (``photos_visible_q``) is "not found"."""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Photo
from ..permissions import photos_visible_q


def photo_get_for_user(*, user: User, pk: int) -> Photo:
    """One photo; ``Http404`` when it does not exist *or* the user may not see it (HR never sees raw photos)."""
    try:
        return Photo.objects.filter(photos_visible_q(user)).get(pk=pk)
    except Photo.DoesNotExist:
        raise Http404(_("No such photo.")) from None
