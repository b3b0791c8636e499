"""The two-way approval workflow (DESIGN §3): rules that route a promotion, the flow and its steps, and the
append-only audit trail. Statuses are moved only by ``approvals.workflow.promotion_transition``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.roles import Role
from campaigns.models import Promotion, PromotionOrigin


def _default_review_hours() -> int:
    return settings.APPROVAL_REVIEW_SLA_HOURS


def _default_consultation_hours() -> int:
    return settings.APPROVAL_CONSULTATION_HOURS


def _default_endorsement_hours() -> int:
    return settings.APPROVAL_ENDORSEMENT_HOURS


def _default_decision_hours() -> int:
    return settings.APPROVAL_DECISION_HOURS


_HOURS = [MinValueValidator(1), MaxValueValidator(2000)]


class ApprovalRule(models.Model):
    """Which steps a promotion gets and how long each may take. The rule applying to a promotion is the active one
    of its origin whose region is the deepest covering all the promotion's regions (a rule without region covers
    the whole company). Thresholds compare with the promotion's budget."""

    name = models.CharField(_("name"), max_length=100)
    origin = models.CharField(_("origin"), max_length=10, choices=PromotionOrigin.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole company. A rule for a region covers everything below it."),
    )
    director_threshold = models.DecimalField(
        _("threshold A: sales director above (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("50000"),
        validators=[MinValueValidator(0)],
        help_text=_("A promotion whose budget is above this also needs the sales director's approval."),
    )
    gm_threshold = models.DecimalField(
        _("threshold B: general manager above (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("200000"),
        validators=[MinValueValidator(0)],
        help_text=_("Above this the general manager approves last. Must not be below threshold A."),
    )
    consultation_hours = models.PositiveSmallIntegerField(
        _("consultation deadline (working hours)"), default=_default_consultation_hours, validators=_HOURS
    )
    endorsement_hours = models.PositiveSmallIntegerField(
        _("endorsement SLA (working hours)"), default=_default_endorsement_hours, validators=_HOURS
    )
    review_hours = models.PositiveSmallIntegerField(
        _("marketing review SLA (working hours)"), default=_default_review_hours, validators=_HOURS
    )
    decision_hours = models.PositiveSmallIntegerField(
        _("manager / director / GM decision SLA (working hours)"), default=_default_decision_hours, validators=_HOURS
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["origin", "region__path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gm_threshold__gte=F("director_threshold")),
                name="approval_rule_thresholds_ordered",
                violation_error_message=_(
                    "Threshold B (general manager) cannot be below threshold A (sales director)."
                ),
            ),
            models.UniqueConstraint(
                fields=["origin", "region"],
                condition=Q(active=True, region__isnull=False),
                name="approval_rule_one_active_per_region",
                violation_error_message=_("There is already an active rule for this origin and region."),
            ),
            models.UniqueConstraint(
                fields=["origin"],
                condition=Q(active=True, region__isnull=True),
                name="approval_rule_one_active_company_wide",
                violation_error_message=_("There is already an active company-wide rule for this origin."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FlowStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApprovalFlow(models.Model):
    """The approval of one promotion. Each submission is a new ``round`` of steps; earlier rounds stay as history.
    The rule's thresholds and hours are copied at submission so a later change of the rule does not re-route a
    promotion already on its way."""

    promotion = models.OneToOneField(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="approval_flow"
    )
    rule = models.ForeignKey(
        ApprovalRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="flows"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=FlowStatus.choices, default=FlowStatus.OPEN)
    director_threshold = models.DecimalField(_("threshold A"), max_digits=14, decimal_places=2)
    gm_threshold = models.DecimalField(_("threshold B"), max_digits=14, decimal_places=2)
    submitted_at = models.DateTimeField(_("submitted"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.promotion} · {self.get_status_display()}"


class StepKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    ENDORSEMENT = "endorsement", _("Endorsement")
    REVIEW = "review", _("Marketing review")
    APPROVAL = "approval", _("Approval")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for earlier steps")
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")
    NO_ANSWER = "no_answer", _("No answer by the deadline")
    CANCELLED = "cancelled", _("Not needed any more")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CHANGES = "approve_with_changes", _("Approve with changes")
    RETURN = "return", _("Return for rework")
    REJECT = "reject", _("Reject")
    # Consultation answers (countersign by the affected regions' sales managers).
    SUPPORT = "support", _("Support")
    SUPPORT_WITH_CHANGES = "support_with_changes", _("Support with changes")
    OPPOSE = "oppose", _("Oppose")


# The answers each kind of step takes.
STEP_DECISIONS = {
    StepKind.CONSULTATION: (Decision.SUPPORT, Decision.SUPPORT_WITH_CHANGES, Decision.OPPOSE),
    StepKind.ENDORSEMENT: (Decision.APPROVE, Decision.RETURN, Decision.REJECT),
    StepKind.REVIEW: (Decision.APPROVE, Decision.APPROVE_WITH_CHANGES, Decision.RETURN, Decision.REJECT),
    StepKind.APPROVAL: (Decision.APPROVE, Decision.APPROVE_WITH_CHANGES, Decision.RETURN, Decision.REJECT),
}
# Decisions that need a comment (a reason, or the changes asked for).
DECISIONS_NEEDING_COMMENT = frozenset(
    {
        Decision.APPROVE_WITH_CHANGES,
        Decision.RETURN,
        Decision.REJECT,
        Decision.SUPPORT_WITH_CHANGES,
        Decision.OPPOSE,
    }
)


class ApprovalStep(models.Model):
    """One person's (or one role's) part in a round. Steps of the same ``sequence`` run in parallel (the
    consultation countersign); a later sequence opens when the earlier one is through. ``due_at`` is set when the
    step opens, in working hours of the company calendar."""

    flow = models.ForeignKey(ApprovalFlow, verbose_name=_("flow"), on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(_("round"))
    sequence = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    assignee_role = models.CharField(
        _("assigned role"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Any holder of this role may decide (when no single person is assigned)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    sla_hours = models.PositiveSmallIntegerField(_("SLA (working hours)"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    executability = models.PositiveSmallIntegerField(
        _("executability (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How well the field can carry it out, as the consulted sales manager sees it."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The person away, when a delegate decided."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["flow", "round", "sequence", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="step_status_due_idx"),
            models.Index(fields=["assignee", "status"], name="step_assignee_status_idx"),
            models.Index(fields=["assignee_role", "status"], name="step_role_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(assignee__isnull=False) & Q(assignee_role=""))
                | (Q(assignee__isnull=True) & ~Q(assignee_role="")),
                name="step_assigned_to_person_or_role",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | (Q(decided_at__isnull=False) & ~Q(decision="")),
                name="step_decided_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(due_at__isnull=False),
                name="step_open_has_due_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.flow.promotion}"

    @property
    def is_open(self) -> bool:
        return self.status == StepStatus.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())


class ApprovalEvent(models.Model):
    """The append-only audit trail of a promotion: every transition, who, when, from, to and why. Written only by
    ``approvals.workflow``; never changed (the admin shows it read-only)."""

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="approval_events"
    )
    step = models.ForeignKey(
        ApprovalStep, verbose_name=_("step"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the system (a deadline or the calendar)."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ["promotion", "created_at", "id"]
        indexes = [models.Index(fields=["promotion", "created_at"], name="event_promotion_time_idx")]

    def __str__(self) -> str:
        return f"{self.promotion} · {self.action} {self.from_status} → {self.to_status}"


class ExecutabilityRating(models.Model):
    """Sales' rating, after execution, of how workable a promotion was (DESIGN §1). One per person per promotion."""

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="executability_ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("executability rating")
        verbose_name_plural = _("executability ratings")
        ordering = ["promotion", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "rater"], name="rating_once_per_person"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.promotion} · {self.score}"
