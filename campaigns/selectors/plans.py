"""Reads for marketing plans: lists, the plan as a given user may read it, its audience, acknowledgements, comments,
and what changed between two versions."""

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import scope_filter
from accounts.roles import Role

from ..models import (
    Briefing,
    MarketingPlan,
    PlanAcknowledgement,
    PlanComment,
    PlanSection,
    PlanStatus,
    PlanVersion,
    SectionKind,
)
from ..permissions import SALES_FIELD_ROLES, can_publish_plans, is_field_sales, plans_visible_q


def plan_list(*, user: User, filters: dict | None = None) -> QuerySet[MarketingPlan]:
    """The plans ``user`` may see, filtered by ``campaigns.filters.PlanFilter``, each annotated with
    ``acknowledged`` (has the user acknowledged its published version?). Constant queries whatever the count."""
    from ..filters import PlanFilter

    queryset = (
        MarketingPlan.objects.filter(plans_visible_q(user))
        .select_related("region", "owner", "published_version")
        .annotate(
            acknowledged=Exists(
                PlanAcknowledgement.objects.filter(version=OuterRef("published_version"), user_id=user.pk)
            )
        )
        .order_by("-year", "-updated_at", "-pk")
    )
    filterset = PlanFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def plan_for_user(*, user: User, pk: int) -> MarketingPlan:
    """The plan ``pk`` if ``user`` may see it, else 404 — the same answer whether it exists or not."""
    queryset = MarketingPlan.objects.filter(plans_visible_q(user)).select_related(
        "region", "owner", "published_version"
    )
    plan = queryset.filter(pk=pk).first()
    if plan is None:
        raise Http404(_("No such plan."))
    return plan


def plan_invitable(*, plan: MarketingPlan) -> QuerySet[User]:
    """Who can be invited to a briefing on ``plan``: its sales audience and marketing."""
    marketing = Q(groups__name__in=[Role.MARKETING_STAFF, Role.MARKETING_MANAGER])
    audience = Q(groups__name__in=[role.value for role in SALES_FIELD_ROLES], region__path__startswith=plan.region.path)
    return (
        User.objects.filter(marketing | audience, is_active=True)
        .select_related("region")
        .distinct()
        .order_by("region__path", "last_name", "first_name")
    )


def briefing_for_user(*, user: User, pk: int) -> Briefing:
    """A briefing of a plan ``user`` may see, else 404."""
    briefing = (
        Briefing.objects.select_related("plan__region", "plan__owner", "organizer")
        .filter(plan__in=MarketingPlan.objects.filter(plans_visible_q(user)), pk=pk)
        .first()
    )
    if briefing is None:
        raise Http404(_("No such briefing."))
    return briefing


def plan_sections(*, plan: MarketingPlan) -> list[PlanSection]:
    """The working copy's sections in reading order."""
    order = {kind: index for index, kind in enumerate(SectionKind.values)}
    return sorted(plan.sections.all(), key=lambda section: order[section.kind])


def plan_snapshot(*, plan: MarketingPlan) -> dict:
    """The working copy as frozen content (what a version stores and what the reader page renders)."""
    return {
        "title": plan.title,
        "kind": plan.kind,
        "year": plan.year,
        "quarter": plan.quarter,
        "month": plan.month,
        "period": str(plan.period_label),
        "region": {
            "id": plan.region_id,
            "code": plan.region.code,
            "name": plan.region.name,
            "name_en": plan.region.name_en,
        },
        "owner": plan.owner.display_name,
        "summary": plan.summary,
        "sections": [
            {"kind": section.kind, "goals": section.goals, "rationale": section.rationale, "body": section.body}
            for section in plan_sections(plan=plan)
        ],
    }


def plan_audience(*, plan: MarketingPlan) -> QuerySet[User]:
    """The field sales people a plan is published to: reps and sales managers working in its region subtree."""
    return (
        User.objects.filter(
            is_active=True,
            groups__name__in=[role.value for role in SALES_FIELD_ROLES],
            region__path__startswith=plan.region.path,
        )
        .select_related("region")
        .distinct()
    )


@dataclass
class AckRow:
    user: User
    acknowledged_at: object  # datetime | None, for the current version
    read_earlier: bool  # acknowledged an earlier version only


@dataclass
class AckRegion:
    region_name: str
    rows: list[AckRow] = field(default_factory=list)
    total: int = 0
    acknowledged: int = 0


def plan_acknowledgement_board(*, plan: MarketingPlan, viewer: User) -> list[AckRegion]:
    """Who in the audience has acknowledged the published version and who hasn't, per region, not-yet first.
    Marketing and company-wide readers see everyone; a sales manager their own region subtree.

    One query: the audience annotated with the time of their acknowledgement of the current version.
    """
    version_id = plan.published_version_id
    people = (
        plan_audience(plan=plan)
        .filter(scope_filter(viewer))
        .annotate(
            acknowledged_at=Subquery(
                PlanAcknowledgement.objects.filter(version_id=version_id, user=OuterRef("pk")).values(
                    "acknowledged_at"
                )[:1]
            ),
            read_earlier=Exists(
                PlanAcknowledgement.objects.filter(version__plan_id=plan.pk, user=OuterRef("pk")).exclude(
                    version_id=version_id
                )
            ),
        )
        .order_by("region__path", "acknowledged_at", "last_name", "first_name", "username")
    )
    regions: dict[int, AckRegion] = {}
    for person in people:
        group = regions.setdefault(person.region_id, AckRegion(region_name=person.region.display_name))
        group.rows.append(AckRow(person, person.acknowledged_at, person.read_earlier and not person.acknowledged_at))
        group.total += 1
        group.acknowledged += person.acknowledged_at is not None
    for group in regions.values():  # not yet acknowledged first: that is who marketing follows up
        group.rows.sort(key=lambda row: row.acknowledged_at is not None)
    return list(regions.values())


