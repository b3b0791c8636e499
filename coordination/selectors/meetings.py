"""Reads of joint meetings and action items, always for a user (``coordination.permissions``), in a fixed number
of queries whatever the number of rows. Something the user may not read is "not found"."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import ActionItem, JointMeeting
from ..permissions import action_items_visible_q, meetings_visible_q
from ..services.meetings import carried_items

DUE_SOON_DAYS = 7


def _visible(model, q: Q) -> QuerySet:
    """Rows matching ``q`` without the duplicates a join through attendees would give (a subquery, not DISTINCT,
    so counts and ordering stay simple)."""
    if not q:
        return model.objects.all()
    return model.objects.filter(pk__in=model.objects.filter(q).values("pk"))


def meetings_for(*, user: User) -> QuerySet[JointMeeting]:
    """The meetings ``user`` may read, newest month first, with their attendee and item counts (one query)."""
    return (
        _visible(JointMeeting, meetings_visible_q(user))
        .select_related("created_by")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            item_count=Count("action_items", distinct=True),
            open_item_count=Count("action_items", filter=Q(action_items__status=ActionItem.Status.OPEN), distinct=True),
        )
        .order_by("-month")
    )


def _people() -> QuerySet[User]:
    return User.objects.select_related("department").prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("name"))
    )


def meeting_get_for_user(*, user: User, pk: int) -> JointMeeting:
    """One meeting ``user`` may read with its attendees and action items prefetched; ``Http404`` otherwise."""
    queryset = _visible(JointMeeting, meetings_visible_q(user)).select_related("created_by")
    queryset = queryset.prefetch_related(
        Prefetch("attendees", queryset=_people().order_by("department__code", "last_name", "first_name", "pk")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "department", "closed_by")),
    )
    try:
        return queryset.get(pk=pk)
    except (JointMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such joint meeting.")) from None


def meeting_carried_items(*, meeting: JointMeeting) -> QuerySet[ActionItem]:
    """The action items still open from earlier meetings: what the meeting follows up first."""
    return carried_items(month=meeting.month)


def attendees_by_department(meeting: JointMeeting) -> list[tuple[str, list[User]]]:
    """The (prefetched) attendees grouped by department, in a stable order: [(department label, people)]."""
    groups: dict[str, list[User]] = {}
    for person in meeting.attendees.all():
        label = str(person.department) if person.department_id else _("No department")
        groups.setdefault(label, []).append(person)
    return list(groups.items())


def _items() -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related("owner", "department", "meeting", "closed_by")


def action_items_for(
    *, user: User, filters: dict | None = None, today: datetime.date | None = None, mine: bool = False
) -> QuerySet[ActionItem]:
    """The action items ``user`` may read (only their own with ``mine``), filtered by ``ActionItemFilter``
    (status, owner, department, meeting, overdue, due_from/due_to), oldest due first. Bad filters raise
    ``ValidationError`` (a 400 per field)."""
    from ..filters import ActionItemFilter

    queryset = _visible(ActionItem, action_items_visible_q(user))
    if mine:
        queryset = queryset.filter(owner=user)
    filterset = ActionItemFilter(filters or {}, queryset=queryset, request=None)
    filterset.today = today or timezone.localdate()
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _items().filter(pk__in=filterset.qs.values("pk")).order_by("due_on", "id")


def action_item_get_for_user(*, user: User, pk: int) -> ActionItem:
    try:
        return _items().filter(pk__in=_visible(ActionItem, action_items_visible_q(user)).values("pk")).get(pk=pk)
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such action item.")) from None


def action_items_due_for(*, user: User, today: datetime.date) -> QuerySet[ActionItem]:
    """The user's own open action items due within a week or overdue, oldest due first (the home page)."""
    return (
        ActionItem.objects.filter(
            owner=user, status=ActionItem.Status.OPEN, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("meeting", "department")
        .order_by("due_on", "id")
    )


def is_overdue(item: ActionItem, today: datetime.date) -> bool:
    return item.status == ActionItem.Status.OPEN and item.due_on < today
