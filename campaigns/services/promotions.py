"""Writes of promotions: drafting, editing and attachments. Approval transitions belong to the approvals app.

Every function is keyword-only and runs in one transaction; it validates everything first and raises one
``ValidationError`` with a message per field (the API answers 400, a page shows each message at its field), or
``PermissionDenied`` when the user may not do this to a promotion they can see.

Promotions target regions here; targeting single outlets is added by the feedback app (it owns ``Outlet`` and
depends on campaigns, not the other way round).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from accounts.models import Region, User
from accounts.permissions import region_in_scope

from ..models import (
    PROMOTION_EDITABLE_STATUSES,
    Product,
    Promotion,
    PromotionAttachment,
    PromotionStatus,
    PromotionType,
)
from ..permissions import (
    can_draft_promotion,
    can_edit_promotion,
    is_field_sales,
    is_marketing,
    promotion_origin_for,
)

# Fields an author sets on a draft; m2m fields are set with ``set()``.
PROMOTION_FIELDS = (
    "title",
    "type",
    "starts_on",
    "ends_on",
    "mechanics",
    "price_floor",
    "price_ceiling",
    "budget",
    "expected_effect",
    "expected_uplift_pct",
    "owner",
)
PROMOTION_M2M_FIELDS = ("products", "regions", "responsible")

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 20
# extension → (content types a browser may declare, magic bytes the file must start with; None: text)
_ZIP = (b"PK\x03\x04",)
ATTACHMENT_TYPES: dict[str, tuple[frozenset[str], tuple[bytes, ...] | None]] = {
    ".pdf": (frozenset({"application/pdf"}), (b"%PDF-",)),
    ".png": (frozenset({"image/png"}), (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": (frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}), (b"\xff\xd8\xff",)),
    ".jpeg": (frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}), (b"\xff\xd8\xff",)),
    ".gif": (frozenset({"image/gif"}), (b"GIF87a", b"GIF89a")),
    ".webp": (frozenset({"image/webp"}), (b"RIFF",)),
    ".xlsx": (
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}),
        _ZIP,
    ),
    ".docx": (
        frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"}),
        _ZIP,
    ),
    ".pptx": (
        frozenset({"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"}),
        _ZIP,
    ),
    # Excel on Windows declares CSV files as its own type.
    ".csv": (frozenset({"text/csv", "text/plain", "application/vnd.ms-excel", "application/csv"}), None),
}


def _active_user(user: User | None) -> bool:
    return user is not None and user.is_active


def _validate(
    *,
    user: User,
    values: dict,
    products: list[Product] | None,
    regions: list[Region] | None,
    responsible: list[User] | None,
) -> None:
    """Business rules of a promotion draft. ``values`` holds the full set of plain fields after the change;
    the m2m lists are None when they are not being changed (their earlier check still holds)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = (values.get("title") or "").strip()
    if not title:
        add("title", _("Give the promotion a title."))
    elif len(title) > Promotion._meta.get_field("title").max_length:
        add("title", _("Keep the title to 200 characters."))
    if values.get("type") not in PromotionType.values:
        add("type", _("Choose a promotion type."))
    for name, message in (
        ("mechanics", _("Describe the mechanics: what the shopper gets and how the store runs it.")),
        ("expected_effect", _("Say what effect you expect.")),
    ):
        if not (values.get(name) or "").strip():
            add(name, message)

    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, datetime.date):
        add("starts_on", _("Enter the first day of the promotion."))
    if not isinstance(ends_on, datetime.date):
        add("ends_on", _("Enter the last day of the promotion."))
    if isinstance(starts_on, datetime.date) and isinstance(ends_on, datetime.date) and ends_on < starts_on:
        add("ends_on", _("The promotion cannot end before it starts."))

    floor, ceiling = values.get("price_floor"), values.get("price_ceiling")
    for name, value in (("price_floor", floor), ("price_ceiling", ceiling)):
        if value is not None and value < 0:
            add(name, _("A price cannot be negative."))
    if floor is not None and ceiling is not None and floor > ceiling:
        add("price_ceiling", _("The price ceiling cannot be below the price floor."))
    budget = values.get("budget")
    if budget is None:
        add("budget", _("Enter the budget (0 if there is none)."))
    elif budget < 0:
        add("budget", _("The budget cannot be negative."))
    uplift = values.get("expected_uplift_pct")
    if uplift is not None and not (Decimal(-100) <= uplift <= Decimal(1000)):
        add("expected_uplift_pct", _("Enter an uplift between -100% and 1000%."))

    owner = values.get("owner")
    if not _active_user(owner):
        add("owner", _("Choose an active user as the owner."))
    elif owner.pk != user.pk:
        # The owner is on the author's side: they lead the project, and nobody decides on their own promotion, so
        # an owner from the deciding side would take a decider out of the approval route.
        if is_marketing(user) and not is_marketing(owner):
            add("owner", _("The owner of a marketing proposal is someone in marketing."))
        elif not is_marketing(user) and not (is_field_sales(owner) and region_in_scope(user, owner.region)):
            add("owner", _("The owner of a sales request is you or a sales colleague in your area."))

    if products is not None:
        if not products:
            add("products", _("Choose at least one product."))
        inactive = [p.sku for p in products if not p.active]
        if inactive:
            add(
                "products",
                _("These products are no longer sold and cannot be promoted: %(skus)s.")
                % {"skus": ", ".join(sorted(inactive))},
            )
    if regions is not None:
        if not regions:
            add("regions", _("Choose at least one region."))
        outside = [r.display_name for r in regions if not region_in_scope(user, r)]
        if outside:
            add(
                "regions",
                _("You can only target regions inside your own area: %(regions)s is outside it.")
                % {"regions": ", ".join(sorted(outside))},
            )
    if responsible is not None:
        inactive_people = [u.username for u in responsible if not _active_user(u)]
        if inactive_people:
            add(
                "responsible",
                _("These people are no longer active: %(names)s.") % {"names": ", ".join(sorted(inactive_people))},
            )
    if errors:
        raise ValidationError(errors)


