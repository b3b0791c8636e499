"""Writes of promotion costs: sales book actual spend against an agreed promotion (DESIGN §3 ``PromotionCost``).

Rules, each refused with a message on its field (``ValidationError``, API 400) unless said otherwise:
- Who books (``can_book_costs``): sales reps and sales managers whose area overlaps one of the promotion's regions,
  and the promotion's owner and responsible people (whatever their department). Marketing, the sales director and
  the general manager read the costs but do not book them; HR sees no promotion at all. Refused: 403.
- When: only while the promotion is agreed — approved, running or ended. Before approval, once evaluated (its
  books are closed), or when rejected / withdrawn / cancelled the booking is a state ``Conflict`` (API 409), like
  any other action the promotion's status does not allow.
- What: an amount other than 0 with at most 2 decimals; a negative amount is a correction of an earlier booking
  and needs a description (the reason), and it cannot take the promotion's total below zero; the day it was spent
  lies in the promotion's period or up to ``COST_DAYS_AFTER_END`` days after its end, and not in the future.
- Idempotent by ``client_uuid``: the same UUID sent again with the same booking returns the booking made the first
  time (``created`` False: the API answers 200 instead of 201); the same UUID with another promotion, another
  person or a different payload is refused on ``client_uuid`` (400) — make a new UUID per booking, as for reports.
- Exact totals under concurrency: the promotion row is locked (``select_for_update``) before the total is read, so
  two bookings at once queue and ``total_after`` of each is the running total including it.
- ``over_budget`` on a booking: the total after it is above the budget. When a booking takes the total over the
  budget, marketing — the owner and the marketing managers — is notified, once per promotion (the notify key).
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from accounts.roles import Role
from coordination.errors import Conflict

from ..models import CostCategory, Promotion, PromotionCost, PromotionStatus
from ..permissions import can_book_costs

# Statuses in which costs are booked: agreed and not yet closed by marketing's evaluation.
COST_BOOKING_STATUSES = frozenset({PromotionStatus.APPROVED, PromotionStatus.RUNNING, PromotionStatus.ENDED})
# Bills arrive after the end: how many days after its last day spend may still be dated.
COST_DAYS_AFTER_END = 30
DESCRIPTION_MAX_LENGTH = PromotionCost._meta.get_field("description").max_length
# max_digits 12, decimal_places 2 on the model: at most 10 digits before the point.
AMOUNT_LIMIT = Decimal("10000000000")


def costs_bookable(promotion: Promotion) -> bool:
    return promotion.status in COST_BOOKING_STATUSES


def spend_window(promotion: Promotion, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day a cost of ``promotion`` may be dated (the last day is never after today)."""
    last = min(promotion.ends_on + datetime.timedelta(days=COST_DAYS_AFTER_END), today)
    return promotion.starts_on, last


def _status_refusal(promotion: Promotion) -> str:
    if promotion.status == PromotionStatus.EVALUATED:
        return _("The promotion is evaluated: its costs are closed.")
    return _("The promotion is %(status)s: costs are booked only on approved, running or ended promotions.") % {
        "status": str(PromotionStatus(promotion.status).label).lower()
    }


def _as_decimal(amount) -> Decimal | None:
    if amount is None or amount == "" or isinstance(amount, bool):
        return None
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return value if value.is_finite() else None


# PromotionCost.total_after holds 14 digits with 2 decimals.
TOTAL_MAX = Decimal("999999999999.99")


