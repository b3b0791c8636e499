import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification
from accounts.notifications import notify
from campaigns.models import MarketingPlan, PlanAcknowledgement, PlanKind, PlanStatus, PlanVersion, SectionKind
from campaigns.selectors.plans import (
    plan_acknowledgement_board,
    plan_acknowledgement_counts,
    plan_audience,
    plan_version_changes,
)
from campaigns.services import plans as services
from tests.campaigns.plan_setup import FULL_SECTIONS, build_people, draft_plan, published_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    return build_people(regions)


def test_create_gives_the_five_sections_in_a_draft(people, regions):
    plan = services.plan_create(
        user=people.mkt_staff, title="Q3", kind=PlanKind.QUARTERLY, year=2026, quarter=3, region=regions.east
    )
    assert plan.status == PlanStatus.DRAFT
    assert plan.owner == people.mkt_staff
    assert sorted(plan.sections.values_list("kind", flat=True)) == sorted(SectionKind.values)


@pytest.mark.parametrize("role", ["rep_sh", "mgr_east", "director", "gm", "hr"])
def test_only_marketing_drafts_plans(people, regions, role):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            user=getattr(people, role), title="x", kind=PlanKind.ANNUAL, year=2026, region=regions.east
        )
    assert not MarketingPlan.objects.exists()


def test_period_must_match_kind(people, regions):
    with pytest.raises(ValidationError) as error:
        services.plan_create(user=people.mkt_staff, title="x", kind=PlanKind.MONTHLY, year=2026, region=regions.east)
    assert "month" in error.value.message_dict
    assert not MarketingPlan.objects.exists()


def test_update_saves_fields_and_sections_only_as_given(people, regions):
    plan = draft_plan(people, regions.east)
    services.plan_update(
        user=people.mkt_staff,
        plan=plan,
        data={"title": "Renamed"},
        sections={"brand_share": {"goals": "21% share"}},
    )
    plan.refresh_from_db()
    section = plan.sections.get(kind="brand_share")
    assert plan.title == "Renamed"
    assert section.goals == "21% share"
    assert section.rationale == "Why brand_share"  # untouched


def test_unknown_section_is_refused(people, regions):
    plan = draft_plan(people, regions.east)
    with pytest.raises(ValidationError):
        services.plan_update(user=people.mkt_staff, plan=plan, sections={"nonsense": {"goals": "x"}})


def test_a_colleague_who_is_not_the_owner_cannot_edit(people, regions):
    other = type(people.mkt_staff).objects.create(username="mkt.other")
    other.groups.add(*people.mkt_staff.groups.all())
    plan = draft_plan(people, regions.east)
    with pytest.raises(PermissionDenied):
        services.plan_update(user=other, plan=plan, data={"title": "Mine now"})
    # ...but a marketing manager may
    services.plan_update(user=people.mkt_manager, plan=plan, data={"title": "Edited by manager"})
    plan.refresh_from_db()
    assert plan.title == "Edited by manager"


