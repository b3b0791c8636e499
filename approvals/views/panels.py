"""The approval panel of the promotion page (registered through ``campaigns.panels`` by ``approvals.apps``): status,
the current round's steps with their SLA clocks, the author's submit / withdraw buttons, and the timeline — every
event, who, when, from, to and why.

A constant number of queries: none for a draft never submitted (it has no flow and no events), otherwise the flow
with its steps (two), the events (one), the calendar (one) and the people named in the routes (one).
"""

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.models import User
from accounts.roles import Role
from campaigns.models import Promotion, PromotionStatus

from ..forms import WithdrawForm
from ..models import Decision, StepKind, StepStatus
from ..selectors.steps import promotion_flow, promotion_timeline
from ..workflow import TRANSITIONS, Action
from .steps import step_clock

SUBMITTABLE = (PromotionStatus.DRAFT, PromotionStatus.RETURNED)
WITHDRAWABLE = frozenset(status for (status, action) in TRANSITIONS if action == Action.WITHDRAW)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _timeline(promotion: Promotion) -> list:
    events = list(promotion_timeline(promotion=promotion))
    usernames = {
        entry["assignee"]
        for event in events
        for entry in (event.data or {}).get("route", [])
        if isinstance(entry, dict) and entry.get("assignee")
    }
    names = {}
    if usernames:
        names = {u.username: u.display_name for u in User.objects.filter(username__in=sorted(usernames))}
    for event in events:
        data = event.data or {}
        event.action_label = _label(Action, event.action)
        event.from_label = _label(PromotionStatus, event.from_status)
        event.to_label = _label(PromotionStatus, event.to_status)
        event.moved = event.from_status != event.to_status
        event.decision_label = _label(Decision, data["decision"]) if data.get("decision") else ""
        event.changes = data.get("changes", "")
        event.executability = data.get("executability")
        event.route = [
            {
                "sequence": entry.get("sequence"),
                "kind": _label(StepKind, entry.get("kind", "")),
                "who": names.get(entry.get("assignee"), entry.get("assignee"))
                if entry.get("assignee")
                else _label(Role, entry.get("role", "")),
            }
            for entry in data.get("route", [])
            if isinstance(entry, dict)
        ]
        event.consultation_summary = (
            [
                (_label(Decision, key) if key != "no_answer" else StepStatus.NO_ANSWER.label, count)
                for key, count in data.items()
                if isinstance(count, int) and count
            ]
            if event.action == Action.CLOSE_CONSULTATION
            else []
        )
    return events


def approval_panel(request: HttpRequest, promotion: Promotion) -> str | None:
    user = request.user
    is_author = user.is_authenticated and promotion.created_by_id == user.pk
    if promotion.status == PromotionStatus.DRAFT and not is_author:
        return None
    flow = None if promotion.status == PromotionStatus.DRAFT else promotion_flow(promotion=promotion)
    steps, events = [], []
    if flow is not None:
        now = timezone.now()
        calendar = WorkCalendar()
        steps = [s for s in flow.steps.all() if s.round == flow.round]
        for step in steps:
            step.clock = step_clock(step, now=now, calendar=calendar)
        events = _timeline(promotion)
    return render_to_string(
        "approvals/promotion_panel.html",
        {
            "promotion": promotion,
            "flow": flow,
            "steps": steps,
            "events": events,
            "can_submit": is_author and promotion.status in SUBMITTABLE,
            "can_withdraw": is_author and promotion.status in WITHDRAWABLE,
            "withdraw_form": WithdrawForm(auto_id="withdraw-%s"),
            # Rendered without the request: the page's context processors (menu, bell) ran once already.
            "csrf_token": get_token(request),
        },
    )


PROMOTION_PANELS = [approval_panel]
