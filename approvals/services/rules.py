"""Writes of approval rules: create, change and deactivate (marketing managers and administrators).

A rule's thresholds and hours are copied into a flow when a promotion is submitted, so a change here routes the
promotions submitted from now on and never re-routes one already on its way.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from campaigns.models import PromotionOrigin

from ..models import ApprovalRule
from ..permissions import can_configure_approval_rules

RULE_FIELDS = (
    "name",
    "origin",
    "region",
    "director_threshold",
    "gm_threshold",
    "consultation_hours",
    "endorsement_hours",
    "review_hours",
    "decision_hours",
    "active",
)
HOUR_FIELDS = ("consultation_hours", "endorsement_hours", "review_hours", "decision_hours")
HOURS_MIN, HOURS_MAX = 1, 2000
THRESHOLD_MAX = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
NAME_MAX_LENGTH = ApprovalRule._meta.get_field("name").max_length

_FORBIDDEN = gettext_lazy("Only marketing managers change the approval rules.")


def _hours_error(value) -> str | None:
    if value is None or not HOURS_MIN <= value <= HOURS_MAX:
        return _("Enter %(min)s to %(max)s working hours.") % {"min": HOURS_MIN, "max": HOURS_MAX}
    return None


def _threshold_error(value) -> str | None:
    if value is None:
        return _("Enter an amount (0 or more).")
    if value < 0:
        return _("A threshold cannot be negative.")
    if value > THRESHOLD_MAX:
        return _("Enter an amount below one trillion.")
    return None


def _conflicting_rule(values: dict, exclude_pk: int | None) -> ApprovalRule | None:
    if not values["active"]:
        return None
    rules = ApprovalRule.objects.filter(origin=values["origin"], active=True).select_related("region")
    rules = rules.filter(region=values["region"]) if values["region"] is not None else rules.filter(region=None)
    if exclude_pk is not None:
        rules = rules.exclude(pk=exclude_pk)
    return rules.first()


def _conflict_message(values: dict, other: ApprovalRule) -> str:
    if values["region"] is None:
        return _("“%(name)s” is already the active company-wide rule for this origin; change or deactivate it.") % {
            "name": other.name
        }
    return _("“%(name)s” is already the active rule for this origin in %(region)s; change or deactivate it.") % {
        "name": other.name,
        "region": values["region"].display_name,
    }


def approval_rule_validate(values: dict, *, exclude_pk: int | None = None, conflict_field: str = "region") -> None:
    """Every rule of a rule, one message per field: a name, a known origin, thresholds of 0 or more with B not
    below A, 1–2000 working hours per step kind, and one active rule per origin and region."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    name = values.get("name") or ""
    if not name:
        add("name", _("Give the rule a name."))
    elif len(name) > NAME_MAX_LENGTH:
        add("name", _("Keep the name to %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    if values.get("origin") not in PromotionOrigin.values:
        add("origin", _("Choose marketing proposals or sales requests."))
    if values.get("region") is not None and not isinstance(values["region"], Region):
        add("region", _("Choose a region, or none for the whole company."))
    for threshold in ("director_threshold", "gm_threshold"):
        message = _threshold_error(values.get(threshold))
        if message:
            add(threshold, message)
    director, gm = values.get("director_threshold"), values.get("gm_threshold")
    if "director_threshold" not in errors and "gm_threshold" not in errors and gm < director:
        add("gm_threshold", _("Threshold B (general manager) cannot be below threshold A (sales director)."))
    for hours in HOUR_FIELDS:
        message = _hours_error(values.get(hours))
        if message:
            add(hours, message)
    if not errors:
        other = _conflicting_rule(values, exclude_pk)
        if other is not None:
            add(conflict_field, _conflict_message(values, other))
    if errors:
        raise ValidationError(errors)


def _save(rule: ApprovalRule, values: dict, *, update_fields: list[str] | None, conflict_field: str) -> None:
    """Save; a concurrent save that slipped past the check above meets the unique constraint: the same message."""
    try:
        with transaction.atomic():
            rule.save(update_fields=update_fields)
    except IntegrityError:
        other = _conflicting_rule(values, rule.pk)
        if other is None:
            raise
        raise ValidationError({conflict_field: _conflict_message(values, other)}) from None


@transaction.atomic
def approval_rule_create(
    *,
    user: User,
    name: str,
    origin: str,
    region: Region | None = None,
    director_threshold: Decimal = Decimal("50000"),
    gm_threshold: Decimal = Decimal("200000"),
    consultation_hours: int | None = None,
    endorsement_hours: int | None = None,
    review_hours: int | None = None,
    decision_hours: int | None = None,
    active: bool = True,
) -> ApprovalRule:
    """A new rule; hours not given take the built-in defaults (settings)."""
    if not can_configure_approval_rules(user):
        raise PermissionDenied(_FORBIDDEN)
    defaults = ApprovalRule()
    values = {
        "name": (name or "").strip(),
        "origin": origin,
        "region": region,
        "director_threshold": director_threshold,
        "gm_threshold": gm_threshold,
        "consultation_hours": consultation_hours if consultation_hours is not None else defaults.consultation_hours,
        "endorsement_hours": endorsement_hours if endorsement_hours is not None else defaults.endorsement_hours,
        "review_hours": review_hours if review_hours is not None else defaults.review_hours,
        "decision_hours": decision_hours if decision_hours is not None else defaults.decision_hours,
        "active": active,
    }
    approval_rule_validate(values)
    rule = ApprovalRule(**values, updated_by=user)
    _save(rule, values, update_fields=None, conflict_field="region")
    return rule


@transaction.atomic
def approval_rule_update(*, user: User, rule: ApprovalRule, **fields) -> ApprovalRule:
    """Change the fields given (any of ``RULE_FIELDS``); the rest stay. Promotions already submitted keep the
    thresholds and hours they were routed with."""
    if not can_configure_approval_rules(user):
        raise PermissionDenied(_FORBIDDEN)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"approval_rule_update does not change {sorted(unknown)}")
    locked = ApprovalRule.objects.select_for_update(of=("self",)).select_related("region").get(pk=rule.pk)
    values = {name: getattr(locked, name) for name in RULE_FIELDS}
    for name, value in fields.items():
        values[name] = (value or "").strip() if name == "name" else value
    changed = [name for name in RULE_FIELDS if name in fields and values[name] != getattr(locked, name)]
    # Switching a rule back on is what collides, unless its origin or region changed too.
    conflict_field = "active" if "active" in changed and not {"origin", "region"} & set(changed) else "region"
    approval_rule_validate(values, exclude_pk=locked.pk, conflict_field=conflict_field)
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    locked.updated_by = user
    _save(locked, values, update_fields=[*changed, "updated_by", "updated_at"], conflict_field=conflict_field)
    return locked


@transaction.atomic
def approval_rule_deactivate(*, user: User, rule: ApprovalRule) -> ApprovalRule:
    """Switch a rule off: promotions of its origin and region then follow the next rule up (or the built-in
    defaults). Kept, not deleted: flows routed by it still name it."""
    if not can_configure_approval_rules(user):
        raise PermissionDenied(_FORBIDDEN)
    locked = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
    if locked.active:
        locked.active = False
        locked.updated_by = user
        locked.save(update_fields=["active", "updated_by", "updated_at"])
    return locked
