"""Sales' rating of a promotion's executability after execution (DESIGN §1: "executability is rated by sales
after execution"; it feeds the effect page and the joint KPIs).

- Who: sales reps and sales managers whose area overlaps one of the promotion's regions (403 otherwise).
- When: once the promotion is in the field or done — running, ended or evaluated (a state ``Conflict``, API 409,
  before that or when it was cancelled, rejected or withdrawn).
- One rating per person per promotion (the unique constraint): rating again *replaces* that person's score and
  comment (``update_or_create`` on the constraint, so two requests at once still leave one row); the first
  rating's time is kept. ``created`` tells a new rating (API 201) from a replaced one (200).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Promotion, PromotionStatus
from coordination.errors import Conflict

from ..models import ExecutabilityRating
from ..permissions import can_rate_executability

RATING_STATUSES = frozenset({PromotionStatus.RUNNING, PromotionStatus.ENDED, PromotionStatus.EVALUATED})
COMMENT_MAX_LENGTH = 4000


def rating_open(promotion: Promotion) -> bool:
    return promotion.status in RATING_STATUSES


@transaction.atomic
def executability_rate(
    *, user: User, promotion: Promotion, score: int, comment: str = ""
) -> tuple[ExecutabilityRating, bool]:
    """Record (or replace) ``user``'s executability rating of ``promotion``, 1 (hardly workable) to 5 (easy)."""
    if not can_rate_executability(user, promotion):
        raise PermissionDenied(_("Executability is rated by the sales people of the promotion's regions."))
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [_("Rate from 1 (hardly workable) to 5 (easy to carry out).")]
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [_("Keep the comment to %(count)s characters.") % {"count": COMMENT_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    status = Promotion.objects.filter(pk=promotion.pk).values_list("status", flat=True).get()
    if status not in RATING_STATUSES:
        raise Conflict(
            _("The promotion is %(status)s: executability is rated once it runs in the field.")
            % {"status": str(PromotionStatus(status).label).lower()}
        )
    return ExecutabilityRating.objects.update_or_create(
        promotion=promotion, rater=user, defaults={"score": score, "comment": comment}
    )
