"""Writes for outlets: the CSV/XLSX import of the outlet master data (all rows or none), and the rule on which reps
may be assigned to an outlet (shared with the admin's form).

An outlet is identified by its code: the import creates the codes it does not know and updates the others.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Region, User
from coordination.tabular import RowError, cell_text, read_sheet

from ..models import Outlet, OutletChannel
from ..permissions import FIELD_SALES_ROLES, can_import_outlets

MAX_REPORTED_ERRORS = 200
IMPORT_COLUMNS = ("code", "name", "channel", "region", "address", "latitude", "longitude", "reps", "active")
REQUIRED_COLUMNS = ("code", "name", "channel", "region")
CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{1,32}$")
COORDINATE = Decimal("0.000001")
TRUE_WORDS = {"1", "yes", "y", "true", "是", "有效", "启用"}
FALSE_WORDS = {"0", "no", "n", "false", "否", "无效", "停用"}
# What Chinese sheets write for the channels besides our own labels (which are looked up in both languages).
CHANNEL_ALIASES = {
    "大卖场": OutletChannel.HYPERMARKET,
    "大型超市": OutletChannel.HYPERMARKET,
    "卖场": OutletChannel.HYPERMARKET,
    "超市": OutletChannel.SUPERMARKET,
    "便利店": OutletChannel.CONVENIENCE,
    "传统渠道": OutletChannel.TRADITIONAL,
    "传统通路": OutletChannel.TRADITIONAL,
    "传统零售": OutletChannel.TRADITIONAL,
    "夫妻店": OutletChannel.TRADITIONAL,
    "线上": OutletChannel.ONLINE,
    "电商": OutletChannel.ONLINE,
    "经销商": OutletChannel.DISTRIBUTOR,
    "批发商": OutletChannel.DISTRIBUTOR,
}
NAME_MAX = Outlet._meta.get_field("name").max_length
ADDRESS_MAX = Outlet._meta.get_field("address").max_length
_REP_SEPARATORS = re.compile(r"[;,，；\s]+")


# --- reps --------------------------------------------------------------------------------------------------------


def outlet_rep_errors(*, region: Region, reps: Iterable[User]) -> list[str]:
    """Why these reps cannot be assigned to an outlet in ``region`` (empty: they can).

    A rep assigned to an outlet is an active sales rep or sales manager whose territory (region subtree) holds it.
    """
    errors = []
    for rep in reps:
        if not rep.is_active or not rep.has_role(*FIELD_SALES_ROLES):
            errors.append(_("%(rep)s is not an active sales rep or sales manager.") % {"rep": rep.username})
        elif rep.region_id is None or not region.path.startswith(rep.region.path):
            errors.append(_("%(rep)s works outside %(region)s.") % {"rep": rep.username, "region": region.display_name})
    return errors


# --- import ------------------------------------------------------------------------------------------------------


@dataclass
class OutletImportSummary:
    created: int
    updated: int
    unchanged: int


def _channel_names() -> dict[str, str]:
    """Every way a sheet may name a channel (its key, its English and its Chinese label, common synonyms),
    lower-cased, to the channel's key."""
    names = {key: key for key in OutletChannel.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update({str(label).strip().lower(): key for key, label in OutletChannel.choices})
    names.update({alias: str(key) for alias, key in CHANNEL_ALIASES.items()})
    return names


def _cell_coordinate(value, *, limit: int) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float, not its binary expansion
    text = cell_text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise RowError(_("'%(value)s' is not a number") % {"value": text}) from error
    if not number.is_finite() or not -limit <= number <= limit:
        raise RowError(_("'%(value)s' is not between -%(limit)s and %(limit)s") % {"value": text, "limit": limit})
    return number.quantize(COORDINATE, rounding=ROUND_HALF_UP)


def _cell_active(value) -> bool | None:
    text = cell_text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise RowError(_("'%(value)s' is not one of 1/0, yes/no, 是/否") % {"value": cell_text(value)})


def _rep_usernames(value) -> list[str]:
    return [name for name in _REP_SEPARATORS.split(cell_text(value)) if name]


@transaction.atomic
def outlet_import(*, user: User, file) -> OutletImportSummary:
    """Create or update outlets from a CSV (UTF-8 with or without BOM, or GBK) or XLSX file: all rows or none.

    Columns (header row, any order): code, name, channel (its key, or its English or Chinese name), region (code),
    address, latitude, longitude, reps (usernames separated by ";" or ","), active (1/0, yes/no, 是/否).
    An outlet is matched by its code. A column left out of the file keeps what is stored; an empty address,
    latitude/longitude or reps cell clears it; an empty active cell keeps the stored value (new outlets: active).
    Errors name the row as a spreadsheet does (the header is row 1): "Row 7, region: unknown region 'XX'".
    """
    if not can_import_outlets(user):
        raise PermissionDenied(_("You may not import outlets."))
    sheet = read_sheet(file, columns=IMPORT_COLUMNS, required=REQUIRED_COLUMNS)
    body, value = sheet.rows, sheet.value

    # Every code and username the file names, looked up at once.
    regions = {
        r.code: r for r in Region.objects.filter(code__in={cell_text(value(r, "region")).upper() for _n, r in body})
    }
    usernames = {name for _n, row in body for name in _rep_usernames(value(row, "reps"))}
    people = {
        u.username: u
        for u in User.objects.select_related("region").prefetch_related("groups").filter(username__in=usernames)
    }
    channels = _channel_names()

    messages: list[str] = []
    parsed: dict[str, dict] = {}
    seen: dict[str, int] = {}

    def fail(number: int, column: str, message: str) -> None:
        messages.append(
            _("Row %(row)s, %(column)s: %(message)s") % {"row": number, "column": column, "message": message}
        )

    for number, row in body:
        outlet: dict = {}
        row_failed = False

        code = cell_text(value(row, "code")).upper()
        if not code:
            fail(number, "code", _("required"))
            row_failed = True
        elif not CODE_PATTERN.match(code):
            fail(
                number,
                "code",
                _("'%(value)s' is not a code (capital letters, digits, '-' and '_', at most 32)") % {"value": code},
            )
            row_failed = True
        outlet["code"] = code

        name = cell_text(value(row, "name"))
        if not name:
            fail(number, "name", _("required"))
            row_failed = True
        elif len(name) > NAME_MAX:
            fail(number, "name", _("longer than %(max)s characters") % {"max": NAME_MAX})
            row_failed = True
        outlet["name"] = name

        channel_text = cell_text(value(row, "channel"))
        if not channel_text:
            fail(number, "channel", _("required"))
            row_failed = True
        elif channel_text.lower() not in channels:
            fail(
                number,
                "channel",
                _("unknown channel '%(value)s' (use one of %(channels)s)")
                % {"value": channel_text, "channels": ", ".join(OutletChannel.values)},
            )
            row_failed = True
        else:
            outlet["channel"] = channels[channel_text.lower()]

        region_code = cell_text(value(row, "region")).upper()
        if not region_code:
            fail(number, "region", _("required"))
            row_failed = True
        elif region_code not in regions:
            fail(number, "region", _("unknown region '%(value)s'") % {"value": region_code})
            row_failed = True
        else:
            outlet["region"] = regions[region_code]

        if sheet.has("address"):
            address = cell_text(value(row, "address"))
            if len(address) > ADDRESS_MAX:
                fail(number, "address", _("longer than %(max)s characters") % {"max": ADDRESS_MAX})
                row_failed = True
            outlet["address"] = address

        for column, limit in (("latitude", 90), ("longitude", 180)):
            if not sheet.has(column):
                continue
            try:
                outlet[column] = _cell_coordinate(value(row, column), limit=limit)
            except RowError as error:
                fail(number, column, str(error))
                row_failed = True
        if sheet.has("latitude") or sheet.has("longitude"):
            latitude, longitude = outlet.get("latitude"), outlet.get("longitude")
            given = (cell_text(value(row, "latitude")) != "", cell_text(value(row, "longitude")) != "")
            if given[0] != given[1]:
                fail(
                    number,
                    "latitude" if not given[0] else "longitude",
                    _("give both latitude and longitude, or neither"),
                )
                row_failed = True
            elif latitude is None and longitude is None:
                outlet["latitude"] = outlet["longitude"] = None

        if sheet.has("active"):
            try:
                active = _cell_active(value(row, "active"))
            except RowError as error:
                fail(number, "active", str(error))
                row_failed = True
            else:
                if active is not None:
                    outlet["active"] = active

        if sheet.has("reps"):
            reps = []
            for username in _rep_usernames(value(row, "reps")):
                if username not in people:
                    fail(number, "reps", _("unknown user '%(value)s'") % {"value": username})
                    row_failed = True
                elif people[username] not in reps:
                    reps.append(people[username])
            if "region" in outlet:
                for message in outlet_rep_errors(region=outlet["region"], reps=reps):
                    fail(number, "reps", message)
                    row_failed = True
            outlet["reps"] = reps

        if row_failed:
            continue
        if code in seen:
            messages.append(_("Row %(row)s: the same code as row %(first)s.") % {"row": number, "first": seen[code]})
            continue
        seen[code] = number
        parsed[code] = outlet

    if messages:
        shown = messages[:MAX_REPORTED_ERRORS]
        if len(messages) > MAX_REPORTED_ERRORS:
            shown.append(_("… and %(count)s more errors.") % {"count": len(messages) - MAX_REPORTED_ERRORS})
        raise ValidationError({"rows": shown})
    return _write(parsed)


def _write(parsed: dict[str, dict]) -> OutletImportSummary:
    """Apply the parsed rows: lock the stored outlets they name, update those that differ, create the rest."""
    stored = {
        outlet.code: outlet
        for outlet in Outlet.objects.select_for_update().filter(code__in=parsed).prefetch_related("reps")
    }
    fields = ("name", "channel", "region", "address", "latitude", "longitude", "active")
    new, changed, unchanged = [], [], 0
    wanted_reps: dict[str, set[int]] = {}
    now = timezone.now()  # bulk_update does not fill auto_now fields
    for code, row in parsed.items():
        if "reps" in row:
            wanted_reps[code] = {rep.pk for rep in row["reps"]}
        outlet = stored.get(code)
        if outlet is None:
            new.append(Outlet(code=code, **{name: row[name] for name in fields if name in row}))
            continue
        differs = False
        for name in fields:
            if name in row and getattr(outlet, name) != row[name]:
                setattr(outlet, name, row[name])
                differs = True
        if code in wanted_reps and {rep.pk for rep in outlet.reps.all()} != wanted_reps[code]:
            differs = True
        if differs:
            outlet.updated_at = now
            changed.append(outlet)
        else:
            unchanged += 1
    try:
        with transaction.atomic():
            Outlet.objects.bulk_create(new, batch_size=500)
    except IntegrityError as error:  # someone created one of these codes since we looked: nothing is kept
        raise ValidationError(
            {"file": _("Some of these outlets were created by someone else meanwhile. Import the file again.")}
        ) from error
    Outlet.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)

    # Assigned reps: replace the sets of the outlets whose row has a reps column.
    outlet_ids = {outlet.code: outlet.pk for outlet in [*new, *changed]}
    if not all(outlet.pk for outlet in new):  # SQLite before 3.35 / MySQL do not return the new ids
        outlet_ids.update(Outlet.objects.filter(code__in=[o.code for o in new]).values_list("code", "pk"))
    through = Outlet.reps.through
    touched = [outlet_ids[code] for code in wanted_reps if code in outlet_ids]
    through.objects.filter(outlet_id__in=touched).delete()
    through.objects.bulk_create(
        [
            through(outlet_id=outlet_ids[code], user_id=user_id)
            for code, user_ids in wanted_reps.items()
            if code in outlet_ids
            for user_id in sorted(user_ids)
        ],
        batch_size=1000,
    )
    return OutletImportSummary(created=len(new), updated=len(changed), unchanged=unchanged)
