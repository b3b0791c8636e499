"""Writes for accounts. One transaction each; validate, then save."""

import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Delegation, Region, User
from .notifications import notify
from .permissions import can_delegate_approvals, delegate_candidates_q

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


# --- delegation of approvals while away ----------------------------------------------------------------------------

DELEGATION_MAX_DAYS = 90


def _delegation_errors(
    *, user: User, delegate: User | None, starts_on, ends_on, reason: str, today: datetime.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if delegate is None:
        add("delegate", _("Choose who decides while you are away."))
    elif delegate.pk == user.pk:
        add("delegate", _("You cannot delegate to yourself."))
    elif not User.objects.filter(delegate_candidates_q(user), pk=delegate.pk).exists():
        add("delegate", _("Choose an active colleague who decides approvals too, or one of your department."))
    if starts_on is None:
        add("starts_on", _("Enter the first day you are away."))
    elif starts_on < today:
        add("starts_on", _("A delegation cannot start in the past."))
    if ends_on is None:
        add("ends_on", _("Enter the last day you are away."))
    elif starts_on is not None and ends_on < starts_on:
        add("ends_on", _("The last day cannot be before the first."))
    elif starts_on is not None and (ends_on - starts_on).days + 1 > DELEGATION_MAX_DAYS:
        add("ends_on", _("A delegation lasts at most %(days)s days.") % {"days": DELEGATION_MAX_DAYS})
    if len(reason) > Delegation._meta.get_field("reason").max_length:
        add("reason", _("Keep the reason to 200 characters."))
    return errors


@transaction.atomic
def delegation_create(
    *,
    user: User,
    delegate: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
    today: datetime.date | None = None,
) -> Delegation:
    """While ``user`` is away (``starts_on``..``ends_on``, inclusive, at most 90 days, not in the past),
    ``delegate`` decides their approval steps; the decisions record both people. One delegation at a time: the
    range may not overlap another of ``user``'s. The delegate is told."""
    if not can_delegate_approvals(user):
        raise PermissionDenied(_("Only people who decide approvals can delegate them."))
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    # Lock the delegator: two delegations saved at once cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    errors = _delegation_errors(
        user=user, delegate=delegate, starts_on=starts_on, ends_on=ends_on, reason=reason, today=today
    )
    if not errors:
        clash = (
            Delegation.objects.filter(delegator=user, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .select_related("delegate")
            .first()
        )
        if clash is not None:
            errors["starts_on"] = [
                _("You already delegate to %(name)s from %(start)s to %(end)s; end that one or choose other days.")
                % {
                    "name": clash.delegate.display_name,
                    "start": clash.starts_on.isoformat(),
                    "end": clash.ends_on.isoformat(),
                }
            ]
    if errors:
        raise ValidationError(errors)
    delegation = Delegation.objects.create(
        delegator=user, delegate=delegate, starts_on=starts_on, ends_on=ends_on, reason=reason
    )

    def message():
        return (
            _("%(name)s asks you to decide their approvals") % {"name": user.display_name},
            _("From %(start)s to %(end)s. %(reason)s")
            % {"start": starts_on.isoformat(), "end": ends_on.isoformat(), "reason": reason},
        )

    notify(
        recipients=[delegate],
        kind="delegation",
        key=f"delegation:{delegation.pk}",
        message=message,
        url=reverse("approvals:delegations"),
    )
    return delegation


@transaction.atomic
def delegation_end(*, user: User, delegation: Delegation, today: datetime.date | None = None) -> Delegation | None:
    """``user`` is back (or not going): a delegation that has started ends yesterday, one still to come is
    deleted (returns None). Only the person away ends it; one already over is refused."""
    if delegation.delegator_id != user.pk:
        raise PermissionDenied(_("Only the person away can end this delegation."))
    today = today or timezone.localdate()
    locked = Delegation.objects.select_for_update().filter(pk=delegation.pk).first()
    if locked is None:
        return None
    if locked.ends_on < today:
        raise ValidationError(_("This delegation is already over."))
    if locked.starts_on >= today:
        locked.delete()
        return None
    locked.ends_on = today - datetime.timedelta(days=1)
    locked.save(update_fields=["ends_on"])
    return locked
