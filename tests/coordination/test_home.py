import pytest
from django.utils import timezone

from accounts.roles import Role
from campaigns.models import PlanAcknowledgement, PlanStatus, PlanVersion
from tests.factories import MarketingPlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_greets_the_user_and_shows_the_empty_state_for_their_role(client, regions):
    # HR: a role with nothing to do today (a rep always has today's report: see tests/feedback/test_board_home.py).
    person = UserFactory(first_name="伟", last_name="张", role=Role.HR, region=regions.sh)
    client.force_login(person)

    page = client.get("/").content.decode()

    assert "Hello, 张伟" in page
    assert "Human resources" in page
    assert "Shanghai" in page
    assert 'data-testid="home-empty"' in page
    assert "The joint KPI scorecards of marketing and sales." in page


def test_home_for_a_user_with_no_role_says_so(client):
    client.force_login(UserFactory())

    assert "No role yet" in client.get("/").content.decode()


def test_home_names_the_administrator_as_such(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/").content.decode()

    assert '<span class="tag">Administrator</span>' in page
    assert "No role yet" not in page


@pytest.mark.parametrize(
    ("user_kwargs", "sees_admin"),
    [({"role": Role.SALES_REP}, False), ({"role": Role.HR}, False), ({"is_staff": True}, True)],
)
def test_navigation_shows_only_what_the_role_may_use(client, user_kwargs, sees_admin):
    client.force_login(UserFactory(**user_kwargs))

    page = client.get("/").content.decode()

    assert ('href="/admin/"' in page) is sees_admin
    assert 'href="/" aria-current="page"' in page


def test_home_query_count_is_constant(client, regions, django_assert_max_num_queries):
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh, manager=manager)
    marketing = UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn)
    client.force_login(rep)

    def publish(count):
        for plan in MarketingPlanFactory.create_batch(count, region=regions.east, status=PlanStatus.PUBLISHED):
            plan.published_version = PlanVersion.objects.create(
                plan=plan, number=1, content={}, published_at=timezone.now(), published_by=marketing
            )
            plan.save(update_fields=["published_version"])

    def plans_to_read(response):
        return next(section for section in response.context["sections"] if section.title == "Plans to read")

    publish(5)
    # session, user, profile (+ groups), the navigation's roles, the bell, one query per home section (the rep's
    # two report sections share one; "Waiting for your decision" reads the delegations inside its one query), the
    # company calendar (one per request), and the navigation's "is a delegate today?" (Approvals) for a rep
    # ... and the user's action items due (one query)
    with django_assert_max_num_queries(13) as small:
        assert len(plans_to_read(client.get("/")).items) == 5
    publish(195)
    with django_assert_max_num_queries(13) as large:
        assert len(plans_to_read(client.get("/")).items) == 10
    assert len(small.captured_queries) == len(large.captured_queries)


def test_rep_is_asked_to_read_new_plans_until_acknowledged(client, regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    marketing = UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn)
    plan = MarketingPlanFactory(region=regions.east, status=PlanStatus.PUBLISHED, title="East plan")
    plan.published_version = PlanVersion.objects.create(
        plan=plan, number=1, content={}, published_at=timezone.now(), published_by=marketing
    )
    plan.save(update_fields=["published_version"])
    client.force_login(rep)
    assert "East plan" in client.get("/").content.decode()
    PlanAcknowledgement.objects.create(version=plan.published_version, user=rep, acknowledged_at=timezone.now())
    assert "East plan" not in client.get("/").content.decode()


def test_unknown_page_is_a_friendly_404(client):
    client.force_login(UserFactory())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_home_lists_my_action_items_due_and_marketings_alerts_to_triage(client, regions):
    import datetime

    from feedback.models import AlertStatus
    from tests.factories.coordination import ActionItemFactory
    from tests.feedback.alerts_setup import make_alert

    today = timezone.localdate()
    owner = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    overdue = ActionItemFactory(owner=owner, due_on=today - datetime.timedelta(days=1), title="回款跟进")
    ActionItemFactory(owner=owner, due_on=today + datetime.timedelta(days=30), title="Later")
    ActionItemFactory(due_on=today, title="Someone else's")
    client.force_login(owner)

    sections = {s.title: s for s in client.get("/").context["sections"]}
    assert [(i.title, i.url) for i in sections["Action items due"].items] == [
        ("回款跟进", f"/action-items/{overdue.pk}/")
    ]
    assert "Alerts to triage" not in sections  # sales managers see alerts; marketing triages them

    marketing = UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)
    open_alert = make_alert(regions.sh)
    make_alert(regions.sh, status=AlertStatus.RESOLVED)
    client.force_login(marketing)
    sections = {s.title: s for s in client.get("/").context["sections"]}
    assert [i.url for i in sections["Alerts to triage"].items] == [f"/alerts/{open_alert.pk}/"]


def test_home_action_items_and_alerts_cost_the_same_queries_for_1_or_20_rows(
    client, regions, django_assert_max_num_queries
):
    import datetime

    from tests.factories.coordination import ActionItemFactory
    from tests.feedback.alerts_setup import make_alert

    today = timezone.localdate()
    marketing = UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)
    client.force_login(marketing)

    def add(count):
        for n in range(count):
            ActionItemFactory(owner=marketing, due_on=today + datetime.timedelta(days=n % 3 - 1))
            make_alert(regions.sh)

    def shown(response):
        sections = {s.title: s for s in response.context["sections"]}
        return len(sections["Action items due"].items), len(sections["Alerts to triage"].items)

    add(1)
    with django_assert_max_num_queries(13) as small:
        assert shown(client.get("/")) == (1, 1)
    add(19)
    with django_assert_max_num_queries(13) as large:
        assert shown(client.get("/")) == (10, 10)  # the first ten; the pages list them all
    assert len(small.captured_queries) == len(large.captured_queries)


def test_home_action_items_say_overdue_or_due_and_leave_out_done_ones(client, regions):
    import datetime

    from coordination.models import ActionItem
    from tests.factories.coordination import ActionItemFactory

    today = timezone.localdate()
    owner = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    ActionItemFactory(owner=owner, due_on=today - datetime.timedelta(days=2), title="Late")
    ActionItemFactory(owner=owner, due_on=today + datetime.timedelta(days=1), title="Soon")
    ActionItemFactory(
        owner=owner, due_on=today, title="Finished", status=ActionItem.Status.DONE, closed_at=timezone.now()
    )
    client.force_login(owner)

    items = {s.title: s for s in client.get("/").context["sections"]}["Action items due"].items

    assert [(i.title, str(i.detail)) for i in items] == [
        ("Late", f"Overdue since {today - datetime.timedelta(days=2):%Y-%m-%d}"),
        ("Soon", f"Due {today + datetime.timedelta(days=1):%Y-%m-%d}"),
    ]


@pytest.mark.parametrize(
    ("role", "sees_meetings", "sees_digests"),
    [
        (Role.SALES_REP, True, False),
        (Role.HR, True, False),
        (Role.MARKETING_STAFF, True, True),
        (Role.SALES_MANAGER, True, True),
        (Role.GENERAL_MANAGER, True, True),
    ],
)
def test_navigation_offers_meetings_to_everyone_and_digests_to_their_readers(
    client, regions, role, sees_meetings, sees_digests
):
    client.force_login(UserFactory(role=role, region=regions.cn))

    page = client.get("/").content.decode()

    assert ('href="/meetings/"' in page) is sees_meetings
    assert ('href="/digests/"' in page) is sees_digests
