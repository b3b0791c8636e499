"""/api/v1/filing-board/: who filed what, per rep and day, for the team the caller follows (DESIGN §2)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors.board import filing_board
from ..serializers.board import FilingBoardSerializer


class FilingBoardView(APIView):
    """One object, not a list: the grid is bounded by the team and the 7 days, so it is not paginated."""

    @extend_schema(
        tags=["daily reports"],
        summary=_("The filing board: reps × 7 days with each day's filing status"),
        description=_(
            "A sales manager sees the active reps of their region subtree; the sales director, the general manager "
            "and marketing the whole company. Rows with the most missing days come first."
        ),
        parameters=[
            OpenApiParameter("region", OpenApiTypes.INT, description=_("Only reps in this region or below (id).")),
            OpenApiParameter("end", OpenApiTypes.DATE, description=_("The last day shown (default today).")),
            OpenApiParameter("week", OpenApiTypes.STR, description=_("Instead of end: an ISO week, e.g. 2026-W05.")),
        ],
        responses={
            200: FilingBoardSerializer,
            400: OpenApiResponse(description=_("An unknown region, a region outside your territory, a bad date.")),
            403: OpenApiResponse(description=_("Your role does not follow a team's filing.")),
        },
    )
    def get(self, request):
        board = filing_board(user=request.user, params=request.query_params)
        return Response(FilingBoardSerializer(board).data)


urlpatterns = [path("filing-board/", FilingBoardView.as_view(), name="filing-board")]
