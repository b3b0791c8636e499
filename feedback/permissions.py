"""Who may see and do what with field feedback (DESIGN §2) — the one place the pages and the API ask.

As in campaigns: visibility is a Q (``*_visible_q``), so lists filter in the database and a detail looks its object
up through the same filter — an object a user may not see is "not found". Actions on a visible object are the
``can_*`` functions; refusing one is a 403.

- Reports: a rep sees their own; a sales manager their region subtree's; marketing, the sales director and the
  general manager all; HR none (HR reads KPI figures, never raw reports or photos).
- Intel feed and alerts: marketing reads and answers all; the director and GM read all; a sales manager reads their
  subtree's; a rep sees the intel of their own reports (with marketing's answer).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User
from accounts.permissions import region_in_scope, scope_filter
from accounts.roles import MARKETING_ROLES, Role

from .models import DailyReport, Outlet

FIELD_SALES_ROLES = (Role.SALES_REP, Role.SALES_MANAGER)
COMPANY_READERS = (*MARKETING_ROLES, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
NOT_FOR_YOUR_ROLE = _("Field reports are not used by your role.")


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_marketing(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.has_role(*MARKETING_ROLES))


def reads_all_field_data(user: User) -> bool:
    """Marketing, the sales director, the general manager (and superusers) read every report, photo and alert."""
    return _active(user) and (user.is_superuser or user.has_role(*COMPANY_READERS))


def is_field_sales(user: User) -> bool:
    return _active(user) and user.has_role(*FIELD_SALES_ROLES)


def is_sales_manager(user: User) -> bool:
    return _active(user) and user.has_role(Role.SALES_MANAGER)


# --- outlets -----------------------------------------------------------------------------------------------------


def outlets_visible_q(user: User) -> Q:
    """Company-wide readers see every outlet; field sales the outlets of their territory (region subtree) and the
    ones assigned to them; HR none."""
    if reads_all_field_data(user):
        return Q()
    if is_field_sales(user):
        # A subquery, not Q(reps=user): a join on the reps table would list an outlet once per assigned rep.
        return scope_filter(user) | Q(pk__in=Outlet.reps.through.objects.filter(user=user).values("outlet_id"))
    return Q(pk__in=[])


def can_open_outlets(user: User) -> bool:
    return reads_all_field_data(user) or is_field_sales(user)


def can_import_outlets(user: User) -> bool:
    """Outlet master data is kept by marketing managers and administrators (and by the admin)."""
    return _active(user) and (user.is_superuser or user.is_staff or user.has_role(Role.MARKETING_MANAGER))


def outlet_in_territory(user: User, outlet: Outlet) -> bool:
    """May ``user`` report on ``outlet``? Its region lies in their subtree, or it is assigned to them."""
    if not outlet.active:
        return False
    if region_in_scope(user, outlet.region) and user.region_id is not None and not user.has_role(*COMPANY_READERS):
        return True
    return outlet.reps.filter(pk=user.pk).exists()


def region_in_territory(user: User, region: Region) -> bool:
    """Regional sales lines are for the rep's own region or a region below it."""
    return user.region_id is not None and region.path.startswith(user.region.path)


# --- reports -----------------------------------------------------------------------------------------------------


def can_file_reports(user: User) -> bool:
    """Reps file the daily report; a sales manager may too (DESIGN §2: everything a rep can)."""
    return is_field_sales(user) and user.region_id is not None


def reports_visible_q(user: User, *, prefix: str = "") -> Q:
    """Reports ``user`` may read. ``prefix`` is the path to the report ("report__") for rows hanging off one."""
    if reads_all_field_data(user):
        return Q()
    if is_sales_manager(user):
        return scope_filter(user, f"{prefix}region") | Q(**{f"{prefix}rep": user})
    if _active(user) and user.has_role(Role.SALES_REP):
        return Q(**{f"{prefix}rep": user})
    return Q(pk__in=[])


def can_open_reports(user: User) -> bool:
    return reads_all_field_data(user) or is_field_sales(user)


def can_edit_report(user: User, report: DailyReport) -> bool:
    """Only the rep, and only while it is a draft: a submitted report is never edited (it is amended)."""
    return _active(user) and report.rep_id == user.pk and not report.is_submitted


def can_amend_report(user: User, report: DailyReport) -> bool:
    return _active(user) and report.rep_id == user.pk and report.is_submitted


def can_view_filing_board(user: User) -> bool:
    """Sales managers follow their team's filing; the director and GM (and marketing) the whole company's."""
    return is_sales_manager(user) or reads_all_field_data(user)


# --- photos ------------------------------------------------------------------------------------------------------


def photos_visible_q(user: User) -> Q:
    """The uploader, whoever reads the uploader's reports (by the region the photo was taken in); never HR."""
    if reads_all_field_data(user):
        return Q()
    if is_sales_manager(user):
        return scope_filter(user) | Q(uploaded_by=user)
    if _active(user) and user.has_role(Role.SALES_REP):
        return Q(uploaded_by=user)
    return Q(pk__in=[])


def can_upload_photos(user: User) -> bool:
    return can_file_reports(user)


# --- intel feed --------------------------------------------------------------------------------------------------


def intel_visible_q(user: User) -> Q:
    if reads_all_field_data(user):
        return Q()
    if is_sales_manager(user):
        return scope_filter(user) | Q(rep=user)
    if _active(user) and user.has_role(Role.SALES_REP):
        return Q(rep=user)
    return Q(pk__in=[])


def can_open_intel_feed(user: User) -> bool:
    return reads_all_field_data(user) or is_sales_manager(user)


def can_answer_intel(user: User) -> bool:
    """Marketing acknowledges, answers and rates the field's intel (the loop back to the rep)."""
    return is_marketing(user)


def can_follow_up_feedback(user: User, item) -> bool:
    """A customer-feedback item's follow-up is moved by marketing or by the rep who reported it."""
    return is_marketing(user) or (_active(user) and item.rep_id == user.pk)


# --- alerts ------------------------------------------------------------------------------------------------------


def alerts_visible_q(user: User) -> Q:
    if reads_all_field_data(user):
        return Q()
    if is_sales_manager(user):
        return scope_filter(user)
    return Q(pk__in=[])


def can_open_alerts(user: User) -> bool:
    return reads_all_field_data(user) or is_sales_manager(user)


def can_triage_alerts(user: User) -> bool:
    """Marketing triages (DESIGN §2)."""
    return is_marketing(user)


def can_configure_alert_rules(user: User) -> bool:
    """Marketing managers configure the rules (DESIGN §2)."""
    return _active(user) and (user.is_superuser or user.has_role(Role.MARKETING_MANAGER))
