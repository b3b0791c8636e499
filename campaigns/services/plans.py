"""Writes for marketing plans: drafting, the publishing lifecycle, acknowledgements, comments and briefings.

The lifecycle is one table (``PLAN_TRANSITIONS``) applied by one function (``_plan_transition``); nothing else sets
a plan's status. Publishing freezes the working copy into a ``PlanVersion`` and notifies the plan's audience.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, User
from accounts.notifications import notify
from accounts.roles import Role

from ..models import (
    Briefing,
    BriefingAttendance,
    MarketingPlan,
    PlanAcknowledgement,
    PlanComment,
    PlanKind,
    PlanSection,
    PlanStatus,
    PlanVersion,
    SectionKind,
)
from ..permissions import (
    can_acknowledge_plan,
    can_comment_on_plan,
    can_draft_plans,
    can_edit_plan,
    can_manage_briefings,
    can_publish_plans,
)
from ..selectors.plans import plan_audience, plan_snapshot

PLAN_FIELDS = ("title", "kind", "year", "quarter", "month", "region", "summary")
SECTION_FIELDS = ("goals", "rationale", "body")


@dataclass(frozen=True)
class PlanTransition:
    sources: frozenset[str]
    target: str
    allowed: object  # (user, plan) -> bool
    label: str


def _owner_or_manager(user: User, plan: MarketingPlan) -> bool:
    return can_draft_plans(user) and (plan.owner_id == user.pk or can_publish_plans(user))


def _manager(user: User, plan: MarketingPlan) -> bool:
    return can_publish_plans(user)


# The plan lifecycle: draft → in review → published → archived; a published plan is revised as a new draft
# (sales keep reading the published version meanwhile); a manager returns a plan in review to its author.
PLAN_TRANSITIONS: dict[str, PlanTransition] = {
    "submit": PlanTransition(
        frozenset({PlanStatus.DRAFT}), PlanStatus.IN_REVIEW, _owner_or_manager, gettext_lazy("Submit for review")
    ),
    "return": PlanTransition(
        frozenset({PlanStatus.IN_REVIEW}), PlanStatus.DRAFT, _owner_or_manager, gettext_lazy("Back to draft")
    ),
    "publish": PlanTransition(
        frozenset({PlanStatus.IN_REVIEW}), PlanStatus.PUBLISHED, _manager, gettext_lazy("Publish to sales")
    ),
    "revise": PlanTransition(
        frozenset({PlanStatus.PUBLISHED}), PlanStatus.DRAFT, _owner_or_manager, gettext_lazy("Draft a new version")
    ),
    "archive": PlanTransition(
        frozenset({PlanStatus.DRAFT, PlanStatus.PUBLISHED}), PlanStatus.ARCHIVED, _manager, gettext_lazy("Archive")
    ),
}


def plan_allowed_actions(*, user: User, plan: MarketingPlan) -> list[str]:
    """The lifecycle actions ``user`` may take on ``plan`` now (drives the buttons pages show)."""
    return [
        name
        for name, transition in PLAN_TRANSITIONS.items()
        if plan.status in transition.sources and transition.allowed(user, plan)
    ]


def _validate_period(plan: MarketingPlan) -> None:
    errors = {}
    if plan.kind == PlanKind.QUARTERLY:
        if not plan.quarter:
            errors["quarter"] = _("A quarterly plan needs its quarter.")
        plan.month = None
    elif plan.kind == PlanKind.MONTHLY:
        if not plan.month:
            errors["month"] = _("A monthly plan needs its month.")
        plan.quarter = None
    else:
        plan.quarter = plan.month = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *,
    user: User,
    title: str,
    kind: str,
    year: int,
    region: Region,
    quarter: int | None = None,
    month: int | None = None,
    summary: str = "",
) -> MarketingPlan:
    """A new draft owned by ``user``, with its five (empty) sections."""
    if not can_draft_plans(user):
        raise PermissionDenied(_("Only marketing drafts plans."))
    plan = MarketingPlan(
        title=title, kind=kind, year=year, quarter=quarter, month=month, region=region, summary=summary, owner=user
    )
    _validate_period(plan)
    plan.full_clean()
    plan.save()
    PlanSection.objects.bulk_create([PlanSection(plan=plan, kind=kind) for kind in SectionKind.values])
    return plan


@transaction.atomic
def plan_update(
    *, user: User, plan: MarketingPlan, data: dict | None = None, sections: dict[str, dict] | None = None
) -> MarketingPlan:
    """Save the working copy: the plan's own fields in ``data`` and, per section kind, its goals/rationale/body.

    Used by the editor's explicit save and its autosave alike; only the fields given are touched.
    """
    plan = MarketingPlan.objects.select_for_update().get(pk=plan.pk)
    if not can_edit_plan(user, plan):
        raise PermissionDenied(_("This plan cannot be edited now."))
    data = {key: value for key, value in (data or {}).items() if key in PLAN_FIELDS}
    for key, value in data.items():
        setattr(plan, key, value)
    _validate_period(plan)
    plan.full_clean(exclude=["owner"])
    plan.save()  # every field may have changed (and updated_at must move); the row is locked
    unknown = set(sections or {}) - set(SectionKind.values)
    if unknown:
        raise ValidationError({"sections": _("Unknown section: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}})
    for section in PlanSection.objects.filter(plan=plan, kind__in=list(sections or {})):
        values = {key: value for key, value in sections[section.kind].items() if key in SECTION_FIELDS}
        for key, value in values.items():
            setattr(section, key, value or "")
        if values:
            section.save(update_fields=list(values))
    return plan


def _validate_complete(plan: MarketingPlan) -> None:
    """Sales must get each section's goals and the reasons behind them: a plan without them cannot go out."""
    missing = [
        str(SectionKind(section.kind).label)
        for section in plan.sections.all()
        if not section.goals.strip() or not section.rationale.strip()
    ]
    if missing:
        raise ValidationError(
            {
                "sections": _("Give the goals and the why of every section. Missing in: %(sections)s.")
                % {"sections": "; ".join(missing)}
            }
        )


