"""Pages of the joint KPIs: HR's dashboard (per person, team, department or region; ranking; 12-month trend; exports),
one person's scorecard with its trend, the facts behind a figure, and HR's schemes. People one may not read are a
404, like people who don't exist; whoever sees no one but themselves lands on their own scorecard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from .kpi_forms import GROUP_CHOICES, ROLE_CHOICES, KpiFilterForm, KpiSchemeForm
from .kpis import BY_KEY, KPI_ROLES, KPIS, kpis_for
from .pages import form_add_service_errors, paginate
from .permissions import can_manage_kpi_schemes, can_open_kpi_dashboard
from .selectors.kpi_facts import kpi_facts
from .selectors.kpis import (
    Period,
    kpi_groups,
    kpi_person,
    kpi_role_trend,
    kpi_schemes,
    kpi_scorecards,
    kpi_trend,
    kpi_weights_for,
    period_parse,
)
from .services.kpi_export import XLSX_TYPE, composite_note, kpi_csv_rows, kpi_xlsx_file
from .services.kpi_schemes import kpi_scheme_save
from .templatetags.kpi_tags import fact_is_number

PER_PAGE = 50
# Columns of the facts tables that hold prose: they wrap; every other cell (dates, figures, codes) stays on one line.
PROSE = frozenset({"text", "comment", "title", "promotion_title", "plan_title", "outlet_name"})


def _filters(request: HttpRequest) -> tuple[KpiFilterForm, dict]:
    form = KpiFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    data = {key: value for key, value in data.items() if value}
    data.setdefault("period", period_parse(""))
    form.fields["period"].widget.attrs |= {"placeholder": data["period"].key, "aria-describedby": "kpi-period-help"}
    if not form.is_bound:
        form.initial["period"] = data["period"].key
    return form, data


def _cards(request: HttpRequest, data: dict, *, role: str | None = None):
    region = data.get("region")
    return kpi_scorecards(
        user=request.user,
        period=data["period"],
        role=role if role is not None else data.get("role"),
        department=data.get("department"),
        region=region.pk if region else None,
        search=data.get("q"),
    )


def _from_first_data(trend: list[dict]) -> list[dict]:
    """The trend from its first month with facts (months before anyone worked in the system are only blank or 0
    per cent rows — a year's targets are often set before the people start)."""
    for index, point in enumerate(trend):
        if point["active"]:
            return trend[index:]
    return []


def _own_scorecard_or_404(request: HttpRequest):
    if request.user.has_role(*KPI_ROLES):
        return redirect("coordination:kpi_person", request.user.pk)
    raise Http404


@login_required
def kpi_dashboard(request: HttpRequest) -> HttpResponse:
    if not can_open_kpi_dashboard(request.user):
        return _own_scorecard_or_404(request)
    form, data = _filters(request)
    period: Period = data["period"]
    group = data.get("group", "person")
    context = {
        "form": form,
        "period": period,
        "group": group,
        "group_label": dict(GROUP_CHOICES)[group],
        "composite_note": composite_note(),
        "can_schemes": can_manage_kpi_schemes(request.user),
    }
    if group == "person":
        cards = _cards(request, data, role="")
        present = [role for role, _label in ROLE_CHOICES if any(c.role == role for c in cards)]
        role = data.get("role") or (present[0] if present else "")
        counts = {r: sum(1 for c in cards if c.role == r) for r in present}
        rows = [c for c in cards if c.role == role]
        context |= {
            "role": role,
            "role_label": dict(ROLE_CHOICES).get(role, ""),
            "roles": [(r, dict(ROLE_CHOICES)[r], counts[r]) for r in present],
            "kpis": kpis_for(role) if role else [],
            "page_obj": paginate(request, rows, per_page=PER_PAGE),
            "trend": _from_first_data(kpi_role_trend(user=request.user, period=period, role=role)) if role else [],
            "trend_kpis": [k for k in kpis_for(role) if k.unit == "pct" and not k.team][:4] if role else [],
        }
    else:
        context |= {
            "rows": kpi_groups(user=request.user, period=period, group=group, role=data.get("role")),
            "kpis": [k for k in KPIS if not k.team and (not data.get("role") or data["role"] in k.roles)],
        }
    return render(request, "coordination/kpis/dashboard.html", context)


@login_required
def kpi_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    form, data = _filters(request)
    period = data["period"]
    card = kpi_person(user=request.user, pk=pk, period=period)
    trend = _from_first_data(kpi_trend(card=card, period=period))
    return render(
        request,
        "coordination/kpis/person.html",
        {
            "card": card,
            "form": form,
            "period": period,
            "trend": trend,
            "trend_kpis": [f.kpi for f in card.figures if f.kpi.weighable][:4],
            "weights": card.weights or {k.key: 1 for k in kpis_for(card.role) if k.weighable},
            "custom_weights": bool(card.weights),
            "composite_note": composite_note(),
            "is_self": card.person_id == request.user.pk,
            "can_list": can_open_kpi_dashboard(request.user),
        },
    )


@login_required
def kpi_facts_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    _form, data = _filters(request)
    period = data["period"]
    card = kpi_person(user=request.user, pk=pk, period=period)
    facts = kpi_facts(card=card, kind=kind, period=period)
    page = paginate(request, facts.rows, per_page=PER_PAGE)
    rows = [facts.display(row) for row in page.object_list]
    aligns = [
        "num" if any(fact_is_number(row[i]) for row in rows) else "text" if key in PROSE else ""
        for i, (key, _label) in enumerate(facts.columns)
    ]
    return render(
        request,
        "coordination/kpis/facts.html",
        {
            "card": card,
            "period": period,
            "facts": facts,
            "figures": [f for f in card.figures if f.kpi.facts == kind],
            "page_obj": page,
            "columns": [(label, align) for (_key, label), align in zip(facts.columns, aligns, strict=True)],
            "rows": [list(zip(row, aligns, strict=True)) for row in rows],
        },
    )


def _export(request: HttpRequest, write) -> HttpResponse:
    """An export of the cards the filters select, written by ``write(cards, period)``. Filters that don't parse are a
    400 naming each field, never a file of something else than what was asked."""
    if not can_open_kpi_dashboard(request.user):
        raise Http404
    form, data = _filters(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            "\n".join(f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()),
            content_type="text/plain; charset=utf-8",
        )
    return write(_cards(request, data), data["period"])


def _xlsx(cards, period) -> FileResponse:
    return FileResponse(
        kpi_xlsx_file(cards, period), as_attachment=True, filename=f"kpis-{period.key}.xlsx", content_type=XLSX_TYPE
    )


def _csv(cards, period) -> StreamingHttpResponse:
    response = StreamingHttpResponse(kpi_csv_rows(cards, period), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{period.key}.csv"'
    return response


@login_required
def kpi_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, _xlsx)


@login_required
def kpi_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, _csv)


