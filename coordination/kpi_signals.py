"""Keeping the KPI rollups fresh between nightly rebuilds: when a fact the KPIs count is saved, the person-days it is
counted on are refreshed by a Celery task after the commit (``kpi_rollups_refresh``: that person's day and month,
recomputed from the raw rows, so refreshing a day that did not change is harmless).

A fact is counted on the day ``coordination.services.kpi_rollups._facts`` dates it — a decision on the day it was
taken, an acknowledgement on the day it was given, a proposal approved on the day its flow closed, an action item on
its due day, a plan's acknowledgements on the day the version was published, a follow-up on the day of the report
that raised it. The pairs below follow those rules; a test checks each kind against a rebuild.

Reports themselves are refreshed through ``feedback.signals.report_filed``; intel items created with a report are
left to that, and only their later changes (acknowledged, answered, marked useful, followed up) come here.
"""

import datetime

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from approvals.models import ApprovalFlow, ApprovalStep, ExecutabilityRating, FlowStatus, StepKind, StepStatus
from campaigns.models import PlanAcknowledgement, PlanVersion, Promotion
from feedback.models import IntelItem

from .models import ActionItem


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def refresh_later(pairs) -> None:
    """Refresh each distinct (person id, day) once the current transaction commits."""
    from .tasks_kpis import kpi_rollups_refresh

    for person_id, day in sorted({(p, d) for p, d in pairs if p and d}):
        kpi_rollups_refresh.delay_on_commit(person_id, day.isoformat())


def _intel_saved(sender, instance: IntelItem, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    refresh_later(
        [
            (instance.rep_id, instance.date),
            (instance.acknowledged_by_id, _day(instance.acknowledged_at)),
            (instance.answered_by_id, _day(instance.answered_at)),
        ]
    )


def _step_saved(sender, instance: ApprovalStep, raw: bool = False, **kwargs):
    if raw:
        return
    pairs = [(instance.decided_by_id, _day(instance.decided_at))]
    if instance.kind == StepKind.CONSULTATION and instance.status in (StepStatus.DECIDED, StepStatus.NO_ANSWER):
        pairs.append((instance.assignee_id, _day(instance.decided_at or instance.due_at)))
    refresh_later(pairs)


def _flow_saved(sender, instance: ApprovalFlow, raw: bool = False, **kwargs):
    if raw or instance.status != FlowStatus.APPROVED or not instance.closed_at:
        return
    owner = Promotion.objects.filter(pk=instance.promotion_id).values_list("owner_id", flat=True).first()
    refresh_later([(owner, _day(instance.closed_at))])


def _promotion_saved(sender, instance: Promotion, raw: bool = False, **kwargs):
    from .services.kpi_rollups import RAN

    if not raw and instance.status in RAN:
        refresh_later([(instance.owner_id, instance.starts_on)])


def _rating_changed(sender, instance: ExecutabilityRating, raw: bool = False, **kwargs):
    if raw:
        return
    owner = Promotion.objects.filter(pk=instance.promotion_id).values_list("owner_id", flat=True).first()
    refresh_later([(owner, _day(instance.created_at))])


def _acknowledgement_saved(sender, instance: PlanAcknowledgement, raw: bool = False, **kwargs):
    if raw:
        return
    owner, published_at = PlanVersion.objects.filter(pk=instance.version_id).values_list(
        "plan__owner_id", "published_at"
    ).first() or (None, None)
    refresh_later([(owner, _day(published_at))])


def _action_item_before(sender, instance: ActionItem, raw: bool = False, **kwargs):
    """Remember where the item was counted, in case its owner or due day moves."""
    if raw or not instance.pk:
        return
    instance._kpi_was = ActionItem.objects.filter(pk=instance.pk).values_list("owner_id", "due_on").first()


def _action_item_changed(sender, instance: ActionItem, raw: bool = False, **kwargs):
    if raw:
        return
    refresh_later([(instance.owner_id, instance.due_on), getattr(instance, "_kpi_was", None) or (None, None)])


def connect() -> None:
    uid = "coordination.kpi_refresh."
    post_save.connect(_intel_saved, sender=IntelItem, dispatch_uid=uid + "intel")
    post_save.connect(_step_saved, sender=ApprovalStep, dispatch_uid=uid + "step")
    post_save.connect(_flow_saved, sender=ApprovalFlow, dispatch_uid=uid + "flow")
    post_save.connect(_promotion_saved, sender=Promotion, dispatch_uid=uid + "promotion")
    post_save.connect(_rating_changed, sender=ExecutabilityRating, dispatch_uid=uid + "rating")
    post_delete.connect(_rating_changed, sender=ExecutabilityRating, dispatch_uid=uid + "rating_deleted")
    post_save.connect(_acknowledgement_saved, sender=PlanAcknowledgement, dispatch_uid=uid + "plan_ack")
    pre_save.connect(_action_item_before, sender=ActionItem, dispatch_uid=uid + "action_before")
    post_save.connect(_action_item_changed, sender=ActionItem, dispatch_uid=uid + "action")
    post_delete.connect(_action_item_changed, sender=ActionItem, dispatch_uid=uid + "action_deleted")