def _plan_transition(*, user: User, plan: MarketingPlan, action: str) -> MarketingPlan:
    """Apply one lifecycle action to a locked plan row, or refuse it. The only place a plan's status changes."""
    transition = PLAN_TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    if plan.status not in transition.sources:
        raise ValidationError(
            {
                "status": _("A plan that is “%(status)s” cannot be changed this way.")
                % {"status": PlanStatus(plan.status).label}
            }
        )
    if not transition.allowed(user, plan):
        raise PermissionDenied(_("You may not do this to this plan."))
    plan.status = transition.target
    plan.save(update_fields=["status", "updated_at"])
    return plan


def _locked(plan: MarketingPlan) -> MarketingPlan:
    return MarketingPlan.objects.select_for_update().select_related("region", "owner").get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, user: User, plan: MarketingPlan) -> MarketingPlan:
    plan = _locked(plan)
    _validate_complete(plan)
    plan = _plan_transition(user=user, plan=plan, action="submit")
    managers = User.objects.filter(groups__name=Role.MARKETING_MANAGER, is_active=True).exclude(pk=user.pk)
    notify(
        recipients=managers,
        kind="plan_in_review",
        key=f"plan_in_review:{plan.pk}:{plan.updated_at.isoformat()}",
        message=lambda: (
            _("Plan ready for review: %(title)s") % {"title": plan.title},
            _("%(name)s submitted the plan for review and publishing.") % {"name": user.display_name},
        ),
        url=reverse("campaigns:plan_preview", args=[plan.pk]),
    )
    return plan


@transaction.atomic
def plan_return(*, user: User, plan: MarketingPlan, reason: str = "") -> MarketingPlan:
    plan = _plan_transition(user=user, plan=_locked(plan), action="return")
    if plan.owner_id != user.pk:
        notify(
            recipients=[plan.owner],
            kind="plan_returned",
            key=f"plan_returned:{plan.pk}:{plan.updated_at.isoformat()}",
            message=lambda: (
                _("Plan returned to draft: %(title)s") % {"title": plan.title},
                reason or _("%(name)s returned the plan for changes.") % {"name": user.display_name},
            ),
            url=reverse("campaigns:plan_edit", args=[plan.pk]),
        )
    return plan


@transaction.atomic
def plan_publish(*, user: User, plan: MarketingPlan, change_note: str = "") -> PlanVersion:
    """Freeze the working copy as the next version, make it what sales read, and notify the audience."""
    plan = _locked(plan)
    _validate_complete(plan)
    plan = _plan_transition(user=user, plan=plan, action="publish")
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    if number > 1 and not change_note.strip():
        raise ValidationError({"change_note": _("Tell sales what changed since version %(n)s.") % {"n": number - 1}})
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        content=plan_snapshot(plan=plan),
        change_note=change_note.strip(),
        published_at=timezone.now(),
        published_by=user,
    )
    plan.published_version = version
    plan.save(update_fields=["published_version"])
    notify(
        recipients=plan_audience(plan=plan),
        kind="plan_published",
        key=f"plan_published:{plan.pk}:v{number}",
        message=lambda: (
            (_("New plan to read: %(title)s") if number == 1 else _("Plan updated (version %(n)s): %(title)s"))
            % {"title": plan.title, "n": number},
            _("%(period)s · %(region)s. Read it and confirm you have understood it.")
            % {"period": plan.period_label, "region": plan.region.display_name},
        ),
        url=reverse("campaigns:plan_detail", args=[plan.pk]),
    )
    return version