def test_submit_requires_goals_and_why_of_every_section(people, regions):
    sections = dict(FULL_SECTIONS)
    sections["brand_share"] = {"goals": "", "rationale": "", "body": ""}
    plan = draft_plan(people, regions.east, sections=sections)
    with pytest.raises(ValidationError) as error:
        services.plan_submit(user=people.mkt_staff, plan=plan)
    assert "Brand and market-share plan" in str(error.value.message_dict["sections"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_marketing_managers_publish(people, regions, django_capture_on_commit_callbacks):
    plan = draft_plan(people, regions.east)
    services.plan_submit(user=people.mkt_staff, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_publish(user=people.mkt_staff, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW
    assert not PlanVersion.objects.exists()


def test_publish_freezes_a_version_and_notifies_sales_in_scope_only(
    people, regions, django_capture_on_commit_callbacks
):
    plan = draft_plan(people, regions.east)
    services.plan_submit(user=people.mkt_staff, plan=plan)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = services.plan_publish(user=people.mkt_manager, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.published_version == version
    assert version.number == 1
    assert version.content["title"] == "East plan 2026"
    assert [s["goals"] for s in version.content["sections"]] == [f"Goal of {k}" for k in SectionKind.values]
    notified = set(Notification.objects.filter(kind="plan_published").values_list("recipient__username", flat=True))
    assert notified == {"rep.sh", "rep.hz", "mgr.east"}
    assert sorted(m.to[0] for m in mail.outbox) == ["mgr.east@example.com", "rep.hz@example.com", "rep.sh@example.com"]
    # rep.sh prefers Chinese: their notification is in Chinese
    assert Notification.objects.get(recipient=people.rep_sh, kind="plan_published").title.startswith("新计划")


def test_the_version_does_not_change_when_the_draft_changes(people, regions):
    plan = published_plan(people, regions.east)
    services.plan_revise(user=people.mkt_staff, plan=plan)
    services.plan_update(user=people.mkt_staff, plan=plan, sections={"brand_share": {"goals": "New goal"}})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.published_version.number == 1
    assert plan.published_version.content["sections"][4]["goals"] == "Goal of brand_share"


def test_second_version_needs_a_change_note_and_shows_what_changed(people, regions):
    plan = published_plan(people, regions.east)
    services.plan_revise(user=people.mkt_staff, plan=plan)
    services.plan_update(user=people.mkt_staff, plan=plan, sections={"brand_share": {"goals": "Goal of share 21%"}})
    services.plan_submit(user=people.mkt_staff, plan=plan)
    with pytest.raises(ValidationError) as error:
        services.plan_publish(user=people.mkt_manager, plan=plan)
    assert "change_note" in error.value.message_dict
    version = services.plan_publish(user=people.mkt_manager, plan=plan, change_note="Share goal raised")
    assert version.number == 2
    changes = plan_version_changes(old=plan.versions.get(number=1).content, new=version.content)
    assert [(c.section, c.field) for c in changes] == [("Brand and market-share plan", "Goals")]
    assert "<del>brand_share</del>" in changes[0].diff
    assert "<ins>share 21%</ins>" in changes[0].diff


def test_changes_escape_html_and_compare_chinese_by_character():
    old = {"sections": [{"kind": "brand_share", "goals": "份额提升到21%", "rationale": "", "body": ""}]}
    new = {"sections": [{"kind": "brand_share", "goals": "份额提升到25%<script>", "rationale": "", "body": ""}]}
    (change,) = plan_version_changes(old=old, new=new)
    assert "<script>" not in change.diff
    assert "&lt;script&gt;" in change.diff
    assert change.diff.startswith("份额提升到")


@pytest.mark.parametrize("action", ["submit", "publish", "revise", "archive"])
def test_illegal_transitions_are_refused(people, regions, action):
    plan = published_plan(people, regions.east)
    services.plan_archive(user=people.mkt_manager, plan=plan)
    with pytest.raises(ValidationError):
        getattr(services, f"plan_{action}")(user=people.mkt_manager, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ARCHIVED


def test_acknowledge_is_idempotent_and_for_the_audience_only(people, regions):
    plan = published_plan(people, regions.east)
    first, created_first = services.plan_acknowledge(user=people.rep_sh, plan=plan)
    second, created_second = services.plan_acknowledge(user=people.rep_sh, plan=plan)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert PlanAcknowledgement.objects.count() == 1
    for outsider in (people.rep_bj, people.mkt_staff, people.hr):
        with pytest.raises(PermissionDenied):
            services.plan_acknowledge(user=outsider, plan=plan)
    assert PlanAcknowledgement.objects.count() == 1


def test_acknowledging_an_old_version_is_refused(people, regions):
    plan = published_plan(people, regions.east)
    old = plan.published_version
    services.plan_revise(user=people.mkt_staff, plan=plan)
    services.plan_submit(user=people.mkt_staff, plan=plan)
    services.plan_publish(user=people.mkt_manager, plan=plan, change_note="v2")
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_acknowledge(user=people.rep_sh, plan=plan, version=old)
    assert not PlanAcknowledgement.objects.exists()


def test_board_and_counts_show_who_has_not_read(people, regions):
    plan = published_plan(people, regions.east)
    services.plan_acknowledge(user=people.rep_sh, plan=plan)
    board = plan_acknowledgement_board(plan=plan, viewer=people.mkt_staff)
    summary = {
        group.region_name: [(row.user.username, row.acknowledged_at is not None) for row in group.rows]
        for group in board
    }
    assert summary == {"East": [("mgr.east", False)], "Shanghai": [("rep.sh", True)], "Hangzhou": [("rep.hz", False)]}
    assert plan_acknowledgement_counts(plan=plan) == {"total": 3, "acknowledged": 1}
    assert set(plan_audience(plan=plan).values_list("username", flat=True)) == {"rep.sh", "rep.hz", "mgr.east"}


def test_comment_notifies_the_conversation_but_not_the_author(people, regions):
    plan = published_plan(people, regions.east)
    Notification.objects.all().delete()
    question = services.plan_comment_add(user=people.rep_sh, plan=plan, body="Is the floor price per bottle?")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("mkt.staff", "plan_comment")]
    services.plan_comment_add(user=people.mkt_staff, plan=plan, body="Yes, per bottle.", parent=question)
    assert Notification.objects.filter(recipient=people.rep_sh, kind="plan_comment").count() == 1
    assert Notification.objects.filter(recipient=people.mkt_staff).count() == 1  # not told of their own reply


def test_a_reply_to_a_reply_joins_the_thread(people, regions):
    plan = published_plan(people, regions.east)
    question = services.plan_comment_add(user=people.rep_sh, plan=plan, body="Q")
    reply = services.plan_comment_add(user=people.mkt_staff, plan=plan, body="A", parent=question)
    nested = services.plan_comment_add(user=people.rep_hz, plan=plan, body="Me too", parent=reply)
    assert nested.parent == question


def test_empty_comment_is_refused(people, regions):
    plan = published_plan(people, regions.east)
    with pytest.raises(ValidationError):
        services.plan_comment_add(user=people.rep_sh, plan=plan, body="   ")
    assert not plan.comments.exists()


def test_notify_sends_nothing_twice_for_the_same_event(people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[people.rep_sh], kind="test", key="event:1", message=lambda: ("Title", "Body"))
    assert Notification.objects.filter(key="event:1").count() == 1
    assert len(mail.outbox) == 1


def test_briefing_invites_and_records_attendance(people, regions):
    import datetime

    from django.utils import timezone

    plan = published_plan(people, regions.east)
    starts = timezone.now() + datetime.timedelta(days=2)
    briefing = services.briefing_create(
        user=people.mkt_staff,
        plan=plan,
        title="Explaining the plan",
        starts_at=starts,
        location="Room 3",
        invitees=[people.rep_sh, people.rep_hz],
    )
    assert Notification.objects.filter(kind="briefing_invitation").count() == 2
    assert (
        services.briefing_record_attendance(
            user=people.mkt_staff, briefing=briefing, attended_user_ids={people.rep_sh.pk}
        )
        == 1
    )
    assert dict(briefing.attendance.values_list("user__username", "attended")) == {"rep.sh": True, "rep.hz": False}
    with pytest.raises(ValidationError):
        services.briefing_record_attendance(
            user=people.mkt_staff, briefing=briefing, attended_user_ids={people.rep_bj.pk}
        )
    with pytest.raises(PermissionDenied):
        services.briefing_record_attendance(user=people.rep_sh, briefing=briefing, attended_user_ids=set())
