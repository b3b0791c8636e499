"""Pages of campaigns: sales targets — the decomposition grid of a region and the CSV/XLSX import.

Thin: read the query form, build the grid through the selector, hand changed cells to one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Region
from coordination.pages import form_add_service_errors

from ..forms.targets import Measure, TargetGridForm, TargetGridQueryForm, TargetImportForm
from ..models import Product, ProductCategory
from ..permissions import can_edit_targets
from ..selectors.targets import (
    CHECK_KIND_LABELS,
    target_grid,
    target_grid_regions,
    target_scope_categories,
    target_scope_products,
)
from ..services.targets import target_grid_save, target_import


def _value(measure: str, units, revenue):
    return units if measure == Measure.UNITS else revenue


def _difference(measure: str, difference) -> dict | None:
    """A comparison as the page shows it in the chosen measure: Σ children − parent, flagged unless it is 0."""
    if difference is None:
        return None
    value = difference.units_difference if measure == Measure.UNITS else difference.revenue_difference
    text = number_format(abs(value), decimal_pos=2 if measure == Measure.REVENUE else 0, force_grouping=True)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return {
        "value": value,
        "text": f"{sign}{text}",
        "ok": value == 0 and not difference.parent_missing,
        "parent_missing": difference.parent_missing,
    }


def _table(grid, form: TargetGridForm, measure: str) -> list[dict]:
    rows = []
    for row in grid.rows:
        cells = []
        for cell in row.cells:
            cells.append(
                {
                    "field": form[cell.name] if cell.name in form.fields else None,
                    "value": _value(measure, cell.units, cell.revenue),
                    "first": (cell.quarter, cell.month) == grid.columns[0][:2],
                }
            )
        rows.append(
            {"row": row, "cells": cells, "time_check": _difference(measure, row.time_check), "is_parent": row.is_parent}
        )
    return rows


def _default_region(user, regions) -> Region | None:
    if user.region_id and any(region.pk == user.region_id for region in regions):
        return user.region
    return next(iter(regions), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def target_grid_page(request: HttpRequest) -> HttpResponse:
    """The targets of one region and its children for a year, one product scope and one measure."""
    regions = list(target_grid_regions(user=request.user))
    query = TargetGridQueryForm(
        request.GET,
        regions=target_grid_regions(user=request.user),
        categories=list(target_scope_categories()),
        products=list(target_scope_products()),
        default_region=_default_region(request.user, regions),
    )
    if request.GET.get("region") and query.has_error("region"):
        raise Http404(_("No such region."))  # a region outside the user's reach is "not found"
    context = {"query": query, "can_import": can_edit_targets(request.user)}
    if not regions or not query.is_valid():
        return render(request, "campaigns/targets/grid.html", context)

    data = query.cleaned_data
    scope = query.scope_value()
    grid = target_grid(user=request.user, year=data["year"], region=data["region"], scope=scope, view=data["view"])
    form = TargetGridForm(request.POST or None, grid=grid, measure=data["measure"])
    if request.method == "POST":
        if not grid.any_editable:
            raise PermissionDenied(_("You may not edit these targets."))
        if form.is_valid():
            try:
                summary = target_grid_save(
                    user=request.user,
                    year=data["year"],
                    cells=form.changed_cells(),
                    category=scope if isinstance(scope, ProductCategory) else None,
                    product=scope if isinstance(scope, Product) else None,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved: %(created)s new, %(updated)s changed.")
                    % {"created": summary.created, "updated": summary.updated},
                )
                return redirect(request.get_full_path())
        messages.error(request, _("Nothing was saved. Correct the highlighted cells."))
    context.update(
        {
            "grid": grid,
            "form": form,
            "measure": data["measure"],
            "table": _table(grid, form, data["measure"]),
            "org_checks": [_difference(data["measure"], d) for d in grid.org_checks],
            "children_label": CHECK_KIND_LABELS[grid.children_kind],
            "time_label": CHECK_KIND_LABELS["quarters" if data["view"] == "year" else "months"],
            "differences": grid.differences,
            "is_revenue": data["measure"] == Measure.REVENUE,
        }
    )
    return render(request, "campaigns/targets/grid.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def target_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/XLSX of targets; show the row errors, or what was saved and what does not add up."""
    if not can_edit_targets(request.user):
        raise PermissionDenied(_("You may not edit targets."))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["summary"] = target_import(user=request.user, file=form.cleaned_data["file"])
        except ValidationError as error:
            context["row_errors"] = error.message_dict.get("rows", [])
            for message in error.message_dict.get("file", []):
                form.add_error("file", message)
    return render(request, "campaigns/targets/import.html", context)


urlpatterns = [
    path("targets/", target_grid_page, name="target_grid"),
    path("targets/import/", target_import_page, name="target_import"),
]
