"""Plan pages through real form posts: drafting, autosave, preview, publishing, reading, acknowledging."""

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Notification
from campaigns.models import MarketingPlan, PlanAcknowledgement, PlanComment, PlanStatus, PlanVersion, SectionKind
from campaigns.selectors.plans import plan_snapshot
from campaigns.services import plans as services
from tests.campaigns.plan_setup import FULL_SECTIONS, build_people, draft_plan, published_plan
from tests.factories import MarketingPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    return build_people(regions)


def _editor_post(plan, **overrides):
    data = {
        "plan-title": plan.title,
        "plan-kind": plan.kind,
        "plan-year": plan.year,
        "plan-quarter": "",
        "plan-month": "",
        "plan-region": plan.region_id,
        "plan-summary": plan.summary,
    }
    for kind, section in FULL_SECTIONS.items():
        for field, value in section.items():
            data[f"{kind}-{field}"] = value
    data.update(overrides)
    return data


def test_marketing_drafts_saves_and_previews(client, people, regions):
    client.force_login(people.mkt_staff)
    response = client.post(
        "/plans/new/",
        {"title": "Spring push", "kind": "annual", "year": 2026, "quarter": "", "month": "", "region": regions.east.pk},
    )
    plan = MarketingPlan.objects.get(title="Spring push")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/edit/"

    response = client.post(f"/plans/{plan.pk}/edit/", _editor_post(plan, preview="1"))
    assert response["Location"] == f"/plans/{plan.pk}/preview/"
    assert plan.sections.get(kind="brand_share").goals == "Goal of brand_share"

    preview = client.get(f"/plans/{plan.pk}/preview/").content.decode()
    assert 'data-testid="preview-banner"' in preview
    assert "Goal of sales_promotion" in preview
    assert "Details of <strong>sales_promotion</strong>" in preview  # formatted text rendered


