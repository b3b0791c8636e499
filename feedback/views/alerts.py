"""Pages of alerts: the triage list (open first), one alert with its facts and triage, and the alert rules.

Reads go through ``feedback.selectors.alerts`` (an alert the user may not see is a 404); writes through
``feedback.services.alerts`` (an action they may not take is a 403, an illegal move a message on the form).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Region
from campaigns.models import Brand, Promotion
from campaigns.permissions import promotions_visible_q
from coordination.pages import form_add_service_errors, paginate

from ..forms.alerts import AlertRuleForm, AlertTriageForm
from ..models import Alert, AlertKind, AlertStatus, DailyReport, Outlet
from ..permissions import (
    NOT_FOR_YOUR_ROLE,
    can_configure_alert_rules,
    can_open_alerts,
    can_triage_alerts,
    outlets_visible_q,
    reports_visible_q,
)
from ..selectors.alerts import (
    AlertFilter,
    alert_get_for_user,
    alert_list,
    alert_rule_get_for_user,
    alert_rule_list,
    alert_summary,
    alert_title,
    can_view_alert_rules,
)
from ..services.alerts import (
    alert_acknowledge,
    alert_add_note,
    alert_resolve,
    alert_rule_create,
    alert_rule_update,
)

# Badge colours of the shared stylesheet, by alert status.
STATUS_BADGES = {AlertStatus.OPEN: "todo", AlertStatus.ACKNOWLEDGED: "in_review", AlertStatus.RESOLVED: "done"}


# The facts an alert may carry in ``details``, in the order the detail page lists them.
FACT_LABELS = {
    "observed_price": gettext_lazy("Observed price"),
    "list_price": gettext_lazy("Our list price"),
    "gap_pct": gettext_lazy("Gap (%)"),
    "their_product": gettext_lazy("Their product"),
    "outlets": gettext_lazy("Outlets"),
    "lines": gettext_lazy("Merchandising lines"),
    "out_of_stock": gettext_lazy("Out of stock"),
    "rate_pct": gettext_lazy("Out-of-stock rate (%)"),
    "units": gettext_lazy("Units that day"),
    "average_units": gettext_lazy("Average units a day (4 weeks)"),
    "baseline_days": gettext_lazy("Days in the average"),
    "drop_pct": gettext_lazy("Drop (%)"),
    "complaints": gettext_lazy("Complaints"),
    "average": gettext_lazy("Average per period before"),
    "window_start": gettext_lazy("Period from"),
    "window_end": gettext_lazy("Period until"),
    "actual_price": gettext_lazy("Actual shelf price"),
    "price_floor": gettext_lazy("Price floor"),
    "price_ceiling": gettext_lazy("Price ceiling"),
    "threshold_pct": gettext_lazy("Rule threshold (%)"),
    "min_count": gettext_lazy("Rule minimum count"),
    "window_days": gettext_lazy("Rule window (days)"),
}


def _facts(alert: Alert) -> list[tuple[str, object]]:
    details = alert.details or {}
    return [(label, details[key]) for key, label in FACT_LABELS.items() if details.get(key) not in (None, "")]


def _url(name: str, *args) -> str:
    """A link to another area's page, or "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _dress(alert: Alert) -> Alert:
    """Attach the words and badge a page shows (in the reader's language)."""
    alert.display_title = alert_title(alert)
    alert.display_summary = alert_summary(alert)
    alert.badge = STATUS_BADGES.get(alert.status, "")
    return alert


