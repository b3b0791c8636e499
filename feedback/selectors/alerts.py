"""Reads of alerts and alert rules, always for a user, plus the words an alert is shown in.

An alert stores its facts as data (``Alert.details`` and its brand / product / outlet / promotion / region); its
title and summary are rendered from them at display time (``alert_title`` / ``alert_summary``), so each reader
sees them in their own language. ``Alert.title`` keeps the title in the company's default language for the admin
and exports.
"""

from decimal import Decimal, InvalidOperation

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from campaigns.models import Brand, Product

from ..models import Alert, AlertKind, AlertRule, AlertStatus, CompetitorIntelLine, Outlet
from ..permissions import alerts_visible_q, can_configure_alert_rules, is_marketing

# --- the words of an alert ---------------------------------------------------------------------------------------


def _name(obj) -> str:
    if obj is None:
        return "—"
    return getattr(obj, "display_name", None) or str(obj)


def _outlet(alert: Alert) -> str:
    return alert.outlet.name if alert.outlet_id else _("an outlet")


def _price(value) -> str:
    try:
        return f"¥{Decimal(str(value)):.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return "—"


def _number(value) -> str:
    """A figure as people read it: no trailing zeros ("12.5", "40")."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _activity(value: str) -> str:
    try:
        return str(CompetitorIntelLine.Activity(value).label)
    except ValueError:
        return value or "—"


def alert_title(alert: Alert) -> str:
    """A short title in the active language: the rule's kind and what it is about."""
    details = alert.details or {}
    kind = alert.kind
    if kind == AlertKind.COMPETITOR_PRICE_GAP:
        subject = _("%(brand)s vs. %(product)s") % {"brand": _name(alert.brand), "product": _name(alert.product)}
    elif kind == AlertKind.COMPETITOR_ACTIVITY_SPREAD:
        subject = _("%(brand)s: %(activity)s in %(region)s") % {
            "brand": _name(alert.brand),
            "activity": _activity(details.get("activity", "")),
            "region": _name(alert.region),
        }
    elif kind in (AlertKind.OUT_OF_STOCK_RATE, AlertKind.COMPLAINT_SPIKE):
        subject = _name(alert.region)
    elif kind == AlertKind.POS_SALES_DROP:
        subject = _("%(product)s at %(outlet)s") % {"product": _name(alert.product), "outlet": _outlet(alert)}
    elif kind == AlertKind.PROMOTION_PRICE_BREACH:
        subject = _("%(promotion)s at %(outlet)s") % {"promotion": _name(alert.promotion), "outlet": _outlet(alert)}
    else:
        return alert.title
    return f"{AlertKind(kind).label} · {subject}"


def alert_summary(alert: Alert) -> str:
    """One sentence with the facts, in the active language."""
    d = alert.details or {}
    kind = alert.kind
    if kind == AlertKind.COMPETITOR_PRICE_GAP:
        return _(
            "%(brand)s was seen at %(observed)s at %(outlet)s, %(gap)s%% below our %(product)s at %(list)s "
            "(the rule's limit is %(threshold)s%%)."
        ) % {
            "brand": _name(alert.brand),
            "observed": _price(d.get("observed_price")),
            "outlet": _outlet(alert),
            "gap": _number(d.get("gap_pct")),
            "product": _name(alert.product),
            "list": _price(d.get("list_price")),
            "threshold": _number(d.get("threshold_pct")),
        }
    if kind == AlertKind.COMPETITOR_ACTIVITY_SPREAD:
        return _(
            "%(brand)s (%(activity)s) was reported at %(outlets)s outlets in %(region)s between %(start)s and "
            "%(end)s (the rule's limit is %(min_count)s outlets)."
        ) % {
            "brand": _name(alert.brand),
            "activity": _activity(d.get("activity", "")),
            "outlets": d.get("outlets", "—"),
            "region": _name(alert.region),
            "start": d.get("window_start", "—"),
            "end": d.get("window_end", "—"),
            "min_count": d.get("min_count", "—"),
        }
    if kind == AlertKind.OUT_OF_STOCK_RATE:
        return _(
            "%(out)s of %(total)s merchandising lines in %(region)s on %(date)s were out of stock (%(rate)s%%; "
            "the rule's limit is %(threshold)s%%)."
        ) % {
            "out": d.get("out_of_stock", "—"),
            "total": d.get("lines", "—"),
            "region": _name(alert.region),
            "date": alert.date.isoformat(),
            "rate": _number(d.get("rate_pct")),
            "threshold": _number(d.get("threshold_pct")),
        }
    if kind == AlertKind.POS_SALES_DROP:
        return _(
            "%(product)s sold %(units)s units at %(outlet)s on %(date)s, %(drop)s%% below its average of "
            "%(average)s a day over the previous 4 weeks (%(days)s days reported; the rule's limit is "
            "%(threshold)s%%)."
        ) % {
            "product": _name(alert.product),
            "units": d.get("units", "—"),
            "outlet": _outlet(alert),
            "date": alert.date.isoformat(),
            "drop": _number(d.get("drop_pct")),
            "average": _number(d.get("average_units")),
            "days": d.get("baseline_days", "—"),
            "threshold": _number(d.get("threshold_pct")),
        }
    if kind == AlertKind.COMPLAINT_SPIKE:
        return _(
            "%(count)s complaints in %(region)s between %(start)s and %(end)s, against an average of %(average)s "
            "per %(days)s days over the 4 periods before (the rule asks for %(min_count)s or more and %(threshold)s%% "
            "above the average)."
        ) % {
            "count": d.get("complaints", "—"),
            "region": _name(alert.region),
            "start": d.get("window_start", "—"),
            "end": d.get("window_end", "—"),
            "average": _number(d.get("average")),
            "days": d.get("window_days", "—"),
            "min_count": d.get("min_count", "—"),
            "threshold": _number(d.get("threshold_pct")),
        }
    if kind == AlertKind.PROMOTION_PRICE_BREACH:
        floor, ceiling = d.get("price_floor"), d.get("price_ceiling")
        return _(
            "The shelf price of %(promotion)s at %(outlet)s on %(date)s was %(price)s, outside the agreed limits "
            "(floor %(floor)s, ceiling %(ceiling)s)."
        ) % {
            "promotion": _name(alert.promotion),
            "outlet": _outlet(alert),
            "date": alert.date.isoformat(),
            "price": _price(d.get("actual_price")),
            "floor": _price(floor) if floor is not None else _("none"),
            "ceiling": _price(ceiling) if ceiling is not None else _("none"),
        }
    return alert.title