def test_editor_keeps_input_and_shows_errors(client, people, regions):
    plan = draft_plan(people, regions.east)
    client.force_login(people.mkt_staff)
    response = client.post(
        f"/plans/{plan.pk}/edit/", _editor_post(plan, **{"plan-title": "", "brand_share-goals": "kept"})
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "kept" in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "East plan 2026"


def test_autosave_saves_and_reports_errors_per_field(client, people, regions):
    plan = draft_plan(people, regions.east)
    client.force_login(people.mkt_staff)
    ok = client.post(f"/plans/{plan.pk}/autosave/", _editor_post(plan, **{"brand_share-goals": "autosaved"}))
    assert ok.status_code == 200
    assert "saved_at" in ok.json()
    assert plan.sections.get(kind="brand_share").goals == "autosaved"
    bad = client.post(f"/plans/{plan.pk}/autosave/", _editor_post(plan, **{"plan-year": "abc"}))
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["plan-year"]


def test_autosave_denials(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.mkt_staff)
    assert client.post(f"/plans/{plan.pk}/autosave/", _editor_post(plan)).status_code == 403
    client.force_login(people.rep_bj)
    assert client.post(f"/plans/{plan.pk}/autosave/", _editor_post(plan)).status_code == 404


def test_publish_journey_through_pages(client, people, regions):
    plan = draft_plan(people, regions.east)
    client.force_login(people.mkt_staff)
    assert client.post(f"/plans/{plan.pk}/submit/")["Location"] == f"/plans/{plan.pk}/preview/"
    assert client.post(f"/plans/{plan.pk}/publish/").status_code == 403  # staff may not publish
    client.force_login(people.mkt_manager)
    response = client.post(f"/plans/{plan.pk}/publish/", {"change_note": ""}, follow=True)
    assert "Version 1 published: 3 people in sales were notified." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED


def test_rep_reads_acknowledges_and_the_board_shows_it(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.rep_sh)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="acknowledge"' in page
    assert "Goal of brand_share" in page
    client.post(f"/plans/{plan.pk}/acknowledge/", {"version": plan.published_version_id})
    assert PlanAcknowledgement.objects.filter(user=people.rep_sh, version=plan.published_version).exists()
    assert 'data-testid="acknowledged"' in client.get(f"/plans/{plan.pk}/").content.decode()

    client.force_login(people.mkt_staff)
    board = client.get(f"/plans/{plan.pk}/acknowledgements/").content.decode()
    assert "1 of 3 have confirmed reading it" in board
    assert board.index('data-testid="ack-rep.hz"') < board.index("Shanghai")  # Hangzhou listed before Shanghai


def test_sales_manager_board_shows_own_team_only(client, people, regions):
    plan = published_plan(people, regions.cn, title="Company plan")
    client.force_login(people.mgr_north)
    board = client.get(f"/plans/{plan.pk}/acknowledgements/").content.decode()
    assert 'data-testid="ack-rep.bj"' in board
    assert 'data-testid="ack-rep.sh"' not in board


@pytest.mark.parametrize(
    ("role", "detail", "edit"),
    [
        ("mkt_staff", 200, 403),
        ("rep_sh", 200, 403),
        ("mgr_east", 200, 403),
        ("rep_bj", 404, 404),
        ("mgr_north", 404, 404),
        ("hr", 404, 404),
    ],
)
def test_page_matrix_for_a_published_east_plan(client, people, regions, role, detail, edit):
    plan = published_plan(people, regions.east)
    client.force_login(getattr(people, role))
    assert client.get(f"/plans/{plan.pk}/").status_code == detail
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == edit
    assert client.get(f"/plans/{plan.pk}/acknowledgements/").status_code in ({200: (200, 403), 404: (404,)}[detail])


@pytest.mark.parametrize("role", ["rep_sh", "mgr_east", "director", "hr"])
def test_drafts_are_invisible_outside_marketing(client, people, regions, role):
    plan = draft_plan(people, regions.east)
    client.force_login(getattr(people, role))
    for url in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/edit/", f"/plans/{plan.pk}/preview/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/plans/{plan.pk}/submit/").status_code == 404


def test_comments_and_replies_on_the_page(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.rep_sh)
    response = client.post(f"/plans/{plan.pk}/comments/", {"body": "Which stores?"})
    question = PlanComment.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/#comment-{question.pk}"
    client.force_login(people.mkt_staff)
    client.post(f"/plans/{plan.pk}/comments/", {"body": "Top 60", "parent": question.pk})
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert page.index("Which stores?") < page.index("Top 60")
    assert Notification.objects.filter(recipient=people.rep_sh, kind="plan_comment").count() == 1


def test_reader_shows_what_changed_since_the_version_the_rep_read(client, people, regions):
    plan = published_plan(people, regions.east)
    services.plan_acknowledge(user=people.rep_sh, plan=plan)
    services.plan_revise(user=people.mkt_staff, plan=plan)
    services.plan_update(user=people.mkt_staff, plan=plan, sections={"brand_share": {"goals": "Share to 25%"}})
    services.plan_submit(user=people.mkt_staff, plan=plan)
    services.plan_publish(user=people.mkt_manager, plan=plan, change_note="Raised the share goal")
    client.force_login(people.rep_sh)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-changes"' in page
    assert "Raised the share goal" in page
    assert "<ins>" in page
    assert "<del>" in page
    assert 'data-testid="acknowledge"' in page  # the new version needs a new acknowledgement
    versions = client.get(f"/plans/{plan.pk}/versions/?v=2").content.decode()
    assert 'data-testid="version-changes"' in versions


def test_briefing_pages(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.mkt_staff)
    form = client.get(f"/plans/{plan.pk}/briefings/new/")
    invitable = {str(u) for u in form.context["form"].fields["invitees"].queryset}
    assert "rep.bj" not in invitable
    assert "rep.sh" in invitable
    starts = (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/plans/{plan.pk}/briefings/new/",
        {
            "title": "Walkthrough",
            "starts_at": starts,
            "duration_minutes": 60,
            "location": "Room 1",
            "invitees": [people.rep_sh.pk, people.rep_hz.pk],
        },
    )
    briefing = plan.briefings.get()
    assert response["Location"] == f"/briefings/{briefing.pk}/"
    client.post(f"/briefings/{briefing.pk}/", {"attended": [str(people.rep_sh.pk)]})
    assert dict(briefing.attendance.values_list("user__username", "attended")) == {"rep.sh": True, "rep.hz": False}
    client.force_login(people.rep_sh)
    assert client.post(f"/briefings/{briefing.pk}/", {"attended": []}).status_code == 403
    client.force_login(people.rep_bj)
    assert client.get(f"/briefings/{briefing.pk}/").status_code == 404


def test_plan_page_is_in_chinese_for_a_chinese_reader(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.rep_sh)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "销售促进计划" in page
    assert "我已阅读第 1 版" in page


def _bulk_published_plans(people, region, count):
    """Many published plans without going through publish (fast), each with its version."""
    plans = MarketingPlanFactory.create_batch(count, region=region, owner=people.mkt_staff, status=PlanStatus.PUBLISHED)
    for plan in plans:
        plan.published_version = PlanVersion.objects.create(
            plan=plan,
            number=1,
            content=plan_snapshot(plan=plan),
            published_at=timezone.now(),
            published_by=people.mkt_manager,
        )
        plan.save(update_fields=["published_version"])
    return plans


@pytest.mark.parametrize("role", ["rep_sh", "mkt_staff"])
def test_list_page_queries_are_the_same_for_5_and_200_plans(
    client, people, regions, role, django_assert_max_num_queries
):
    client.force_login(getattr(people, role))
    _bulk_published_plans(people, regions.east, 5)
    client.get("/plans/")  # warm the session
    with django_assert_max_num_queries(25) as small:
        assert client.get("/plans/").status_code == 200
    _bulk_published_plans(people, regions.east, 195)
    with django_assert_max_num_queries(25) as large:
        response = client.get("/plans/")
    assert len(response.context["page_obj"].object_list) == 25
    assert len(small.captured_queries) == len(large.captured_queries) <= 10


def test_detail_page_queries_are_the_same_for_5_and_200_comments(
    client, people, regions, django_assert_max_num_queries
):
    plan = published_plan(people, regions.east)
    client.force_login(people.mkt_staff)

    def add_comments(count):
        questions = PlanComment.objects.bulk_create(
            [PlanComment(plan=plan, author=people.rep_sh, body=f"Q{i}") for i in range(count)]
        )
        PlanComment.objects.bulk_create(
            [PlanComment(plan=plan, author=people.mkt_staff, body="A", parent=q) for q in questions]
        )

    add_comments(5)
    client.get(f"/plans/{plan.pk}/")
    with django_assert_max_num_queries(25) as small:
        client.get(f"/plans/{plan.pk}/")
    add_comments(195)
    with django_assert_max_num_queries(25) as large:
        page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert page.count('class="comment card"') == 200
    assert len(small.captured_queries) == len(large.captured_queries) <= 25


def test_sections_render_in_reading_order(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.rep_sh)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    positions = [page.index(f'id="section-{kind}"') for kind in SectionKind.values]
    assert positions == sorted(positions)


def test_forbidden_action_gets_a_friendly_page_in_the_users_language(client, people, regions):
    plan = published_plan(people, regions.east)
    client.force_login(people.rep_sh)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(f"/plans/{plan.pk}/edit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="forbidden"' in page
    assert "不允许" in page
