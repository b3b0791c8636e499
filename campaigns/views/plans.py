"""Pages of campaigns: marketing plans — list, editor (autosave, preview), reader, lifecycle, acknowledgements,
comments, versions and briefings. Thin: look the plan up for the user, validate a form, call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coordination.pages import form_add_service_errors, paginate

from ..filters import PlanFilter
from ..forms.plans import (
    AttendanceForm,
    BriefingForm,
    CommentForm,
    PlanForm,
    PublishForm,
    ReturnForm,
    SectionForm,
)
from ..models import PlanComment, PlanVersion
from ..permissions import (
    NOT_FOR_YOUR_ROLE,
    can_acknowledge_plan,
    can_comment_on_plan,
    can_draft_plans,
    can_edit_plan,
    can_manage_briefings,
    can_open_plans,
    can_view_acknowledgements,
    is_marketing,
    sees_plan_drafts,
)
from ..selectors.plans import (
    briefing_for_user,
    plan_acknowledgement_board,
    plan_acknowledgement_counts,
    plan_audience,
    plan_comments,
    plan_for_user,
    plan_invitable,
    plan_list,
    plan_sections,
    plan_snapshot,
    plan_user_acknowledged_version,
    plan_version_changes,
    plan_version_get,
    plan_versions,
)
from ..services import plans as services


def _targets_url(plan) -> str:
    """The targets grid at the plan's year and region (the plan's fourth section is its targets)."""
    return f"{reverse('campaigns:target_grid')}?year={plan.year}&region={plan.region_id}"


@login_required
def plan_list_page(request: HttpRequest) -> HttpResponse:
    if not can_open_plans(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    filterset = PlanFilter(request.GET or None)
    try:
        plans = plan_list(user=request.user, filters=request.GET)
    except ValidationError:
        plans = plan_list(user=request.user)
        messages.error(request, _("Some filters were not valid and were ignored."))
    page = paginate(request, plans)
    return render(
        request,
        "campaigns/plans/list.html",
        {
            "page_obj": page,
            "filter_form": filterset.form,
            "can_create": can_draft_plans(request.user),
            "is_sales_reader": not sees_plan_drafts(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_page(request: HttpRequest) -> HttpResponse:
    if not can_draft_plans(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Draft created. Fill in the five sections; your work is saved as you type."))
            return redirect("campaigns:plan_edit", pk=plan.pk)
    return render(request, "campaigns/plans/create.html", {"form": form})


def _editor_forms(plan, data=None):
    form = PlanForm(data, instance=plan, prefix="plan")
    sections = [
        (section, SectionForm(data, instance=section, prefix=section.kind)) for section in plan_sections(plan=plan)
    ]
    return form, sections


def _save_editor(request: HttpRequest, plan):
    """Validate the editor's forms and save through the service. Returns (ok, form, sections)."""
    form, sections = _editor_forms(plan, request.POST)
    if not (form.is_valid() and all(section_form.is_valid() for _section, section_form in sections)):
        return False, form, sections
    try:
        services.plan_update(
            user=request.user,
            plan=plan,
            data=form.cleaned_data,
            sections={section.kind: section_form.cleaned_data for section, section_form in sections},
        )
    except ValidationError as error:
        form_add_service_errors(form, error)
        return False, form, sections
    return True, form, sections


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    if request.method == "POST":
        ok, form, sections = _save_editor(request, plan)
        if ok:
            if "preview" in request.POST:
                return redirect("campaigns:plan_preview", pk=plan.pk)
            messages.success(request, _("Saved."))
            return redirect("campaigns:plan_edit", pk=plan.pk)
    else:
        form, sections = _editor_forms(plan)
    return render(
        request,
        "campaigns/plans/edit.html",
        {
            "plan": plan,
            "form": form,
            "sections": sections,
            "actions": services.plan_allowed_actions(user=request.user, plan=plan),
            "publish_form": PublishForm(),
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def plan_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The editor's autosave: the same forms and service as "Save", answered in JSON."""
    try:
        plan = plan_for_user(user=request.user, pk=pk)
    except Http404:
        return JsonResponse({"detail": _("No such plan.")}, status=404)
    if not can_edit_plan(request.user, plan):
        return JsonResponse({"detail": _("This plan cannot be edited now.")}, status=403)
    ok, form, sections = _save_editor(request, plan)
    if not ok:
        errors = {f"plan-{name}" if name != "__all__" else name: list(msgs) for name, msgs in form.errors.items()}
        for section, section_form in sections:
            errors.update({f"{section.kind}-{name}": list(msgs) for name, msgs in section_form.errors.items()})
        return JsonResponse({"detail": _("Not saved: correct the marked fields."), "errors": errors}, status=400)
    saved = timezone.localtime()
    return JsonResponse(
        {"saved_at": saved.isoformat(), "message": _("Saved at %(time)s") % {"time": saved.strftime("%H:%M:%S")}}
    )


@login_required
def plan_preview_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy exactly as sales will read it once published."""
    plan = plan_for_user(user=request.user, pk=pk)
    if not sees_plan_drafts(request.user):
        raise Http404
    return render(
        request,
        "campaigns/plans/preview.html",
        {
            "plan": plan,
            "content": plan_snapshot(plan=plan),
            "targets_url": _targets_url(plan),
            "can_edit": can_edit_plan(request.user, plan),
            "actions": services.plan_allowed_actions(user=request.user, plan=plan),
            "publish_form": PublishForm(),
            "return_form": ReturnForm(),
        },
    )


@login_required
def plan_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader: the published version (what sales read), what changed, acknowledgement and the discussion."""
    user = request.user
    plan = plan_for_user(user=user, pk=pk)
    version = plan.published_version
    if version is None and not sees_plan_drafts(user):  # pragma: no cover - plans_visible_q already hides these
        raise Http404
    changes, changes_since = [], None
    acknowledged_version = plan_user_acknowledged_version(plan=plan, user=user) if version else None
    if version and version.number > 1:
        # A reader who acknowledged an earlier version sees everything changed since; others, the last change.
        base_number = acknowledged_version.number if acknowledged_version else version.number - 1
        if base_number < version.number:
            base = plan_version_get(plan=plan, number=base_number)
            changes, changes_since = plan_version_changes(old=base.content, new=version.content), base
    context = {
        "plan": plan,
        "version": version,
        "content": version.content if version else None,
        "targets_url": _targets_url(plan),
        "changes": changes,
        "changes_since": changes_since,
        "acknowledged": acknowledged_version is not None and acknowledged_version.pk == plan.published_version_id,
        "acknowledged_version": acknowledged_version,
        "can_acknowledge": can_acknowledge_plan(user, plan),
        "can_comment": can_comment_on_plan(user, plan),
        "comments": plan_comments(plan=plan),
        "comment_form": CommentForm(),
        "briefings": plan.briefings.order_by("starts_at"),
        "sees_drafts": sees_plan_drafts(user),
        "can_edit": can_edit_plan(user, plan),
        "can_view_acknowledgements": can_view_acknowledgements(user, plan) and version is not None,
        "can_manage_briefings": can_manage_briefings(user, plan),
        "actions": services.plan_allowed_actions(user=user, plan=plan),
        "publish_form": PublishForm(),
        "return_form": ReturnForm(),
    }
    if context["can_view_acknowledgements"] and is_marketing(user):
        context["ack_counts"] = plan_acknowledgement_counts(plan=plan)
    return render(request, "campaigns/plans/detail.html", context)


@login_required
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Lifecycle buttons: submit, return, publish, revise, archive."""
    if action not in services.PLAN_TRANSITIONS:
        raise Http404
    plan = plan_for_user(user=request.user, pk=pk)
    try:
        if action == "publish":
            form = PublishForm(request.POST)
            form.is_valid()
            version = services.plan_publish(
                user=request.user, plan=plan, change_note=form.cleaned_data.get("change_note", "")
            )
            audience = plan_audience(plan=plan).count()
            messages.success(
                request,
                _("Version %(n)s published: %(count)s people in sales were notified.")
                % {"n": version.number, "count": audience},
            )
            return redirect("campaigns:plan_detail", pk=plan.pk)
        if action == "return":
            form = ReturnForm(request.POST)
            form.is_valid()
            services.plan_return(user=request.user, plan=plan, reason=form.cleaned_data.get("reason", ""))
        else:
            getattr(services, f"plan_{action}")(user=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(request.POST.get("back") or reverse("campaigns:plan_edit", args=[plan.pk]))
    notices = {
        "submit": _("Submitted for review: marketing managers were told."),
        "return": _("Back to draft."),
        "revise": _("You are drafting a new version. Sales keep reading the published one until you publish."),
        "archive": _("Archived."),
    }
    messages.success(request, notices[action])
    if action in ("revise", "return"):
        return redirect("campaigns:plan_edit", pk=plan.pk)
    if action == "submit":
        return redirect("campaigns:plan_preview", pk=plan.pk)
    return redirect("campaigns:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_acknowledge_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    version = None
    if request.POST.get("version"):
        version = PlanVersion.objects.filter(plan=plan, pk=request.POST["version"]).first()
        if version is None:
            raise Http404
    try:
        services.plan_acknowledge(user=request.user, plan=plan, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: marketing can see that you have read this version."))
    return redirect("campaigns:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_comment_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return redirect(reverse("campaigns:plan_detail", args=[plan.pk]) + "#discussion")
    parent = None
    if form.cleaned_data.get("parent"):
        parent = PlanComment.objects.filter(plan=plan, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404
    comment = services.plan_comment_add(user=request.user, plan=plan, body=form.cleaned_data["body"], parent=parent)
    return redirect(reverse("campaigns:plan_detail", args=[plan.pk]) + f"#comment-{comment.pk}")


@login_required
def plan_acknowledgements_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    if plan.published_version_id is None or not can_view_acknowledgements(request.user, plan):
        raise PermissionDenied
    board = plan_acknowledgement_board(plan=plan, viewer=request.user)
    return render(
        request,
        "campaigns/plans/acknowledgements.html",
        {
            "plan": plan,
            "board": board,
            "total": sum(group.total for group in board),
            "acknowledged": sum(group.acknowledged for group in board),
        },
    )


@login_required
def plan_versions_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    versions = list(plan_versions(plan=plan))
    selected = compare = None
    changes = []
    if request.GET.get("v"):
        try:
            selected = plan_version_get(plan=plan, number=int(request.GET["v"]))
            compare_number = int(request.GET.get("compare") or selected.number - 1)
        except ValueError as error:
            raise Http404 from error
        if compare_number >= 1 and compare_number != selected.number:
            compare = plan_version_get(plan=plan, number=compare_number)
            changes = plan_version_changes(old=compare.content, new=selected.content)
    return render(
        request,
        "campaigns/plans/versions.html",
        {"plan": plan, "versions": versions, "selected": selected, "compare": compare, "changes": changes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(user=request.user, pk=pk)
    if not can_manage_briefings(request.user, plan):
        raise PermissionDenied
    invitable = plan_invitable(plan=plan)
    form = BriefingForm(request.POST or None, invitable=invitable)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invitees = list(data.pop("invitees"))
        try:
            briefing = services.briefing_create(user=request.user, plan=plan, invitees=invitees, **data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Briefing scheduled; %(count)s people were invited.") % {"count": len(invitees)}
            )
            return redirect("campaigns:briefing_detail", pk=briefing.pk)
    return render(request, "campaigns/plans/briefing_form.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def briefing_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_for_user(user=request.user, pk=pk)
    attendance = list(
        briefing.attendance.select_related("user__region").order_by("user__region__path", "user__last_name")
    )
    manage = can_manage_briefings(request.user, briefing.plan)
    form = AttendanceForm(request.POST or None, attendance=attendance)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                count = services.briefing_record_attendance(
                    user=request.user,
                    briefing=briefing,
                    attended_user_ids={int(x) for x in form.cleaned_data["attended"]},
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Attendance recorded: %(count)s present.") % {"count": count})
                return redirect("campaigns:briefing_detail", pk=briefing.pk)
    return render(
        request,
        "campaigns/plans/briefing_detail.html",
        {
            "briefing": briefing,
            "attendance": attendance,
            "form": form,
            "can_manage": manage,
            "when": date_format(timezone.localtime(briefing.starts_at), "DATETIME_FORMAT"),
        },
    )


urlpatterns = [
    path("plans/", plan_list_page, name="plan_list"),
    path("plans/new/", plan_create_page, name="plan_create"),
    path("plans/<int:pk>/", plan_detail_page, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit_page, name="plan_edit"),
    path("plans/<int:pk>/autosave/", plan_autosave, name="plan_autosave"),
    path("plans/<int:pk>/preview/", plan_preview_page, name="plan_preview"),
    path("plans/<int:pk>/acknowledge/", plan_acknowledge_page, name="plan_acknowledge"),
    path("plans/<int:pk>/comments/", plan_comment_page, name="plan_comment"),
    path("plans/<int:pk>/acknowledgements/", plan_acknowledgements_page, name="plan_acknowledgements"),
    path("plans/<int:pk>/versions/", plan_versions_page, name="plan_versions"),
    path("plans/<int:pk>/briefings/new/", briefing_create_page, name="briefing_create"),
    path("briefings/<int:pk>/", briefing_detail_page, name="briefing_detail"),
    path("plans/<int:pk>/<slug:action>/", plan_action, name="plan_action"),
]
