"""Reads for accounts: QuerySets, no side effects."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from .filters import RegionFilter
from .models import Notification, Region, User


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
