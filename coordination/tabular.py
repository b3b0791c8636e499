"""Reading an uploaded spreadsheet (CSV in UTF-8/BOM/GBK, or XLSX) and its cells, for every importer.

``read_rows`` returns the rows as lists of cell values (header first); the cell readers raise ``RowError`` with a
short translated reason ("required", "'x' is not a whole number") that importers put after "Row N, column:".
"""

import csv
import io
import zipfile
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


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
    return str(value).strip()


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
