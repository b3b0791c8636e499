"""The daily report page: a new report, a draft's edit, an amendment of a submitted report, and today's shortcut.

One server-rendered form with the nine sections; it works without JavaScript (a blank row per section, errors next
to each input, nothing typed is lost) and static/js/report_form.js adds rows, autosave, photos and the live "what
is missing" panel. Posted fields become the API's ``sections`` in ``feedback.forms.reports`` and are validated by
the API's serializers, then written by ``feedback.services.reports`` — the page and the API cannot disagree.

Autosave posts the same form with ``Accept: application/json`` and gets ``{"ok", "id", "edit_url", "errors",
"missing", "saved_at", "version"}``. An autosaved draft keeps the rows that are valid so far (a row being typed is
reported, not saved); an explicit "Save draft" or "Submit" saves all or nothing.
"""

import datetime
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from rest_framework import serializers

from ..forms.reports import (
    FormErrors,
    Positions,
    PostedSection,
    build_sections,
    drop_rows,
    parse_sections,
    posted_from_report,
    posted_missing,
    sections_payload,
)
from ..models import SECTION_MODELS, DailyReport, Section
from ..permissions import can_amend_report, can_edit_report, can_file_reports
from ..selectors.report_form import report_form_choices
from ..selectors.reports import report_detail, report_get_for_user, report_sections
from ..serializers.reports import AmendmentInputSerializer, DailyReportInputSerializer, DailyReportUpdateSerializer
from ..services.reports import ReportInvalid, report_amend, report_create, report_date_errors, report_update
from ..services.reports import today as report_today

NEW, EDIT, AMEND = "new", "edit", "amend"


class _Refused(Exception):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _detail_url(report: DailyReport) -> str:
    """The report's page (another area's); the home page while it does not exist."""
    try:
        return reverse("feedback:report_detail", args=[report.pk])
    except NoReverseMatch:
        return reverse("home")


def _edit_url(report: DailyReport) -> str:
    return reverse("feedback:report_edit", args=[report.pk])


def _validated(serializer_class: type[serializers.Serializer], data: dict) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise _Refused(serializer.errors)
    return serializer.validated_data


def _save(step: Callable[[dict], object], payload: dict, positions: Positions, *, autosave: bool):
    """Run ``step`` (validate, then call the service) on ``payload``. An autosave whose only problems are rows
    saves the other rows (up to twice: the serializer's round, then the service's). Returns (result, errors)."""
    errors = FormErrors()
    for _round in range(3):
        try:
            return step(payload), errors
        except (_Refused, ReportInvalid) as refused:
            found = FormErrors().collect(refused.errors, positions)
            errors.merge(found)
            if not (autosave and found.only_rows):
                return None, errors
            payload, positions = drop_rows(payload, positions, found.failing_rows())
    return None, errors


def _saved_missing(posted: dict[str, PostedSection], errors: FormErrors) -> list[str]:
    """Sections the saved draft still lacks: rows an autosave left out (still being filled) do not count."""
    failing = errors.failing_rows()
    return [
        key
        for key, section in posted.items()
        if not section.nothing and not any((key, row.index) not in failing for row in section.filled_rows())
    ]


def _json(*, ok: bool, report: DailyReport | None, errors: FormErrors, posted, status: int = 200) -> JsonResponse:
    now = timezone.localtime()
    return JsonResponse(
        {
            "ok": ok,
            "id": report.pk if report else None,
            "edit_url": _edit_url(report) if report and not report.is_submitted else None,
            "errors": errors.as_json(),
            "missing": _saved_missing(posted, errors) if ok else posted_missing(posted),
            "saved_at": time_format(now, "H:i") if ok else None,
            "version": report.updated_at.isoformat() if report else None,
        },
        status=status,
    )


