"""API of joint meetings and action items: /api/v1/meetings/, /api/v1/action-items/.

Reads go through ``coordination.selectors.meetings`` (what a user may not read is a 404, the same as a missing id);
writes through ``coordination.services.meetings``. Who may write is asked before the input is read, so someone who
may read but not act gets a 403 whatever they send.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Department, User
from accounts.serializers import UserRefSerializer

from ..filters import ActionItemFilter
from ..models import ActionItem, JointMeeting
from ..permissions import can_close_action_item, can_edit_meeting, can_manage_action_item, can_organise_meetings
from ..selectors.meetings import (
    action_item_get_for_user,
    action_items_for,
    meeting_get_for_user,
    meetings_for,
)
from ..services import meetings as services

# --- serializers -------------------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class MonthField(serializers.Field):
    """A month as "YYYY-MM" (a full date is accepted and read as its month)."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_internal_value(self, data) -> datetime.date:
        text = str(data).strip()
        try:
            if len(text) == 7:
                return datetime.date.fromisoformat(f"{text}-01")
            return datetime.date.fromisoformat(text).replace(day=1)
        except ValueError:
            pass
        self.fail("invalid")

    def to_representation(self, value: datetime.date) -> str:
        return value.strftime("%Y-%m")


@extend_schema_field({"type": "string", "enum": Department.Code.values, "nullable": True})
class DepartmentCodeField(serializers.SlugRelatedField):
    """A department by its code (marketing, sales, hr, management)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Department.objects.all())
        super().__init__(**kwargs)


class PersonSerializer(UserRefSerializer):
    department = DepartmentCodeField(read_only=True)

    class Meta(UserRefSerializer.Meta):
        fields = [*UserRefSerializer.Meta.fields, "department"]


class ActionItemSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)
    department = DepartmentCodeField(read_only=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text=_("Open and due before today."))

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "department",
            "due_on",
            "status",
            "overdue",
            "outcome",
            "meeting",
            "closed_at",
            "closed_by",
            "created_at",
        ]

    def get_overdue(self, item: ActionItem) -> bool:
        today = self.context.setdefault("today", timezone.localdate())
        return item.status == ActionItem.Status.OPEN and item.due_on < today


class MeetingSerializer(serializers.ModelSerializer):
    month = MonthField()
    created_by = UserRefSerializer(read_only=True)
    attendee_count = serializers.IntegerField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    open_item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "month",
            "date",
            "location",
            "status",
            "attendee_count",
            "item_count",
            "open_item_count",
            "created_by",
        ]


class MeetingDetailSerializer(serializers.ModelSerializer):
    month = MonthField()
    created_by = UserRefSerializer(read_only=True)
    attendees = PersonSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "month",
            "date",
            "location",
            "status",
            "attendees",
            "agenda",
            "minutes",
            "action_items",
            "created_by",
            "created_at",
            "updated_at",
        ]


def _attendees_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(is_active=True).select_related("department"), **kwargs
    )


class MeetingCreateSerializer(serializers.Serializer):
    month = MonthField(help_text=_("The month the meeting reviews, YYYY-MM; one meeting per month."))
    date = serializers.DateField(help_text=_("The day it is held: on or after the first day of the month."))
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attendees = _attendees_field(required=False, default=list, help_text=_("User ids; each is invited."))


class MeetingUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text=_("A new date invites the attendees again."))
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    agenda = serializers.CharField(required=False, allow_blank=True)
    attendees = _attendees_field(required=False, help_text=_("User ids: the whole list (it replaces the old one)."))


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, help_text=_("What was discussed and decided."))
    attendees = _attendees_field(
        required=False, help_text=_("Who actually came, if not the invited list (both departments needed).")
    )


class ActionItemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.select_related("department"))
    department = DepartmentCodeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Department code; the owner's by default."),
    )
    due_on = serializers.DateField(help_text=_("Today or later."))
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=JointMeeting.objects.all(), required=False, allow_null=True, default=None
    )


class ActionItemUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.select_related("department"), required=False)
    department = DepartmentCodeField(required=False)
    due_on = serializers.DateField(required=False)
    meeting = serializers.PrimaryKeyRelatedField(queryset=JointMeeting.objects.all(), required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("What was done."))


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Why it is dropped."))


# --- views -------------------------------------------------------------------------------------------------------

_NOT_FOUND_MEETING = OpenApiResponse(description=_("No such meeting among those you may read."))
_NOT_FOUND_ITEM = OpenApiResponse(description=_("No such action item among those you may read."))
_INVALID = OpenApiResponse(description=_("Invalid input: a message per field."))
_NOT_ORGANISER = OpenApiResponse(description=_("Only organisers (marketing manager, sales director, general manager)."))
_CONFLICT = OpenApiResponse(description=_("The action item is no longer open (or already open)."))


def _require(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(summary=_("Joint meetings I may read, newest month first")),
    retrieve=extend_schema(
        summary=_("One joint meeting: agenda, attendees, minutes, action items"),
        responses={200: MeetingDetailSerializer, 404: _NOT_FOUND_MEETING},
    ),
    create=extend_schema(
        summary=_("Organise the joint meeting of a month"),
        description=_(
            "One meeting per month. The agenda starts with the action items still open from earlier meetings, "
            "then the standing items. Attendees are invited."
        ),
        request=MeetingCreateSerializer,
        responses={201: MeetingDetailSerializer, 400: _INVALID, 403: _NOT_ORGANISER},
    ),
    partial_update=extend_schema(
        summary=_("Change a meeting's date, place, agenda or attendees"),
        request=MeetingUpdateSerializer,
        responses={200: MeetingDetailSerializer, 400: _INVALID, 403: _NOT_ORGANISER, 404: _NOT_FOUND_MEETING},
    ),
)
class MeetingViewSet(viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    queryset = JointMeeting.objects.none()  # for the schema; every action reads through the selectors
    lookup_value_regex = "[0-9]+"

    def _detail(self, pk: int) -> dict:
        meeting = meeting_get_for_user(user=self.request.user, pk=pk)
        return MeetingDetailSerializer(meeting, context={"today": timezone.localdate()}).data

    def list(self, request):
        page = self.paginate_queryset(meetings_for(user=request.user))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self._detail(int(pk)))

    def create(self, request):
        _require(can_organise_meetings(request.user), _("Only organisers create joint meetings."))
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_create(user=request.user, **serializer.validated_data)
        return Response(self._detail(meeting.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        meeting = meeting_get_for_user(user=request.user, pk=int(pk))
        _require(can_edit_meeting(request.user), _("Only organisers edit joint meetings."))
        serializer = MeetingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.meeting_update(user=request.user, meeting=meeting, **serializer.validated_data)
        return Response(self._detail(meeting.pk))

    @extend_schema(
        summary=_("Record the minutes: the meeting is held"),
        description=_(
            "Needs minutes, a date not after today, and attendees from both marketing and sales (the invited list "
            "unless ``attendees`` says who came). Recording again corrects them."
        ),
        request=MinutesSerializer,
        responses={200: MeetingDetailSerializer, 400: _INVALID, 403: _NOT_ORGANISER, 404: _NOT_FOUND_MEETING},
    )
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = meeting_get_for_user(user=request.user, pk=int(pk))
        _require(can_edit_meeting(request.user), _("Only organisers record minutes."))
        serializer = MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.meeting_record_minutes(user=request.user, meeting=meeting, **serializer.validated_data)
        return Response(self._detail(meeting.pk))


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Action items I may read"),
        description=_("``mine=true`` lists only my own. Oldest due first."),
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL, description=_("Only the items I own.")),
        ],
        responses={200: ActionItemSerializer(many=True), 400: _INVALID},
    ),
    retrieve=extend_schema(summary=_("One action item"), responses={200: ActionItemSerializer, 404: _NOT_FOUND_ITEM}),
    create=extend_schema(
        summary=_("Create an action item (organisers); its owner is notified"),
        request=ActionItemCreateSerializer,
        responses={201: ActionItemSerializer, 400: _INVALID, 403: _NOT_ORGANISER},
    ),
    partial_update=extend_schema(
        summary=_("Edit or reassign an open action item (organisers)"),
        request=ActionItemUpdateSerializer,
        responses={200: ActionItemSerializer, 400: _INVALID, 403: _NOT_ORGANISER, 404: _NOT_FOUND_ITEM, 409: _CONFLICT},
    ),
)
class ActionItemViewSet(viewsets.GenericViewSet):
    serializer_class = ActionItemSerializer
    queryset = ActionItem.objects.none()  # for the schema; every action reads through the selectors
    lookup_value_regex = "[0-9]+"
    filterset_class = ActionItemFilter

    def _item(self, pk) -> ActionItem:
        return action_item_get_for_user(user=self.request.user, pk=int(pk))

    def _answer(self, item: ActionItem, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(ActionItemSerializer(self._item(item.pk)).data, status=status_code)

    def list(self, request):
        filters = request.query_params.copy()
        mine = filters.pop("mine", ["false"])[-1] in ("true", "1")
        items = action_items_for(user=request.user, filters=filters, mine=mine)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(
            ActionItemSerializer(page, many=True, context={"today": timezone.localdate()}).data
        )

    def retrieve(self, request, pk=None):
        return Response(ActionItemSerializer(self._item(pk)).data)

    def create(self, request):
        _require(can_manage_action_item(request.user), _("Only organisers create action items."))
        serializer = ActionItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_create(user=request.user, **serializer.validated_data)
        return self._answer(item, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        item = self._item(pk)
        _require(can_manage_action_item(request.user), _("Only organisers edit action items."))
        serializer = ActionItemUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_update(user=request.user, item=item, **serializer.validated_data)
        return self._answer(item)

    @extend_schema(
        summary=_("Close an action item as done, with its outcome (its owner or an organiser)"),
        request=CloseSerializer,
        responses={200: ActionItemSerializer, 400: _INVALID, 403: _NOT_ORGANISER, 404: _NOT_FOUND_ITEM, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = self._item(pk)
        _require(can_close_action_item(request.user, item), _("Only its owner or an organiser closes an action item."))
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_close(user=request.user, item=item, outcome=serializer.validated_data["outcome"])
        return self._answer(item)

    @extend_schema(
        summary=_("Cancel an action item, with the reason (organisers)"),
        request=CancelSerializer,
        responses={200: ActionItemSerializer, 400: _INVALID, 403: _NOT_ORGANISER, 404: _NOT_FOUND_ITEM, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        item = self._item(pk)
        _require(can_manage_action_item(request.user), _("Only organisers cancel action items."))
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_cancel(user=request.user, item=item, reason=serializer.validated_data["reason"])
        return self._answer(item)

    @extend_schema(
        summary=_("Reopen a done or cancelled action item (organisers)"),
        request=None,
        responses={200: ActionItemSerializer, 403: _NOT_ORGANISER, 404: _NOT_FOUND_ITEM, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        item = self._item(pk)
        _require(can_manage_action_item(request.user), _("Only organisers reopen action items."))
        item = services.action_item_reopen(user=request.user, item=item)
        return self._answer(item)


router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
