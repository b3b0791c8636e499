"""/api/v1/plans/: marketing plans — draft, publish, read, acknowledge and discuss.

A plan the caller may not see answers 404 (whether or not it exists); an action on a plan they can see but may
not take answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..filters import PlanFilter
from ..models import PlanComment
from ..permissions import can_draft_plans, can_view_acknowledgements
from ..selectors.plans import (
    plan_acknowledgement_board,
    plan_comments,
    plan_for_user,
    plan_list,
    plan_snapshot,
    plan_version_get,
    plan_versions,
)
from ..serializers.plans import (
    AcknowledgementSerializer,
    AcknowledgeSerializer,
    AckRegionSerializer,
    CommentInputSerializer,
    CommentSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanListSerializer,
    PlanUpdateSerializer,
    PublishSerializer,
    ReturnSerializer,
    VersionSerializer,
)
from ..services import plans as services

_NOT_FOUND = OpenApiResponse(description=_("No such plan, or you may not see it."))
_FORBIDDEN = OpenApiResponse(description=_("You may see the plan but not do this."))
_INVALID = OpenApiResponse(description=_("Invalid input or not allowed in the plan's status: a message per field."))


@extend_schema(tags=["plans"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the plans you may see"),
        description=_(
            "Marketing and the general manager see every plan, drafts included; sales see the published plans "
            "for their region (a plan for a region reaches every region below it)."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Read a plan"),
        responses={200: PlanDetailSerializer, 404: _NOT_FOUND},
    ),
    create=extend_schema(
        summary=_("Draft a new plan (marketing)"),
        request=PlanCreateSerializer,
        responses={201: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary=_("Save the draft: plan fields and sections"),
        request=PlanUpdateSerializer,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
)
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = PlanFilter
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return plan_list(user=self.request.user)

    def get_serializer_class(self):
        return PlanListSerializer if self.action == "list" else PlanDetailSerializer

    def get_object(self):
        return plan_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, plan, status_code=status.HTTP_200_OK) -> Response:
        plan = plan_list(user=self.request.user).get(pk=plan.pk)  # fresh, with the list annotations
        context = {
            **self.get_serializer_context(),
            "draft": plan_snapshot(plan=plan),
            "allowed_actions": services.plan_allowed_actions(user=self.request.user, plan=plan),
        }
        return Response(PlanDetailSerializer(plan, context=context).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        if not can_draft_plans(request.user):
            raise PermissionDenied(_("Only marketing drafts plans."))
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_create(user=request.user, **serializer.validated_data)
        return self._detail(plan, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        sections = data.pop("sections", None)
        plan = services.plan_update(user=request.user, plan=plan, data=data, sections=sections)
        return self._detail(plan)

    # --- lifecycle ---

    @extend_schema(
        summary=_("Submit the draft for review"),
        request=None,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._detail(services.plan_submit(user=request.user, plan=self.get_object()))

    @extend_schema(
        summary=_("Return a plan in review to draft"),
        request=ReturnSerializer,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_return(user=request.user, plan=self.get_object(), **serializer.validated_data)
        return self._detail(plan)

    @extend_schema(
        summary=_("Publish the plan to sales (marketing managers)"),
        description=_("Freezes the draft as the next version and notifies every sales person in the region scope."),
        request=PublishSerializer,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.plan_publish(user=request.user, plan=self.get_object(), **serializer.validated_data)
        return self._detail(version.plan)

    @extend_schema(
        summary=_("Draft a new version of a published plan"),
        request=None,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._detail(services.plan_revise(user=request.user, plan=self.get_object()))

    @extend_schema(
        summary=_("Archive a plan"),
        request=None,
        responses={200: PlanDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._detail(services.plan_archive(user=request.user, plan=self.get_object()))

    # --- reaching sales ---

    @extend_schema(
        summary=_("Acknowledge that you have read the plan"),
        description=_("Idempotent: acknowledging the same version again returns the first acknowledgement (200)."),
        request=AcknowledgeSerializer,
        responses={
            201: AcknowledgementSerializer,
            200: AcknowledgementSerializer,
            400: _INVALID,
            403: _FORBIDDEN,
            404: _NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        plan = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = None
        if serializer.validated_data.get("version"):
            version = plan_version_get(plan=plan, number=serializer.validated_data["version"])
        acknowledgement, created = services.plan_acknowledge(user=request.user, plan=plan, version=version)
        return Response(
            AcknowledgementSerializer(acknowledgement).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["get"], summary=_("The discussion on a plan"), responses={200: CommentSerializer(many=True)}
    )
    @extend_schema(
        methods=["post"],
        summary=_("Ask a question or answer one"),
        request=CommentInputSerializer,
        responses={201: CommentSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        plan = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(plan_comments(plan=plan))
            return self.get_paginated_response(CommentSerializer(page, many=True).data)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = None
        if serializer.validated_data.get("parent"):
            parent = PlanComment.objects.filter(plan=plan, pk=serializer.validated_data["parent"]).first()
            if parent is None:
                raise ValidationError({"parent": [_("No such comment on this plan.")]})
        comment = services.plan_comment_add(
            user=request.user, plan=plan, body=serializer.validated_data["body"], parent=parent
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Published versions of a plan"), responses={200: VersionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        return Response(VersionSerializer(plan_versions(plan=self.get_object()), many=True).data)

    @extend_schema(
        summary=_("Who has acknowledged the published version, per region"),
        responses={200: AckRegionSerializer(many=True), 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def acknowledgements(self, request, pk=None):
        plan = self.get_object()
        if plan.published_version_id is None or not can_view_acknowledgements(request.user, plan):
            raise PermissionDenied(_("Only marketing and sales managers follow who has read a published plan."))
        board = plan_acknowledgement_board(plan=plan, viewer=request.user)
        return Response(AckRegionSerializer(board, many=True).data)


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")

urlpatterns = router.urls
