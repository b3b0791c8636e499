"""Pages for outlets: the filterable list (table on a wide screen, cards on a phone) and the CSV/XLSX import.

The list reads through ``feedback.selectors.outlets`` (the outlets one may see); the import writes through
``feedback.services.outlets.outlet_import``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Region
from coordination.pages import paginate

from ..forms.outlets import OutletImportForm
from ..models import Outlet, OutletChannel
from ..permissions import NOT_FOR_YOUR_ROLE, can_import_outlets, can_open_outlets
from ..selectors.outlets import OutletFilter, outlet_list
from ..services.outlets import outlet_import

FILTER_NAMES = ("q", "channel", "region", "active")


@login_required
@require_safe
def outlet_list_view(request: HttpRequest) -> HttpResponse:
    if not can_open_outlets(request.user):
        raise PermissionDenied(NOT_FOR_YOUR_ROLE)
    filterset = OutletFilter(request.GET, queryset=Outlet.objects.none())
    outlets = outlet_list(user=request.user, filters=request.GET) if filterset.is_valid() else Outlet.objects.none()
    can_import = can_import_outlets(request.user)
    return render(
        request,
        "feedback/outlet_list.html",
        {
            "page_obj": paginate(request, outlets),
            "filter_form": filterset.form,
            "filtered": any(request.GET.get(name) for name in FILTER_NAMES),
            "channels": OutletChannel.choices,
            "regions": Region.objects.order_by("path"),
            "can_import": can_import,
            "import_form": OutletImportForm() if can_import else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def outlet_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/XLSX of outlets; show the row errors, or how many were created and updated."""
    if not can_import_outlets(request.user):
        raise PermissionDenied(_("You may not import outlets."))
    form = OutletImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["summary"] = outlet_import(user=request.user, file=form.cleaned_data["file"])
        except ValidationError as error:
            context["row_errors"] = error.message_dict.get("rows", [])
            for message in error.message_dict.get("file", []):
                form.add_error("file", message)
    return render(request, "feedback/outlet_import.html", context)


urlpatterns = [
    path("outlets/", outlet_list_view, name="outlet_list"),
    path("outlets/import/", outlet_import_view, name="outlet_import"),
]