@login_required
def kpi_scheme_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_kpi_schemes(request.user):
        raise PermissionDenied(_("Only HR sets the KPI weights."))
    role = request.GET.get("role") or request.POST.get("role") or KPI_ROLES[0]
    if role not in KPI_ROLES:
        raise Http404
    month = period_parse("").first
    current = kpi_weights_for(role=role, month=month)
    if request.method == "POST":
        form = KpiSchemeForm(request.POST, role=role, weights=current)
        if form.is_valid():
            try:
                kpi_scheme_save(
                    role=role, valid_from=form.cleaned_data["valid_from"], weights=form.weights(), by=request.user
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Weights for %(role)s saved from %(month)s on.")
                    % {"role": dict(ROLE_CHOICES)[role], "month": f"{form.cleaned_data['valid_from']:%Y-%m}"},
                )
                return redirect(f"{request.path}?role={role}")
    else:
        form = KpiSchemeForm(role=role, weights=current, initial={"valid_from": month})
    return render(
        request,
        "coordination/kpis/schemes.html",
        {
            "form": form,
            "role": role,
            "roles": ROLE_CHOICES,
            "role_label": dict(ROLE_CHOICES)[role],
            "schemes": [
                {
                    "scheme": scheme,
                    "parts": [(BY_KEY[key].label, weight) for key, weight in scheme.weights.items() if key in BY_KEY],
                }
                for scheme in kpi_schemes(role=role)
            ],
            "composite_note": composite_note(),
        },
    )


urlpatterns = [
    path("kpis/", kpi_dashboard, name="kpi_dashboard"),
    path("kpis/people/<int:pk>/", kpi_person_view, name="kpi_person"),
    path("kpis/people/<int:pk>/facts/<slug:kind>/", kpi_facts_view, name="kpi_facts"),
    path("kpis/export.xlsx", kpi_export_xlsx, name="kpi_export_xlsx"),
    path("kpis/export.csv", kpi_export_csv, name="kpi_export_csv"),
    path("kpis/schemes/", kpi_scheme_view, name="kpi_schemes"),
]
