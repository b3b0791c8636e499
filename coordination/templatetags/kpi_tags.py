"""Template helpers of the KPI pages: a figure in its unit, a bar's width, a cell of the facts behind a figure."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
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


@register.filter
def fact_cell(value) -> str:
    """A value of a facts table as a reader wants it: amounts with two decimals and thousands grouped, counts
    grouped, moments in the local time to the minute, durations in hours, yes/no, "–" for nothing."""
    if value is None or value == "":
        return "–"
    if value is True or value is False:
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "Y-m-d")
    if isinstance(value, datetime.timedelta):
        return duration_hours(value)
    if isinstance(value, Decimal | float):
        return number_format(value, 2, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return str(value)


def fact_is_number(value) -> bool:
    """Numbers are right-aligned in a facts table (the facts view decides per column)."""
    return isinstance(value, Decimal | float | int) and not isinstance(value, bool)
