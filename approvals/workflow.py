"""The promotion lifecycle as one explicit table, and the one function that applies a transition.

Nothing else sets ``Promotion.status`` once a promotion has left its draft: services call
``promotion_transition``, which refuses a move the table does not allow (``TransitionRefused``, with a message
naming the status and the action), changes the status with a conditional UPDATE (so a concurrent move is a
``Conflict``, never a lost update) and appends an ``ApprovalEvent``.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from campaigns.models import Promotion
from campaigns.models import PromotionStatus as S
from coordination.errors import Conflict

from .models import ApprovalEvent, ApprovalStep


class Action(models.TextChoices):
    """What happens to a promotion; the label is how the timeline names the event."""

    SUBMIT_FOR_CONSULTATION = "submit_for_consultation", gettext_lazy("Submitted: sales regions consulted")
    SUBMIT_FOR_ENDORSEMENT = "submit_for_endorsement", gettext_lazy("Submitted for endorsement")
    SUBMIT_FOR_REVIEW = "submit_for_review", gettext_lazy("Submitted for review")
    ANSWER_CONSULTATION = "answer_consultation", gettext_lazy("Consultation answered")
    CONSULTATION_NO_ANSWER = "consultation_no_answer", gettext_lazy("No answer by the deadline")
    CLOSE_CONSULTATION = "close_consultation", gettext_lazy("Consultation closed")
    ENDORSE = "endorse", gettext_lazy("Endorsed")
    APPROVE_STEP = "approve_step", gettext_lazy("Approved; passed on to the next approver")
    APPROVE = "approve", gettext_lazy("Approved")
    RETURN = "return", gettext_lazy("Returned for rework")
    REJECT = "reject", gettext_lazy("Rejected")
    WITHDRAW = "withdraw", gettext_lazy("Withdrawn by the author")
    START = "start", gettext_lazy("Started (its period began)")
    END = "end", gettext_lazy("Ended (its period is over)")
    EVALUATE = "evaluate", gettext_lazy("Evaluated")
    CANCEL = "cancel", gettext_lazy("Cancelled")


# (status now, action) → status after. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, Action.SUBMIT_FOR_CONSULTATION): S.CONSULTATION,
    (S.RETURNED, Action.SUBMIT_FOR_CONSULTATION): S.CONSULTATION,
    (S.DRAFT, Action.SUBMIT_FOR_ENDORSEMENT): S.ENDORSEMENT,
    (S.RETURNED, Action.SUBMIT_FOR_ENDORSEMENT): S.ENDORSEMENT,
    (S.DRAFT, Action.SUBMIT_FOR_REVIEW): S.REVIEW,
    (S.RETURNED, Action.SUBMIT_FOR_REVIEW): S.REVIEW,
    (S.CONSULTATION, Action.ANSWER_CONSULTATION): S.CONSULTATION,
    (S.CONSULTATION, Action.CONSULTATION_NO_ANSWER): S.CONSULTATION,
    (S.CONSULTATION, Action.CLOSE_CONSULTATION): S.REVIEW,
    (S.ENDORSEMENT, Action.ENDORSE): S.REVIEW,
    (S.REVIEW, Action.APPROVE_STEP): S.REVIEW,
    (S.REVIEW, Action.APPROVE): S.APPROVED,
    (S.ENDORSEMENT, Action.RETURN): S.RETURNED,
    (S.REVIEW, Action.RETURN): S.RETURNED,
    (S.ENDORSEMENT, Action.REJECT): S.REJECTED,
    (S.REVIEW, Action.REJECT): S.REJECTED,
    (S.CONSULTATION, Action.WITHDRAW): S.WITHDRAWN,
    (S.ENDORSEMENT, Action.WITHDRAW): S.WITHDRAWN,
    (S.REVIEW, Action.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, Action.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, Action.START): S.RUNNING,
    (S.APPROVED, Action.END): S.ENDED,
    (S.RUNNING, Action.END): S.ENDED,
    (S.ENDED, Action.EVALUATE): S.EVALUATED,
    (S.APPROVED, Action.CANCEL): S.CANCELLED,
    (S.RUNNING, Action.CANCEL): S.CANCELLED,
}

# How a refusal names the action ("… so you cannot withdraw it").
_VERBS = {
    Action.SUBMIT_FOR_CONSULTATION: gettext_lazy("submit it"),
    Action.SUBMIT_FOR_ENDORSEMENT: gettext_lazy("submit it"),
    Action.SUBMIT_FOR_REVIEW: gettext_lazy("submit it"),
    Action.ANSWER_CONSULTATION: gettext_lazy("answer a consultation on it"),
    Action.CONSULTATION_NO_ANSWER: gettext_lazy("close a consultation on it"),
    Action.CLOSE_CONSULTATION: gettext_lazy("close its consultation"),
    Action.ENDORSE: gettext_lazy("endorse it"),
    Action.APPROVE_STEP: gettext_lazy("approve it"),
    Action.APPROVE: gettext_lazy("approve it"),
    Action.RETURN: gettext_lazy("return it for rework"),
    Action.REJECT: gettext_lazy("reject it"),
    Action.WITHDRAW: gettext_lazy("withdraw it"),
    Action.START: gettext_lazy("start it"),
    Action.END: gettext_lazy("end it"),
    Action.EVALUATE: gettext_lazy("mark it evaluated"),
    Action.CANCEL: gettext_lazy("cancel it"),
}


class TransitionRefused(Conflict):
    """The table does not allow this action in the promotion's current status (API: 409)."""


def transition_target(status: str, action: str) -> str | None:
    """The status ``action`` leads to from ``status``, or None when it is not allowed."""
    return TRANSITIONS.get((status, action))


def refusal_message(status: str, action: str) -> str:
    return _("The promotion is %(status)s, so you cannot %(verb)s.") % {
        "status": str(S(status).label).lower(),
        "verb": _VERBS[Action(action)],
    }


def promotion_transition(
    *,
    promotion: Promotion,
    action: str,
    actor: User | None,
    step: ApprovalStep | None = None,
    round: int = 0,
    comment: str = "",
    data: dict | None = None,
    on_behalf_of: User | None = None,
    now: datetime.datetime | None = None,
) -> ApprovalEvent:
    """Apply ``action`` to ``promotion`` and record it. The caller holds the promotion's row lock (services lock
    it first), so the conditional UPDATE below only fails if a caller forgot the lock — then it is a ``Conflict``
    rather than a silent overwrite."""
    now = now or timezone.now()
    current = promotion.status
    target = transition_target(current, action)
    if target is None:
        raise TransitionRefused(refusal_message(current, action))
    if target != current:
        moved = Promotion.objects.filter(pk=promotion.pk, status=current).update(status=target, updated_at=now)
        if not moved:
            raise Conflict(_("The promotion was changed by someone else meanwhile. Reload and try again."))
        promotion.status = target
    return ApprovalEvent.objects.create(
        promotion=promotion,
        step=step,
        round=round,
        action=action,
        from_status=current,
        to_status=target,
        actor=actor,
        on_behalf_of=on_behalf_of,
        comment=comment,
        data=data or {},
        created_at=now,
    )
