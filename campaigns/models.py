"""What marketing hands to sales: master data, marketing plans (versioned), sales targets and promotions.

Models hold data and the invariants the database can keep (constraints, indexes). Workflows — publishing a plan,
drafting a promotion, importing targets — live in ``campaigns.services``; reads in ``campaigns.selectors``.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, localized_name


class _Bilingual(models.Model):
    """Master data named in Chinese, with an optional English name shown on English pages."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)


_CODE = RegexValidator(r"^[A-Z0-9_-]+$", _("Use capital letters, digits, '-' and '_' only."))


class ProductCategory(_Bilingual):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[_CODE])

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]


class Brand(_Bilingual):
    class Kind(models.TextChoices):
        OWN = "own", _("Our brand")
        COMPETITOR = "competitor", _("Competitor")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPETITOR)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="brand_name_unique")]


class Product(_Bilingual):
    """One of our SKUs (competitors' products are reported as free text with their brand)."""

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        BOTTLE = "bottle", _("bottle")
        CAN = "can", _("can")
        BAG = "bag", _("bag")
        BOX = "box", _("box")
        CASE = "case", _("case")

    sku = models.CharField(_("SKU code"), max_length=32, unique=True, validators=[_CODE])
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="products")
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    list_price = models.DecimalField(
        _("list price (CNY)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0),
                name="product_list_price_not_negative",
                violation_error_message=_("The list price cannot be negative."),
            ),
        ]


# --- marketing plans ---------------------------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class SectionKind(models.TextChoices):
    """The five sections marketing hands to sales (DESIGN §3), in reading order."""

    SALES_PROMOTION = "sales_promotion", _("Sales promotion plan")
    ACTIVITY_SCHEDULE = "activity_schedule", _("Promotion / PR activity schedule")
    ADVERTISING_POP = "advertising_pop", _("Advertising & POP placement and gift distribution plan")
    SALES_TARGETS = "sales_targets", _("Sales targets")
    BRAND_SHARE = "brand_share", _("Brand and market-share plan")