# --- alerts ------------------------------------------------------------------------------------------------------


class AlertFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=AlertStatus.choices,
        distinct=False,
        label=gettext_lazy("Status"),
        help_text=gettext_lazy("One or more."),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=AlertKind.choices, distinct=False, label=gettext_lazy("Kind"), help_text=gettext_lazy("One or more.")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        label=gettext_lazy("Region"),
        help_text=gettext_lazy("Alerts of this region (id) and every region below it."),
    )
    brand = django_filters.ModelChoiceFilter(
        queryset=Brand.objects.all(), label=gettext_lazy("Brand"), help_text=gettext_lazy("Brand id.")
    )
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), label=gettext_lazy("Product"), help_text=gettext_lazy("Product id.")
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.all(), label=gettext_lazy("Outlet"), help_text=gettext_lazy("Outlet id.")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=gettext_lazy("From"), help_text=gettext_lazy("Facts on or after.")
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=gettext_lazy("Until"), help_text=gettext_lazy("Facts on or before.")
    )

    class Meta:
        model = Alert
        fields = ["status", "kind", "region", "brand", "product", "outlet", "date_from", "date_to"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


_OPEN_FIRST = Case(
    When(status=AlertStatus.OPEN, then=Value(0)),
    When(status=AlertStatus.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

_RELATED = ("rule", "region", "brand", "product", "outlet", "promotion", "acknowledged_by", "resolved_by")


def alert_list(*, user: User, filters: dict | None = None, open_first: bool = False) -> QuerySet[Alert]:
    """The alerts ``user`` may see (``alerts_visible_q``), newest first — or open ones first, then acknowledged,
    then resolved (the triage page) — with everything their title and summary show in the same query.

    Invalid filters raise ``ValidationError`` (one message per field)."""
    filterset = AlertFilter(filters or {}, queryset=Alert.objects.filter(alerts_visible_q(user)))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    queryset = filterset.qs.select_related(*_RELATED)
    if open_first:
        return queryset.order_by(_OPEN_FIRST, "-created_at", "-id")
    return queryset.order_by("-created_at", "-id")


def alert_get_for_user(*, user: User, pk: int, for_update: bool = False) -> Alert:
    """One alert the user may see; ``Http404`` otherwise (a denial looks like "not found")."""
    queryset = Alert.objects.filter(alerts_visible_q(user))
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related(*_RELATED, "report", "report__rep", "category").get(pk=pk)
    except Alert.DoesNotExist:
        raise Http404(_("No such alert.")) from None


# --- rules -------------------------------------------------------------------------------------------------------


def can_view_alert_rules(user: User) -> bool:
    """Marketing reads the rules (managers also change them)."""
    return is_marketing(user) or can_configure_alert_rules(user)


def alert_rule_list(*, user: User) -> QuerySet[AlertRule]:
    if not can_view_alert_rules(user):
        raise PermissionDenied(_("Alert rules are kept by marketing."))
    return AlertRule.objects.select_related("region", "created_by").order_by("kind", "name", "id")


def alert_rule_get_for_user(*, user: User, pk: int) -> AlertRule:
    if not can_view_alert_rules(user):
        raise PermissionDenied(_("Alert rules are kept by marketing."))
    try:
        return AlertRule.objects.select_related("region", "created_by").get(pk=pk)
    except AlertRule.DoesNotExist:
        raise Http404(_("No such alert rule.")) from None
