"""Which rule applies to a promotion and which steps its round gets (DESIGN §3).

Marketing proposal: consultation of every affected region's sales manager (in parallel) → marketing manager →
sales director above threshold A → general manager above threshold B.
Sales request: endorsement by the author's sales manager (skipped for a manager's own request) → marketing
review (the SLA) → sales director / general manager above the thresholds.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from accounts.models import Region, User
from accounts.permissions import region_ancestor_paths
from accounts.roles import Role
from campaigns.models import Promotion, PromotionOrigin

from .models import ApprovalRule, StepKind


@dataclass(frozen=True)
class PlannedStep:
    sequence: int
    kind: str
    sla_hours: int
    assignee: User | None = None
    role: str = ""


def rule_for(promotion: Promotion) -> ApprovalRule | None:
    """The active rule of the promotion's origin with the deepest region covering all its regions (a rule without
    region covers everything). None when no rule exists: the built-in defaults apply."""
    regions = list(promotion.regions.all())
    candidates = ApprovalRule.objects.filter(origin=promotion.origin, active=True).select_related("region")
    best, best_depth = None, -1
    for rule in candidates:
        if rule.region is None:
            depth = 0
        elif regions and all(r.path.startswith(rule.region.path) for r in regions):
            depth = rule.region.depth + 1
        else:
            continue
        if depth > best_depth:
            best, best_depth = rule, depth
    return best


def default_rule(origin: str) -> ApprovalRule:
    """An unsaved rule with the built-in defaults (settings), used when no rule is configured."""
    return ApprovalRule(name="default", origin=origin)


def consultees(promotion: Promotion) -> list[User]:
    """Active sales managers whose region overlaps one of the promotion's regions (it covers the region, or lies
    inside it), the author and the owner excluded (nobody is consulted on their own promotion)."""
    query = Q(pk__in=[])
    for region in promotion.regions.all():
        query |= Q(region__path__in=region_ancestor_paths(region.path)) | Q(region__path__startswith=region.path)
    return list(
        User.objects.filter(query, is_active=True, groups__name=Role.SALES_MANAGER)
        .exclude(pk__in=[promotion.created_by_id, promotion.owner_id])
        .distinct()
        .order_by("region__path", "username")
    )


def endorser_for(author: User, owner: User | None = None) -> User | None:
    """The author's sales manager: their manager when that is an active sales manager, else the sales manager of
    the closest region above theirs. None for a manager's own request, or when no manager exists.

    When that manager is the request's owner (nobody endorses their own promotion), their own manager endorses."""
    if author.has_role(Role.SALES_MANAGER):
        return None
    manager = author.manager
    if not (manager is not None and manager.is_active and manager.has_role(Role.SALES_MANAGER)):
        manager = None
        if author.region_id is not None:
            region: Region = author.region
            manager = (
                User.objects.filter(
                    is_active=True,
                    groups__name=Role.SALES_MANAGER,
                    region__path__in=region_ancestor_paths(region.path),
                )
                .exclude(pk=author.pk)
                .order_by("-region__path")
                .first()
            )
    if manager is not None and owner is not None and manager.pk == owner.pk:
        above = manager.manager
        return above if above is not None and above.is_active and above.pk != author.pk else None
    return manager


def _role_step(role: str, promotion: Promotion, sequence: int, kind: str, hours: int) -> PlannedStep:
    """A step for any holder of ``role`` — unless the promotion's author or owner is its only holder (nobody
    decides their own promotion): then it goes up to *that holder's* manager (the marketing manager's own proposal
    goes to the general manager). Never down the author's own chain: a rep naming the only marketing manager as
    owner must not get their request reviewed by their own sales manager instead of marketing."""
    own = {promotion.created_by_id, promotion.owner_id}
    others = User.objects.filter(is_active=True, groups__name=role).exclude(pk__in=own).exists()
    if not others:
        for person in (promotion.created_by, promotion.owner):
            if not person.has_role(role):
                continue
            manager = person.manager
            if manager is not None and manager.is_active and manager.pk not in own:
                return PlannedStep(sequence=sequence, kind=kind, sla_hours=hours, assignee=manager)
    return PlannedStep(sequence=sequence, kind=kind, sla_hours=hours, role=role)


def _deciders(step: PlannedStep, promotion: Promotion) -> frozenset[int]:
    """Who may decide a planned step (the author and owner never)."""
    if step.assignee is not None:
        return frozenset({step.assignee.pk})
    return frozenset(
        User.objects.filter(is_active=True, groups__name=step.role)
        .exclude(pk__in=[promotion.created_by_id, promotion.owner_id])
        .values_list("pk", flat=True)
    )


def plan_round(promotion: Promotion, rule: ApprovalRule) -> list[PlannedStep]:
    """The steps of a new round, in order (steps sharing a sequence run in parallel)."""
    author = promotion.created_by
    budget = promotion.budget or Decimal(0)
    steps: list[PlannedStep] = []
    sequence = 1
    if promotion.origin == PromotionOrigin.MARKETING:
        people = consultees(promotion)
        for person in people:
            steps.append(PlannedStep(sequence, StepKind.CONSULTATION, rule.consultation_hours, assignee=person))
        if people:
            sequence += 1
        steps.append(_role_step(Role.MARKETING_MANAGER, promotion, sequence, StepKind.APPROVAL, rule.decision_hours))
    else:
        endorser = endorser_for(author, promotion.owner)
        if endorser is not None:
            steps.append(PlannedStep(sequence, StepKind.ENDORSEMENT, rule.endorsement_hours, assignee=endorser))
            sequence += 1
        steps.append(_role_step(Role.MARKETING_MANAGER, promotion, sequence, StepKind.REVIEW, rule.review_hours))
    if budget > rule.director_threshold:
        sequence += 1
        steps.append(_role_step(Role.SALES_DIRECTOR, promotion, sequence, StepKind.APPROVAL, rule.decision_hours))
    if budget > rule.gm_threshold:
        sequence += 1
        steps.append(_role_step(Role.GENERAL_MANAGER, promotion, sequence, StepKind.APPROVAL, rule.decision_hours))
    # One person decides once: when the only people who may decide a step are also the only ones of a later step
    # (the author's manager standing in for the marketing manager is the GM who approves last), the earlier step
    # goes — the later one sees everything before it. Consultations always stay.
    deciders = [_deciders(step, promotion) for step in steps]
    kept = [
        step
        for index, step in enumerate(steps)
        if step.kind == StepKind.CONSULTATION
        or not deciders[index]
        or not any(deciders[index] == later for later in deciders[index + 1 :])
    ]
    # Renumber so the sequences stay 1, 2, 3… (parallel steps keep sharing theirs).
    numbers = {sequence: position for position, sequence in enumerate(sorted({s.sequence for s in kept}), 1)}
    return [replace(step, sequence=numbers[step.sequence]) for step in kept]
