"""Writes of the daily report: create (idempotent by ``client_uuid``), save a draft, submit, amend.

Input arrives already shaped by ``feedback.serializers.reports`` (sections → lists of typed item dicts, or ``None``
for "nothing to report"). Here are the rules that need the database: the day lies in the filing window, every id
exists, outlets lie in the rep's territory, a promotion runs at that outlet on that day, a regional line is for the
rep's own area, a photo is the rep's. Every problem is reported at once, per section and item, in the same shape
the serializers use — failing items by position:
``ReportInvalid.errors == {"sections": {"pos_sales": {"1": {"outlet": ["…"]}}}}``.

A submitted report is never edited. An amendment replaces whole sections: the lines it replaces keep their rows and
get ``superseded_by``; its new lines carry ``amendment``. Both stay visible.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from campaigns.models import PROMOTION_PUBLISHED_STATUSES, Brand, Product, Promotion
from campaigns.selectors.promotions import promotion_is_agreed_on

from ..models import (
    INTEL_SECTIONS,
    SECTION_MODELS,
    DailyReport,
    IntelItem,
    Outlet,
    Photo,
    PromotionOutlet,
    ReportAmendment,
    ReportLine,
    ReportStatus,
    Section,
)
from ..permissions import can_amend_report, can_edit_report, can_file_reports

Sections = dict[str, list[dict] | None]
# The sections whose lines carry a photo.
PHOTO_SECTION_MODELS = [
    model for model in SECTION_MODELS.values() if any(f.name == "photo" for f in model._meta.fields)
]


class ReportInvalid(Exception):
    """Input the rules refuse; ``errors`` is shaped like the request (see the module docstring)."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def backfill_days() -> int:
    """How many days back a rep may still file (the day itself is day 0)."""
    return settings.REPORT_BACKFILL_DAYS


def today() -> datetime.date:
    return timezone.localdate()


def report_date_errors(date: datetime.date) -> list[str]:
    now = today()
    if date > now:
        return [_("The report cannot be for a day in the future.")]
    if (now - date).days > backfill_days():
        return [
            _("Reports can be filed at most %(days)s days back; this day (%(date)s) is closed.")
            % {"days": backfill_days(), "date": date.isoformat()}
        ]
    return []


# --- checking the items against the database ---------------------------------------------------------------------


@dataclass
class _Lookups:
    outlets: dict[int, Outlet]
    products: dict[int, Product]
    brands: dict[int, Brand]
    regions: dict[int, Region]
    photos: dict[int, Photo]
    promotions: dict[int, Promotion]
    promotion_region_paths: dict[int, list[str]]
    promotion_outlets: dict[int, set[int]]
    photo_days: dict[int, set[datetime.date]]  # the days whose reports already use each photo


def _ids(sections: Sections, field: str) -> set[int]:
    return {item[field] for items in sections.values() if items for item in items if item.get(field)}


def _lookups(*, rep: User, sections: Sections) -> _Lookups:
    """Everything the items name, fetched in one query per kind whatever the number of lines."""
    assigned = Outlet.reps.through.objects.filter(outlet=OuterRef("pk"), user=rep)
    outlets = {
        o.pk: o
        for o in Outlet.objects.filter(pk__in=_ids(sections, "outlet"))
        .select_related("region")
        .annotate(assigned=Exists(assigned))
    }
    promotions = {
        p.pk: p for p in Promotion.objects.filter(pk__in=_ids(sections, "promotion")).prefetch_related("regions")
    }
    promotion_outlets: dict[int, set[int]] = {}
    for promotion_id, outlet_id in PromotionOutlet.objects.filter(promotion__in=promotions).values_list(
        "promotion_id", "outlet_id"
    ):
        promotion_outlets.setdefault(promotion_id, set()).add(outlet_id)
    photo_ids = _ids(sections, "photo")
    photo_days: dict[int, set[datetime.date]] = {}
    if photo_ids:
        for model in PHOTO_SECTION_MODELS:
            for photo_id, day in model.objects.filter(photo__in=photo_ids).values_list("photo_id", "report__date"):
                photo_days.setdefault(photo_id, set()).add(day)
    return _Lookups(
        photo_days=photo_days,
        outlets=outlets,
        products={p.pk: p for p in Product.objects.filter(pk__in=_ids(sections, "product"))},
        brands={b.pk: b for b in Brand.objects.filter(pk__in=_ids(sections, "brand"))},
        regions={r.pk: r for r in Region.objects.filter(pk__in=_ids(sections, "region"))},
        photos={p.pk: p for p in Photo.objects.filter(pk__in=_ids(sections, "photo"), uploaded_by=rep)},
        promotions=promotions,
        promotion_region_paths={p.pk: [r.path for r in p.regions.all()] for p in promotions.values()},
        promotion_outlets=promotion_outlets,
    )


