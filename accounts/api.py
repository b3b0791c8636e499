"""/api/v1/auth/token/, /api/v1/me/, /api/v1/regions/, /api/v1/notifications/, /api/v1/notification-preferences/."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .filters import NotificationFilter, RegionFilter
from .forms import TOO_MANY_ATTEMPTS
from .models import Notification
from .notifications import notification_mark_read, notification_preferences_for, notification_preferences_save
from .permissions import can_view_region, can_view_regions
from .selectors import notifications_for, notifications_unread_count, region_list, user_with_profile
from .serializers import (
    MarkedReadSerializer,
    MeSerializer,
    NotificationPreferenceInputSerializer,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    RegionSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UnreadCountSerializer,
)
from .services import sign_in_blocked, sign_in_record_failure, sign_in_record_success


class CanViewRegions(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_view_regions(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return can_view_region(request.user, obj)


class TokenThrottle(AnonRateThrottle):
    """Slow down password guessing: 20 attempts a minute per client address (see NUM_PROXIES in the README)."""

    rate = "20/min"


class TooManySignInAttempts(exceptions.APIException):
    status_code = 429
    default_detail = TOO_MANY_ATTEMPTS
    default_code = "too_many_attempts"


class TokenObtainApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=gettext_lazy("Missing fields or wrong credentials.")),
            429: OpenApiResponse(description=gettext_lazy("Too many attempts from this address or for this account.")),
        },
        auth=[],
        summary=gettext_lazy("Exchange a username and password for an API token"),
        description=gettext_lazy(
            "Ten wrong passwords for one account lock it for 15 minutes (429), on this endpoint and the sign-in page."
        ),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        if sign_in_blocked(username=username):
            raise TooManySignInAttempts
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None:
            sign_in_record_failure(username=username)
            raise exceptions.ValidationError({"non_field_errors": [_("Wrong username or password.")]})
        sign_in_record_success(username=username)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenResponseSerializer({"token": token.key}).data, status=status.HTTP_200_OK)


class MeApi(APIView):
    @extend_schema(responses=MeSerializer, summary=gettext_lazy("Who am I: name, department, roles, region, manager"))
    def get(self, request):
        return Response(MeSerializer(user_with_profile(user_id=request.user.pk)).data)


@extend_schema(tags=["regions"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The sales territory tree. Every signed-in user may read it. Filter with ``within`` for a subtree."""

    serializer_class = RegionSerializer
    permission_classes = [CanViewRegions]
    # The FilterSet backend applies accounts.filters.RegionFilter (and documents it in the schema); pages and
    # exports get the same filtering from the selector: region_list(filters=...).
    filterset_class = RegionFilter

    def get_queryset(self):
        return region_list()


_NOTIFICATION_NOT_FOUND = OpenApiResponse(description=gettext_lazy("No such notification among yours."))


@extend_schema(tags=["notifications"])
@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("My notifications, newest first")),
    retrieve=extend_schema(
        summary=gettext_lazy("One of my notifications"),
        responses={200: NotificationSerializer, 404: _NOTIFICATION_NOT_FOUND},
    ),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's in-app notifications. Someone else's id answers 404, like a missing one."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    lookup_value_regex = "[0-9]+"
    queryset = Notification.objects.none()  # for the schema; every action reads through the selector

    def get_queryset(self):
        return notifications_for(user=self.request.user)

    @extend_schema(
        summary=gettext_lazy("Mark one of my notifications read"),
        request=None,
        responses={200: NotificationSerializer, 404: _NOTIFICATION_NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary=gettext_lazy("Mark all my notifications read"), request=None, responses={200: MarkedReadSerializer}
    )
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request):
        return Response(MarkedReadSerializer({"marked_read": notification_mark_read(user=request.user)}).data)

    @extend_schema(
        summary=gettext_lazy("How many of my notifications are unread (for the bell)"),
        responses={200: UnreadCountSerializer},
    )
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None, pagination_class=None)
    def unread_count(self, request):
        return Response(UnreadCountSerializer({"unread": notifications_unread_count(user=request.user)}).data)


_PREFERENCES_BODY = gettext_lazy(
    'A list of choices, or one choice, each {"kind", "email", "chat"}. Kinds left out keep their choice. PUT '
    "needs both channels in each choice; PATCH may leave one out (unchanged). Answers every kind, as GET does."
)


@extend_schema(tags=["notifications"])
class NotificationPreferenceApi(APIView):
    """Which notifications reach me by e-mail and by enterprise chat, per kind; the in-app inbox always has them."""

    @extend_schema(
        summary=gettext_lazy("My channels for every kind of notification"),
        responses={200: NotificationPreferenceSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            NotificationPreferenceSerializer(notification_preferences_for(user=request.user), many=True).data
        )

    @extend_schema(
        summary=gettext_lazy("Set my channels for some kinds of notification"),
        description=_PREFERENCES_BODY,
        request=NotificationPreferenceInputSerializer(many=True),
        responses={
            200: NotificationPreferenceSerializer(many=True),
            400: OpenApiResponse(description=gettext_lazy("Unknown kind or not a true/false: a message per field.")),
        },
        examples=[
            OpenApiExample(
                "e-mail off for report reminders",
                value=[{"kind": "report_reminder", "email": False, "chat": True}],
                request_only=True,
            )
        ],
    )
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(
        summary=gettext_lazy("Change one channel for some kinds of notification"),
        description=_PREFERENCES_BODY,
        request=NotificationPreferenceInputSerializer(many=True),
        responses={
            200: NotificationPreferenceSerializer(many=True),
            400: OpenApiResponse(description=gettext_lazy("Unknown kind or not a true/false: a message per field.")),
        },
    )
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, *, partial: bool):
        many = isinstance(request.data, list)
        serializer = NotificationPreferenceInputSerializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        choices = serializer.validated_data if many else [serializer.validated_data]
        if not partial:
            missing = {
                channel: [_("This field is required.")]
                for channel in ("email", "chat")
                if any(channel not in choice for choice in choices)
            }
            if missing:
                raise exceptions.ValidationError(missing)
        preferences = notification_preferences_save(user=request.user, choices=choices)
        return Response(NotificationPreferenceSerializer(preferences, many=True).data)
