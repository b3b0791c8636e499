"""The role-aware navigation: one declared list, each entry shown only to the users its rule lets in.

Later capabilities add their entries to NAVIGATION (a page that a role may not use never appears in its menu).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_open_admin
from accounts.selectors import notifications_unread_count
from approvals.permissions import decides_approvals
from campaigns.permissions import can_open_plans, can_open_promotions, can_open_targets
from coordination.permissions import can_open_digests, can_open_kpis, can_open_meetings
from feedback.permissions import (
    can_open_alerts,
    can_open_intel_feed,
    can_open_outlets,
    can_open_reports,
    is_sales_manager,
)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible_to: Callable[[User], bool]


def _everyone(user: User) -> bool:
    return True


# Each entry's rule is the same function the page itself checks (from the app's permissions.py).
NAVIGATION: list[NavEntry] = [
    NavEntry(_("Home"), "home", _everyone),
    NavEntry(_("Plans"), "campaigns:plan_list", can_open_plans),
    NavEntry(_("Promotions"), "campaigns:promotion_list", can_open_promotions),
    # Deciders only (no query per page); delegates reach the inbox from the home page and the notification.
    NavEntry(_("Approvals"), "approvals:inbox", decides_approvals),
    NavEntry(_("Targets"), "campaigns:target_grid", can_open_targets),
    # Reps file and read their own reports, managers and company readers read and filter them (the page links the
    # filing board for all who may see it); only sales managers, who follow a team every day, get the board here.
    NavEntry(_("Reports"), "feedback:report_list", can_open_reports),
    NavEntry(_("Filing board"), "feedback:filing_board", is_sales_manager),
    NavEntry(_("Intel"), "feedback:intel_feed", can_open_intel_feed),
    NavEntry(_("Alerts"), "feedback:alert_list", can_open_alerts),
    NavEntry(_("Outlets"), "feedback:outlet_list", can_open_outlets),
    NavEntry(_("Meetings"), "coordination:meeting_list", can_open_meetings),
    NavEntry(_("Digests"), "coordination:digest_list", can_open_digests),
    NavEntry(_("KPIs"), "coordination:kpi_dashboard", can_open_kpis),
    NavEntry(_("Administration"), "admin:index", can_open_admin),
]


def navigation(request: HttpRequest) -> dict:
    """Template context processor: ``nav`` is the entries the signed-in user may use, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    entries = [
        {"label": entry.label, "url": reverse(entry.url_name), "current": False}
        for entry in NAVIGATION
        if entry.visible_to(user)
    ]
    # The current entry is the longest URL the path starts with ("/reports/board/" is the board, not "Reports").
    matches = [
        e for e in entries if (request.path == e["url"] if e["url"] == "/" else request.path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["current"] = True
    # Lazy: one COUNT query, only on pages that show the bell.
    return {"nav": entries, "unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