def _in_territory(rep: User, outlet: Outlet) -> bool:
    return outlet.assigned or (rep.region_id is not None and outlet.region.path.startswith(rep.region.path))


def promotion_runs_at(
    *, promotion: Promotion, outlet: Outlet, day: datetime.date, target_outlet_ids: set[int], region_paths: list[str]
) -> bool:
    """Agreed and on that day, and at that outlet: one of its target outlets, or — when it names none — any outlet
    in its regions. The caller passes the promotion's target outlets and region paths (fetched in bulk)."""
    if not promotion_is_agreed_on(promotion, day):
        return False
    if target_outlet_ids:
        return outlet.pk in target_outlet_ids
    return any(outlet.region.path.startswith(path) for path in region_paths)


def _item_errors(*, rep: User, date: datetime.date, section: str, item: dict, look: _Lookups) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    outlet = None
    if item.get("outlet"):
        outlet = look.outlets.get(item["outlet"])
        if outlet is None:
            add("outlet", _("Unknown outlet."))
        elif not _in_territory(rep, outlet):
            add("outlet", _("This outlet is outside your territory."))
            outlet = None
        elif not outlet.active:
            add("outlet", _("This outlet is closed (inactive)."))
    if item.get("product"):
        product = look.products.get(item["product"])
        if product is None:
            add("product", _("Unknown product."))
        elif not product.active:
            add("product", _("This product is no longer sold."))
    if item.get("photo"):
        if item["photo"] not in look.photos:
            add("photo", _("Unknown photo: upload it first (POST /api/v1/photos/)."))
        elif used_on := look.photo_days.get(item["photo"], set()) - {date}:
            # Evidence is of one day: the same photo filed again for another day is refused, not silently re-used.
            add(
                "photo",
                _("This photo is already evidence in your report of %(date)s: take a new one.")
                % {"date": min(used_on).isoformat()},
            )
    if section == Section.COMPETITOR_INTEL:
        brand = look.brands.get(item["brand"])
        if brand is None:
            add("brand", _("Unknown brand."))
        elif brand.kind != Brand.Kind.COMPETITOR:
            add("brand", _("This is our own brand: competitor intel is about competitors."))
    if section == Section.REGIONAL_SALES:
        region = look.regions.get(item["region"])
        if region is None:
            add("region", _("Unknown region."))
        elif rep.region_id is None or not region.path.startswith(rep.region.path):
            add("region", _("Report regional sales for your own region or one below it."))
    if section == Section.PROMOTION_FEEDBACK:
        promotion = look.promotions.get(item["promotion"])
        if promotion is None or promotion.status not in PROMOTION_PUBLISHED_STATUSES:
            # A draft or refused promotion is not the field's business: it reads as unknown.
            add("promotion", _("Unknown promotion."))
        elif outlet is not None and not promotion_runs_at(
            promotion=promotion,
            outlet=outlet,
            day=date,
            target_outlet_ids=look.promotion_outlets.get(promotion.pk, set()),
            region_paths=look.promotion_region_paths.get(promotion.pk, []),
        ):
            add(
                "promotion",
                _("This promotion is not running at this outlet on %(date)s.") % {"date": date.isoformat()},
            )
    return errors


def _validate(*, rep: User, date: datetime.date, sections: Sections) -> dict:
    """All the database rules at once: ``{"sections": {key: {position: errors}}}`` or ``{}``."""
    look = _lookups(rep=rep, sections=sections)
    section_errors = {}
    for key, items in sections.items():
        if not items:
            continue
        per_item = {
            str(index): errors
            for index, item in enumerate(items)
            if (errors := _item_errors(rep=rep, date=date, section=key, item=item, look=look))
        }
        if per_item:
            section_errors[key] = per_item
    return {"sections": section_errors} if section_errors else {}


def missing_sections(sections: Sections) -> list[str]:
    """Sections neither given lines nor marked "nothing to report", in page order."""
    return [key for key in SECTION_MODELS if not (key in sections and (sections[key] is None or sections[key]))]


def _missing_errors(missing: list[str]) -> dict:
    labels = ", ".join(str(Section(key).label) for key in missing)
    message = _("Fill in this section, or mark it 'nothing to report'.")
    return {
        "sections": {key: [message] for key in missing},
        "submit": [
            _("%(count)s sections are still missing: %(sections)s.") % {"count": len(missing), "sections": labels}
        ],
    }


# --- writing -----------------------------------------------------------------------------------------------------


