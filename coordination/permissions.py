"""Who may do what in the joint layer: joint meetings, action items and the monthly digest. Pages, the API and the
admin ask here; each rule is also a Q where a list needs it, so lists and details agree.

- Meetings: the managers of both departments, marketing staff, the sales director and the general manager read
  every meeting; anyone else reads the meetings they attend. The marketing manager, the sales director and the
  general manager organise them (create, edit agenda, attendees and minutes, create action items).
- Action items: readable by whoever reads their meeting, by their owner and by the owner's manager. The owner
  closes their own (done, with an outcome); organisers create, edit, reassign, close and cancel any.
- Digests: the managers of both departments, marketing staff, the sales director, the general manager, and anyone
  a digest was sent to (a meeting attendee). Organisers may build or rebuild a month by hand.
HR reads none of these here; its joint figures come with the KPI views.
"""

from django.db.models import Q

from accounts.models import User
from accounts.roles import Role

MEETING_READER_ROLES = (
    Role.MARKETING_STAFF,
    Role.MARKETING_MANAGER,
    Role.SALES_MANAGER,
    Role.SALES_DIRECTOR,
    Role.GENERAL_MANAGER,
)
ORGANISER_ROLES = (Role.MARKETING_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
DIGEST_READER_ROLES = MEETING_READER_ROLES


def reads_all_meetings(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*MEETING_READER_ROLES))


def can_organise_meetings(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*ORGANISER_ROLES))


def can_open_meetings(user: User) -> bool:
    """The menu entry and the list pages (no query: anyone may attend a meeting or own an action item, so the
    pages are open to every signed-in user; what they list is filtered by the Qs below)."""
    return user.is_active and user.is_authenticated


def meetings_visible_q(user: User) -> Q:
    """``JointMeeting`` rows ``user`` may read."""
    if reads_all_meetings(user):
        return Q()
    return Q(attendees=user)


def action_items_visible_q(user: User) -> Q:
    """``ActionItem`` rows ``user`` may read: all for meeting readers; otherwise their own, their direct reports',
    and those of meetings they attend."""
    if reads_all_meetings(user):
        return Q()
    return Q(owner=user) | Q(owner__manager=user) | Q(meeting__attendees=user)


def can_edit_meeting(user: User) -> bool:
    return can_organise_meetings(user)


def can_manage_action_item(user: User) -> bool:
    """Create, edit, reassign and cancel action items."""
    return can_organise_meetings(user)


def can_close_action_item(user: User, item) -> bool:
    """Mark it done (with an outcome): its owner or an organiser."""
    return user.is_active and (item.owner_id == user.pk or can_organise_meetings(user))


def reads_all_digests(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*DIGEST_READER_ROLES))


def digests_visible_q(user: User) -> Q:
    """``Digest`` rows ``user`` may read: all for digest readers, else the ones sent to them."""
    if reads_all_digests(user):
        return Q()
    return Q(recipients__user=user)


def can_open_digests(user: User) -> bool:
    """The menu entry (no query): readers by role. Attendees reach their digest from its e-mail and notification."""
    return reads_all_digests(user)


def can_build_digest(user: User) -> bool:
    return can_organise_meetings(user)


# --- joint KPIs ---------------------------------------------------------------------------------------------------
# HR and the general manager read everyone's scorecard; the sales director the sales department's; a sales manager
# the reps of their region subtree; the marketing manager the marketing department's; everyone their own. Figures
# only: the drill-downs list submitted facts (dates, titles, numbers), never drafts or photos.

KPI_EVERYONE_ROLES = (Role.HR, Role.GENERAL_MANAGER)


def reads_all_kpis(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*KPI_EVERYONE_ROLES))


def can_open_kpi_dashboard(user: User) -> bool:
    """The dashboard lists people: for those who see more than themselves (no query)."""
    return user.is_active and (
        reads_all_kpis(user) or user.has_role(Role.SALES_DIRECTOR, Role.SALES_MANAGER, Role.MARKETING_MANAGER)
    )


def can_open_kpis(user: User) -> bool:
    """The menu entry: the dashboard, or one's own scorecard."""
    return user.is_active and user.is_authenticated


def can_manage_kpi_schemes(user: User) -> bool:
    """HR sets the weights of the composite score."""
    return user.is_active and (user.is_superuser or user.has_role(Role.HR))


def kpi_people_visible_q(user: User) -> Q:
    """``User`` rows whose scorecards ``user`` may read."""
    if reads_all_kpis(user):
        return Q()
    q = Q(pk=user.pk)
    if user.has_role(Role.SALES_DIRECTOR):
        q |= Q(groups__name__in=[Role.SALES_REP, Role.SALES_MANAGER])
    elif user.has_role(Role.SALES_MANAGER) and user.region_id:
        q |= Q(groups__name=Role.SALES_REP, region__path__startswith=user.region.path)
    if user.has_role(Role.MARKETING_MANAGER):
        q |= Q(groups__name__in=[Role.MARKETING_STAFF, Role.MARKETING_MANAGER])
    return q
