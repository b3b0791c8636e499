"""Sales' side of the information flow: outlets, the daily field report with its nine sections, photos, the intel
feed marketing answers, and the alerts raised from submitted facts.

Models hold data and the invariants the database can keep. Filing, submitting and amending a report, answering
intel and triaging alerts live in ``feedback.services``; reads in ``feedback.selectors``.

A submitted report is never edited: an amendment (``ReportAmendment``) adds new lines for the sections it corrects
and marks the lines it replaces ``superseded_by`` — both stay visible, and "the current facts" are the lines whose
``superseded_by`` is empty.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from campaigns.models import Brand, Product, ProductCategory, Promotion

_CODE = RegexValidator(r"^[A-Z0-9_-]+$", _("Use capital letters, digits, '-' and '_' only."))
_NOT_NEGATIVE = MinValueValidator(0)
_MONEY_NOT_NEGATIVE = MinValueValidator(Decimal("0"))


# --- outlets -----------------------------------------------------------------------------------------------------


class OutletChannel(models.TextChoices):
    HYPERMARKET = "hypermarket", _("Hypermarket")
    SUPERMARKET = "supermarket", _("Supermarket")
    CONVENIENCE = "convenience", _("Convenience store")
    TRADITIONAL = "traditional", _("Traditional trade")
    ONLINE = "online", _("Online")
    DISTRIBUTOR = "distributor", _("Distributor")


class Outlet(models.Model):
    """A terminal store (终端网点) reps visit. Its region places it in a territory; ``reps`` are the reps assigned."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[_CODE])
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=12, choices=OutletChannel.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="outlets")
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    reps = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned reps"), blank=True, related_name="outlets"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "active"], name="outlet_region_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="outlet_geo_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PromotionOutlet(models.Model):
    """The outlets a promotion targets. A promotion without any runs in every outlet of its regions."""

    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="target_outlets"
    )
    outlet = models.ForeignKey(Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("promotion outlet")
        verbose_name_plural = _("promotion outlets")
        constraints = [models.UniqueConstraint(fields=["promotion", "outlet"], name="promotion_outlet_unique")]

    def __str__(self) -> str:
        return f"{self.promotion} · {self.outlet}"


# --- photos ------------------------------------------------------------------------------------------------------


def photo_upload_to(instance: "Photo", filename: str) -> str:
    """A server-generated name: nothing of the client's file name reaches the disk."""
    return f"photos/{instance.created_at:%Y/%m}/{instance.uuid.hex}.{instance.extension}"


def photo_thumbnail_upload_to(instance: "Photo", filename: str) -> str:
    return f"photos/{instance.created_at:%Y/%m}/{instance.uuid.hex}_thumb.jpg"


class Photo(models.Model):
    """Evidence from the field: a real image, stored under a server-generated name, with its EXIF time and GPS.

    ``sha256`` (same bytes) and ``dhash`` (same picture, re-encoded or resized) find a photo re-used on another
    day; ``reused_from`` then points at the earlier photo and the feed flags it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="photos"
    )
    # The uploader's region when uploading: who may see the photo follows the reports' rule.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file = models.ImageField(_("file"), upload_to=photo_upload_to, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_thumbnail_upload_to, blank=True)
    content_type = models.CharField(_("content type"), max_length=40)
    extension = models.CharField(_("extension"), max_length=5)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    dhash = models.CharField(_("difference hash"), max_length=16, db_index=True)
    taken_at = models.DateTimeField(_("taken (EXIF)"), null=True, blank=True)
    gps_latitude = models.DecimalField(_("GPS latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True)
    gps_longitude = models.DecimalField(
        _("GPS longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("same picture as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        help_text=_("An earlier photo with the same picture, uploaded on another day."),
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.uuid.hex[:8]}.{self.extension}"


# --- the daily report --------------------------------------------------------------------------------------------


class Section(models.TextChoices):
    """The nine sections of DESIGN §3, in the order the report page shows them (keys are the API's)."""

    SHELF_DISPLAY = "shelf_display", _("Shelf display")
    MERCHANDISING = "merchandising", _("Merchandising")
    POP_DISTRIBUTION = "pop_distribution", _("POP & DM distribution")
    OUTLET_COVERAGE = "outlet_coverage", _("Outlet development & coverage")
    POS_SALES = "pos_sales", _("Point-of-sale sales")
    PROMOTION_FEEDBACK = "promotion_feedback", _("In-store promotion feedback")
    REGIONAL_SALES = "regional_sales", _("Regional sales status")
    COMPETITOR_INTEL = "competitor_intel", _("Competitor intel")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")


# The sections whose submitted lines feed marketing's intel feed.
INTEL_SECTIONS = (Section.COMPETITOR_INTEL, Section.CUSTOMER_FEEDBACK, Section.PROMOTION_FEEDBACK)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class DailyReport(models.Model):
    """One rep's report for one day (DESIGN §3). ``client_uuid`` makes a retried POST return the same report."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rep"), on_delete=models.PROTECT, related_name="daily_reports"
    )
    # The rep's region on the day, kept so a rep who moves keeps their history where it was filed.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    nothing_to_report = models.JSONField(
        _("sections with nothing to report"), default=list, blank=True, help_text=_("Section keys.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True, help_text=_("Submitted on the report's day."))

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-date", "rep_id"]
        indexes = [
            models.Index(fields=["rep", "-date"], name="report_rep_date_idx"),
            models.Index(fields=["date", "status"], name="report_date_status_idx"),
            models.Index(fields=["region", "date"], name="report_region_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "date"],
                name="report_one_per_rep_per_day",
                violation_error_message=_("There is already a report for this day."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.date:%Y-%m-%d}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class ReportAmendment(models.Model):
    """A correction to a submitted report: the sections it replaces, why, and by whom. Never edited itself."""

    report = models.ForeignKey(
        DailyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="amendments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    sections = models.JSONField(_("sections corrected"), default=list)
    nothing_to_report = models.JSONField(_("sections now with nothing to report"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.created_at:%Y-%m-%d %H:%M}"


class ReportLine(models.Model):
    """A line item of one section. ``amendment`` is the amendment that added it (empty: the original report);
    ``superseded_by`` the amendment that replaced it (empty: it is current)."""

    section: Section  # set by each concrete section
    report = models.ForeignKey(DailyReport, verbose_name=_("report"), on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    amendment = models.ForeignKey(
        ReportAmendment,
        verbose_name=_("added by amendment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        ReportAmendment,
        verbose_name=_("replaced by amendment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.section.label} {self.position + 1} · {self.report}"


def _outlet(**kwargs) -> models.ForeignKey:
    return models.ForeignKey(Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="+", **kwargs)


def _product(**kwargs) -> models.ForeignKey:
    return models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+", **kwargs)


def _photo() -> models.ForeignKey:
    return models.ForeignKey(
        Photo, verbose_name=_("photo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class ShelfDisplayLine(ReportLine):
    class ShelfPosition(models.TextChoices):
        EYE_LEVEL = "eye_level", _("Eye level")
        OTHER = "other", _("Other")

    class DisplayType(models.TextChoices):
        SHELF = "shelf", _("Shelf")
        END_CAP = "end_cap", _("End cap")
        PILE = "pile", _("Pile / floor stack")

    section = Section.SHELF_DISPLAY
    outlet = _outlet()
    product = _product()
    facings = models.PositiveSmallIntegerField(_("facings"), validators=[MaxValueValidator(500)])
    shelf_position = models.CharField(_("shelf position"), max_length=10, choices=ShelfPosition.choices)
    display_type = models.CharField(_("display type"), max_length=10, choices=DisplayType.choices)
    photo = _photo()

    class Meta(ReportLine.Meta):
        verbose_name = _("shelf display line")
        verbose_name_plural = _("shelf display lines")


class MerchandisingLine(ReportLine):
    section = Section.MERCHANDISING
    outlet = _outlet()
    product = _product()
    on_hand = models.PositiveIntegerField(_("on hand"))
    out_of_stock = models.BooleanField(_("out of stock"), default=False)
    near_expiry = models.PositiveIntegerField(_("near expiry"), default=0)
    action_taken = models.CharField(_("action taken"), max_length=300, blank=True)

    class Meta(ReportLine.Meta):
        verbose_name = _("merchandising line")
        verbose_name_plural = _("merchandising lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(out_of_stock=False) | Q(on_hand=0), name="merchandising_out_of_stock_has_none"
            ),
        ]


class PopDistributionLine(ReportLine):
    class Material(models.TextChoices):
        POSTER = "poster", _("Poster")
        SHELF_TALKER = "shelf_talker", _("Shelf talker")
        DM_FLYER = "dm_flyer", _("DM flyer")
        STAND = "stand", _("Display stand")
        BANNER = "banner", _("Banner")
        GIFT = "gift", _("Promotional gift")
        OTHER = "other", _("Other")

    section = Section.POP_DISTRIBUTION
    outlet = _outlet()
    material = models.CharField(_("material"), max_length=12, choices=Material.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    photo = _photo()

    class Meta(ReportLine.Meta):
        verbose_name = _("POP / DM line")
        verbose_name_plural = _("POP / DM lines")


class OutletCoverageLine(ReportLine):
    section = Section.OUTLET_COVERAGE
    new_outlets = models.PositiveIntegerField(_("new outlets opened"), default=0)
    outlets_visited = models.PositiveIntegerField(_("outlets visited"))
    active_outlets = models.PositiveIntegerField(_("active outlets in territory"))

    class Meta(ReportLine.Meta):
        verbose_name = _("outlet coverage line")
        verbose_name_plural = _("outlet coverage lines")


class PosSalesLine(ReportLine):
    section = Section.POS_SALES
    outlet = _outlet()
    product = _product()
    units = models.PositiveIntegerField(_("units"))
    revenue = models.DecimalField(_("revenue"), max_digits=12, decimal_places=2, validators=[_MONEY_NOT_NEGATIVE])

    class Meta(ReportLine.Meta):
        verbose_name = _("point-of-sale sales line")
        verbose_name_plural = _("point-of-sale sales lines")


class PromotionFeedbackLine(ReportLine):
    class Executed(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    section = Section.PROMOTION_FEEDBACK
    promotion = models.ForeignKey(Promotion, verbose_name=_("promotion"), on_delete=models.PROTECT, related_name="+")
    outlet = _outlet()
    executed = models.CharField(_("executed"), max_length=6, choices=Executed.choices)
    actual_price = models.DecimalField(
        _("actual shelf price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[_MONEY_NOT_NEGATIVE],
    )
    consumer_response = models.PositiveSmallIntegerField(
        _("consumer response (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    issues = models.TextField(_("issues"), blank=True)
    photo = _photo()

    class Meta(ReportLine.Meta):
        verbose_name = _("promotion feedback line")
        verbose_name_plural = _("promotion feedback lines")
        indexes = [models.Index(fields=["promotion", "outlet"], name="promofb_promotion_outlet_idx")]


class RegionalSalesLine(ReportLine):
    section = Section.REGIONAL_SALES
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    units = models.PositiveIntegerField(_("units"))
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, validators=[_MONEY_NOT_NEGATIVE])
    payments_collected = models.DecimalField(
        _("payments collected"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=[_MONEY_NOT_NEGATIVE]
    )
    distributor_stock = models.PositiveIntegerField(_("stock at distributors (units)"), default=0)

    class Meta(ReportLine.Meta):
        verbose_name = _("regional sales line")
        verbose_name_plural = _("regional sales lines")


class CompetitorIntelLine(ReportLine):
    class Activity(models.TextChoices):
        PRICE_CUT = "price_cut", _("Price cut")
        GIFT = "gift", _("Gift with purchase")
        DISPLAY = "display", _("Display / end cap")
        NEW_PRODUCT = "new_product", _("New product")
        ADVERTISING = "advertising", _("Advertising")
        TASTING = "tasting", _("Tasting / sampling")
        OTHER = "other", _("Other")

    section = Section.COMPETITOR_INTEL
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("their product"), max_length=200, blank=True)
    # Our product it competes with: what "their price is X % below ours" compares against.
    product = _product(null=True, blank=True)
    observed_price = models.DecimalField(
        _("observed price"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[_MONEY_NOT_NEGATIVE]
    )
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    description = models.TextField(_("description"))
    outlet = _outlet(null=True, blank=True)
    photo = _photo()

    class Meta(ReportLine.Meta):
        verbose_name = _("competitor intel line")
        verbose_name_plural = _("competitor intel lines")


class CustomerFeedbackLine(ReportLine):
    class CustomerType(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        OUTLET = "outlet", _("Outlet")
        DISTRIBUTOR = "distributor", _("Distributor")

    class Category(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")
        INQUIRY = "inquiry", _("Inquiry")

    section = Section.CUSTOMER_FEEDBACK
    customer_type = models.CharField(_("customer type"), max_length=12, choices=CustomerType.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    text = models.TextField(_("what they said"))
    outlet = _outlet(null=True, blank=True)
    product = _product(null=True, blank=True)

    class Meta(ReportLine.Meta):
        verbose_name = _("customer feedback line")
        verbose_name_plural = _("customer feedback lines")


# Section key → line model, in page order.
SECTION_MODELS: dict[str, type[ReportLine]] = {
    model.section.value: model
    for model in (
        ShelfDisplayLine,
        MerchandisingLine,
        PopDistributionLine,
        OutletCoverageLine,
        PosSalesLine,
        PromotionFeedbackLine,
        RegionalSalesLine,
        CompetitorIntelLine,
        CustomerFeedbackLine,
    )
}


# --- the intel feed ----------------------------------------------------------------------------------------------


class FollowUp(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Followed up")


class IntelItem(models.Model):
    """One submitted line of competitor intel, customer feedback or promotion feedback, as marketing's feed shows it.

    The line itself never changes; marketing's acknowledgement and answer (and the follow-up of customer
    feedback) live here. The filter columns are copied from the line and its report so the feed is one indexed
    table, whatever the section.
    """

    section = models.CharField(_("section"), max_length=20, choices=[(s.value, s.label) for s in INTEL_SECTIONS])
    report = models.ForeignKey(
        DailyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="intel_items"
    )
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rep"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    submitted_at = models.DateTimeField(_("submitted"))
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), help_text=_("The line's words, for the text filter."))
    photo = models.ForeignKey(
        Photo, verbose_name=_("photo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    competitor_intel = models.OneToOneField(
        CompetitorIntelLine, null=True, blank=True, on_delete=models.CASCADE, related_name="intel_item"
    )
    customer_feedback = models.OneToOneField(
        CustomerFeedbackLine, null=True, blank=True, on_delete=models.CASCADE, related_name="intel_item"
    )
    promotion_feedback = models.OneToOneField(
        PromotionFeedbackLine, null=True, blank=True, on_delete=models.CASCADE, related_name="intel_item"
    )
    superseded = models.BooleanField(_("replaced by an amendment"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    useful = models.BooleanField(_("marked useful"), null=True, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=12, choices=FollowUp.choices, blank=True)

    class Meta:
        verbose_name = _("intel item")
        verbose_name_plural = _("intel items")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="intel_feed_order_idx"),
            models.Index(fields=["region", "date"], name="intel_region_date_idx"),
            models.Index(fields=["section", "date"], name="intel_section_date_idx"),
            models.Index(fields=["brand", "date"], name="intel_brand_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        section="competitor_intel",
                        competitor_intel__isnull=False,
                        customer_feedback__isnull=True,
                        promotion_feedback__isnull=True,
                    )
                    | Q(
                        section="customer_feedback",
                        competitor_intel__isnull=True,
                        customer_feedback__isnull=False,
                        promotion_feedback__isnull=True,
                    )
                    | Q(
                        section="promotion_feedback",
                        competitor_intel__isnull=True,
                        customer_feedback__isnull=True,
                        promotion_feedback__isnull=False,
                    )
                ),
                name="intel_item_one_line_of_its_section",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} · {self.rep} · {self.date:%Y-%m-%d}"

    @property
    def line(self) -> ReportLine:
        return self.competitor_intel or self.customer_feedback or self.promotion_feedback


# --- alerts ------------------------------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    COMPETITOR_PRICE_GAP = "competitor_price_gap", _("Competitor price below ours")
    COMPETITOR_ACTIVITY_SPREAD = "competitor_activity_spread", _("Competitor activity in many outlets")
    OUT_OF_STOCK_RATE = "out_of_stock_rate", _("Out-of-stock rate too high")
    POS_SALES_DROP = "pos_sales_drop", _("Point-of-sale sales below the 4-week average")
    COMPLAINT_SPIKE = "complaint_spike", _("Complaint spike")
    PROMOTION_PRICE_BREACH = "promotion_price_breach", _("Shelf price outside a promotion's limits")


class AlertRule(models.Model):
    """A configurable rule (marketing managers edit them). Which parameters a kind reads is in ``help_text``."""

    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only facts from this region and below. Empty: the whole company."),
    )
    threshold_pct = models.DecimalField(
        _("threshold (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text=_("Price gap, out-of-stock rate, sales drop or complaint increase, in per cent."),
    )
    min_count = models.PositiveIntegerField(
        _("minimum count"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Outlets for an activity spread; complaints for a spike; lines for an out-of-stock rate."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """A signal raised by a rule from submitted facts. ``fingerprint`` names the facts: the same facts never raise
    a second alert of the same rule (a unique constraint, so two evaluations at once cannot either)."""

    rule = models.ForeignKey(AlertRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    fingerprint = models.CharField(_("fingerprint"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date of the facts"))
    title = models.CharField(_("title"), max_length=300)
    details = models.JSONField(_("facts"), default=dict, blank=True)
    report = models.ForeignKey(
        DailyReport, verbose_name=_("report"), null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promotion = models.ForeignKey(
        Promotion, verbose_name=_("promotion"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    note = models.TextField(_("action noted"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="alert_status_created_idx"),
            models.Index(fields=["region", "date"], name="alert_region_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["rule", "fingerprint"], name="alert_once_per_rule_and_facts"),
        ]

    def __str__(self) -> str:
        return self.title