def _unique(items: Iterable | None) -> list | None:
    if items is None:
        return None
    seen: dict = {}
    for item in items:
        seen.setdefault(item.pk, item)
    return list(seen.values())


@transaction.atomic
def promotion_create(
    *,
    user: User,
    title: str,
    type: str,  # the model field is called "type"
    starts_on: datetime.date,
    ends_on: datetime.date,
    mechanics: str,
    expected_effect: str,
    products: Iterable[Product],
    regions: Iterable[Region],
    owner: User | None = None,
    responsible: Iterable[User] = (),
    price_floor: Decimal | None = None,
    price_ceiling: Decimal | None = None,
    budget: Decimal = Decimal("0"),
    expected_uplift_pct: Decimal | None = None,
) -> Promotion:
    """Draft a promotion: a marketing proposal when marketing drafts it, a sales request when sales does.

    The owner (项目负责人) defaults to the author. Sales authors may only target regions of their own area.
    """
    if not can_draft_promotion(user):
        raise PermissionDenied(_("You may not draft promotions."))
    values = {
        "title": (title or "").strip(),
        "type": type,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "mechanics": (mechanics or "").strip(),
        "price_floor": price_floor,
        "price_ceiling": price_ceiling,
        "budget": budget,
        "expected_effect": (expected_effect or "").strip(),
        "expected_uplift_pct": expected_uplift_pct,
        "owner": owner if owner is not None else user,
    }
    products, regions, responsible = _unique(products), _unique(regions), _unique(responsible)
    _validate(user=user, values=values, products=products, regions=regions, responsible=responsible)
    promotion = Promotion(
        **values,
        origin=promotion_origin_for(user),
        status=PromotionStatus.DRAFT,
        created_by=user,
    )
    promotion.save()
    promotion.products.set(products)
    promotion.regions.set(regions)
    promotion.responsible.set(responsible)
    return promotion


