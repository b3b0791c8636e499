"""Pages of approvals: my delegations — the ones I gave while away and the ones I received — a form to name a
delegate, and ending one.

Reads go through ``accounts.selectors`` (a delegation that is not mine is a 404); writes through
``accounts.services`` (its messages land on the form's fields).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can_delegate_approvals
from accounts.selectors import delegation_get_for_user, delegations_for
from accounts.services import delegation_create, delegation_end
from coordination.pages import form_add_service_errors

from ..delegation_forms import DelegationForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delegations_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    delegations = list(delegations_for(user=user))
    can_delegate = can_delegate_approvals(user)
    if not can_delegate and not delegations:
        raise PermissionDenied(_("Delegations are for people who decide approvals, and for their delegates."))
    form = None
    if can_delegate:
        form = DelegationForm(request.POST or None, user=user, initial={"starts_on": today})
        if request.method == "POST" and form.is_valid():
            try:
                delegation = delegation_create(user=user, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s decides your approvals from %(start)s to %(end)s.")
                    % {
                        "name": delegation.delegate.display_name,
                        "start": delegation.starts_on.isoformat(),
                        "end": delegation.ends_on.isoformat(),
                    },
                )
                return redirect("approvals:delegations")
    elif request.method == "POST":
        raise PermissionDenied(_("Only people who decide approvals can delegate them."))

    def state(delegation) -> str:
        if delegation.ends_on < today:
            return "past"
        return "current" if delegation.starts_on <= today else "upcoming"

    rows = [{"delegation": d, "state": state(d), "given": d.delegator_id == user.pk} for d in delegations]
    return render(
        request,
        "approvals/delegations.html",
        {
            "given": [row for row in rows if row["given"]],
            "received": [row for row in rows if not row["given"]],
            "form": form,
            "today": today,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def delegation_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = delegation_get_for_user(user=request.user, pk=pk)
    try:
        ended = delegation_end(user=request.user, delegation=delegation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if ended is None:
            messages.success(
                request, _("The delegation to %(name)s is cancelled.") % {"name": delegation.delegate.display_name}
            )
        else:
            messages.success(
                request,
                _("The delegation to %(name)s ended yesterday; you decide your approvals again.")
                % {"name": delegation.delegate.display_name},
            )
    return redirect("approvals:delegations")


urlpatterns = [
    path("approvals/delegations/", delegations_view, name="delegations"),
    path("approvals/delegations/<int:pk>/end/", delegation_end_view, name="delegation_end"),
]
