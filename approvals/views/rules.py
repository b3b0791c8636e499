"""Pages of approvals: the approval rules (thresholds and SLA hours), read by those they route, changed by
marketing managers.

Reads go through ``approvals.selectors.rules`` (a user the rules are not for gets a 403 with the reason); writes
through ``approvals.services.rules`` (its messages land on the form's fields).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination.pages import form_add_service_errors

from ..models import ApprovalRule
from ..permissions import can_configure_approval_rules
from ..rule_forms import ApprovalRuleForm
from ..selectors.rules import approval_rule_get_for_user, approval_rule_list
from ..services.rules import approval_rule_create, approval_rule_deactivate, approval_rule_update


@login_required
@require_safe
def rules_view(request: HttpRequest) -> HttpResponse:
    rules = list(approval_rule_list(user=request.user))  # 403 for anyone the rules are not for
    return render(
        request,
        "approvals/rules.html",
        {
            "rules": rules,
            "can_configure": can_configure_approval_rules(request.user),
            "defaults": ApprovalRule(),
            "workday": (settings.WORKDAY_START, settings.WORKDAY_END),
        },
    )


def _rule_form_page(request: HttpRequest, rule: ApprovalRule | None = None) -> HttpResponse:
    if not can_configure_approval_rules(request.user):
        raise PermissionDenied(_("Only marketing managers change the approval rules."))
    form = ApprovalRuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                approval_rule_create(user=request.user, **form.cleaned_data)
            else:
                approval_rule_update(user=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The approval rule is saved. It routes promotions submitted from now on."))
            return redirect("approvals:rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "approvals/rule_form.html", {"form": form, "rule": rule}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rule_create_view(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form_page(request, approval_rule_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def rule_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = approval_rule_get_for_user(user=request.user, pk=pk)
    approval_rule_deactivate(user=request.user, rule=rule)
    messages.success(request, _("“%(name)s” is off.") % {"name": rule.name})
    return redirect("approvals:rules")


urlpatterns = [
    path("approvals/rules/", rules_view, name="rules"),
    path("approvals/rules/new/", rule_create_view, name="rule_create"),
    path("approvals/rules/<int:pk>/edit/", rule_edit_view, name="rule_edit"),
    path("approvals/rules/<int:pk>/deactivate/", rule_deactivate_view, name="rule_deactivate"),
]