def plan_acknowledgement_counts(*, plan: MarketingPlan) -> dict[str, int]:
    """Audience size and acknowledgements of the published version, counted in the database."""
    return plan_audience(plan=plan).aggregate(
        total=Count("pk", distinct=True),
        acknowledged=Count("pk", distinct=True, filter=Q(plan_acknowledgements__version_id=plan.published_version_id)),
    )


def plan_comments(*, plan: MarketingPlan) -> QuerySet[PlanComment]:
    """Questions with their replies, oldest first, in three queries whatever the count."""
    return (
        plan.comments.filter(parent__isnull=True)
        .select_related("author", "version")
        .prefetch_related(
            Prefetch("replies", queryset=PlanComment.objects.select_related("author", "version").order_by("created_at"))
        )
    )


def plan_versions(*, plan: MarketingPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("published_by").order_by("-number")


def plan_version_get(*, plan: MarketingPlan, number: int) -> PlanVersion:
    version = plan.versions.select_related("published_by").filter(number=number).first()
    if version is None:
        raise Http404(_("No such version."))
    return version


def plan_user_acknowledged_version(*, plan: MarketingPlan, user: User) -> PlanVersion | None:
    """The latest version of ``plan`` that ``user`` acknowledged."""
    acknowledgement = (
        PlanAcknowledgement.objects.filter(version__plan=plan, user=user)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    return acknowledgement.version if acknowledgement else None


# --- what changed between versions -------------------------------------------------------------------------------

# Chinese has no spaces: compare it character by character, other scripts word by word.
_TOKENS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff]+|\s+|[^\w\s]", re.UNICODE)


def _inline_diff(old: str, new: str) -> SafeString:
    old_tokens, new_tokens = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_tokens[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(old_tokens[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(new_tokens[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


@dataclass(frozen=True)
class FieldChange:
    section: str
    field: str
    diff: SafeString


def plan_version_changes(*, old: dict, new: dict) -> list[FieldChange]:
    """What changed from content ``old`` to content ``new``, field by field, with words inserted and deleted marked."""
    changes = []
    labels = {"goals": _("Goals"), "rationale": _("Why"), "body": _("Details")}
    for key, label in (("title", _("Title")), ("period", _("Period")), ("summary", _("Summary"))):
        if old.get(key) != new.get(key):
            changes.append(
                FieldChange(_("Plan"), str(label), _inline_diff(str(old.get(key, "")), str(new.get(key, ""))))
            )
    if old.get("region", {}).get("code") != new.get("region", {}).get("code"):
        changes.append(
            FieldChange(_("Plan"), _("Region scope"), _inline_diff(old["region"]["name"], new["region"]["name"]))
        )
    old_sections = {section["kind"]: section for section in old.get("sections", [])}
    for section in new.get("sections", []):
        before = old_sections.get(section["kind"], {})
        for key in ("goals", "rationale", "body"):
            if before.get(key, "") != section.get(key, ""):
                changes.append(
                    FieldChange(
                        str(SectionKind(section["kind"]).label),
                        str(labels[key]),
                        _inline_diff(before.get(key, ""), section.get(key, "")),
                    )
                )
    return changes


def plans_to_read(*, user: User) -> QuerySet[MarketingPlan]:
    """Published plans for the user's region whose current version they have not acknowledged yet."""
    if not is_field_sales(user):
        return MarketingPlan.objects.none()
    return (
        plan_list(user=user)
        .exclude(status=PlanStatus.ARCHIVED)
        .filter(published_version__isnull=False, acknowledged=False)
        .order_by("-published_version__published_at")
    )


def plans_awaiting_publication(*, user: User) -> QuerySet[MarketingPlan]:
    """Plans in review, for the marketing managers who publish them."""
    if not can_publish_plans(user):
        return MarketingPlan.objects.none()
    return MarketingPlan.objects.filter(status=PlanStatus.IN_REVIEW).select_related("owner").order_by("updated_at")


def plans_drafted_by(*, user: User) -> QuerySet[MarketingPlan]:
    """The user's own plans still being drafted."""
    return MarketingPlan.objects.filter(owner_id=user.pk, status=PlanStatus.DRAFT).order_by("-updated_at")


def plan_versions_with_readers(versions: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    """``versions`` annotated with ``readers`` (active sales reps in the plan's region subtree, now) and
    ``acknowledged`` (how many sales reps acknowledged that version): two correlated counts, for the digest and the
    KPIs, whatever the number of versions."""
    from django.db.models.functions import Coalesce

    using = versions.db
    reps = (
        User.objects.using(using)
        .filter(is_active=True, groups__name=Role.SALES_REP, region__path__startswith=OuterRef("plan__region__path"))
        .order_by()
        .values("is_active")
        .annotate(n=Count("pk"))
        .values("n")
    )
    acks = (
        PlanAcknowledgement.objects.using(using)
        .filter(version=OuterRef("pk"), user__groups__name=Role.SALES_REP)
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return versions.annotate(readers=Coalesce(Subquery(reps), 0), acknowledged=Coalesce(Subquery(acks), 0))
