"""Who may see what in accounts — the one place pages and the API ask.

Scope: company-wide roles (marketing, sales director, general manager, HR) and superusers see every region;
everyone else sees their own region and everything below it. Later apps build their object checks on
``region_in_scope`` / ``scope_filter``.
"""

from django.db.models import Q

from .models import Region, User
from .roles import COMPANY_WIDE_ROLES, Role


def sees_whole_company(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(*COMPANY_WIDE_ROLES))


def region_in_scope(user: User, region: Region | None) -> bool:
    """Is ``region`` inside what ``user`` may see?"""
    if not user.is_authenticated or region is None:
        return False
    if sees_whole_company(user):
        return True
    return user.region_id is not None and region.path.startswith(user.region.path)


def scope_filter(user: User, region_field: str = "region") -> Q:
    """A Q that keeps only rows whose ``region_field`` lies in the user's scope (nothing if they have no region)."""
    if sees_whole_company(user):
        return Q()
    if not user.is_authenticated or user.region_id is None:
        return Q(pk__in=[])
    return Q(**{f"{region_field}__path__startswith": user.region.path})


def region_ancestor_paths(path: str) -> list[str]:
    """The paths of a region and its ancestors: "CN/EAST/SH/" → ["CN/", "CN/EAST/", "CN/EAST/SH/"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def overlap_filter(user: User, region_field: str = "region") -> Q:
    """Rows whose ``region_field`` concerns the user: it covers the user's region (an ancestor or the region itself:
    a plan for East reaches a rep in Shanghai) or lies inside the user's subtree (a manager's team's regions).
    Everything for company-wide roles; nothing for users without a region.
    """
    if sees_whole_company(user):
        return Q()
    if not user.is_authenticated or user.region_id is None:
        return Q(pk__in=[])
    path = user.region.path
    return Q(**{f"{region_field}__path__in": region_ancestor_paths(path)}) | Q(
        **{f"{region_field}__path__startswith": path}
    )


def region_overlaps(user: User, region: Region) -> bool:
    """``overlap_filter`` for one region in Python (for a row that may not exist yet)."""
    if sees_whole_company(user):
        return True
    if not user.is_authenticated or user.region_id is None:
        return False
    path = user.region.path
    return region.path.startswith(path) or region.path in region_ancestor_paths(path)


def can_open_admin(user: User) -> bool:
    """The Django admin is for staff (administrators); no business role opens it by itself."""
    return user.is_authenticated and user.is_active and user.is_staff


def can_view_regions(user: User) -> bool:
    """Regions are master data every role may read (to pick a region in a form or filter)."""
    return user.is_authenticated and user.has_perm("accounts.view_region")


def can_view_region(user: User, region: Region) -> bool:
    return can_view_regions(user)


def can_view_user(viewer: User, target: User) -> bool:
    """Yourself, your manager, your team (sales managers: their region subtree), or anyone for company-wide readers."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == target.pk or viewer.manager_id == target.pk:
        return True
    if viewer.has_perm("accounts.view_user"):
        return True
    return viewer.has_perm("accounts.view_team") and region_in_scope(viewer, target.region)


# --- delegation of approvals while away ----------------------------------------------------------------------------

# The roles asked to decide approval steps (approvals.permissions routes steps to them; accounts cannot import it).
APPROVAL_DECIDING_ROLES = (Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)


def can_delegate_approvals(user: User) -> bool:
    """Whoever decides approval steps may name a delegate for the days they are away."""
    return user.is_authenticated and user.is_active and user.has_role(*APPROVAL_DECIDING_ROLES)


def delegate_candidates_q(user: User) -> Q:
    """Who ``user`` may name as delegate: an active person other than themselves who decides approvals too, or who
    works in their department."""
    q = Q(groups__name__in=[str(role) for role in APPROVAL_DECIDING_ROLES])
    if user.department_id is not None:
        q |= Q(department_id=user.department_id)
    return q & Q(is_active=True) & ~Q(pk=user.pk)