@transaction.atomic
def plan_revise(*, user: User, plan: MarketingPlan) -> MarketingPlan:
    """Start the next version: the plan becomes a draft again; sales keep reading the published version."""
    return _plan_transition(user=user, plan=_locked(plan), action="revise")


@transaction.atomic
def plan_archive(*, user: User, plan: MarketingPlan) -> MarketingPlan:
    return _plan_transition(user=user, plan=_locked(plan), action="archive")


def plan_acknowledge(
    *, user: User, plan: MarketingPlan, version: PlanVersion | None = None
) -> tuple[PlanAcknowledgement, bool]:
    """Record that ``user`` read ``version`` (default: the published one); return it and whether it is new.
    Acknowledging twice changes nothing — also concurrently: get_or_create falls back to reading the row that the
    unique constraint let the other request insert."""
    if not can_acknowledge_plan(user, plan):
        raise PermissionDenied(_("Only sales people in the plan's region acknowledge it."))
    version = version or plan.published_version
    if version.plan_id != plan.pk:
        raise ValidationError({"version": _("This version belongs to another plan.")})
    if version.pk != plan.published_version_id:
        raise ValidationError(
            {
                "version": _("Version %(n)s is no longer current; read the current version first.")
                % {"n": version.number}
            }
        )
    return PlanAcknowledgement.objects.get_or_create(
        version=version, user=user, defaults={"acknowledged_at": timezone.now()}
    )


@transaction.atomic
def plan_comment_add(*, user: User, plan: MarketingPlan, body: str, parent: PlanComment | None = None) -> PlanComment:
    """Add a question or a reply, and tell the people in the conversation (never the author themself)."""
    if not can_comment_on_plan(user, plan):
        raise PermissionDenied(_("Comments are closed on this plan."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise ValidationError({"parent": _("That comment belongs to another plan.")})
        if parent.parent_id is not None:  # replies attach to the question, keeping one level of threading
            parent = parent.parent
    comment = PlanComment(plan=plan, parent=parent, author=user, body=body, version=plan.published_version)
    comment.full_clean()
    comment.save()
    participants = {plan.owner_id}
    if parent is not None:
        participants.add(parent.author_id)
        participants.update(parent.replies.values_list("author_id", flat=True))
    participants.discard(user.pk)
    notify(
        recipients=User.objects.filter(pk__in=participants),
        kind="plan_comment",
        key=f"plan_comment:{comment.pk}",
        message=lambda: (
            (_("%(name)s replied on %(title)s") if parent else _("%(name)s asked about %(title)s"))
            % {"name": user.display_name, "title": plan.title},
            body[:500],
        ),
        url=reverse("campaigns:plan_detail", args=[plan.pk]) + f"#comment-{comment.pk}",
    )
    return comment


@transaction.atomic
def briefing_create(
    *,
    user: User,
    plan: MarketingPlan,
    title: str,
    starts_at: datetime,
    location: str,
    invitees: list[User],
    duration_minutes: int = 60,
    notes: str = "",
) -> Briefing:
    """Schedule a session explaining the plan and invite people (they are notified)."""
    if not can_manage_briefings(user, plan):
        raise PermissionDenied(_("Only marketing schedules briefings."))
    briefing = Briefing(
        plan=plan,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        notes=notes,
        organizer=user,
    )
    briefing.full_clean()
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("A briefing is scheduled in the future.")})
    if not invitees:
        raise ValidationError({"invitees": _("Invite at least one person.")})
    briefing.save()
    BriefingAttendance.objects.bulk_create([BriefingAttendance(briefing=briefing, user=person) for person in invitees])
    local_start = timezone.localtime(starts_at)
    notify(
        recipients=invitees,
        kind="briefing_invitation",
        key=f"briefing_invitation:{briefing.pk}",
        message=lambda: (
            _("Briefing on %(plan)s: %(title)s") % {"plan": plan.title, "title": title},
            _("%(when)s, %(where)s.") % {"when": local_start.strftime("%Y-%m-%d %H:%M"), "where": location},
        ),
        url=reverse("campaigns:briefing_detail", args=[briefing.pk]),
    )
    return briefing


@transaction.atomic
def briefing_record_attendance(*, user: User, briefing: Briefing, attended_user_ids: set[int]) -> int:
    """Mark who came (everyone else invited did not). Returns how many attended."""
    if not can_manage_briefings(user, briefing.plan):
        raise PermissionDenied(_("Only marketing records attendance."))
    invited = set(briefing.attendance.values_list("user_id", flat=True))
    strangers = set(attended_user_ids) - invited
    if strangers:
        raise ValidationError({"attended": _("Only invited people can be marked as present.")})
    now = timezone.now()
    briefing.attendance.filter(user_id__in=attended_user_ids).update(attended=True, recorded_at=now)
    briefing.attendance.exclude(user_id__in=attended_user_ids).update(attended=False, recorded_at=now)
    return len(attended_user_ids)
