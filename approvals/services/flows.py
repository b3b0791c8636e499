"""Writes of the approval workflow: submit, withdraw, decide a step, close consultations past their deadline,
follow the calendar, cancel and evaluate.

Every function is keyword-only and runs in one transaction. Locks are always taken in the same order — the
promotion row, then the step row — so two people deciding at once queue on the promotion: the first decides,
the second finds the step decided and gets a ``Conflict`` (409). Statuses move only through
``approvals.workflow.promotion_transition``. ``now`` is the moment the action happens (tests and the demo set it).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.calendar import WorkCalendar
from accounts.models import User
from accounts.notifications import notify
from campaigns.models import Promotion, PromotionStatus
from coordination.errors import Conflict

from ..models import (
    DECISIONS_NEEDING_COMMENT,
    STEP_DECISIONS,
    ApprovalFlow,
    ApprovalStep,
    Decision,
    FlowStatus,
    StepKind,
    StepStatus,
)
from ..permissions import decider_for
from ..routing import default_rule, plan_round, rule_for
from ..workflow import Action, TransitionRefused, promotion_transition, refusal_message

COMMENT_MAX_LENGTH = 4000


def _lock_promotion(pk: int) -> Promotion:
    return (
        Promotion.objects.select_for_update(of=("self",))
        .select_related("created_by", "owner", "created_by__manager", "created_by__region")
        .get(pk=pk)
    )


def _promotion_url(promotion: Promotion) -> str:
    return reverse("campaigns:promotion_detail", args=[promotion.pk])


def _step_url(step: ApprovalStep) -> str:
    return reverse("approvals:step_detail", args=[step.pk])


def _assignees(step: ApprovalStep) -> list[User]:
    if step.assignee_id:
        return [step.assignee]
    return list(User.objects.filter(is_active=True, groups__name=step.assignee_role))


def _open_sequence(*, flow: ApprovalFlow, sequence: int, now: datetime.datetime, calendar: WorkCalendar) -> list:
    """Open the waiting steps of ``sequence`` (due times in working hours) and tell their deciders it is their turn."""
    steps = list(
        ApprovalStep.objects.filter(flow=flow, round=flow.round, sequence=sequence, status=StepStatus.WAITING)
        .select_related("assignee", "flow__promotion")
        .order_by("id")
    )
    promotion = flow.promotion
    for step in steps:
        step.status = StepStatus.OPEN
        step.opened_at = now
        step.due_at = calendar.add_working_hours(now, step.sla_hours)
        step.save(update_fields=["status", "opened_at", "due_at"])
        recipients = [u for u in _assignees(step) if u.pk not in (promotion.created_by_id, promotion.owner_id)]

        def message(step=step):
            if step.kind == StepKind.CONSULTATION:
                title = _("Your opinion is asked: %(title)s") % {"title": promotion.title}
            elif step.kind == StepKind.ENDORSEMENT:
                title = _("A request to endorse: %(title)s") % {"title": promotion.title}
            else:
                title = _("Waiting for your decision: %(title)s") % {"title": promotion.title}
            due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
            return title, _("Due %(due)s (%(hours)s working hours).") % {"due": due, "hours": step.sla_hours}

        notify(
            recipients=recipients,
            kind="approval_step",
            key=f"approval_step:{step.pk}",
            message=message,
            url=_step_url(step),
        )
    return steps


def _next_sequence(flow: ApprovalFlow) -> int | None:
    return (
        ApprovalStep.objects.filter(flow=flow, round=flow.round, status=StepStatus.WAITING)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )


def _close_round(flow: ApprovalFlow, status: str, now: datetime.datetime) -> None:
    ApprovalStep.objects.filter(flow=flow, round=flow.round, status__in=[StepStatus.WAITING, StepStatus.OPEN]).update(
        status=StepStatus.CANCELLED
    )
    flow.status = status
    flow.closed_at = now
    flow.save(update_fields=["status", "closed_at"])


def _notify_author(promotion: Promotion, kind: str, key: str, title: StrPromise, body: str = "") -> None:
    """Tell the author and the owner. ``title`` is lazy (with a ``%(title)s`` placeholder) so each recipient reads
    it in their own language."""
    people = {promotion.created_by_id: promotion.created_by, promotion.owner_id: promotion.owner}
    notify(
        recipients=people.values(),
        kind=kind,
        key=key,
        message=lambda: (str(title) % {"title": promotion.title}, body),
        url=_promotion_url(promotion),
    )


@transaction.atomic
def promotion_submit(*, user: User, promotion: Promotion, now: datetime.datetime | None = None) -> ApprovalFlow:
    """Send a draft (or a returned promotion, as a new round) on its way: route it by its rule, open the first
    steps and notify their deciders. Only the author submits."""
    now = now or timezone.now()
    promotion = _lock_promotion(promotion.pk)
    if promotion.created_by_id != user.pk:
        raise PermissionDenied(_("Only the author can submit this promotion."))
    if promotion.status not in (PromotionStatus.DRAFT, PromotionStatus.RETURNED):
        raise TransitionRefused(refusal_message(promotion.status, Action.SUBMIT_FOR_REVIEW))
    if promotion.ends_on < timezone.localtime(now).date():
        raise ValidationError({"ends_on": _("The promotion's period is over; change its dates before submitting.")})

    rule = rule_for(promotion)
    effective = rule or default_rule(promotion.origin)
    flow = ApprovalFlow.objects.select_for_update().filter(promotion=promotion).first()
    if flow is None:
        flow = ApprovalFlow(promotion=promotion, round=1)
    else:
        flow.round += 1
    flow.rule = rule
    flow.status = FlowStatus.OPEN
    flow.director_threshold = effective.director_threshold
    flow.gm_threshold = effective.gm_threshold
    flow.submitted_at = now
    flow.closed_at = None
    flow.save()

    planned = plan_round(promotion, effective)
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            flow=flow,
            round=flow.round,
            sequence=p.sequence,
            kind=p.kind,
            assignee=p.assignee,
            assignee_role=p.role,
            sla_hours=p.sla_hours,
        )
        for p in planned
    )
    first = planned[0].kind
    if first == StepKind.CONSULTATION:
        action = Action.SUBMIT_FOR_CONSULTATION
    elif first == StepKind.ENDORSEMENT:
        action = Action.SUBMIT_FOR_ENDORSEMENT
    else:
        action = Action.SUBMIT_FOR_REVIEW
    route = [
        {
            "sequence": p.sequence,
            "kind": p.kind,
            "assignee": p.assignee.username if p.assignee else None,
            "role": p.role,
        }
        for p in planned
    ]
    promotion_transition(
        promotion=promotion,
        action=action,
        actor=user,
        round=flow.round,
        data={"route": route, "budget": str(promotion.budget), "rule": rule.name if rule else None},
        now=now,
    )
    _open_sequence(flow=flow, sequence=planned[0].sequence, now=now, calendar=WorkCalendar())
    return flow


@transaction.atomic
def promotion_withdraw(
    *, user: User, promotion: Promotion, comment: str = "", now: datetime.datetime | None = None
) -> Promotion:
    """The author takes the promotion back before a final decision; its open steps are cancelled."""
    now = now or timezone.now()
    promotion = _lock_promotion(promotion.pk)
    if promotion.created_by_id != user.pk:
        raise PermissionDenied(_("Only the author can withdraw this promotion."))
    flow = ApprovalFlow.objects.select_for_update().filter(promotion=promotion).first()
    promotion_transition(
        promotion=promotion,
        action=Action.WITHDRAW,
        actor=user,
        round=flow.round if flow else 0,
        comment=(comment or "").strip()[:COMMENT_MAX_LENGTH],
        now=now,
    )
    if flow is not None and flow.status == FlowStatus.OPEN:
        _close_round(flow, FlowStatus.WITHDRAWN, now)
    return promotion


def _validate_decision(step: ApprovalStep, decision: str, comment: str, executability: int | None) -> None:
    errors: dict[str, list[str]] = {}
    allowed = STEP_DECISIONS[StepKind(step.kind)]
    if decision not in allowed:
        errors["decision"] = [
            _("A %(kind)s step takes one of: %(choices)s.")
            % {"kind": str(StepKind(step.kind).label).lower(), "choices": ", ".join(allowed)}
        ]
    elif decision in DECISIONS_NEEDING_COMMENT and not comment:
        if decision in (Decision.APPROVE_WITH_CHANGES, Decision.SUPPORT_WITH_CHANGES):
            errors["comment"] = [_("Say which changes you ask for.")]
        else:
            errors["comment"] = [_("Give the reason: the author needs it to act on your decision.")]
    if len(comment) > COMMENT_MAX_LENGTH:
        errors.setdefault("comment", []).append(
            _("Keep the comment to %(count)s characters.") % {"count": COMMENT_MAX_LENGTH}
        )
    if step.kind == StepKind.CONSULTATION:
        if executability is None:
            errors["executability"] = [_("Rate how well the field can carry it out, from 1 to 5.")]
        elif not 1 <= executability <= 5:
            errors["executability"] = [_("Rate from 1 (hardly workable) to 5 (easy to carry out).")]
    elif executability is not None:
        errors["executability"] = [_("Only a consultation rates executability.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def step_decide(
    *,
    user: User,
    step: ApprovalStep,
    decision: str,
    comment: str = "",
    executability: int | None = None,
    now: datetime.datetime | None = None,
) -> ApprovalStep:
    """Record ``user``'s decision on an open step and move the flow on.

    Refused with 403 for anyone but the assignee, a holder of its role or their delegate, and for the promotion's
    own author or owner; with a ``Conflict`` (409) when the step is no longer open — two people deciding at once
    give one decision and one conflict. Bad input is a ``ValidationError`` per field.
    """
    now = now or timezone.now()
    comment = (comment or "").strip()
    promotion = _lock_promotion(step.flow.promotion_id)
    step = ApprovalStep.objects.select_for_update(of=("self",)).select_related("flow", "assignee").get(pk=step.pk)
    step.flow.promotion = promotion
    allowed, on_behalf_of = decider_for(user, step, timezone.localtime(now).date())
    if not allowed:
        if user.pk in (promotion.created_by_id, promotion.owner_id):
            raise PermissionDenied(_("Nobody decides on their own promotion."))
        raise PermissionDenied(_("This step is assigned to someone else."))
    if step.status == StepStatus.WAITING and step.round == step.flow.round:
        raise Conflict(_("This step is not open yet: it opens when the steps before it are through."))
    if step.status != StepStatus.OPEN or step.round != step.flow.round:
        raise Conflict(_("This step has already been decided or closed; nothing was changed."))
    _validate_decision(step, decision, comment, executability)

    step.status = StepStatus.DECIDED
    step.decision = decision
    step.comment = comment
    step.executability = executability
    step.decided_by = user
    step.on_behalf_of = on_behalf_of
    step.decided_at = now
    step.save(
        update_fields=["status", "decision", "comment", "executability", "decided_by", "on_behalf_of", "decided_at"]
    )
    flow = step.flow
    calendar = WorkCalendar()
    event = {"step": step, "round": flow.round, "actor": user, "on_behalf_of": on_behalf_of, "now": now}
    data = {"decision": decision, "kind": step.kind}
    if decision in (Decision.APPROVE_WITH_CHANGES, Decision.SUPPORT_WITH_CHANGES):
        data["changes"] = comment
    if executability is not None:
        data["executability"] = executability

    if step.kind == StepKind.CONSULTATION:
        promotion_transition(
            promotion=promotion, action=Action.ANSWER_CONSULTATION, comment=comment, data=data, **event
        )
        _close_consultation_if_done(flow=flow, promotion=promotion, now=now, calendar=calendar)
        return step

    if decision == Decision.RETURN:
        promotion_transition(promotion=promotion, action=Action.RETURN, comment=comment, data=data, **event)
        _close_round(flow, FlowStatus.RETURNED, now)
        _notify_author(
            promotion,
            "promotion_returned",
            f"promotion_returned:{promotion.pk}:{flow.round}",
            gettext_lazy("Returned for rework: %(title)s"),
            comment,
        )
        return step
    if decision == Decision.REJECT:
        promotion_transition(promotion=promotion, action=Action.REJECT, comment=comment, data=data, **event)
        _close_round(flow, FlowStatus.REJECTED, now)
        _notify_author(
            promotion,
            "promotion_rejected",
            f"promotion_rejected:{promotion.pk}:{flow.round}",
            gettext_lazy("Rejected: %(title)s"),
            comment,
        )
        return step

    # approve / approve with changes
    following = _next_sequence(flow)
    if step.kind == StepKind.ENDORSEMENT:
        promotion_transition(promotion=promotion, action=Action.ENDORSE, comment=comment, data=data, **event)
    elif following is not None:
        promotion_transition(promotion=promotion, action=Action.APPROVE_STEP, comment=comment, data=data, **event)
    else:
        promotion_transition(promotion=promotion, action=Action.APPROVE, comment=comment, data=data, **event)
        flow.status = FlowStatus.APPROVED
        flow.closed_at = now
        flow.save(update_fields=["status", "closed_at"])
        _notify_author(
            promotion,
            "promotion_approved",
            f"promotion_approved:{promotion.pk}",
            gettext_lazy("Approved: %(title)s"),
            comment,
        )
        _follow_calendar(promotion, timezone.localtime(now).date(), now)
        return step
    if following is not None:
        _open_sequence(flow=flow, sequence=following, now=now, calendar=calendar)
    return step


def _close_consultation_if_done(
    *, flow: ApprovalFlow, promotion: Promotion, now: datetime.datetime, calendar: WorkCalendar
) -> bool:
    """When no consultation step of the round is open any more, close the consultation and open the next step."""
    still_open = ApprovalStep.objects.filter(
        flow=flow, round=flow.round, kind=StepKind.CONSULTATION, status=StepStatus.OPEN
    ).exists()
    if still_open:
        return False
    answers = list(
        ApprovalStep.objects.filter(flow=flow, round=flow.round, kind=StepKind.CONSULTATION).values_list(
            "decision", flat=True
        )
    )
    summary = {choice: answers.count(choice) for choice in STEP_DECISIONS[StepKind.CONSULTATION]}
    summary["no_answer"] = answers.count("")
    promotion_transition(
        promotion=promotion, action=Action.CLOSE_CONSULTATION, actor=None, round=flow.round, data=summary, now=now
    )
    following = _next_sequence(flow)
    if following is not None:
        _open_sequence(flow=flow, sequence=following, now=now, calendar=calendar)
    return True


@transaction.atomic
def consultations_close_overdue(*, now: datetime.datetime | None = None) -> int:
    """Close every open consultation step past its deadline as "no answer" (recorded), and move each flow whose
    consultation is then complete to review. Safe to run twice: a closed step is not open any more. Returns the
    number of steps closed."""
    now = now or timezone.now()
    promotion_ids = list(
        ApprovalStep.objects.filter(kind=StepKind.CONSULTATION, status=StepStatus.OPEN, due_at__lt=now)
        .values_list("flow__promotion_id", flat=True)
        .distinct()
        .order_by("flow__promotion_id")
    )
    closed = 0
    calendar = WorkCalendar()
    for promotion_id in promotion_ids:
        promotion = _lock_promotion(promotion_id)
        flow = ApprovalFlow.objects.select_for_update().get(promotion=promotion)
        overdue = list(
            ApprovalStep.objects.select_for_update(of=("self",))
            .filter(flow=flow, round=flow.round, kind=StepKind.CONSULTATION, status=StepStatus.OPEN, due_at__lt=now)
            .select_related("assignee")
        )
        for step in overdue:
            step.status = StepStatus.NO_ANSWER
            step.save(update_fields=["status"])
            promotion_transition(
                promotion=promotion,
                action=Action.CONSULTATION_NO_ANSWER,
                actor=None,
                step=step,
                round=flow.round,
                data={"assignee": step.assignee.username if step.assignee else None},
                now=now,
            )
            closed += 1
        if overdue:
            _close_consultation_if_done(flow=flow, promotion=promotion, now=now, calendar=calendar)
    return closed


def _follow_calendar(promotion: Promotion, today: datetime.date, now: datetime.datetime) -> None:
    if promotion.status == PromotionStatus.APPROVED and promotion.starts_on <= today <= promotion.ends_on:
        promotion_transition(promotion=promotion, action=Action.START, actor=None, now=now)
    if promotion.status in (PromotionStatus.APPROVED, PromotionStatus.RUNNING) and promotion.ends_on < today:
        promotion_transition(promotion=promotion, action=Action.END, actor=None, now=now)


@transaction.atomic
def promotions_follow_calendar(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Start approved promotions whose period has begun and end those whose period is over. Idempotent. Returns
    how many promotions moved."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    # approved and begun, or agreed and over
    due = Promotion.objects.filter(status__in=[PromotionStatus.APPROVED, PromotionStatus.RUNNING]).filter(
        Q(status=PromotionStatus.APPROVED, starts_on__lte=today) | Q(ends_on__lt=today)
    )
    moved = 0
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        promotion = _lock_promotion(pk)
        before = promotion.status
        _follow_calendar(promotion, today, now)
        moved += promotion.status != before
    return moved


def _require_marketing_manager(user: User, message: str) -> None:
    from campaigns.permissions import can_publish_plans

    if not can_publish_plans(user):  # marketing managers (and superusers)
        raise PermissionDenied(message)


@transaction.atomic
def promotion_cancel(
    *, user: User, promotion: Promotion, comment: str, now: datetime.datetime | None = None
) -> Promotion:
    """A marketing manager stops an agreed promotion (approved or running), with a reason."""
    now = now or timezone.now()
    _require_marketing_manager(user, _("Only a marketing manager can cancel a promotion."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Give the reason for cancelling: the field needs it.")]})
    promotion = _lock_promotion(promotion.pk)
    promotion_transition(
        promotion=promotion, action=Action.CANCEL, actor=user, comment=comment[:COMMENT_MAX_LENGTH], now=now
    )
    return promotion


@transaction.atomic
def promotion_evaluate(
    *, user: User, promotion: Promotion, comment: str, now: datetime.datetime | None = None
) -> Promotion:
    """Marketing closes an ended promotion with its conclusion (read from the effect page)."""
    from campaigns.permissions import is_marketing

    now = now or timezone.now()
    if not is_marketing(user):
        raise PermissionDenied(_("Only marketing evaluates a promotion."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Write the conclusion: what worked, what did not.")]})
    promotion = _lock_promotion(promotion.pk)
    promotion_transition(
        promotion=promotion, action=Action.EVALUATE, actor=user, comment=comment[:COMMENT_MAX_LENGTH], now=now
    )
    return promotion


__all__ = [
    "consultations_close_overdue",
    "promotion_cancel",
    "promotion_evaluate",
    "promotion_submit",
    "promotion_withdraw",
    "promotions_follow_calendar",
    "step_decide",
]
