"""Who may see and do what in campaigns (DESIGN §2) — the one place the pages and the API ask.

Visibility is expressed as Q objects (``*_visible_q``) so lists filter in the database and a detail page looks its
object up *through* the same filter: an object a user may not see answers "not found", never "forbidden".
Actions on a visible object (edit, publish, acknowledge) are checked by the ``can_*`` functions; a refusal there
is a 403, because the user already knows the object exists.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import overlap_filter, region_in_scope, region_overlaps
from accounts.roles import MARKETING_ROLES, Role

from .models import (
    PROMOTION_EDITABLE_STATUSES,
    PROMOTION_PUBLISHED_STATUSES,
    MarketingPlan,
    PlanStatus,
    Promotion,
    PromotionOrigin,
    PromotionStatus,
)

SALES_FIELD_ROLES = (Role.SALES_REP, Role.SALES_MANAGER)
NOT_FOR_YOUR_ROLE = _("This part of Coordination is not used by your role.")


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_marketing(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.has_role(*MARKETING_ROLES))


def is_field_sales(user: User) -> bool:
    """Reps and regional sales managers: the people plans are published to."""
    return _active(user) and user.has_role(*SALES_FIELD_ROLES)


# --- master data -------------------------------------------------------------------------------------------------


def can_view_master_data(user: User) -> bool:
    """Products and brands are read by every role (forms, filters, reports)."""
    return _active(user)


# --- plans -------------------------------------------------------------------------------------------------------


def can_draft_plans(user: User) -> bool:
    return is_marketing(user)


def can_publish_plans(user: User) -> bool:
    """Only marketing managers publish (DESIGN §2)."""
    return _active(user) and (user.is_superuser or user.has_role(Role.MARKETING_MANAGER))


def plans_visible_q(user: User) -> Q:
    """Marketing and the general manager see every plan, drafts included; the sales director every published
    plan; reps and sales managers the published plans whose region scope concerns them; HR none."""
    if not _active(user):
        return Q(pk__in=[])
    if is_marketing(user) or user.has_role(Role.GENERAL_MANAGER):
        return Q()
    published = Q(published_version__isnull=False)
    if user.has_role(Role.SALES_DIRECTOR):
        return published
    if is_field_sales(user):
        return published & overlap_filter(user)
    return Q(pk__in=[])


def sees_plan_drafts(user: User) -> bool:
    """Who reads a plan's working copy (and not only its published version)."""
    return is_marketing(user) or (_active(user) and user.has_role(Role.GENERAL_MANAGER))


def can_edit_plan(user: User, plan: MarketingPlan) -> bool:
    """The owner and marketing managers, while the plan is a draft or in review."""
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.IN_REVIEW) or not is_marketing(user):
        return False
    return plan.owner_id == user.pk or can_publish_plans(user)


def can_acknowledge_plan(user: User, plan: MarketingPlan) -> bool:
    """Reps and sales managers in the plan's audience acknowledge its published version."""
    return (
        plan.published_version_id is not None
        and plan.status != PlanStatus.ARCHIVED
        and is_field_sales(user)
        and user.region_id is not None
        and user.region.path.startswith(plan.region.path)
    )


def can_comment_on_plan(user: User, plan: MarketingPlan) -> bool:
    """Everyone who may read a plan discusses it — sales asking, marketing answering — until it is archived."""
    return plan.status != PlanStatus.ARCHIVED and (is_marketing(user) or plan.published_version_id is not None)