def _write_lines(
    *, report: DailyReport, sections: Sections, amendment: ReportAmendment | None = None
) -> dict[str, list[ReportLine]]:
    written = {}
    for key, items in sections.items():
        if not items:
            continue
        model = SECTION_MODELS[key]
        lines = [
            model(
                report=report,
                position=position,
                amendment=amendment,
                **{f"{f}_id" if _is_fk(model, f) else f: v for f, v in item.items()},
            )
            for position, item in enumerate(items)
        ]
        written[key] = model.objects.bulk_create(lines)
    return written


def _is_fk(model: type[ReportLine], field: str) -> bool:
    return model._meta.get_field(field).is_relation


def intel_items_create(report: DailyReport, written: dict[str, list[ReportLine]]) -> list[IntelItem]:
    """The feed rows of newly written intel lines (the feed shows only submitted facts)."""
    items = []
    for key in INTEL_SECTIONS:
        for line in written.get(key, []):
            common = {
                "section": key,
                "report": report,
                "rep_id": report.rep_id,
                "region_id": report.region_id,
                "date": report.date,
                "submitted_at": report.submitted_at,
                "outlet_id": line.outlet_id,
                "photo_id": getattr(line, "photo_id", None),
                "product_id": getattr(line, "product_id", None),
                key: line,
            }
            if key == Section.COMPETITOR_INTEL:
                extra = {
                    "brand_id": line.brand_id,
                    "text": " ".join(filter(None, [line.product_name, line.description])),
                }
            elif key == Section.CUSTOMER_FEEDBACK:
                extra = {"text": line.text, "follow_up": "open"}
            else:
                extra = {"promotion_id": line.promotion_id, "text": line.issues}
            items.append(IntelItem(**common, **extra))
    return IntelItem.objects.bulk_create(items)


def _report_filed(report: DailyReport) -> None:
    """After a submission or an amendment: evaluate the alert rules on it (after commit), and tell the layers
    above (``feedback.signals.report_filed``: the KPI rollups)."""
    from ..signals import report_filed
    from ..tasks import alerts_evaluate_for_report

    alerts_evaluate_for_report.delay_on_commit(report.pk)
    report_filed.send(sender=DailyReport, report=report)


def _submit(report: DailyReport, *, sections_for_check: Sections) -> None:
    missing = missing_sections(sections_for_check)
    if missing:
        raise ReportInvalid(_missing_errors(missing))
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.on_time = timezone.localtime(now).date() <= report.date
    report.save(update_fields=["status", "submitted_at", "on_time", "updated_at"])
    written = {key: list(SECTION_MODELS[key].objects.filter(report=report)) for key in INTEL_SECTIONS}
    intel_items_create(report, written)
    _report_filed(report)


def _nothing(sections: Sections) -> list[str]:
    return [key for key in SECTION_MODELS if key in sections and sections[key] is None]


def report_create(
    *, rep: User, date: datetime.date, client_uuid: uuid.UUID, sections: Sections, submit: bool = False
) -> tuple[DailyReport, bool]:
    """Create the rep's report for ``date`` — or, when ``client_uuid`` was seen already, return that report unchanged
    (``created`` False): a retried or doubled POST creates nothing, also when both arrive at the same moment."""
    if not can_file_reports(rep):
        raise PermissionDenied(_("Your role does not file daily reports."))
    existing = DailyReport.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.rep_id != rep.pk:
            raise ReportInvalid({"client_uuid": [_("This client_uuid is already used: make a new one per report.")]})
        return existing, False
    errors = {}
    if date_errors := report_date_errors(date):
        errors["date"] = date_errors
    else:
        other = DailyReport.objects.filter(rep=rep, date=date).first()
        if other is not None and other.client_uuid == client_uuid:
            return other, False  # the same POST, committed by a concurrent request a moment ago
        if other is not None:
            other = other.pk
            errors["date"] = [
                _("You already have a report for %(date)s (#%(id)s): change that one instead.")
                % {"date": date.isoformat(), "id": other}
            ]
            errors["existing_report"] = [str(other)]
    errors.update(_validate(rep=rep, date=date, sections=sections))
    if errors:
        raise ReportInvalid(errors)
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                rep=rep,
                region_id=rep.region_id,
                date=date,
                client_uuid=client_uuid,
                nothing_to_report=_nothing(sections),
            )
            _write_lines(report=report, sections=sections)
            if submit:
                _submit(report, sections_for_check=sections)
    except IntegrityError:
        # A concurrent request won the race on client_uuid (or on the rep's day): answer with its report.
        existing = DailyReport.objects.filter(client_uuid=client_uuid, rep=rep).first()
        if existing is not None:
            return existing, False
        raise ReportInvalid(
            {
                "date": [
                    _("You already have a report for %(date)s: change that one instead.") % {"date": date.isoformat()}
                ]
            }
        ) from None
    return report, True


