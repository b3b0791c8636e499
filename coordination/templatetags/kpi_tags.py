"""Template helpers of the KPI pages: a figure in its unit, a bar's width."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coordination.kpis import COUNT, HOURS, PCT

register = template.Library()


@register.filter
def kpi_value(value, kpi) -> str:
    """84.3 → "84.3%", hours → "37.9 h", counts as they are, ratings with two decimals; no value → "–"."""
    if value is None or value == "":
        return "–"
    if kpi.unit == PCT:
        return f"{number_format(value, 1)}%"
    if kpi.unit == HOURS:
        return _("%(hours)s h") % {"hours": number_format(value, 1)}
    if kpi.unit == COUNT:
        return number_format(value, 0, force_grouping=True)
    return number_format(value, 2)


@register.filter
def bar_width(value, kpi=None) -> str:
    """A CSS width for a bar of ``value`` (percent, capped at 100; a 1–5 rating as 20–100)."""
    if value is None or value == "":
        return "0"
    value = float(value)
    if kpi is not None and kpi.unit not in (PCT, COUNT, HOURS):
        value *= 20
    return f"{max(0.0, min(100.0, value)):.1f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def duration_hours(value) -> str:
    """A timedelta as hours with one decimal ("37.9 h")."""
    return _("%(hours)s h") % {"hours": number_format(value.total_seconds() / 3600, 1)}