def can_view_acknowledgements(user: User, plan: MarketingPlan) -> bool:
    """Marketing follows who has read a plan; a sales manager follows their own team."""
    return is_marketing(user) or (
        _active(user) and user.has_role(Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
    )


def can_manage_briefings(user: User, plan: MarketingPlan) -> bool:
    return is_marketing(user) and plan.status != PlanStatus.ARCHIVED


# --- targets -----------------------------------------------------------------------------------------------------


def targets_visible_q(user: User) -> Q:
    """Company-wide readers (marketing, directors, GM, HR) see all targets; a sales manager those of the regions
    that concern them; a rep their own and their regions' (not their colleagues')."""
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser or user.has_role(*MARKETING_ROLES, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.HR):
        return Q()
    if user.has_role(Role.SALES_MANAGER):
        return overlap_filter(user)
    if user.has_role(Role.SALES_REP):
        return Q(rep=user) | (Q(rep__isnull=True) & overlap_filter(user))
    return Q(pk__in=[])


def can_view_target_cell(user: User, *, region, rep: User | None) -> bool:
    """``targets_visible_q`` for a cell that may not exist yet (the grid decides its rows before any figure is
    entered). A test keeps the two in step."""
    if not _active(user):
        return False
    if user.is_superuser or user.has_role(*MARKETING_ROLES, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.HR):
        return True
    if user.has_role(Role.SALES_MANAGER):
        return region_overlaps(user, region)
    if user.has_role(Role.SALES_REP):
        return (rep is not None and rep.pk == user.pk) or (rep is None and region_overlaps(user, region))
    return False


def can_edit_targets(user: User) -> bool:
    """Marketing sets targets; a sales manager decomposes them inside their own region."""
    return is_marketing(user) or (_active(user) and user.has_role(Role.SALES_MANAGER))


def can_edit_target_cell(user: User, *, region, rep: User | None) -> bool:
    """Marketing edits any cell; a sales manager only cells below their own region (their region's own total is
    what they were given) or their reps' cells."""
    if is_marketing(user):
        return True
    if not (_active(user) and user.has_role(Role.SALES_MANAGER) and user.region_id):
        return False
    inside = region_in_scope(user, region)
    return inside and (rep is not None or region.pk != user.region_id)


# --- promotions --------------------------------------------------------------------------------------------------


def can_draft_promotion(user: User) -> bool:
    return is_marketing(user) or is_field_sales(user)


def promotion_origin_for(user: User) -> str:
    """Marketing drafts proposals, sales drafts requests: the origin follows the author."""
    return PromotionOrigin.MARKETING if is_marketing(user) else PromotionOrigin.SALES


def _promotion_regions_concern(user: User) -> Q:
    through = Promotion.regions.through
    return Q(Exists(through.objects.filter(overlap_filter(user, "region"), promotion=OuterRef("pk"))))


def promotions_visible_q(user: User) -> Q:
    """A draft is seen by its author (and, for a marketing proposal, by marketing colleagues). Beyond drafts:
    marketing, the sales director and the GM see all; a sales manager those touching their regions; a rep the
    agreed ones (approved and later) touching their region. HR sees none."""
    if not _active(user):
        return Q(pk__in=[])
    own = Q(created_by=user)
    submitted = ~Q(status=PromotionStatus.DRAFT)
    if is_marketing(user):
        return own | Q(origin=PromotionOrigin.MARKETING) | submitted
    if user.has_role(Role.SALES_DIRECTOR, Role.GENERAL_MANAGER):
        return own | submitted
    if user.has_role(Role.SALES_MANAGER):
        return own | (submitted & _promotion_regions_concern(user))
    if user.has_role(Role.SALES_REP):
        return own | (Q(status__in=PROMOTION_PUBLISHED_STATUSES) & _promotion_regions_concern(user))
    return own


def can_edit_promotion(user: User, promotion: Promotion) -> bool:
    """Only its author, and only while it is a draft or has been returned for changes."""
    return _active(user) and promotion.created_by_id == user.pk and promotion.status in PROMOTION_EDITABLE_STATUSES


def can_open_plans(user: User) -> bool:
    """Whom the plans page is for (HR reads KPIs, not plans)."""
    return is_marketing(user) or (
        _active(user) and user.has_role(Role.SALES_REP, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
    )


def can_open_targets(user: User) -> bool:
    """Everyone who reads some targets: marketing, sales, management and HR (figures, not drafts)."""
    return is_marketing(user) or (
        _active(user)
        and user.has_role(Role.SALES_REP, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.HR)
    )


def can_open_promotions(user: User) -> bool:
    """Marketing, sales and management work with promotions; HR does not."""
    return can_open_plans(user)


# --- promotion follow-up (costs, ratings) ----------------------------------------------------------------------


def is_promotion_team(user: User, promotion: Promotion) -> bool:
    """The owner (项目负责人) and the responsible people of the promotion."""
    if not _active(user):
        return False
    return promotion.owner_id == user.pk or any(person.pk == user.pk for person in promotion.responsible.all())


def is_field_sales_of(user: User, promotion: Promotion) -> bool:
    """A sales rep or sales manager whose area overlaps one of the promotion's regions (it covers their region, or
    lies inside their subtree)."""
    if not (_active(user) and user.has_role(Role.SALES_REP, Role.SALES_MANAGER)):
        return False
    return any(region_overlaps(user, region) for region in promotion.regions.all())


def can_book_costs(user: User, promotion: Promotion) -> bool:
    """Who may book costs on ``promotion`` (whatever its status; the status is checked by the service)."""
    if not _active(user) or user.has_role(Role.HR):
        return False
    return is_field_sales_of(user, promotion) or is_promotion_team(user, promotion)