@transaction.atomic
def promotion_update(*, user: User, promotion: Promotion, data: dict) -> Promotion:
    """Change the declared fields in ``data`` of a promotion its author may still edit (draft or returned).

    Only the fields given are written (``update_fields``; m2m with ``set()``); the whole promotion is validated as
    it will be after the change.
    """
    unknown = set(data) - set(PROMOTION_FIELDS) - set(PROMOTION_M2M_FIELDS)
    if unknown:
        raise TypeError(f"promotion_update does not change {sorted(unknown)}")
    # Re-read under a lock: the status may have moved on (submitted by the author in another tab).
    locked = Promotion.objects.select_for_update(of=("self",)).select_related("owner").get(pk=promotion.pk)
    if not can_edit_promotion(user, locked):
        if locked.created_by_id == user.pk and locked.status not in PROMOTION_EDITABLE_STATUSES:
            raise PermissionDenied(
                _("This promotion is %(status)s and can no longer be edited.") % {"status": locked.get_status_display()}
            )
        raise PermissionDenied(_("Only the author can edit this promotion."))

    values = {name: getattr(locked, name) for name in PROMOTION_FIELDS}
    changed = []
    for name in PROMOTION_FIELDS:
        if name in data:
            value = data[name]
            if name in ("title", "mechanics", "expected_effect"):
                value = (value or "").strip()
            if name == "owner" and value is None:
                value = user
            values[name] = value
            changed.append(name)
    m2m = {name: _unique(data[name]) if name in data else None for name in PROMOTION_M2M_FIELDS}
    _validate(user=user, values=values, **m2m)

    for name in changed:
        setattr(locked, name, values[name])
    if changed or any(v is not None for v in m2m.values()):
        locked.save(update_fields=[*changed, "updated_at"])
    for name, items in m2m.items():
        if items is not None:
            getattr(locked, name).set(items)
    return locked


def _attachment_errors(file: UploadedFile) -> list[str]:
    name = PurePath(file.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        return [
            _("This kind of file cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(e.lstrip(".").upper() for e in ATTACHMENT_TYPES if e != ".jpeg")}
        ]
    if file.size is None or file.size == 0:
        return [_("The file is empty.")]
    if file.size > ATTACHMENT_MAX_BYTES:
        return [
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{file.size / 1024 / 1024:.1f}", "limit": ATTACHMENT_MAX_BYTES // 1024 // 1024}
        ]
    content_types, magic = ATTACHMENT_TYPES[extension]
    declared = (getattr(file, "content_type", None) or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and declared not in content_types:
        return [_("The file's type does not match its name.")]
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if magic is None:
        looks_right = b"\x00" not in head
    else:
        looks_right = head.startswith(magic) and (extension != ".webp" or head[8:12] == b"WEBP")
    if not looks_right:
        return [_("The file's content does not match its name.")]
    return []


@transaction.atomic
def promotion_attachment_add(*, user: User, promotion: Promotion, file: UploadedFile) -> PromotionAttachment:
    """Attach a document or picture (PDF, image, XLSX/DOCX/PPTX, CSV; at most 10 MB) to a promotion its author
    may still edit. The stored file gets a server-generated name; the user's file name is kept for display."""
    locked = Promotion.objects.select_for_update(of=("self",)).get(pk=promotion.pk)
    if not can_edit_promotion(user, locked):
        raise PermissionDenied(_("Only the author can add attachments, while the promotion can be edited."))
    errors = _attachment_errors(file)
    if not errors and locked.attachments.count() >= ATTACHMENT_MAX_COUNT:
        errors = [_("A promotion has at most %(count)s attachments.") % {"count": ATTACHMENT_MAX_COUNT}]
    if errors:
        raise ValidationError({"file": errors})
    name = PurePath(file.name).name[:200]
    attachment = PromotionAttachment(promotion=locked, name=name, size=file.size, uploaded_by=user)
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
    except DatabaseError:
        # The row was not written: do not leave its stored file behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def promotion_attachment_delete(*, user: User, attachment: PromotionAttachment) -> None:
    """Remove an attachment (author only, while editable); the stored file is deleted once the transaction commits."""
    promotion = Promotion.objects.select_for_update(of=("self",)).get(pk=attachment.promotion_id)
    if not can_edit_promotion(user, promotion):
        raise PermissionDenied(_("Only the author can remove attachments, while the promotion can be edited."))
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
