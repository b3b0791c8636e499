"""People, the departments they belong to and the region tree that scopes what they see."""

import re

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .roles import Role

_CJK = re.compile(r"[\u3400-\u9fff]")


def localized_name(name: str, name_en: str) -> str:
    """A name kept in Chinese with an optional English one, in the active language (Chinese unless the page is
    English and an English name exists). Master data of every app displays its names through this."""
    if name_en and (get_language() or "en").startswith("en"):
        return name_en
    return name


class Department(models.Model):
    class Code(models.TextChoices):
        MARKETING = "marketing", _("Marketing")
        SALES = "sales", _("Sales")
        HR = "hr", _("Human resources")
        MANAGEMENT = "management", _("Management")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class Region(models.Model):
    """A node of the sales territory tree: country → province (or sales area) → city.

    ``path`` is a materialised path of codes ("CN/EAST/SH/"), so "this region and everything below it" is one
    indexed prefix query (see ``accounts.selectors.region_subtree``). It is maintained by ``accounts.services``.
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province / sales area")
        CITY = "city", _("City")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9_-]+$", _("Use capital letters, digits, '-' and '_' only."))],
    )
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [
            # LIKE 'CN/EAST/%' uses this index on PostgreSQL whatever the database collation.
            models.Index(fields=["path"], name="region_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="country", parent__isnull=True)
                | (~models.Q(kind="country") & models.Q(parent__isnull=False)),
                name="region_only_countries_are_roots",
                violation_error_message=_("A country has no parent; every other region has one."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


def full_name(first_name: str, last_name: str) -> str:
    """Chinese names read family name first with no space ("张伟"); others "Given Family". (For lists built from
    ``.values()``, without making a User per row.)"""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


class User(AbstractUser):
    class Language(models.TextChoices):
        EN = "en", "English"
        ZH_HANS = "zh-hans", "简体中文"

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The user's scope: they work in this region and everything below it."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9][0-9 -]{5,18}$", _("Enter a phone number: digits, spaces, '-', '+'."))],
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Pages and e-mails use this language. Empty: follow the browser."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [("view_team", _("Can view the users of their own region subtree"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="user_is_not_own_manager",
                violation_error_message=_("A user cannot be their own manager."),
            ),
        ]

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's roles (group names that are roles). Uses prefetched groups when present."""
        valid = set(Role.values)
        return frozenset(g.name for g in self.groups.all() if g.name in valid)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))


class NotificationKind(models.TextChoices):
    """Every kind of notification the product sends. People choose their channels per kind (preferences), and a
    chat webhook may be limited to some kinds. Each app names its kinds here so the preferences page lists them all.
    """

    # campaigns
    PLAN_IN_REVIEW = "plan_in_review", _("Plan ready for review")
    PLAN_RETURNED = "plan_returned", _("Plan returned to draft")
    PLAN_PUBLISHED = "plan_published", _("New or updated plan to read")
    PLAN_COMMENT = "plan_comment", _("Questions and replies on plans")
    PLAN_ACK_REMINDER = "plan_ack_reminder", _("Reminder: plan not acknowledged")
    BRIEFING_INVITATION = "briefing_invitation", _("Briefing invitation")
    PROMOTION_OVER_BUDGET = "promotion_over_budget", _("Promotion over budget")
    # feedback
    REPORT_REMINDER = "report_reminder", _("Reminder: today's field report")
    MISSING_REPORTS = "missing_reports", _("Reps who missed a report (managers)")
    ALERT = "alert", _("Alert from the field")
    INTEL_ANSWER = "intel_answer", _("Marketing's answer to your intel")
    # approvals
    APPROVAL_STEP = "approval_step", _("Waiting for your decision")
    APPROVAL_DUE_SOON = "approval_due_soon", _("Decision due soon")
    APPROVAL_OVERDUE = "approval_overdue", _("Overdue decision (escalation)")
    PROMOTION_APPROVED = "promotion_approved", _("Your promotion approved")
    PROMOTION_RETURNED = "promotion_returned", _("Your promotion returned")
    PROMOTION_REJECTED = "promotion_rejected", _("Your promotion rejected")
    DELEGATION = "delegation", _("Approvals delegated to you")
    # coordination (joint layer)
    MEETING_INVITATION = "meeting_invitation", _("Joint meeting invitation")
    ACTION_ITEM_ASSIGNED = "action_item_assigned", _("Action item assigned to you")
    ACTION_ITEM_DUE = "action_item_due", _("Action item due soon")
    ACTION_ITEM_OVERDUE = "action_item_overdue", _("Overdue action item (escalation)")
    DIGEST = "digest", _("Monthly joint-meeting digest")


