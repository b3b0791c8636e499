"""The joint layer's own records: the monthly joint meeting (联席会议), its action items and the frozen monthly
digest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
