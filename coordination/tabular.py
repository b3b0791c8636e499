"""Reading an uploaded spreadsheet (CSV in UTF-8/BOM/GBK, or XLSX) and its cells, for every importer.

``read_rows`` returns the rows as lists of cell values (header first); the cell readers raise ``RowError`` with a
short translated reason ("required", "'x' is not a whole number") that importers put after "Row N, column:".
"""

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


def spreadsheet_safe(value):
    """A value for an exported spreadsheet or CSV cell: text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class RowError(Exception):
    """One cell's problem, in words for the person who filled the sheet."""


def read_rows(file) -> list[list]:
    """The rows of an uploaded CSV or XLSX file (header first), as lists of cell values."""
    size = getattr(file, "size", None)
    data = file.read(MAX_IMPORT_BYTES + 1)
    if (size is not None and size > MAX_IMPORT_BYTES) or len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s.") % {"size": filesizeformat(MAX_IMPORT_BYTES)}}
        )
    if not data.strip():
        raise ValidationError({"file": _("The file is empty.")})
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    name = (getattr(file, "name", "") or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise ValidationError({"file": _("This is not a readable XLSX file.")})
    if name.endswith(".xls"):
        raise ValidationError({"file": _("Old .xls files are not supported: save as .xlsx or CSV.")})
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK (gb18030 is its superset)
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise ValidationError({"file": _("The file is neither UTF-8 nor GBK text.")})
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel uses ";" where "," is the decimal mark
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ValidationError({"file": _("The CSV file cannot be read: %(error)s") % {"error": error}}) from error


def read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise ValidationError({"file": _("This is not a readable XLSX file.")}) from error
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # NUL is not text (and PostgreSQL refuses it in text columns).
    return str(value).replace("\x00", "").strip()


def cell_int(value, *, required: bool, default: int = 0) -> int:
    text = cell_text(value)
    if not text:
        if required:
            raise RowError(_("required"))
        return default
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as error:
        raise RowError(_("'%(value)s' is not a whole number") % {"value": text}) from error
    if number != number.to_integral_value():
        raise RowError(_("'%(value)s' is not a whole number") % {"value": text})
    return int(number)


def cell_money(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float, not its binary expansion
    text = cell_text(value).replace(",", "").replace("¥", "").replace("￥", "")
    if not text:
        raise RowError(_("required"))
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise RowError(_("'%(value)s' is not an amount") % {"value": text}) from error
    if not number.is_finite():
        raise RowError(_("'%(value)s' is not an amount") % {"value": text})
    return number


@dataclass
class Sheet:
    """An uploaded table with a known header: its non-blank rows, numbered as a spreadsheet numbers them (the
    header is row 1), and each column's position (columns left out of the file are absent from ``position``)."""

    rows: list[tuple[int, list]]
    position: dict[str, int]

    def value(self, row: list, column: str):
        index = self.position.get(column)
        return row[index] if index is not None and index < len(row) else None

    def has(self, column: str) -> bool:
        return column in self.position


def read_sheet(file, *, columns: Sequence[str], required: Sequence[str]) -> Sheet:
    """``read_rows`` plus the checks every importer makes: the required columns are there, there is at least one
    row and at most ``MAX_IMPORT_ROWS``. Header names are matched case-insensitively; unknown columns are ignored."""
    rows = read_rows(file)
    header = [cell_text(cell).lower() for cell in rows[0]] if rows else []
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(
            {
                "file": _("Missing columns: %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(columns)}
            }
        )
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell_text(cell) for cell in row)]
    if not body:
        raise ValidationError({"file": _("The file has no rows below its header.")})
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationError(
            {"file": _("At most %(count)s rows can be imported at once.") % {"count": MAX_IMPORT_ROWS}}
        )
    return Sheet(rows=body, position={column: header.index(column) for column in columns if column in header})