def _parse_day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _render(
    request: HttpRequest,
    *,
    mode: str,
    posted: dict[str, PostedSection],
    date: datetime.date,
    report: DailyReport | None = None,
    errors: FormErrors | None = None,
    client_uuid: str = "",
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = errors or FormErrors()
    user = request.user
    choices = report_form_choices(rep=user, date=date, today=report_today())
    sections = build_sections(posted, choices=choices, errors=errors)
    missing = [(key, str(Section(key).label)) for key in posted_missing(posted)]
    if mode == NEW:
        action = reverse("feedback:report_new") + f"?date={date.isoformat()}"
    elif mode == EDIT:
        action = _edit_url(report)
    else:
        action = reverse("feedback:report_amend", args=[report.pk])
    return render(
        request,
        "feedback/report_form.html",
        {
            "mode": mode,
            "report": report,
            "date": date,
            "sections": sections,
            "errors": errors,
            "missing": missing,
            "action_url": action,
            "client_uuid": client_uuid,
            "reason": reason,
            "last_outlet": choices.last_outlet,
            "date_closed": report_date_errors(date) if mode == EDIT else [],
            "storage_key": f"report-{report.pk}" if report else f"new-{user.pk}-{date.isoformat()}",
            "version": report.updated_at.isoformat() if report else "new",
            "detail_url": _detail_url(report) if report else "",
            "photo_upload_url": reverse("api:photo-list"),
        },
        status=status,
    )


def _refuse_role(user) -> None:
    if not can_file_reports(user):
        raise PermissionDenied(_("Your role does not file daily reports."))


@login_required
@require_safe
def report_today_view(request: HttpRequest) -> HttpResponse:
    """Today's report: the new page, the draft's edit page, or the submitted report."""
    _refuse_role(request.user)
    report = DailyReport.objects.filter(rep=request.user, date=report_today()).first()
    if report is None:
        return redirect("feedback:report_new")
    return redirect(_detail_url(report) if report.is_submitted else _edit_url(report))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _refuse_role(user)
    source = request.POST if request.method == "POST" else request.GET
    date = _parse_day(source.get("date")) or report_today()
    if request.method != "POST":
        existing = DailyReport.objects.filter(rep=user, date=date).first()
        if existing is not None:
            return redirect(_detail_url(existing) if existing.is_submitted else _edit_url(existing))
        if closed := report_date_errors(date):
            return render(
                request,
                "feedback/report_form_closed.html",
                {"messages_closed": closed, "date": date, "today": report_today()},
                status=400,
            )
        posted = {key: PostedSection(key=key) for key in SECTION_MODELS}
        return _render(request, mode=NEW, posted=posted, date=date, client_uuid=str(uuid.uuid4()))

    posted = parse_sections(request.POST)
    client_uuid = request.POST.get("client_uuid", "")
    autosave = _wants_json(request)
    submit = request.POST.get("action") == "submit" and not autosave

    def step(sections_payload_: dict, *, submit: bool = submit):
        data = _validated(
            DailyReportInputSerializer,
            {"date": date.isoformat(), "client_uuid": client_uuid, "sections": sections_payload_, "submit": submit},
        )
        report, created = report_create(rep=user, **data)
        if not created and can_edit_report(user, report):
            # The same form posted again (a retry, or an autosave that raced the button): update that draft.
            report = report_update(rep=user, report=report, sections=data["sections"], submit=data["submit"])
        return report

    payload, positions = sections_payload(posted)
    report, errors = _save(step, payload, positions, autosave=autosave)
    if report is None and submit and _only_incomplete(errors):
        report, _errors = _save(lambda p: step(p, submit=False), payload, positions, autosave=False)
    return _answer(
        request,
        mode=NEW,
        report=report,
        saved=report is not None,
        errors=errors,
        posted=posted,
        date=date,
        client_uuid=client_uuid,
    )


def _only_incomplete(errors: FormErrors) -> bool:
    """Submitting failed only because sections are missing: the draft itself can still be saved."""
    return (
        bool(errors.sections)
        and not (errors.fields or errors.rows or errors.reason)
        and all(key in SECTION_MODELS for key in errors.sections)
    )


def _answer(request, *, mode, report, saved: bool, errors: FormErrors, posted, date, client_uuid="") -> HttpResponse:
    """After a save: JSON for the autosave; a redirect when all went well; the page again with the errors."""
    if _wants_json(request):
        return _json(ok=saved, report=report, errors=errors, posted=posted, status=200 if saved else 400)
    if saved and not errors:
        if report.is_submitted:
            messages.success(request, _("Your report for %(date)s is submitted. Thank you!") % {"date": report.date})
            return redirect(_detail_url(report))
        messages.success(request, _("The draft is saved. Submit it when all nine sections are done."))
        return redirect(_edit_url(report))
    if report is not None and not report.is_submitted:
        mode = EDIT
    try:
        uuid.UUID(client_uuid)
    except ValueError:
        client_uuid = str(uuid.uuid4())
    return _render(
        request, mode=mode, posted=posted, date=date, report=report, errors=errors, client_uuid=client_uuid, status=400
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = report_get_for_user(user=user, pk=pk)
    if not can_edit_report(user, report):
        raise PermissionDenied(
            _("A submitted report is never changed: amend it instead.")
            if report.is_submitted and report.rep_id == user.pk
            else _("Only the rep who files a report can change it, while it is a draft.")
        )
    if request.method != "POST":
        posted = posted_from_report(report_sections(report=report_detail(user=user, pk=report.pk)))
        return _render(request, mode=EDIT, posted=posted, date=report.date, report=report)

    posted = parse_sections(request.POST)
    autosave = _wants_json(request)
    submit = request.POST.get("action") == "submit" and not autosave

    def step(sections_payload_: dict, *, submit: bool = submit):
        data = _validated(DailyReportUpdateSerializer, {"sections": sections_payload_, "submit": submit})
        return report_update(rep=user, report=report, **data)

    payload, positions = sections_payload(posted)
    saved, errors = _save(step, payload, positions, autosave=autosave)
    if saved is None and submit and _only_incomplete(errors):
        saved, _errors = _save(lambda p: step(p, submit=False), payload, positions, autosave=False)
    return _answer(
        request,
        mode=EDIT,
        report=saved or report,
        saved=saved is not None,
        errors=errors,
        posted=posted,
        date=report.date,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_amend_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = report_get_for_user(user=user, pk=pk)
    if not can_amend_report(user, report):
        raise PermissionDenied(
            _("Only a submitted report can be amended; change the draft instead.")
            if report.rep_id == user.pk
            else _("Only the rep who filed a report can amend it.")
        )
    if request.method != "POST":
        posted = posted_from_report(report_sections(report=report_detail(user=user, pk=report.pk)))
        return _render(
            request, mode=AMEND, posted=posted, date=report.date, report=report, client_uuid=str(uuid.uuid4())
        )

    posted = parse_sections(request.POST)
    client_uuid = request.POST.get("client_uuid", "")
    reason = request.POST.get("reason", "")
    keys = [key for key, section in posted.items() if section.amend]
    payload, positions = sections_payload(posted, keys=keys)
    errors = FormErrors()
    for key in keys:
        if not posted[key].done:
            errors.sections[key] = [_("Give the corrected rows, or mark the section 'nothing to report'.")]
    if not errors:

        def step(sections_payload_: dict):
            data = _validated(
                AmendmentInputSerializer,
                {"reason": reason, "client_uuid": client_uuid, "sections": sections_payload_},
            )
            return report_amend(rep=user, report=report, **data)

        result, errors = _save(step, payload, positions, autosave=False)
        if result is not None:
            messages.success(request, _("Your correction is recorded; the replaced lines stay visible."))
            return redirect(_detail_url(report))
    try:
        uuid.UUID(client_uuid)
    except ValueError:
        client_uuid = str(uuid.uuid4())
    return _render(
        request,
        mode=AMEND,
        posted=posted,
        date=report.date,
        report=report,
        errors=errors,
        client_uuid=client_uuid,
        reason=reason,
        status=400,
    )


urlpatterns = [
    path("reports/new/", report_new_view, name="report_new"),
    path("reports/today/", report_today_view, name="report_today"),
    path("reports/<int:pk>/edit/", report_edit_view, name="report_edit"),
    path("reports/<int:pk>/amend/", report_amend_view, name="report_amend"),
]
