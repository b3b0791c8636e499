"""Reads for accounts: QuerySets, no side effects."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .filters import RegionFilter
from .models import Delegation, Notification, Region, User
from .permissions import delegate_candidates_q


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it: one indexed prefix query on the materialised path."""
    return Region.objects.filter(path__startswith=region.path)


def region_list(*, filters: dict | None = None) -> QuerySet[Region]:
    """Regions in tree order, filtered by ``accounts.filters.RegionFilter`` (the API applies the same FilterSet).

    Invalid filters raise ``ValidationError`` (one message per field) instead of being silently ignored.
    """
    filterset = RegionFilter(filters or {}, queryset=Region.objects.select_related("parent").order_by("path"))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def user_with_profile(*, user_id: int) -> User:
    """A user with everything their profile shows, in a constant number of queries."""
    return (
        User.objects.select_related("department", "region", "manager")
        .prefetch_related(Prefetch("groups"))
        .get(pk=user_id)
    )


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def delegations_for(*, user: User) -> QuerySet[Delegation]:
    """The delegations ``user`` gave (they are away) and received (they decide instead), newest start first: one
    query with both people."""
    return (
        Delegation.objects.filter(Q(delegator=user) | Q(delegate=user))
        .select_related("delegator", "delegate")
        .order_by("-starts_on", "-id")
    )


def delegation_get_for_user(*, user: User, pk: int) -> Delegation:
    """One of the user's own delegations (given or received); ``Http404`` for any other."""
    try:
        return delegations_for(user=user).get(pk=pk)
    except Delegation.DoesNotExist:
        raise Http404(_("No such delegation.")) from None


def delegate_candidates(*, user: User) -> QuerySet[User]:
    """The people ``user`` may name as their delegate (``accounts.permissions.delegate_candidates_q``)."""
    return (
        User.objects.filter(pk__in=User.objects.filter(delegate_candidates_q(user)).values("pk"))
        .select_related("department", "region")
        .order_by("last_name", "first_name", "username")
    )
