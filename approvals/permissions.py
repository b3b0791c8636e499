"""Who may see and decide which approval step (DESIGN §2) — the one place the pages and the API ask.

- A step is decided by its assignee, by any holder of its assigned role, or by the delegate of either while a
  delegation runs (the decision records on whose behalf).
- Nobody decides a step of their own promotion (its author or its owner), whatever their role.
- Seeing a step follows seeing its promotion (``campaigns.permissions.promotions_visible_q``), plus the steps one
  may decide: denial looks like "not found".
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Delegation, User
from campaigns.models import Promotion
from campaigns.permissions import is_field_sales_of, promotions_visible_q

from .models import ApprovalStep, StepStatus


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def active_delegators(user: User, today: datetime.date | None = None) -> list[User]:
    """The people ``user`` stands in for today (one query; their groups prefetched for role checks)."""
    if not _active(user):
        return []
    today = today or timezone.localdate()
    if not hasattr(user, "_delegators_cache"):
        user._delegators_cache = {}
    if today not in user._delegators_cache:
        user._delegators_cache[today] = [
            d.delegator
            for d in Delegation.objects.filter(
                delegate=user, starts_on__lte=today, ends_on__gte=today, delegator__is_active=True
            )
            .select_related("delegator")
            .prefetch_related("delegator__groups")
        ]
    return user._delegators_cache[today]


def _own_promotion_q(user: User, prefix: str = "flow__promotion__") -> Q:
    return Q(**{f"{prefix}created_by": user}) | Q(**{f"{prefix}owner": user})


def _assigned_q(person: User) -> Q:
    """Steps assigned to ``person`` or to one of their roles."""
    assigned = Q(assignee=person.pk)
    if person.role_names:
        assigned |= Q(assignee_role__in=sorted(person.role_names))
    return assigned


def decidable_steps_q(user: User, today: datetime.date | None = None) -> Q:
    """Open steps ``user`` may decide now: theirs, their role's, or those of the people they stand in for — never
    on their own promotions, nor on the promotions of the person they stand in for (as ``decider_for``)."""
    if not _active(user):
        return Q(pk__in=[])
    mine = _assigned_q(user)
    for delegator in active_delegators(user, today):
        mine |= _assigned_q(delegator) & ~_own_promotion_q(delegator)
    return Q(status=StepStatus.OPEN) & mine & ~_own_promotion_q(user)


def steps_visible_q(user: User, today: datetime.date | None = None) -> Q:
    """Steps of promotions the user may see, and the steps they may decide now. A delegate sees the open steps
    they stand in for, not the history of the person away."""
    if not _active(user):
        return Q(pk__in=[])
    visible = Q(flow__promotion__in=_visible_promotion_ids(user))
    return visible | decidable_steps_q(user, today)


def _visible_promotion_ids(user: User):
    from campaigns.models import Promotion

    return Promotion.objects.filter(promotions_visible_q(user)).values("pk")


def decider_for(user: User, step: ApprovalStep, today: datetime.date | None = None) -> tuple[bool, User | None]:
    """May ``user`` decide ``step`` (ignoring whether it is still open), and on whose behalf (None: their own)?

    ``step.flow.promotion`` should be fetched. Own promotions are refused whoever is asking.
    """
    if not _active(user):
        return False, None
    promotion = step.flow.promotion
    if user.pk in (promotion.created_by_id, promotion.owner_id):
        return False, None
    if step.assignee_id is not None and step.assignee_id == user.pk:
        return True, None
    if step.assignee_role and user.has_role(step.assignee_role):
        return True, None
    for delegator in active_delegators(user, today):
        if delegator.pk in (promotion.created_by_id, promotion.owner_id):
            continue
        if step.assignee_id == delegator.pk or (step.assignee_role and delegator.has_role(step.assignee_role)):
            return True, delegator
    return False, None


def is_own_promotion_step(user: User, step: ApprovalStep) -> bool:
    promotion = step.flow.promotion
    return user.pk in (promotion.created_by_id, promotion.owner_id)


def decides_approvals(user: User) -> bool:
    """Holds a role that is asked to decide (no query: the menu asks this on every page). Someone standing in for
    such a person reaches the inbox from the home page and from the notification of the delegation."""
    from accounts.roles import Role

    roles = {Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
    return _active(user) and (user.is_superuser or user.has_role(*roles))


def can_open_inbox(user: User) -> bool:
    """Everyone who may be asked to decide or answer: marketing managers, sales managers, the sales director, the
    GM — and anyone standing in for one of them today."""
    from accounts.roles import Role

    if not _active(user):
        return False
    roles = {Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
    return user.is_superuser or user.has_role(*roles) or bool(active_delegators(user))


# --- approval rules (the settings page and the API) ----------------------------------------------------------------


def can_configure_approval_rules(user: User) -> bool:
    """Marketing managers set the thresholds and SLA hours (DESIGN §2); administrators too."""
    from accounts.roles import Role

    return _active(user) and (user.is_superuser or user.has_role(Role.MARKETING_MANAGER))


def can_read_approval_rules(user: User) -> bool:
    """Those the rules route: marketing, the sales director and the general manager (and administrators)."""
    from accounts.roles import Role

    return _active(user) and (
        user.is_superuser
        or user.has_role(Role.MARKETING_MANAGER, Role.MARKETING_STAFF, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
    )


def decidable_steps_one_query_q(user: User, today: datetime.date | None = None) -> Q:
    """``decidable_steps_q`` with the delegations read inside the steps' own query (subqueries), for a page that
    shows a few steps and cannot spend a query on the user's delegations first (the home page). ``user``'s groups
    should be prefetched."""
    from accounts.roles import Role

    if not _active(user):
        return Q(pk__in=[])
    today = today or timezone.localdate()
    delegators = Delegation.objects.filter(
        delegate=user, starts_on__lte=today, ends_on__gte=today, delegator__is_active=True
    ).values("delegator_id")
    delegators_roles = User.groups.through.objects.filter(user_id__in=delegators, group__name__in=Role.values).values(
        "group__name"
    )
    mine = Q(assignee=user) | Q(assignee__in=delegators) | Q(assignee_role__in=delegators_roles)
    if user.role_names:
        mine |= Q(assignee_role__in=sorted(user.role_names))
    return Q(status=StepStatus.OPEN) & mine & ~_own_promotion_q(user)


def can_rate_executability(user: User, promotion: Promotion) -> bool:
    """Whether ``user`` is one who rates (whatever the promotion's status)."""
    return is_field_sales_of(user, promotion)
