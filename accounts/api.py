"""/api/v1/auth/token/, /api/v1/me/, /api/v1/regions/."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .filters import RegionFilter
from .forms import TOO_MANY_ATTEMPTS
from .permissions import can_view_region, can_view_regions
from .selectors import region_list, user_with_profile
from .serializers import MeSerializer, RegionSerializer, TokenRequestSerializer, TokenResponseSerializer
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