class Channel(models.TextChoices):
    """Where a notification goes besides the in-app inbox (which always has it)."""

    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Enterprise chat")


class Notification(models.Model):
    """An in-app message to one user, delivered through the other channels too (see ``accounts.notifications``).

    ``key`` names the event and its period (e.g. "plan_published:12:v3", "report_reminder:2026-03-02"): a recipient
    gets one notification per key, so an event or a job processed twice (a retried job, two beat instances, a
    double click) notifies nobody twice. Each channel's delivery is a ``NotificationDelivery``.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    key = models.CharField(_("event key"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's channels for one kind of notification. No row: every channel on (the in-app inbox always is)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    email = models.BooleanField(_("e-mail"), default=True)
    chat = models.BooleanField(_("enterprise chat"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class ChatWebhook(models.Model):
    """An enterprise-chat group robot (incoming webhook) that receives the notifications of a department and/or a
    region subtree: a notification goes to every active webhook whose department is the recipient's and whose
    region contains the recipient's region (an empty field matches everyone)."""

    class Provider(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    name = models.CharField(_("name"), max_length=100)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "DingTalk and Feishu: the robot's signing secret, when signing is switched on. WeCom: leave empty."
        ),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.CASCADE
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("People in this region and below it."),
    )
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("Only these kinds of notification. Empty: all kinds.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(region__isnull=False),
                name="chat_webhook_has_audience",
                violation_error_message=_("Choose a department, a region or both."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationDelivery(models.Model):
    """One notification through one channel (e-mail, or one chat webhook): sent at most once, retried with
    backoff while it fails, given up (``failed``) after ``NOTIFICATION_MAX_ATTEMPTS``."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    webhook = models.ForeignKey(
        ChatWebhook, verbose_name=_("chat webhook"), null=True, blank=True, on_delete=models.CASCADE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], condition=Q(webhook__isnull=True), name="delivery_once_per_channel"
            ),
            models.UniqueConstraint(
                fields=["notification", "webhook"], condition=Q(webhook__isnull=False), name="delivery_once_per_webhook"
            ),
            models.CheckConstraint(
                condition=Q(channel="email", webhook__isnull=True) | Q(channel="chat", webhook__isnull=False),
                name="delivery_webhook_only_for_chat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} · {self.channel} · {self.status}"


class OutboxMessage(models.Model):
    """A Celery task to enqueue, written in the same transaction as the data it is about (transactional outbox).

    After the commit it is published at once; if the broker is down, the row waits and the relay
    (``accounts.outbox.outbox_relay``: a beat job every minute and ``manage.py relay_outbox``) publishes it when the
    broker is back. Every task is idempotent, so a message published twice does no work twice.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=Q(published_at__isnull=True), name="outbox_unpublished_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class CalendarDay(models.Model):
    """An exception to the company's working week (Monday to Friday): a public holiday on a weekday, or a weekend
    day that is worked (调休, the make-up days around Chinese holidays). Days not listed follow the working week.

    SLA clocks and "working days" everywhere read this through ``accounts.calendar``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Unticked: a holiday. Ticked: a weekend day that is worked (make-up day)."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. National Day, or National Day make-up day."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("company calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Delegation(models.Model):
    """While ``delegator`` is away (``starts_on``..``ends_on``, inclusive), ``delegate`` may decide their approval
    steps. The decision records both people."""

    delegator = models.ForeignKey(
        User, verbose_name=_("away"), on_delete=models.CASCADE, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        User, verbose_name=_("decides instead"), on_delete=models.CASCADE, related_name="delegations_received"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"], name="delegation_delegate_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="delegation_ends_after_start",
                violation_error_message=_("A delegation cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(delegate=F("delegator")),
                name="delegation_not_to_self",
                violation_error_message=_("You cannot delegate to yourself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d})"
