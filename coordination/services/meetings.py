"""Joint meetings and their action items: organising the monthly meeting, its agenda and minutes, the decisions to
follow up, and the daily job that reminds owners and escalates overdue items.

Who may do what is asked in ``coordination.permissions``; every write is one transaction. Closing, cancelling and
reopening lock the item's row, so two people acting on it at once give one change and one ``Conflict``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.calendar import WorkCalendar
from accounts.models import Department, NotificationKind, User
from accounts.notifications import notify, user_language
from accounts.roles import Role

from ..errors import Conflict
from ..models import ActionItem, JointMeeting
from ..permissions import can_close_action_item, can_edit_meeting, can_manage_action_item, can_organise_meetings

MEETING_FIELDS = ("agenda", "date", "location", "attendees")
ITEM_FIELDS = ("title", "description", "owner", "department", "due_on", "meeting")


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _meeting_url(meeting: JointMeeting) -> str:
    return reverse("coordination:meeting_detail", args=[meeting.pk])


def _item_url(item: ActionItem) -> str:
    return reverse("coordination:action_item_detail", args=[item.pk])


# --- agenda ------------------------------------------------------------------------------------------------------


def carried_items(*, month: datetime.date) -> QuerySet[ActionItem]:
    """The action items still open from meetings before ``month``: the previous meeting's open items, and any
    older ones that were carried to it and are still open. Oldest due first."""
    return (
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, meeting__month__lt=month)
        .select_related("owner", "meeting", "department")
        .order_by("due_on", "id")
    )


def agenda_compose(*, month: datetime.date, today: datetime.date) -> str:
    """The opening agenda of the meeting reviewing ``month``, in the active language: first the open action items
    carried over (title, owner, due date, overdue marked), then the standing items."""
    lines = [_("1. Open action items from earlier meetings")]
    items = list(carried_items(month=month))
    for item in items:
        line = _("- %(title)s — %(owner)s — due %(due)s") % {
            "title": item.title,
            "owner": item.owner.display_name,
            "due": item.due_on.isoformat(),
        }
        if item.due_on < today:
            line += " " + _("(OVERDUE)")
        lines.append(line)
    if not items:
        lines.append(_("- None: every earlier action item is closed."))
    lines += [
        _("2. Sales vs target for the month, by region"),
        _("3. Field reports: display, stock, POP, coverage and competitor intel"),
        _("4. Promotions and approvals: running, ended, waiting and overdue"),
        _("5. Alerts raised and how they were handled"),
        _("6. New action items"),
    ]
    return "\n".join(lines)


# --- meetings ----------------------------------------------------------------------------------------------------


def _require_organiser(user: User, message: str) -> None:
    if not can_organise_meetings(user):
        raise PermissionDenied(message)


def _validate_attendees(attendees: Iterable[User]) -> list[User]:
    attendees = list({a.pk: a for a in attendees}.values())
    inactive = [a.display_name for a in attendees if not a.is_active]
    if inactive:
        raise ValidationError(
            {"attendees": _("These people are no longer active: %(names)s.") % {"names": ", ".join(inactive)}}
        )
    return attendees


def _invite(meeting: JointMeeting, attendees: Iterable[User]) -> None:
    """Invite the attendees to the meeting on its date: once per (person, date), so a new date invites again."""

    def message():
        return (
            _("Joint meeting on %(date)s") % {"date": meeting.date.isoformat()},
            _("You are invited to the joint meeting of marketing and sales reviewing %(month)s, on %(date)s%(place)s.")
            % {
                "month": meeting.month.strftime("%Y-%m"),
                "date": meeting.date.isoformat(),
                "place": (_(", at %(place)s") % {"place": meeting.location}) if meeting.location else "",
            },
        )

    notify(
        recipients=attendees,
        kind=NotificationKind.MEETING_INVITATION,
        key=f"meeting_invitation:{meeting.pk}:{meeting.date.isoformat()}",
        message=message,
        url=_meeting_url(meeting),
    )


def _validate_meeting_date(month: datetime.date, date: datetime.date) -> None:
    if date < month:
        raise ValidationError(
            {
                "date": _("The meeting reviews %(month)s: hold it on or after %(first)s.")
                % {"month": month.strftime("%Y-%m"), "first": month.isoformat()}
            }
        )


def _agenda_in(language: str, **kwargs) -> str:
    """The agenda is stored text, edited by the organiser afterwards: write it in their language."""
    with translation.override(language):
        return agenda_compose(**kwargs)


@transaction.atomic
def meeting_create(
    *,
    user: User,
    month: datetime.date,
    date: datetime.date,
    location: str = "",
    attendees: Iterable[User] = (),
    today: datetime.date | None = None,
) -> JointMeeting:
    """Organise the joint meeting reviewing ``month`` (one per month). Its agenda starts with the action items
    still open from earlier meetings; the attendees are invited."""
    _require_organiser(
        user, _("Only the marketing manager, the sales director and the general manager organise joint meetings.")
    )
    month = month.replace(day=1)
    _validate_meeting_date(month, date)
    attendees = _validate_attendees(attendees)
    if JointMeeting.objects.filter(month=month).exists():
        raise ValidationError(
            {"month": _("The joint meeting for %(month)s already exists.") % {"month": month.strftime("%Y-%m")}}
        )
    meeting = JointMeeting(
        month=month,
        date=date,
        location=location.strip(),
        agenda=_agenda_in(user_language(user), month=month, today=_today(today)),
        created_by=user,
    )
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # created by someone else meanwhile
        raise ValidationError(
            {"month": _("The joint meeting for %(month)s already exists.") % {"month": month.strftime("%Y-%m")}}
        ) from None
    meeting.attendees.set(attendees)
    _invite(meeting, attendees)
    return meeting


@transaction.atomic
def meeting_update(*, user: User, meeting: JointMeeting, **fields) -> JointMeeting:
    """Change the agenda, date, place or attendees. Attendees are invited for the (new) date: a changed date invites
    everyone again, a new attendee is invited, nobody is invited twice for one date."""
    if not can_edit_meeting(user):
        raise PermissionDenied(_("Only organisers edit joint meetings."))
    unknown = set(fields) - set(MEETING_FIELDS) - {"location"}
    if unknown:
        raise ValueError(f"meeting_update: unknown fields {sorted(unknown)}")
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    update_fields = []
    if "date" in fields and fields["date"] != meeting.date:
        if meeting.status == JointMeeting.Status.HELD:
            raise ValidationError({"date": _("The meeting was held: its date can no longer change.")})
        _validate_meeting_date(meeting.month, fields["date"])
        meeting.date = fields["date"]
        update_fields.append("date")
    if "location" in fields:
        meeting.location = (fields["location"] or "").strip()
        update_fields.append("location")
    if "agenda" in fields:
        meeting.agenda = fields["agenda"] or ""
        update_fields.append("agenda")
    if update_fields:
        meeting.save(update_fields=[*update_fields, "updated_at"])
    if "attendees" in fields:
        meeting.attendees.set(_validate_attendees(fields["attendees"]))
    if meeting.status == JointMeeting.Status.PLANNED:
        _invite(meeting, meeting.attendees.filter(is_active=True))
    return meeting


def _validate_both_departments(attendees: list[User]) -> None:
    codes = {a.department.code for a in attendees if a.department_id}
    has_marketing, has_sales = Department.Code.MARKETING in codes, Department.Code.SALES in codes
    if has_marketing and has_sales:
        return
    if has_marketing:
        message = _("A joint meeting needs attendees from both departments: add someone from sales.")
    elif has_sales:
        message = _("A joint meeting needs attendees from both departments: add someone from marketing.")
    else:
        message = _("A joint meeting needs attendees from both departments: add people from marketing and sales.")
    raise ValidationError({"attendees": message})


@transaction.atomic
def meeting_record_minutes(
    *,
    user: User,
    meeting: JointMeeting,
    minutes: str,
    attendees: Iterable[User] | None = None,
    today: datetime.date | None = None,
) -> JointMeeting:
    """Record what the meeting decided (and, optionally, who actually came): the meeting is then held. It must
    have taken place (not after today) with people from both marketing and sales. Recording again corrects them."""
    if not can_edit_meeting(user):
        raise PermissionDenied(_("Only organisers record the minutes of joint meetings."))
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    errors = {}
    if not (minutes or "").strip():
        errors["minutes"] = [_("Write the minutes: what was discussed and decided.")]
    if meeting.date > _today(today):
        errors.setdefault("minutes", []).append(
            _("The meeting is on %(date)s: record its minutes once it has been held.")
            % {"date": meeting.date.isoformat()}
        )
    people = (
        _validate_attendees(attendees)
        if attendees is not None
        else list(meeting.attendees.select_related("department"))
    )
    try:
        _validate_both_departments(people)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if attendees is not None:
        meeting.attendees.set(people)
    meeting.minutes = minutes.strip()
    meeting.status = JointMeeting.Status.HELD
    meeting.save(update_fields=["minutes", "status", "updated_at"])
    return meeting


# --- action items ------------------------------------------------------------------------------------------------


def _notify_assigned(item: ActionItem) -> None:
    def message():
        return (
            _("Action item for you: %(title)s") % {"title": item.title},
            _("Due %(due)s.") % {"due": item.due_on.isoformat()} + (f" {item.description}" if item.description else ""),
        )

    notify(
        recipients=[item.owner],
        kind=NotificationKind.ACTION_ITEM_ASSIGNED,
        key=f"action_item_assigned:{item.pk}:{item.owner_id}",
        message=message,
        url=_item_url(item),
    )


def _validate_item(values: dict, *, today: datetime.date, due_changed: bool) -> None:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Say what is to be done.")
    owner = values.get("owner")
    if owner is None:
        errors["owner"] = _("Name the owner.")
    elif not owner.is_active:
        errors["owner"] = _("%(name)s is no longer active: name someone else.") % {"name": owner.display_name}
    if values.get("department") is None and owner is not None and owner.department_id is None:
        errors["department"] = _("%(name)s has no department: choose the one responsible.") % {
            "name": owner.display_name
        }
    due_on = values.get("due_on")
    if due_on is None:
        errors["due_on"] = _("Set a due date.")
    elif due_changed and due_on < today:
        errors["due_on"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_item_create(
    *,
    user: User,
    title: str,
    owner: User,
    due_on: datetime.date,
    description: str = "",
    department: Department | None = None,
    meeting: JointMeeting | None = None,
    today: datetime.date | None = None,
) -> ActionItem:
    """A decision to follow up: its owner (active), their department unless another is named, a due date (not in
    the past), optionally the meeting that decided it. The owner is notified."""
    if not can_manage_action_item(user):
        raise PermissionDenied(_("Only organisers of joint meetings create action items."))
    values = {"title": title, "owner": owner, "due_on": due_on, "department": department}
    _validate_item(values, today=_today(today), due_changed=True)
    item = ActionItem.objects.create(
        title=title.strip(),
        description=(description or "").strip(),
        owner=owner,
        department=department or owner.department,
        due_on=due_on,
        meeting=meeting,
        created_by=user,
    )
    _notify_assigned(item)
    return item


def _lock_item(item: ActionItem) -> ActionItem:
    return ActionItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)


def _require_open(item: ActionItem) -> None:
    if item.status != ActionItem.Status.OPEN:
        raise Conflict(_("This action item is already %(status)s.") % {"status": item.get_status_display().lower()})


@transaction.atomic
def action_item_update(*, user: User, item: ActionItem, today: datetime.date | None = None, **fields) -> ActionItem:
    """Edit or reassign an open item (organisers). A new owner is notified; a changed due date may not be past."""
    if not can_manage_action_item(user):
        raise PermissionDenied(_("Only organisers of joint meetings edit action items."))
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"action_item_update: unknown fields {sorted(unknown)}")
    item = _lock_item(item)
    _require_open(item)
    previous_owner = item.owner_id
    values = {name: getattr(item, name) for name in ("title", "owner", "due_on", "department")} | fields
    if "owner" in fields and "department" not in fields and fields["owner"] is not None:
        values["department"] = None  # follows the new owner
    _validate_item(values, today=_today(today), due_changed="due_on" in fields and fields["due_on"] != item.due_on)
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if "owner" in fields and "department" not in fields:
        item.department = item.owner.department
        fields = {**fields, "department": item.department}
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    if item.owner_id != previous_owner:
        _notify_assigned(item)
    return item


@transaction.atomic
def action_item_close(
    *, user: User, item: ActionItem, outcome: str, now: datetime.datetime | None = None
) -> ActionItem:
    """Mark the item done with its outcome: its owner or an organiser. Closing a closed item is a ``Conflict``."""
    item = _lock_item(item)
    if not can_close_action_item(user, item):
        raise PermissionDenied(_("Only the owner of an action item or an organiser closes it."))
    _require_open(item)
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say what was done.")})
    item.status = ActionItem.Status.DONE
    item.outcome = outcome.strip()
    item.closed_at = now or timezone.now()
    item.closed_by = user
    item.save(update_fields=["status", "outcome", "closed_at", "closed_by", "updated_at"])
    return item


@transaction.atomic
def action_item_cancel(
    *, user: User, item: ActionItem, reason: str, now: datetime.datetime | None = None
) -> ActionItem:
    """Drop an item that no longer needs doing, saying why (organisers)."""
    if not can_manage_action_item(user):
        raise PermissionDenied(_("Only organisers of joint meetings cancel action items."))
    item = _lock_item(item)
    _require_open(item)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the action item is cancelled.")})
    item.status = ActionItem.Status.CANCELLED
    item.outcome = reason.strip()
    item.closed_at = now or timezone.now()
    item.closed_by = user
    item.save(update_fields=["status", "outcome", "closed_at", "closed_by", "updated_at"])
    return item


@transaction.atomic
def action_item_reopen(*, user: User, item: ActionItem) -> ActionItem:
    """Open a done or cancelled item again (organisers); its outcome is cleared."""
    if not can_manage_action_item(user):
        raise PermissionDenied(_("Only organisers of joint meetings reopen action items."))
    item = _lock_item(item)
    if item.status == ActionItem.Status.OPEN:
        raise Conflict(_("This action item is already open."))
    item.status = ActionItem.Status.OPEN
    item.outcome = ""
    item.closed_at = None
    item.closed_by = None
    item.save(update_fields=["status", "outcome", "closed_at", "closed_by", "updated_at"])
    return item


# --- the daily job -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    """What one run of the job did: notifications created now (a repeated run creates none)."""

    working_day: bool
    reminded: int = 0
    escalated: int = 0


def _reminder_horizon(day: datetime.date, calendar: WorkCalendar) -> datetime.date:
    """The last due date that gets a reminder on ``day``: ACTION_ITEM_REMINDER_DAYS working days ahead."""
    horizon, left = day, settings.ACTION_ITEM_REMINDER_DAYS
    while left > 0:
        horizon += datetime.timedelta(days=1)
        if calendar.is_working_day(horizon):
            left -= 1
    return horizon


def _escalation_targets(owner: User, general_managers: list[User]) -> list[User]:
    if owner.manager_id and owner.manager.is_active:
        return [owner.manager]
    others = [gm for gm in general_managers if gm.pk != owner.pk]
    return others or general_managers


def action_item_reminders_send(*, day: datetime.date) -> ReminderRun:
    """On a working day: remind the owners of open items due within ACTION_ITEM_REMINDER_DAYS working days (once
    per item), and escalate each overdue open item to its owner's manager — the general manager(s) when the owner
    has none — once per item and day. Holidays and weekends send nothing."""
    calendar = WorkCalendar()
    if not calendar.is_working_day(day):
        return ReminderRun(working_day=False)
    horizon = _reminder_horizon(day, calendar)
    open_items = ActionItem.objects.filter(status=ActionItem.Status.OPEN).select_related("owner__manager")
    reminded = escalated = 0
    for item in open_items.filter(due_on__gte=day, due_on__lte=horizon).order_by("due_on", "id"):

        def due_message(item=item):
            return (
                _("Action item due %(due)s: %(title)s") % {"due": item.due_on.isoformat(), "title": item.title},
                _("Close it with its outcome once it is done."),
            )

        reminded += len(
            notify(
                recipients=[item.owner],
                kind=NotificationKind.ACTION_ITEM_DUE,
                key=f"action_item_due:{item.pk}",
                message=due_message,
                url=_item_url(item),
            )
        )
    overdue = list(open_items.filter(due_on__lt=day).order_by("due_on", "id"))
    if overdue:
        general_managers = list(User.objects.filter(is_active=True, groups__name=Role.GENERAL_MANAGER).order_by("pk"))
        for item in overdue:

            def overdue_message(item=item):
                return (
                    _("Overdue action item: %(title)s") % {"title": item.title},
                    _("%(owner)s's action item was due %(due)s and is still open.")
                    % {"owner": item.owner.display_name, "due": item.due_on.isoformat()},
                )

            escalated += len(
                notify(
                    recipients=_escalation_targets(item.owner, general_managers),
                    kind=NotificationKind.ACTION_ITEM_OVERDUE,
                    key=f"action_item_overdue:{item.pk}:{day.isoformat()}",
                    message=overdue_message,
                    url=_item_url(item),
                )
            )
    return ReminderRun(working_day=True, reminded=reminded, escalated=escalated)
