"""The joint layer's own records: the monthly joint meeting (联席会议), its action items and the frozen monthly
digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Department


class JointMeeting(models.Model):
    """The monthly joint meeting of marketing and sales: one per month. Its agenda starts with the previous
    meeting's open action items (``coordination.services.meetings``); its minutes are recorded after it is held."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month the meeting reviews."))
    date = models.DateField(_("date"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="joint_meetings", blank=True
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="meeting_month_is_first_day", violation_error_message=_("Pick a month.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ActionItem(models.Model):
    """A decision of a joint meeting to carry out: an owner, their department, a due date. Owners are reminded
    before it is due; overdue items escalate to the owner's manager; open items open the next meeting's agenda."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("source meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_item_status_due_idx"),
            models.Index(fields=["owner", "status"], name="action_item_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="action_item_closed_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Digest(models.Model):
    """Last month's figures for the joint meeting, built once and frozen.

    ``content`` holds the figures (language-neutral data); ``html`` the rendered digest per language
    ({"en": ..., "zh-hans": ...}), as built. Neither changes afterwards: building the month again returns this row
    unless a rebuild is asked for, which bumps ``version`` (and re-sends to everyone).
    """

    month = models.DateField(_("month"), unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    content = models.JSONField(_("figures"), default=dict)
    html = models.JSONField(_("rendered digest"), default=dict)
    built_at = models.DateTimeField(_("built"))
    build_seconds = models.FloatField(_("build time (s)"), default=0)

    class Meta:
        verbose_name = _("monthly digest")
        verbose_name_plural = _("monthly digests")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="digest_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class DigestRecipient(models.Model):
    """One person the digest (of one version) is mailed to, in their language; ``sent_at`` is set in the same
    transaction as the send, so a redelivered job skips them."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("digest recipient")
        verbose_name_plural = _("digest recipients")
        ordering = ["digest", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "user", "version"], name="digest_recipient_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.digest} → {self.user_id}"


# --- joint KPIs ---------------------------------------------------------------------------------------------------


class KpiCounters(models.Model):
    """The recorded facts one person's KPIs are made of, counted for one period (a day or a month) and the region
    the facts were filed in (a rep who moves mid-month has a row per region). Every KPI is a ratio, an average or
    a count of these columns (``coordination.kpis``); the rollups hold nothing else, so a figure can always be
    explained by the facts it counts."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    # daily reports (reps)
    days_expected = models.PositiveIntegerField(_("working days"), default=0)
    days_filed = models.PositiveIntegerField(_("days filed"), default=0)
    days_on_time = models.PositiveIntegerField(_("days filed on time"), default=0)
    sections_filled = models.PositiveIntegerField(_("sections with items"), default=0)
    units = models.BigIntegerField(_("units sold"), default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=16, decimal_places=2, default=0)
    intel_items = models.PositiveIntegerField(_("intel contributed"), default=0)
    intel_useful = models.PositiveIntegerField(_("intel marked useful"), default=0)
    promo_checks = models.PositiveIntegerField(_("promotion checks"), default=0)
    price_checks = models.PositiveIntegerField(_("price checks"), default=0)
    price_compliant = models.PositiveIntegerField(_("prices within limits"), default=0)
    feedback_items = models.PositiveIntegerField(_("customer feedback items"), default=0)
    feedback_followed = models.PositiveIntegerField(_("customer feedback followed up"), default=0)
    # approvals (sales managers, marketing)
    endorse_count = models.PositiveIntegerField(_("endorsements decided"), default=0)
    endorse_seconds = models.BigIntegerField(_("endorsement time (s)"), default=0)
    endorse_on_time = models.PositiveIntegerField(_("endorsements on time"), default=0)
    consult_count = models.PositiveIntegerField(_("consultations closed"), default=0)
    consult_answered = models.PositiveIntegerField(_("consultations answered"), default=0)
    consult_seconds = models.BigIntegerField(_("consultation answer time (s)"), default=0)
    review_count = models.PositiveIntegerField(_("reviews decided"), default=0)
    review_seconds = models.BigIntegerField(_("review time (s)"), default=0)
    review_on_time = models.PositiveIntegerField(_("reviews within SLA"), default=0)
    proposals_approved = models.PositiveIntegerField(_("proposals approved"), default=0)
    proposals_executed = models.PositiveIntegerField(_("proposals executed"), default=0)
    rating_count = models.PositiveIntegerField(_("executability ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("executability points"), default=0)
    intel_acknowledged = models.PositiveIntegerField(_("intel acknowledged"), default=0)
    intel_answered = models.PositiveIntegerField(_("intel answered"), default=0)
    answer_seconds = models.BigIntegerField(_("time to answer (s)"), default=0)
    plan_readers = models.PositiveIntegerField(_("plan readers expected"), default=0)
    plan_acknowledged = models.PositiveIntegerField(_("plan acknowledgements"), default=0)
    # both
    actions_due = models.PositiveIntegerField(_("action items due"), default=0)
    actions_on_time = models.PositiveIntegerField(_("action items closed on time"), default=0)

    class Meta:
        abstract = True


class KpiDaily(KpiCounters):
    """Daily rollup: one person's facts of one day (``coordination.services.kpi_rollups``)."""

    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("daily KPI rollup")
        verbose_name_plural = _("daily KPI rollups")
        ordering = ["date", "person_id"]
        constraints = [
            models.UniqueConstraint(Coalesce("region", 0), "person", "date", name="kpi_daily_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "date"], name="kpi_daily_person_idx"),
            models.Index(fields=["date"], name="kpi_daily_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date}"


class KpiMonthly(KpiCounters):
    """Monthly rollup: the month's daily rows summed, plus what only a month has — the rep's sales target and
    the running promotions' outlets they were expected to check."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    target_units = models.BigIntegerField(_("target units"), null=True, blank=True)
    target_revenue = models.DecimalField(_("target revenue"), max_digits=16, decimal_places=2, null=True, blank=True)
    promo_expected = models.PositiveIntegerField(_("promotion outlets to check"), default=0)
    promo_covered = models.PositiveIntegerField(_("promotion outlets checked"), default=0)

    class Meta:
        verbose_name = _("monthly KPI rollup")
        verbose_name_plural = _("monthly KPI rollups")
        ordering = ["month", "person_id"]
        constraints = [
            models.UniqueConstraint(Coalesce("region", 0), "person", "month", name="kpi_monthly_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="kpi_monthly_first_day"),
        ]
        indexes = [
            models.Index(fields=["month", "person"], name="kpi_monthly_month_idx"),
            models.Index(fields=["person", "month"], name="kpi_monthly_person_idx"),
            # a manager's or a region's subtree: the regions under a path, then their months
            models.Index(fields=["region", "month"], name="kpi_monthly_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"


class KpiScheme(models.Model):
    """HR's weights of one role's KPIs from a month on (the latest scheme starting on or before a period applies).
    ``weights`` maps a KPI key to a whole-number weight; the composite score is the weighted mean of the parts
    that have a value, each capped at 100."""

    role = models.CharField(_("role"), max_length=30)
    valid_from = models.DateField(_("from month"), help_text=_("The first day of the month it applies from."))
    weights = models.JSONField(_("weights"), default=dict)
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
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        ordering = ["role", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "valid_from"],
                name="kpi_scheme_one_per_role_and_month",
                violation_error_message=_("There is already a scheme for this role from this month."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__day=1),
                name="kpi_scheme_from_first_day",
                violation_error_message=_("Pick a month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.valid_from:%Y-%m}"
