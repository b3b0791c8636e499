"""Reads of approval rules, for the settings page, the API and the admin's list."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from ..models import ApprovalRule
from ..permissions import can_read_approval_rules

NOT_A_RULE_READER = gettext_lazy(
    "The approval rules are read by marketing, the sales director and the general manager."
)


def approval_rule_list(*, user: User) -> QuerySet[ApprovalRule]:
    """Every rule (active first, then by origin and region from the top of the tree): one query.
    ``PermissionDenied`` for a user the rules are not for."""
    if not can_read_approval_rules(user):
        raise PermissionDenied(NOT_A_RULE_READER)
    return ApprovalRule.objects.select_related("region", "updated_by").order_by(
        "-active", "origin", F("region__path").asc(nulls_first=True), "id"
    )


def approval_rule_get_for_user(*, user: User, pk: int) -> ApprovalRule:
    try:
        return approval_rule_list(user=user).get(pk=pk)
    except ApprovalRule.DoesNotExist:
        raise Http404(_("No such approval rule.")) from None