@transaction.atomic
def report_update(*, rep: User, report: DailyReport, sections: Sections, submit: bool = False) -> DailyReport:
    """Replace a draft's sections with ``sections`` (all of them: a section left out is emptied); optionally submit."""
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if not can_edit_report(rep, report):
        raise PermissionDenied(
            _("A submitted report is never changed: amend it instead.")
            if report.is_submitted
            else _("This is not your report.")
        )
    errors = {}
    if date_errors := report_date_errors(report.date):
        errors["date"] = date_errors
    errors.update(_validate(rep=rep, date=report.date, sections=sections))
    if errors:
        raise ReportInvalid(errors)
    for model in SECTION_MODELS.values():
        model.objects.filter(report=report).delete()
    report.nothing_to_report = _nothing(sections)
    report.save(update_fields=["nothing_to_report", "updated_at"])
    _write_lines(report=report, sections=sections)
    if submit:
        _submit(report, sections_for_check=sections)
    return report


def _stored_sections(report: DailyReport) -> Sections:
    """A draft's sections as stored, in the input's shape (item dicts with ids; ``None`` for "nothing to report"),
    so submitting checks them again: an outlet closed or a promotion stopped since the draft was saved is caught."""
    stored: Sections = {key: None for key in report.nothing_to_report if key in SECTION_MODELS}
    for key, model in SECTION_MODELS.items():
        fields = [f for f in model._meta.concrete_fields if f.name not in _LINE_BOOKKEEPING]
        names = {f.attname: f.name for f in fields}
        items = [
            {names[attname]: value for attname, value in row.items()}
            for row in model.objects.filter(report=report).order_by("position", "pk").values(*names)
        ]
        if items:
            stored[key] = items
    return stored


_LINE_BOOKKEEPING = {"id", "report", "position", "amendment", "superseded_by"}


@transaction.atomic
def report_submit(*, rep: User, report: DailyReport) -> DailyReport:
    """Submit a complete draft. Submitting a submitted report again returns it unchanged (a retry is harmless)."""
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if report.is_submitted and report.rep_id == rep.pk:
        return report
    if not can_edit_report(rep, report):
        raise PermissionDenied(_("This is not your report."))
    if date_errors := report_date_errors(report.date):
        raise ReportInvalid({"date": date_errors})
    stored = _stored_sections(report)
    if errors := _validate(rep=rep, date=report.date, sections=stored):
        raise ReportInvalid(errors)
    _submit(report, sections_for_check=stored)
    return report


def report_amend(
    *, rep: User, report: DailyReport, reason: str, client_uuid: uuid.UUID, sections: Sections
) -> tuple[ReportAmendment, bool]:
    """Correct whole sections of a submitted report, with a reason. The replaced lines stay, marked as replaced.

    Idempotent by ``client_uuid`` like creating a report. The new facts go through the alert rules again.
    """
    if not can_amend_report(rep, report):
        raise PermissionDenied(
            _("Only a submitted report can be amended; change the draft instead.")
            if report.rep_id == rep.pk
            else _("This is not your report.")
        )
    existing = ReportAmendment.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.report_id != report.pk or existing.author_id != rep.pk:
            raise ReportInvalid({"client_uuid": [_("This client_uuid is already used: make a new one per amendment.")]})
        return existing, False
    if errors := _validate(rep=rep, date=report.date, sections=sections):
        raise ReportInvalid(errors)
    try:
        with transaction.atomic():
            report = DailyReport.objects.select_for_update().get(pk=report.pk)
            amendment = ReportAmendment.objects.create(
                report=report,
                author=rep,
                reason=reason,
                client_uuid=client_uuid,
                sections=[key for key in SECTION_MODELS if key in sections],
                nothing_to_report=_nothing(sections),
            )
            for key in sections:
                model = SECTION_MODELS[key]
                replaced = model.objects.filter(report=report, superseded_by__isnull=True)
                if key in INTEL_SECTIONS:
                    IntelItem.objects.filter(**{f"{key}__in": replaced}).update(superseded=True)
                replaced.update(superseded_by=amendment)
            written = _write_lines(report=report, sections=sections, amendment=amendment)
            intel_items_create(report, written)
            _report_filed(report)
    except IntegrityError:
        existing = ReportAmendment.objects.filter(client_uuid=client_uuid, report=report, author=rep).first()
        if existing is None:
            raise
        return existing, False
    return amendment, True
