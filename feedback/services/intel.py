"""Marketing's side of the intel feed: acknowledge, answer and rate the field's intel, and move a customer
feedback's follow-up. Answering notifies the rep who reported it (the loop closes back to the field).

Each service is one transaction that locks the item's row, so two people acting on one item at once decide one
after the other, never over each other.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify

from ..models import FollowUp, IntelItem, Section
from ..permissions import can_answer_intel, can_follow_up_feedback

ANSWER_MAX_LENGTH = 2000
NOTIFICATION_KIND = "intel_answer"


def _require_marketing(user: User) -> None:
    if not can_answer_intel(user):
        raise PermissionDenied(_("Only marketing acknowledges, answers and rates the field's intel."))


def _lock(item: IntelItem) -> IntelItem:
    return IntelItem.objects.select_for_update().get(pk=item.pk)


def _acknowledge(item: IntelItem, *, user: User, now) -> list[str]:
    """Mark the (locked) item acknowledged unless it already is; the first person and time are kept."""
    if item.acknowledged_at is not None:
        return []
    item.acknowledged_by = user
    item.acknowledged_at = now
    return ["acknowledged_by", "acknowledged_at"]


def _refresh(target: IntelItem, source: IntelItem, fields: list[str]) -> None:
    """Copy what the service saved back onto the caller's object, so it does not show stale values."""
    for name in fields:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def intel_acknowledge(*, user: User, item: IntelItem) -> IntelItem:
    """Marketing has read the item. Idempotent: a second acknowledgement keeps the first person and time."""
    _require_marketing(user)
    locked = _lock(item)
    fields = _acknowledge(locked, user=user, now=timezone.now())
    if fields:
        locked.save(update_fields=fields)
    _refresh(item, locked, ["acknowledged_by", "acknowledged_at"])
    return item


def answer_digest(answer: str) -> str:
    """A short hash of an answer's text: the notification key, so only a changed answer notifies again."""
    return hashlib.sha256(answer.encode()).hexdigest()[:12]


def _clean_answer(answer: str | None) -> str:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write an answer.")]})
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {"answer": [_("Keep the answer to %(max)d characters or fewer.") % {"max": ANSWER_MAX_LENGTH}]}
        )
    return answer


def report_page_url(report_id: int) -> str:
    """The rep's page of the report, where they read marketing's answer next to their line."""
    return reverse("feedback:report_detail", args=[report_id])


def _notify_rep(item: IntelItem, *, user: User) -> None:
    answer = item.answer
    author = user.display_name

    def message() -> tuple[str, str]:
        # Called once per language, inside that language: every word here is translated then.
        title = _("Marketing answered your %(section)s of %(date)s") % {
            "section": str(item.get_section_display()).lower(),
            "date": item.date.isoformat(),
        }
        body = _("%(author)s answered: %(answer)s") % {"author": author, "answer": answer}
        return title, body

    notify(
        recipients=[item.rep],
        kind=NOTIFICATION_KIND,
        key=f"intel_answer:{item.pk}:{answer_digest(answer)}",
        message=message,
        url=report_page_url(item.report_id),
    )


@transaction.atomic
def intel_answer(*, user: User, item: IntelItem, answer: str) -> IntelItem:
    """Answer the rep (also acknowledges). Re-answering replaces the answer; the rep is notified again only when
    the text changed (the notification key carries a hash of the text)."""
    _require_marketing(user)
    answer = _clean_answer(answer)
    locked = IntelItem.objects.select_for_update().select_related("rep").get(pk=item.pk)
    if locked.answer != answer:
        now = timezone.now()
        locked.answer = answer
        locked.answered_by = user
        locked.answered_at = now
        fields = ["answer", "answered_by", "answered_at", *_acknowledge(locked, user=user, now=now)]
        locked.save(update_fields=fields)
        _notify_rep(locked, user=user)
    _refresh(item, locked, ["answer", "answered_by", "answered_at", "acknowledged_by", "acknowledged_at"])
    return item


@transaction.atomic
def intel_mark_useful(*, user: User, item: IntelItem, useful: bool) -> IntelItem:
    """Marketing rates the item useful or not (rating it also acknowledges it: someone has read it)."""
    _require_marketing(user)
    if not isinstance(useful, bool):
        raise ValidationError({"useful": [_("Say true or false.")]})
    locked = _lock(item)
    locked.useful = useful
    fields = ["useful", *_acknowledge(locked, user=user, now=timezone.now())]
    locked.save(update_fields=fields)
    _refresh(item, locked, ["useful", "acknowledged_by", "acknowledged_at"])
    return item


@transaction.atomic
def intel_follow_up(*, user: User, item: IntelItem, status: str) -> IntelItem:
    """Move a customer feedback's follow-up (open → in progress → followed up, or back). Marketing or the rep who
    reported it; other sections have no follow-up."""
    if not can_follow_up_feedback(user, item):
        raise PermissionDenied(_("Only marketing or the rep who reported it moves a customer feedback's follow-up."))
    if item.section != Section.CUSTOMER_FEEDBACK:
        raise ValidationError({"status": [_("Only customer feedback has a follow-up.")]})
    if status not in FollowUp.values:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(FollowUp.values)}]})
    locked = _lock(item)
    if locked.follow_up != status:
        locked.follow_up = status
        locked.save(update_fields=["follow_up"])
    _refresh(item, locked, ["follow_up"])
    return item
