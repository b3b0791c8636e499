import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD
from accounts.models import Region, User
from approvals.models import ApprovalEvent, ApprovalFlow, ApprovalStep
from campaigns.models import Promotion, PromotionCost
from feedback.models import Alert, DailyReport, IntelItem, Outlet, PromotionFeedbackLine

pytestmark = pytest.mark.django_db

EXPECTED_USERS = {
    # username: (role, region code, manager)
    "mkt.li": ("marketing_staff", "CN", "mkt.wang"),
    "mkt.wang": ("marketing_manager", "CN", "gm"),
    "rep.zhang": ("sales_rep", "SH", "mgr.east"),
    "rep.liu": ("sales_rep", "HZ", "mgr.east"),
    "rep.chen": ("sales_rep", "BJ", "mgr.north"),
    "mgr.east": ("sales_manager", "EAST", "dir.sales"),
    "mgr.north": ("sales_manager", "NORTH", "dir.sales"),
    "dir.sales": ("sales_director", "CN", "gm"),
    "gm": ("general_manager", "CN", None),
    "hr.zhao": ("hr", "CN", "gm"),
}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_creates_the_demo_company(seeded):
    assert dict(Region.objects.values_list("code", "path")) == {
        "CN": "CN/",
        "EAST": "CN/EAST/",
        "SH": "CN/EAST/SH/",
        "HZ": "CN/EAST/HZ/",
        "NORTH": "CN/NORTH/",
        "BJ": "CN/NORTH/BJ/",
        "TJ": "CN/NORTH/TJ/",
        "SOUTH": "CN/SOUTH/",
        "GZ": "CN/SOUTH/GZ/",
        "SZ": "CN/SOUTH/SZ/",
    }
    users = {u.username: u for u in User.objects.select_related("region", "manager").prefetch_related("groups")}
    assert set(users) == {*EXPECTED_USERS, "admin"}
    for username, (role, region, manager) in EXPECTED_USERS.items():
        user = users[username]
        assert user.role_names == {role}, username
        assert user.region.code == region, username
        assert (user.manager.username if user.manager else None) == manager, username
        assert not user.is_staff, username
    assert users["admin"].is_superuser
    assert users["admin"].is_staff


def test_every_demo_user_signs_in_with_the_demo_password(seeded):
    for username in [*EXPECTED_USERS, "admin"]:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_every_demo_user_gets_a_token_and_me_names_their_roles(seeded):
    client = APIClient()
    for username, (role, _region, _manager) in EXPECTED_USERS.items():
        token = client.post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json")
        assert token.status_code == 200, username
        me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}").json()
        assert [r["code"] for r in me["roles"]] == [role], username


def _demo_rows() -> tuple:
    return (
        User.objects.count(),
        Region.objects.count(),
        list(User.objects.values_list("password", flat=True)),
        Outlet.objects.count(),
        DailyReport.objects.count(),
        IntelItem.objects.count(),
        Alert.objects.count(),
        list(Promotion.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        ApprovalFlow.objects.count(),
        list(ApprovalStep.objects.order_by("pk").values_list("pk", "status", "due_at")),
        ApprovalEvent.objects.count(),
        PromotionCost.objects.count(),
        PromotionFeedbackLine.objects.count(),
    )


def test_seed_demo_is_idempotent(seeded, settings):
    before = _demo_rows()

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert _demo_rows() == before
    assert (
        "0 promotions, 0 approval flows, 0 cost bookings, 0 executability ratings, 0 delegations, 0 outlets, "
        "0 alert rules, 0 daily reports, 0 alerts, 0 joint meetings, 0 action items, 0 digests, 0 chat webhooks)."
        in out.getvalue()
    )


def test_seed_demo_summary_names_what_it_created(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    # Four promotions drafted by the campaigns demo and ten by the approvals demo, thirteen of them sent through the
    # workflow, with costs and the field's ratings on the agreed ones; four weeks of the three demo reps' weekdays
    # (20 each, two missing per rep) plus rep.liu's draft of today; the demo's competitor price cuts and promotion
    # price breach raise seven alerts.
    summary = out.getvalue()
    assert "10 regions, 11 users, " in summary
    assert (
        "14 promotions, 13 approval flows, 9 cost bookings, 5 executability ratings, 1 delegations, 40 outlets, "
        "6 alert rules, 55 daily reports, 7 alerts, 2 joint meetings, 4 action items, 1 digests, 1 chat webhooks)."
        in summary
    )
    assert (Outlet.objects.count(), DailyReport.objects.count(), Alert.objects.count()) == (40, 55, 7)
    assert (Promotion.objects.count(), ApprovalFlow.objects.count(), PromotionCost.objects.count()) == (14, 13, 9)


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_seed_demo_with_force_runs_with_debug_off(settings):
    settings.DEBUG = False

    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert User.objects.filter(username="rep.zhang").exists()


def test_the_joint_layer_demo_has_a_held_meeting_a_planned_one_and_last_months_digest(seeded):
    from django.utils import timezone

    from accounts.models import ChatWebhook
    from coordination.models import ActionItem, Digest, JointMeeting

    today = timezone.localdate()
    held, planned = JointMeeting.objects.order_by("month")
    assert held.status == JointMeeting.Status.HELD
    assert held.minutes
    assert {u.department.code for u in held.attendees.select_related("department")} >= {"marketing", "sales"}
    statuses = sorted(held.action_items.values_list("status", flat=True))
    assert statuses == ["done", "open", "open", "open"]
    assert held.action_items.filter(status=ActionItem.Status.OPEN, due_on__lt=today).count() == 1
    assert planned.status == JointMeeting.Status.PLANNED
    assert planned.date > today
    for item in held.action_items.filter(status=ActionItem.Status.OPEN):
        assert item.title in planned.agenda  # the next meeting starts with last meeting's open items
    digest = Digest.objects.get()
    assert digest.month == planned.month
    assert set(digest.html) == {"en", "zh-hans"}
    assert not ChatWebhook.objects.get().is_active
