"""Pages of joint meetings and action items.

Reads go through ``coordination.selectors.meetings`` (what a user may not read is a 404); writes through
``coordination.services.meetings``, whose messages land on the forms' fields; a state conflict (an item closed
meanwhile) is shown as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .errors import Conflict
from .forms import ActionItemForm, CancelForm, CloseForm, MeetingEditForm, MeetingForm, MinutesForm
from .models import ActionItem, JointMeeting
from .pages import form_add_service_errors, paginate
from .permissions import (
    can_close_action_item,
    can_edit_meeting,
    can_manage_action_item,
    can_organise_meetings,
    reads_all_meetings,
)
from .selectors.meetings import (
    action_item_get_for_user,
    action_items_for,
    attendees_by_department,
    meeting_carried_items,
    meeting_get_for_user,
    meetings_for,
)
from .services import meetings as services


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page_obj = paginate(request, meetings_for(user=request.user))
    return render(
        request,
        "coordination/meeting_list.html",
        {"page_obj": page_obj, "can_organise": can_organise_meetings(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require(can_organise_meetings(request.user), _("Only organisers create joint meetings."))
    today = timezone.localdate()
    form = MeetingForm(request.POST or None, initial={"month": today.replace(day=1), "date": today})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The joint meeting is organised and the attendees are invited."))
            return redirect("coordination:meeting_detail", meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"form": form, "meeting": None},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request: HttpRequest, meeting: JointMeeting, *, status: int = 200, **forms) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    organiser = can_edit_meeting(user)
    items = sorted(meeting.action_items.all(), key=lambda item: (item.due_on, item.pk))
    context = {
        "meeting": meeting,
        "today": today,
        "groups": attendees_by_department(meeting),
        "items": [{"item": item, "overdue": item.status == "open" and item.due_on < today} for item in items],
        "carried": [{"item": item, "overdue": item.due_on < today} for item in meeting_carried_items(meeting=meeting)],
        "can_edit": organiser,
        "minutes_form": forms.get("minutes_form")
        or (MinutesForm(initial={"minutes": meeting.minutes}) if organiser else None),
        "item_form": forms.get("item_form") or (ActionItemForm() if organiser else None),
    }
    return render(request, "coordination/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, meeting_get_for_user(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    _require(can_edit_meeting(request.user), _("Only organisers edit joint meetings."))
    initial = {
        "date": meeting.date,
        "location": meeting.location,
        "agenda": meeting.agenda,
        "attendees": list(meeting.attendees.all()),
    }
    form = MeetingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("coordination:meeting_detail", meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"form": form, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    _require(can_edit_meeting(request.user), _("Only organisers record minutes."))
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_record_minutes(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are recorded: the meeting is held."))
            return redirect("coordination:meeting_detail", meeting.pk)
    return _detail(request, meeting, status=400, minutes_form=form)


@login_required
@require_POST
def meeting_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    _require(can_manage_action_item(request.user), _("Only organisers create action items."))
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.action_item_create(user=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Action item created; %(name)s is notified.") % {"name": item.owner.display_name}
            )
            return redirect("coordination:meeting_detail", meeting.pk)
    return _detail(request, meeting, status=400, item_form=form)


@login_required
def action_item_list(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    scope = "all" if request.GET.get("scope") == "all" else "mine"
    filters = request.GET.copy()
    for name in ("scope", "page"):
        filters.pop(name, None)
    if not filters:
        filters["status"] = ActionItem.Status.OPEN
    from .filters import ActionItemFilter

    filter_form = ActionItemFilter(filters, queryset=ActionItem.objects.none()).form
    try:
        items = action_items_for(user=user, filters=filters, today=today, mine=scope == "mine")
    except ValidationError:
        items, status = ActionItem.objects.none(), 400
        filter_form.is_valid()
    else:
        status = 200
    page_obj = paginate(request, items)
    return render(
        request,
        "coordination/action_item_list.html",
        {
            "page_obj": page_obj,
            "rows": [{"item": item, "overdue": item.status == "open" and item.due_on < today} for item in page_obj],
            "scope": scope,
            "filter_form": filter_form,
            "statuses": ActionItem.Status.choices,
            "selected_statuses": filters.getlist("status"),
            "filtered": any(k != "status" for k in filters) or filters.getlist("status") != ["open"],
            "reads_all": reads_all_meetings(user),
            "can_manage": can_manage_action_item(user),
        },
        status=status,
    )


def _item_page(request: HttpRequest, item: ActionItem, *, status: int = 200, **forms) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    is_open = item.status == ActionItem.Status.OPEN
    manage = can_manage_action_item(user)
    edit_form = forms.get("edit_form")
    if edit_form is None and manage and is_open:
        edit_form = ActionItemForm(
            initial={
                "title": item.title,
                "description": item.description,
                "owner": item.owner_id,
                "department": item.department_id,
                "due_on": item.due_on,
            }
        )
    context = {
        "item": item,
        "overdue": is_open and item.due_on < today,
        "close_form": forms.get("close_form")
        or (CloseForm() if is_open and can_close_action_item(user, item) else None),
        "cancel_form": forms.get("cancel_form") or (CancelForm() if is_open and manage else None),
        "edit_form": edit_form if is_open else None,
        "can_reopen": manage and not is_open,
    }
    return render(request, "coordination/action_item_detail.html", context, status=status)


@login_required
def action_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, action_item_get_for_user(user=request.user, pk=pk))


def _item_action(request: HttpRequest, pk: int, *, allowed, form_class, form_name: str, run, done: str):
    item = action_item_get_for_user(user=request.user, pk=pk)
    _require(allowed(request.user, item), _("You may not do this on this action item."))
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            run(item, form.cleaned_data if form else {})
        except ValidationError as error:
            form_add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("coordination:action_item_detail", item.pk)
        else:
            messages.success(request, done)
            return redirect("coordination:action_item_detail", item.pk)
    return _item_page(request, action_item_get_for_user(user=request.user, pk=pk), status=400, **{form_name: form})


@login_required
@require_POST
def action_item_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        allowed=can_close_action_item,
        form_class=CloseForm,
        form_name="close_form",
        run=lambda item, data: services.action_item_close(user=request.user, item=item, outcome=data["outcome"]),
        done=_("The action item is done."),
    )


@login_required
@require_POST
def action_item_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        allowed=lambda user, item: can_manage_action_item(user),
        form_class=CancelForm,
        form_name="cancel_form",
        run=lambda item, data: services.action_item_cancel(user=request.user, item=item, reason=data["reason"]),
        done=_("The action item is cancelled."),
    )


@login_required
@require_POST
def action_item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        allowed=lambda user, item: can_manage_action_item(user),
        form_class=None,
        form_name="",
        run=lambda item, data: services.action_item_reopen(user=request.user, item=item),
        done=_("The action item is open again."),
    )


@login_required
@require_POST
def action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        allowed=lambda user, item: can_manage_action_item(user),
        form_class=ActionItemForm,
        form_name="edit_form",
        run=lambda item, data: services.action_item_update(user=request.user, item=item, **_changed(item, data)),
        done=_("The action item is saved."),
    )


def _changed(item: ActionItem, data: dict) -> dict:
    """Only the fields the form changed (an unchanged past due date stays allowed)."""
    data = dict(data)
    if data.get("department") is None:
        data["department"] = data["owner"].department if data.get("owner") else None
    return {name: value for name, value in data.items() if getattr(item, name) != value}


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/items/new/", meeting_item_new, name="meeting_item_new"),
    path("action-items/", action_item_list, name="action_item_list"),
    path("action-items/<int:pk>/", action_item_detail, name="action_item_detail"),
    path("action-items/<int:pk>/close/", action_item_close, name="action_item_close"),
    path("action-items/<int:pk>/cancel/", action_item_cancel, name="action_item_cancel"),
    path("action-items/<int:pk>/reopen/", action_item_reopen, name="action_item_reopen"),
    path("action-items/<int:pk>/edit/", action_item_edit, name="action_item_edit"),
]
