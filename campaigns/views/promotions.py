"""Pages of campaigns: promotions — list with filters, calendar, detail, draft and edit forms, attachments.

Every page reads through ``campaigns.selectors.promotions`` (a promotion the user may not see is a 404) and writes
through ``campaigns.services.promotions`` (an action they may not take on a visible promotion is a 403).
"""

import datetime
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Region
from coordination.pages import form_add_service_errors, paginate

from ..filters import PromotionFilter
from ..forms.promotions import PromotionAttachmentForm, PromotionForm
from ..models import Product, Promotion, PromotionOrigin, PromotionStatus, PromotionType
from ..panels import promotion_panels
from ..permissions import NOT_FOR_YOUR_ROLE, can_draft_promotion, can_edit_promotion, can_open_promotions
from ..selectors.promotions import (
    promotion_attachment_get_for_user,
    promotion_calendar,
    promotion_get_for_user,
    promotion_list,
    week_start,
)
from ..services.promotions import (
    promotion_attachment_add,
    promotion_attachment_delete,
    promotion_create,
    promotion_update,
)

CALENDAR_WEEKS = 6
# Statuses that never reach the field are left off the calendar.
CALENDAR_STATUSES = [
    s
    for s in PromotionStatus.values
    if s not in {PromotionStatus.REJECTED, PromotionStatus.WITHDRAWN, PromotionStatus.CANCELLED}
]


@login_required
@require_safe
def promotion_list_view(request: HttpRequest) -> HttpResponse:
    if not can_open_promotions(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    filterset = PromotionFilter(request.GET, queryset=Promotion.objects.none())
    if filterset.is_valid():
        promotions = promotion_list(user=request.user, filters=request.GET)
    else:
        promotions = Promotion.objects.none()
    page = paginate(request, promotions)
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    return render(
        request,
        "campaigns/promotions/list.html",
        {
            "page_obj": page,
            "filter_form": filterset.form,
            "filtered": filtered,
            "statuses": PromotionStatus.choices,
            "origins": PromotionOrigin.choices,
            "types": PromotionType.choices,
            "regions": Region.objects.order_by("path"),
            "products": Product.objects.order_by("sku"),
            "can_draft": can_draft_promotion(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def promotion_create_view(request: HttpRequest) -> HttpResponse:
    if not can_draft_promotion(request.user):
        raise PermissionDenied(_("You may not draft promotions."))
    form = PromotionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            promotion = promotion_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("campaigns:promotion_detail", pk=promotion.pk)
    return render(request, "campaigns/promotions/form.html", {"form": form, "promotion": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def promotion_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    if not can_edit_promotion(request.user, promotion):
        raise PermissionDenied(_("Only the author can edit this promotion, while it is a draft or returned."))
    form = PromotionForm(request.POST or None, user=request.user, promotion=promotion)
    if request.method == "POST" and form.is_valid():
        try:
            promotion_update(user=request.user, promotion=promotion, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("campaigns:promotion_detail", pk=promotion.pk)
    return render(request, "campaigns/promotions/form.html", {"form": form, "promotion": promotion})


def _render_detail(request: HttpRequest, promotion: Promotion, attachment_form=None, status: int = 200):
    can_edit = can_edit_promotion(request.user, promotion)
    if can_edit and attachment_form is None:
        attachment_form = PromotionAttachmentForm()
    return render(
        request,
        "campaigns/promotions/detail.html",
        {
            "promotion": promotion,
            "can_edit": can_edit,
            "attachment_form": attachment_form if can_edit else None,
            "panels": promotion_panels(request, promotion),
        },
        status=status,
    )


@login_required
@require_safe
def promotion_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, promotion_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def promotion_attachment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    promotion = promotion_get_for_user(user=request.user, pk=pk)
    if not can_edit_promotion(request.user, promotion):
        raise PermissionDenied(_("Only the author can add attachments, while the promotion can be edited."))
    form = PromotionAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            promotion_attachment_add(user=request.user, promotion=promotion, file=form.cleaned_data["file"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("campaigns:promotion_detail", pk=promotion.pk)
    return _render_detail(request, promotion, attachment_form=form, status=400)


@login_required
@require_POST
def promotion_attachment_delete_view(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = promotion_attachment_get_for_user(user=request.user, pk=pk, attachment_id=attachment_id)
    promotion_attachment_delete(user=request.user, attachment=attachment)
    messages.success(request, _("The attachment is removed."))
    return redirect("campaigns:promotion_detail", pk=pk)


@login_required
@require_safe
def promotion_attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Attachments are only ever served through this check, never from a public media URL."""
    attachment = promotion_attachment_get_for_user(user=request.user, pk=pk, attachment_id=attachment_id)
    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _parse_start(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return week_start(datetime.date.fromisoformat(value)) if value else week_start(today)
    except ValueError:
        return week_start(today)


def _parse_weeks(value: str | None) -> int:
    try:
        return min(max(int(value), 1), 12) if value else CALENDAR_WEEKS
    except ValueError:
        return CALENDAR_WEEKS


@login_required
@require_safe
def promotion_calendar_view(request: HttpRequest) -> HttpResponse:
    if not can_open_promotions(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    today = timezone.localdate()
    start = _parse_start(request.GET.get("start"), today)
    weeks = _parse_weeks(request.GET.get("weeks"))
    calendar = promotion_calendar(
        user=request.user, start=start, weeks=weeks, today=today, filters={"status": CALENDAR_STATUSES}
    )
    return render(
        request,
        "campaigns/promotions/calendar.html",
        {
            "calendar": calendar,
            "current_columns": [index for index, week in enumerate(calendar.weeks) if week.is_current],
            "weeks_count": weeks,
            "previous_start": start - datetime.timedelta(weeks=weeks),
            "next_start": start + datetime.timedelta(weeks=weeks),
            "this_week": week_start(today),
            "showing_this_week": start <= today <= calendar.end,
        },
    )


urlpatterns = [
    path("promotions/", promotion_list_view, name="promotion_list"),
    path("promotions/new/", promotion_create_view, name="promotion_create"),
    path("promotions/calendar/", promotion_calendar_view, name="promotion_calendar"),
    path("promotions/<int:pk>/", promotion_detail_view, name="promotion_detail"),
    path("promotions/<int:pk>/edit/", promotion_edit_view, name="promotion_edit"),
    path("promotions/<int:pk>/attachments/", promotion_attachment_add_view, name="promotion_attachment_add"),
    path(
        "promotions/<int:pk>/attachments/<int:attachment_id>/",
        promotion_attachment_view,
        name="promotion_attachment",
    ),
    path(
        "promotions/<int:pk>/attachments/<int:attachment_id>/delete/",
        promotion_attachment_delete_view,
        name="promotion_attachment_delete",
    ),
]