@login_required
@require_safe
def alert_list_view(request: HttpRequest) -> HttpResponse:
    if not can_open_alerts(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    filterset = AlertFilter(request.GET, queryset=Alert.objects.none())
    if filterset.is_valid():
        alerts = alert_list(user=request.user, filters=request.GET, open_first=True)
    else:
        alerts = Alert.objects.none()
    page = paginate(request, alerts)
    for alert in page.object_list:
        _dress(alert)
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    return render(
        request,
        "feedback/alert_list.html",
        {
            "page_obj": page,
            "filter_form": filterset.form,
            "filtered": filtered,
            "statuses": AlertStatus.choices,
            "kinds": AlertKind.choices,
            "regions": Region.objects.order_by("path"),
            "brands": Brand.objects.filter(kind=Brand.Kind.COMPETITOR).order_by("name"),
            "selected_statuses": request.GET.getlist("status"),
            "selected_kinds": request.GET.getlist("kind"),
            "can_view_rules": can_view_alert_rules(request.user),
        },
    )


def _render_detail(request: HttpRequest, alert: Alert, form: AlertTriageForm | None = None, status: int = 200):
    user = request.user
    links = {}
    if alert.report_id and DailyReport.objects.filter(reports_visible_q(user), pk=alert.report_id).exists():
        links["report"] = _url("feedback:report_detail", alert.report_id)
    if alert.outlet_id and Outlet.objects.filter(outlets_visible_q(user), pk=alert.outlet_id).exists():
        links["outlet"] = _url("feedback:outlet_detail", alert.outlet_id)
    if alert.promotion_id and Promotion.objects.filter(promotions_visible_q(user), pk=alert.promotion_id).exists():
        links["promotion"] = _url("campaigns:promotion_detail", alert.promotion_id)
    can_triage = can_triage_alerts(user)
    return render(
        request,
        "feedback/alert_detail.html",
        {
            "alert": _dress(alert),
            "links": links,
            "facts": _facts(alert),
            "can_triage": can_triage,
            "form": (form or AlertTriageForm()) if can_triage else None,
            "can_acknowledge": alert.status == AlertStatus.OPEN,
            "can_resolve": alert.status != AlertStatus.RESOLVED,
        },
        status=status,
    )


@login_required
@require_safe
def alert_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, alert_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def alert_triage_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = alert_get_for_user(user=request.user, pk=pk)
    if not can_triage_alerts(request.user):
        raise PermissionDenied(_("Only marketing triages alerts."))
    form = AlertTriageForm(request.POST)
    if form.is_valid():
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        services = {"acknowledge": alert_acknowledge, "resolve": alert_resolve, "note": alert_add_note}
        done = {
            "acknowledge": _("The alert is acknowledged."),
            "resolve": _("The alert is resolved."),
            "note": _("Your note is added."),
        }
        try:
            services[action](user=request.user, alert=alert, note=note)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, done[action])
            return redirect("feedback:alert_detail", pk=alert.pk)
    return _render_detail(request, alert_get_for_user(user=request.user, pk=pk), form=form, status=400)


# --- rules -------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def alert_rules_view(request: HttpRequest) -> HttpResponse:
    rules = alert_rule_list(user=request.user)  # 403 for anyone but marketing
    return render(
        request,
        "feedback/alert_rules.html",
        {"rules": rules, "can_configure": can_configure_alert_rules(request.user)},
    )


def _rule_form_page(request: HttpRequest, rule=None) -> HttpResponse:
    if not can_configure_alert_rules(request.user):
        raise PermissionDenied(_("Only marketing managers configure alert rules."))
    form = AlertRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if rule is None:
                alert_rule_create(user=request.user, **data)
            else:
                data.pop("kind")
                alert_rule_update(user=request.user, rule=rule, **data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The alert rule is saved."))
            return redirect("feedback:alert_rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/alert_rule_form.html", {"form": form, "rule": rule}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_rule_create_view(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form_page(request, alert_rule_get_for_user(user=request.user, pk=pk))


urlpatterns = [
    path("alerts/", alert_list_view, name="alert_list"),
    path("alerts/<int:pk>/", alert_detail_view, name="alert_detail"),
    path("alerts/<int:pk>/triage/", alert_triage_view, name="alert_triage"),
    path("alerts/rules/", alert_rules_view, name="alert_rules"),
    path("alerts/rules/new/", alert_rule_create_view, name="alert_rule_create"),
    path("alerts/rules/<int:pk>/edit/", alert_rule_edit_view, name="alert_rule_edit"),
]
