"""Facts other than reports reach the KPI rollups within a task after their commit (coordination/kpi_signals.py):
after each kind of change, the refreshed rollups equal a full rebuild, and differ from before the change."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals.models import ApprovalStep, ExecutabilityRating, FlowStatus, StepKind, StepStatus
from campaigns.models import PlanAcknowledgement, PlanVersion, PromotionStatus
from coordination.models import ActionItem, KpiDaily, KpiMonthly
from coordination.services.kpi_rollups import COUNTERS, MONTHLY_ONLY, kpi_rollups_rebuild
from feedback.models import IntelItem, Section
from feedback.services.intel import intel_acknowledge, intel_mark_useful
from tests.factories import UserFactory
from tests.factories.approvals import ApprovalFlowFactory, ApprovalStepFactory
from tests.factories.campaigns import PromotionFactory

from .kpi_world import SEPTEMBER, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    w = build_world(regions)
    _rebuild()
    return w


def _rebuild():
    kpi_rollups_rebuild(SEPTEMBER, timezone.localdate())


def _rollups() -> tuple[list, list]:
    monthly = KpiMonthly.objects.order_by("person", "region", "month")
    daily = KpiDaily.objects.order_by("person", "region", "date")
    return (
        list(monthly.values("person", "region", "month", *COUNTERS, *MONTHLY_ONLY)),
        list(daily.values("person", "region", "date", *COUNTERS)),
    )


def _refreshed_like_a_rebuild(change, capture) -> None:
    before = _rollups()
    with capture(execute=True):
        change()
    refreshed = _rollups()
    _rebuild()
    assert refreshed == _rollups()
    assert refreshed != before  # the change is counted, and the refresh counted it


def _competitor_intel(world, **filters) -> IntelItem:
    return IntelItem.objects.filter(rep=world.rep_a, section=Section.COMPETITOR_INTEL, superseded=False, **filters)[0]


def test_marking_intel_useful_counts_for_the_rep_at_once(world, django_capture_on_commit_callbacks):
    item = _competitor_intel(world, useful__isnull=True)
    _refreshed_like_a_rebuild(
        lambda: intel_mark_useful(user=world.marketer, item=item, useful=True), django_capture_on_commit_callbacks
    )


def test_acknowledging_intel_counts_for_marketing_at_once(world, django_capture_on_commit_callbacks):
    item = _competitor_intel(world, acknowledged_at__isnull=True)
    _refreshed_like_a_rebuild(
        lambda: intel_acknowledge(user=world.marketer, item=item), django_capture_on_commit_callbacks
    )


def test_a_decision_counts_for_who_decided_at_once(world, django_capture_on_commit_callbacks):
    step = ApprovalStep.objects.filter(kind=StepKind.REVIEW, decided_by=world.marketer).first()

    def change():
        step.opened_at -= datetime.timedelta(hours=5)  # the review took longer than recorded
        step.save()

    _refreshed_like_a_rebuild(change, django_capture_on_commit_callbacks)


def test_a_consultation_closed_unanswered_counts_for_its_assignee_at_once(world, django_capture_on_commit_callbacks):
    now = timezone.now()
    step = ApprovalStepFactory(
        kind=StepKind.CONSULTATION,
        assignee=world.manager,
        assignee_role="",
        status=StepStatus.OPEN,
        opened_at=now - datetime.timedelta(days=2),
        due_at=now - datetime.timedelta(hours=1),
    )

    def close():  # as the hourly consultation job does when the deadline has passed
        step.status = StepStatus.NO_ANSWER
        step.save()

    _refreshed_like_a_rebuild(close, django_capture_on_commit_callbacks)


def test_a_proposal_approved_counts_for_its_owner_at_once(world, django_capture_on_commit_callbacks):
    flow = ApprovalFlowFactory(promotion=PromotionFactory(owner=world.marketer, created_by=world.marketer))

    def approve():
        flow.status, flow.closed_at = FlowStatus.APPROVED, timezone.now()
        flow.save()

    _refreshed_like_a_rebuild(approve, django_capture_on_commit_callbacks)


def test_a_promotion_on_the_shelves_counts_as_executed_at_once(world, django_capture_on_commit_callbacks):
    promotion = PromotionFactory(owner=world.marketer, created_by=world.marketer, status=PromotionStatus.APPROVED)
    promotion.starts_on = timezone.localdate()

    def start():
        promotion.status = PromotionStatus.RUNNING
        promotion.save()

    _refreshed_like_a_rebuild(start, django_capture_on_commit_callbacks)


def test_a_rating_counts_for_the_promotions_owner_at_once(world, django_capture_on_commit_callbacks):
    rating = ExecutabilityRating.objects.filter(promotion=world.promotion).first()

    def change():
        rating.score = 1 if rating.score != 1 else 5
        rating.save()

    _refreshed_like_a_rebuild(change, django_capture_on_commit_callbacks)
    _refreshed_like_a_rebuild(
        lambda: ExecutabilityRating.objects.get(pk=rating.pk).delete(), django_capture_on_commit_callbacks
    )


def test_a_plan_acknowledgement_counts_for_the_plans_owner_at_once(world, django_capture_on_commit_callbacks):
    version = PlanVersion.objects.get(plan__owner=world.marketer)
    _refreshed_like_a_rebuild(
        lambda: PlanAcknowledgement.objects.create(version=version, user=world.rep_b, acknowledged_at=timezone.now()),
        django_capture_on_commit_callbacks,
    )


def test_an_action_item_counts_on_its_due_day_and_leaves_the_old_one(world, django_capture_on_commit_callbacks):
    item = ActionItem.objects.filter(owner=world.marketer, status=ActionItem.Status.DONE).order_by("due_on").first()
    other = UserFactory(role=Role.SALES_MANAGER, region=world.regions.east)

    def move():
        item.due_on, item.owner = item.due_on + datetime.timedelta(days=40), other  # October, someone else
        item.save()

    _refreshed_like_a_rebuild(move, django_capture_on_commit_callbacks)
    _refreshed_like_a_rebuild(lambda: ActionItem.objects.get(pk=item.pk).delete(), django_capture_on_commit_callbacks)
