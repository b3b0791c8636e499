"""Pages around filed reports: the report list (a rep's history with the days they missed, or the reports a reader
may see, filtered), one report read-only with its amendments and marketing's answers, and the filing board.

Reads go through ``feedback.selectors.reports`` and ``feedback.selectors.board``: a report the user may not see is
a 404; a page their role does not use is a 403 with the reason. The editor's pages (new, edit, amend, today) belong
to ``feedback.views.reports``; they are linked by path so each area can change without breaking the other.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from coordination.pages import paginate

from ..models import DailyReport, ReportStatus
from ..permissions import (
    NOT_FOR_YOUR_ROLE,
    can_amend_report,
    can_edit_report,
    can_file_reports,
    can_open_reports,
    is_sales_manager,
    reads_all_field_data,
)
from ..selectors.board import (
    board_regions,
    filing_board,
    filing_team,
    report_missing_days,
    report_page,
)
from ..selectors.reports import DailyReportFilter, report_list


def _reads_others(user) -> bool:
    """Managers and company readers get the filtered list; a rep gets their own history."""
    return is_sales_manager(user) or reads_all_field_data(user)


@login_required
@require_safe
def report_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_open_reports(user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    if not _reads_others(user):
        return render(
            request,
            "feedback/report_list.html",
            {
                "mine": True,
                "page_obj": paginate(request, report_list(user=user)),
                "missing_days": report_missing_days(rep=user),
                "can_file": can_file_reports(user),
            },
        )
    filterset = DailyReportFilter(request.GET, queryset=DailyReport.objects.none())
    reports = report_list(user=user, filters=request.GET) if filterset.is_valid() else DailyReport.objects.none()
    return render(
        request,
        "feedback/report_list.html",
        {
            "mine": False,
            "page_obj": paginate(request, reports),
            "filter_form": filterset.form,
            "filtered": any(request.GET.get(name) for name in filterset.form.fields),
            "reps": filing_team(user).order_by("last_name", "first_name", "username"),
            "regions": board_regions(user),
            "statuses": ReportStatus.choices,
            "can_file": can_file_reports(user),
            "board_visible": True,
        },
    )


@login_required
@require_safe
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_open_reports(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    page = report_page(user=request.user, pk=pk)
    return render(
        request,
        "feedback/report_detail.html",
        {
            "page": page,
            "report": page.report,
            "can_edit": can_edit_report(request.user, page.report),
            "can_amend": can_amend_report(request.user, page.report),
            "own": page.report.rep_id == request.user.pk,
        },
    )


@login_required
@require_safe
def filing_board_view(request: HttpRequest) -> HttpResponse:
    errors = {}
    try:
        board = filing_board(user=request.user, params=request.GET)
    except ValidationError as error:
        errors = error.message_dict
        board = filing_board(user=request.user)
    return render(
        request,
        "feedback/board.html",
        {
            "board": board,
            "errors": errors,
            "regions": board_regions(request.user),
        },
        status=400 if errors else 200,
    )


urlpatterns = [
    path("reports/", report_list_view, name="report_list"),
    path("reports/board/", filing_board_view, name="filing_board"),
    path("reports/<int:pk>/", report_detail_view, name="report_detail"),
]