class MarketingPlan(models.Model):
    """A plan marketing hands to sales, scoped to a region subtree.

    The plan row is the working copy marketing edits; publishing freezes it as a ``PlanVersion``. Sales only ever
    read the latest published version (``published_version``), so a revision being drafted never shows half-done.
    """

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region scope"),
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("Sales in this region and every region below it receive the plan."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_plans"
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("The plan in two or three sentences."))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_version = models.ForeignKey(
        "PlanVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("marketing plan")
        verbose_name_plural = _("marketing plans")
        ordering = ["-year", "-updated_at"]
        permissions = [("publish_marketingplan", _("Can publish marketing plans to sales"))]
        indexes = [models.Index(fields=["status", "year"], name="plan_status_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="annual", quarter__isnull=True, month__isnull=True))
                | Q(kind="quarterly", quarter__isnull=False, month__isnull=True)
                | Q(kind="monthly", quarter__isnull=True, month__isnull=False),
                name="plan_period_matches_kind",
                violation_error_message=_(
                    "An annual plan has no quarter or month; a quarterly plan has a quarter; a monthly plan a month."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.kind == PlanKind.QUARTERLY:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        if self.kind == PlanKind.MONTHLY:
            return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.month}
        return str(self.year)


class PlanSection(models.Model):
    """One of the five sections of a plan's working copy: its goals, the reasons behind them, and the detail."""

    plan = models.ForeignKey(MarketingPlan, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("section"), max_length=20, choices=SectionKind.choices)
    goals = models.TextField(_("goals"), blank=True, help_text=_("What this section must achieve, measurably."))
    rationale = models.TextField(_("why"), blank=True, help_text=_("The reasons sales should know."))
    body = models.TextField(
        _("details"), blank=True, help_text=_("Formatted text: **bold**, lists with '-', headings with '#'.")
    )

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="plan_section_once")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class PlanVersion(models.Model):
    """A frozen, published state of a plan. ``content`` is what sales read; it never changes after publishing."""

    plan = models.ForeignKey(MarketingPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    change_note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanAcknowledgement(models.Model):
    """A sales user has read (and understood) one version of a plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_acknowledgements")
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        verbose_name = _("plan acknowledgement")
        verbose_name_plural = _("plan acknowledgements")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="plan_ack_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"


class PlanComment(models.Model):
    """Discussion on a plan (研讨): a question and its replies (one level of threading)."""

    plan = models.ForeignKey(MarketingPlan, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        PlanVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text=_("The version the author was reading."),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_comments")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["plan", "created_at"], name="plan_comment_plan_idx")]

    def __str__(self) -> str:
        return self.body[:60]


class Briefing(models.Model):
    """A scheduled session explaining a plan to sales (宣讲 / 培训), with invitations and recorded attendance."""

    plan = models.ForeignKey(MarketingPlan, on_delete=models.CASCADE, related_name="briefings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(8 * 60)]
    )
    location = models.CharField(_("place or meeting link"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BriefingAttendance", related_name="briefings", verbose_name=_("invited")
    )

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class BriefingAttendance(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(_("attended"), null=True, help_text=_("Empty until attendance is recorded."))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing attendance")
        verbose_name_plural = _("briefing attendance")
        constraints = [models.UniqueConstraint(fields=["briefing", "user"], name="briefing_invite_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.briefing}"


# --- sales targets -----------------------------------------------------------------------------------------------


class SalesTarget(models.Model):
    """One cell of the target decomposition: a period × an organisational unit × a product scope.

    - period: the whole ``year`` (quarter 0, month 0), a quarter (month 0), or a month (its quarter set too);
    - organisation: a ``region`` (the country region is the company), or a ``rep`` working in that region;
    - product scope: all products (neither set), a ``category``, or a ``product``.
    Whether children add up to their parent is checked by ``campaigns.selectors.targets.target_decomposition_check``.
    """

    plan = models.ForeignKey(
        MarketingPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
        verbose_name=_("plan"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), default=0, validators=[MaxValueValidator(4)], help_text=_("0 for the whole year.")
    )
    month = models.PositiveSmallIntegerField(
        _("month"), default=0, validators=[MaxValueValidator(12)], help_text=_("0 for the whole quarter or year.")
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="targets")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    units = models.PositiveIntegerField(_("units"), default=0)
    revenue = models.DecimalField(
        _("revenue (CNY)"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["year", "quarter", "month", "region__path", "rep_id"]
        indexes = [models.Index(fields=["year", "region"], name="target_year_region_idx")]
        constraints = [
            # One figure per cell. A NULL rep/category/product means "all", so NULLs must compare equal: an
            # expression index (works on PostgreSQL and SQLite alike, unlike NULLS NOT DISTINCT).
            models.UniqueConstraint(
                "year",
                "quarter",
                "month",
                "region",
                Coalesce("rep", 0),
                Coalesce("category", 0),
                Coalesce("product", 0),
                name="target_cell_unique",
                violation_error_message=_("There is already a target for this period, region, rep and product."),
            ),
            models.CheckConstraint(
                condition=Q(month=0) | Q(quarter=(F("month") + 2) / 3),
                name="target_month_in_its_quarter",
                violation_error_message=_("A month target must carry the quarter the month is in."),
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(product__isnull=True),
                name="target_category_or_product",
                violation_error_message=_("A target is for a category or a product, not both."),
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0),
                name="target_revenue_not_negative",
                violation_error_message=_("Revenue cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} {self.region}"

    @property
    def period_label(self) -> str:
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year} Q{self.quarter}"
        return str(self.year)


# --- promotions --------------------------------------------------------------------------------------------------


class PromotionOrigin(models.TextChoices):
    MARKETING = "marketing", _("Marketing proposal")
    SALES = "sales", _("Sales request")


class PromotionType(models.TextChoices):
    SPECIAL_PRICE = "special_price", _("Special price")
    GIFT_WITH_PURCHASE = "gift_with_purchase", _("Gift with purchase")
    DISPLAY_FEE = "display_fee", _("Display fee")
    TASTING = "tasting", _("Tasting / sampling")
    POP_PUSH = "pop_push", _("POP push")
    BUNDLE = "bundle", _("Bundle / multi-buy")
    OTHER = "other", _("Other")


class PromotionStatus(models.TextChoices):
    """The whole lifecycle of DESIGN §3. Only ``draft`` is set here; the approvals workflow moves the rest."""

    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("In consultation")
    ENDORSEMENT = "endorsement", _("Awaiting endorsement")
    REVIEW = "review", _("In review")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")
    EVALUATED = "evaluated", _("Evaluated")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the promotion is agreed and goes to (or went to) the field: what reps see.
PROMOTION_PUBLISHED_STATUSES = frozenset(
    {PromotionStatus.APPROVED, PromotionStatus.RUNNING, PromotionStatus.ENDED, PromotionStatus.EVALUATED}
)
# Statuses in which the author may still edit it.
PROMOTION_EDITABLE_STATUSES = frozenset({PromotionStatus.DRAFT, PromotionStatus.RETURNED})


class Promotion(models.Model):
    """The unit executed in the field. Marketing proposals and sales requests share it (``origin``)."""

    title = models.CharField(_("title"), max_length=200)
    origin = models.CharField(_("origin"), max_length=10, choices=PromotionOrigin.choices)
    type = models.CharField(_("type"), max_length=20, choices=PromotionType.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=PromotionStatus.choices, default=PromotionStatus.DRAFT
    )
    plan = models.ForeignKey(
        MarketingPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promotions",
    )
    products = models.ManyToManyField(Product, verbose_name=_("products"), related_name="promotions")
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions"),
        related_name="promotions",
        help_text=_("Where it runs: each region includes every region below it."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    mechanics = models.TextField(_("mechanics"), help_text=_("What the shopper gets and how the store runs it."))
    price_floor = models.DecimalField(
        _("price floor (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Lowest shelf price allowed during the promotion."),
    )
    price_ceiling = models.DecimalField(
        _("price ceiling (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Highest shelf price allowed during the promotion."),
    )
    budget = models.DecimalField(
        _("budget (CNY)"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    expected_effect = models.TextField(_("expected effect"), help_text=_("E.g. 20% more units in the covered outlets."))
    expected_uplift_pct = models.DecimalField(
        _("expected uplift (%)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(1000)],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (项目负责人)"),
        on_delete=models.PROTECT,
        related_name="owned_promotions",
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible people"),
        blank=True,
        related_name="responsible_promotions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="promotion_status_start_idx"),
            models.Index(fields=["starts_on", "ends_on"], name="promotion_period_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="promotion_ends_after_start",
                violation_error_message=_("A promotion cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(price_floor__isnull=True)
                | Q(price_ceiling__isnull=True)
                | Q(price_floor__lte=F("price_ceiling")),
                name="promotion_floor_not_above_ceiling",
                violation_error_message=_("The price floor cannot be above the price ceiling."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="promotion_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in PROMOTION_EDITABLE_STATUSES


def _attachment_path(instance: "PromotionAttachment", filename: str) -> str:
    # Server-generated name: a user's file name never becomes a path on disk.
    return f"promotions/{instance.promotion_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class PromotionAttachment(models.Model):
    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class CostCategory(models.TextChoices):
    DISPLAY_FEE = "display_fee", _("Display / slotting fee")
    GIFTS = "gifts", _("Gifts and samples")
    POP = "pop", _("POP material")
    STAFF = "staff", _("Promoters and tasting staff")
    PRICE_SUPPORT = "price_support", _("Price support to outlets")
    LOGISTICS = "logistics", _("Logistics")
    OTHER = "other", _("Other")


class PromotionCost(models.Model):
    """Actual spend booked by sales against an agreed promotion (never on one that is not approved). A booking is
    never edited; a mistake is corrected by a negative booking with a reason. ``client_uuid`` makes a retried
    submission book nothing twice. ``over_budget`` records that the total passed the budget with this booking."""

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.PROTECT, related_name="costs"
    )
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    spent_on = models.DateField(_("spent on"))
    description = models.CharField(_("description"), max_length=300)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT, related_name="+"
    )
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    total_after = models.DecimalField(_("total booked after this"), max_digits=14, decimal_places=2)
    over_budget = models.BooleanField(_("over budget"), default=False)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion cost")
        verbose_name_plural = _("promotion costs")
        ordering = ["promotion", "created_at", "id"]
        indexes = [models.Index(fields=["promotion", "spent_on"], name="cost_promotion_day_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="cost_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.promotion} · {self.amount}"