def _validate(
    *,
    promotion: Promotion,
    category: str,
    amount,
    spent_on,
    description: str,
    today: datetime.date,
) -> Decimal:
    """Check the input (no database needed); returns the amount as a Decimal with 2 places."""
    errors: dict[str, list[str]] = {}
    if category not in CostCategory.values:
        errors["category"] = [_("Choose a cost category.")]
    value = _as_decimal(amount)
    if value is None:
        errors["amount"] = [_("Enter the amount in CNY, e.g. 1200.50.")]
    elif value == 0:
        errors["amount"] = [_("The amount cannot be 0.")]
    elif abs(value) >= AMOUNT_LIMIT:
        errors["amount"] = [_("The amount is too large.")]
    elif value != value.quantize(Decimal("0.01")):
        errors["amount"] = [_("Use at most 2 decimals (fen).")]
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [_("Keep the description to %(count)s characters.") % {"count": DESCRIPTION_MAX_LENGTH}]
    elif value is not None and value < 0 and not description:
        errors["description"] = [_("A negative amount corrects an earlier booking: say what it corrects and why.")]
    if not isinstance(spent_on, datetime.date) or isinstance(spent_on, datetime.datetime):
        errors["spent_on"] = [_("Enter the day the money was spent.")]
    elif spent_on > today:
        errors["spent_on"] = [_("The day cannot be in the future.")]
    elif spent_on < promotion.starts_on:
        errors["spent_on"] = [
            _("The promotion starts on %(date)s: spend before it cannot be booked on it.")
            % {"date": promotion.starts_on.isoformat()}
        ]
    elif spent_on > promotion.ends_on + datetime.timedelta(days=COST_DAYS_AFTER_END):
        errors["spent_on"] = [
            _("Costs can be booked up to %(days)s days after the promotion's end (%(date)s).")
            % {"days": COST_DAYS_AFTER_END, "date": promotion.ends_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    return value.quantize(Decimal("0.01"))


def _replay(*, user: User, promotion: Promotion, client_uuid: uuid.UUID, payload: dict) -> PromotionCost | None:
    """The booking already made with ``client_uuid`` when this request repeats it (same promotion, person and
    booking); ``ValidationError`` on ``client_uuid`` when the UUID was used for anything else."""
    existing = PromotionCost.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    same = (
        existing.promotion_id == promotion.pk
        and existing.booked_by_id == user.pk
        and existing.category == payload["category"]
        and existing.amount == _as_decimal(payload["amount"])
        and existing.spent_on == payload["spent_on"]
        and existing.description == payload["description"]
    )
    if not same:
        raise ValidationError(
            {"client_uuid": [_("This client_uuid was already used for another booking: make a new one per booking.")]}
        )
    return existing


def _notify_over_budget(promotion: Promotion, total: Decimal) -> None:
    managers = User.objects.filter(is_active=True, groups__name=Role.MARKETING_MANAGER)
    budget = promotion.budget

    def message():
        return (
            _("Over budget: %(title)s") % {"title": promotion.title},
            _("Costs booked: ¥%(total)s against a budget of ¥%(budget)s.") % {"total": total, "budget": budget},
        )

    notify(
        recipients=[promotion.owner, *managers],
        kind="promotion_over_budget",
        key=f"promotion_over_budget:{promotion.pk}",
        message=message,
        url=reverse("approvals:promotion_effect", args=[promotion.pk]),
    )


def promotion_cost_book(
    *,
    user: User,
    promotion: Promotion,
    category: str,
    amount: Decimal,
    spent_on: datetime.date,
    description: str = "",
    client_uuid: uuid.UUID,
    today: datetime.date | None = None,
) -> tuple[PromotionCost, bool]:
    """Book a cost on ``promotion``; returns the booking and whether it was made now (see the module docstring).

    Raises ``PermissionDenied`` (not one who books), ``Conflict`` (the status does not take costs) and
    ``ValidationError`` (a message per field)."""
    today = today or timezone.localdate()
    description = (description or "").strip()
    if not can_book_costs(user, promotion):
        raise PermissionDenied(
            _("Costs are booked by the sales people of the promotion's regions and its owner and responsible people.")
        )
    payload = {"category": category, "amount": amount, "spent_on": spent_on, "description": description}
    # A retried request answers with the booking made the first time, even if the day has left the window since.
    if (replayed := _replay(user=user, promotion=promotion, client_uuid=client_uuid, payload=payload)) is not None:
        return replayed, False
    # The status first: a cost on a promotion that takes none is a 409 whatever the input says.
    if not costs_bookable(promotion):
        raise Conflict(_status_refusal(promotion))
    payload["amount"] = _validate(promotion=promotion, today=today, **payload)
    try:
        with transaction.atomic():
            locked = Promotion.objects.select_for_update(of=("self",)).select_related("owner").get(pk=promotion.pk)
            # A concurrent request with the same UUID committed while this one waited for the lock.
            if (replayed := _replay(user=user, promotion=locked, client_uuid=client_uuid, payload=payload)) is not None:
                return replayed, False
            if not costs_bookable(locked):
                raise Conflict(_status_refusal(locked))
            before = PromotionCost.objects.filter(promotion=locked).aggregate(total=Sum("amount"))["total"]
            before = before or Decimal("0")
            total = before + payload["amount"]
            if total > TOTAL_MAX:
                raise ValidationError({"amount": [_("The total booked on one promotion would be too large.")]})
            if total < 0:
                raise ValidationError(
                    {
                        "amount": [
                            _("This correction would take the total below zero (¥%(total)s booked so far).")
                            % {"total": before}
                        ]
                    }
                )
            cost = PromotionCost.objects.create(
                promotion=locked,
                booked_by=user,
                client_uuid=client_uuid,
                total_after=total,
                over_budget=total > locked.budget,
                **payload,
            )
            if before <= locked.budget < total:
                _notify_over_budget(locked, total)
    except IntegrityError:
        # The UUID was taken meanwhile by a booking on another promotion (on this one the lock queues requests).
        if (replayed := _replay(user=user, promotion=promotion, client_uuid=client_uuid, payload=payload)) is None:
            raise
        return replayed, False
    return cost, True
