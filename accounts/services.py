"""Writes for accounts. One transaction each; validate, then save."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .models import Region, User

_KIND_BELOW = {Region.Kind.COUNTRY: Region.Kind.PROVINCE, Region.Kind.PROVINCE: Region.Kind.CITY}


def _region_path(*, code: str, parent: Region | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


def _stored_path(region: Region) -> str | None:
    return Region.objects.filter(pk=region.pk).values_list("path", flat=True).first() if region.pk else None


def region_validate_tree(*, region: Region, stored_path: str | None = None) -> None:
    """The tree's rules: country → province → city, and no region below itself.

    ``stored_path`` is the region's path in the database, when the caller has already read it.
    """
    parent = region.parent
    if parent is None:
        if region.kind and region.kind != Region.Kind.COUNTRY:
            raise ValidationError({"parent": _("Only a country stands at the top; choose a parent.")})
        return
    if region.pk:
        old_path = stored_path if stored_path is not None else _stored_path(region)
        if parent.pk == region.pk or (old_path and parent.path.startswith(old_path)):
            raise ValidationError({"parent": _("A region cannot be moved below itself.")})
    expected = _KIND_BELOW.get(parent.kind)
    if expected is None:
        raise ValidationError({"parent": _("A city cannot have regions below it.")})
    if region.kind != expected:
        raise ValidationError(
            {
                "kind": _("Below a %(parent)s comes a %(kind)s.")
                % {"parent": parent.get_kind_display(), "kind": Region.Kind(expected).label}
            }
        )


@transaction.atomic
def region_save(*, region: Region) -> Region:
    """Create or update a region and keep the materialised paths of it and its whole subtree true.

    Moving a region (new parent) or renaming its code rewrites its descendants' paths in one UPDATE.
    """
    old_path = _stored_path(region)
    region_validate_tree(region=region, stored_path=old_path)
    region.path = _region_path(code=region.code, parent=region.parent)
    region.full_clean()
    region.save()
    if old_path and old_path != region.path:
        Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
            path=Concat(Value(region.path), Substr("path", len(old_path) + 1))
        )
    return region


def region_create(*, code: str, name: str, kind: str, parent: Region | None = None, name_en: str = "") -> Region:
    return region_save(region=Region(code=code, name=name, name_en=name_en, kind=kind, parent=parent))


def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's preferred language (used for pages after login and for their e-mails)."""
    if language not in User.Language.values:
        raise ValidationError({"language": _("Choose English or Simplified Chinese.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# Sign-in lockout, shared by the sign-in page and the token endpoint: after SIGN_IN_MAX_FAILURES wrong passwords for
# one username within SIGN_IN_LOCK_SECONDS, further attempts are refused until the window passes. Keyed by username,
# not by address, because addresses are shared (offices, carrier NAT) and forgeable behind misconfigured proxies.
SIGN_IN_MAX_FAILURES = 10
SIGN_IN_LOCK_SECONDS = 15 * 60


def _sign_in_key(username: str) -> str:
    return f"sign-in-failures:{username.strip().lower()}"


def sign_in_blocked(*, username: str) -> bool:
    return cache.get(_sign_in_key(username), 0) >= SIGN_IN_MAX_FAILURES


def sign_in_record_failure(*, username: str) -> None:
    key = _sign_in_key(username)
    cache.add(key, 0, timeout=SIGN_IN_LOCK_SECONDS)  # the window starts at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SIGN_IN_LOCK_SECONDS)


def sign_in_record_success(*, username: str) -> None:
    cache.delete(_sign_in_key(username))
