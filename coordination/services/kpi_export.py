"""Exports of the joint KPIs: an XLSX workbook (one sheet per department, each figure with its unit's number format,
a sheet of definitions) and a CSV, both written row by row and streamed to the browser.

The XLSX is built with openpyxl's write-only mode into a spooled temporary file (memory up to 8 MB, then disk), so a
company-wide year exports without holding a workbook object per cell; the CSV is generated as it is sent. Text
that a spreadsheet would run as a formula is quoted (``spreadsheet_safe``).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Department
from accounts.roles import Role

from ..kpis import COUNT, HOURS, KPIS, PCT, SCORE, Kpi
from ..selectors.kpis import Period, Scorecard
from ..tabular import spreadsheet_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEPARTMENT_ROLES = {
    Department.Code.SALES: (Role.SALES_REP, Role.SALES_MANAGER),
    Department.Code.MARKETING: (Role.MARKETING_STAFF, Role.MARKETING_MANAGER),
}
NUMBER_FORMATS = {PCT: "0.0", HOURS: "0.0", COUNT: "0", SCORE: "0.00"}


def unit_label(kpi: Kpi) -> str:
    return {PCT: "%", HOURS: _("hours"), COUNT: _("count"), SCORE: _("score 1–5")}[kpi.unit]


def _columns(roles: Iterable[str]) -> list[Kpi]:
    roles = set(roles)
    return [kpi for kpi in KPIS if roles.intersection(kpi.roles)]


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


def _header(kpis: list[Kpi]) -> list[str]:
    return [
        pgettext("person", "Name"),
        _("User"),
        _("Role"),
        _("Region"),
        _("Rank in role"),
        _("Composite score"),
        *[f"{kpi.label} ({unit_label(kpi)})" for kpi in kpis],
    ]


def _row(card: Scorecard, kpis: list[Kpi]) -> list:
    values = card.values
    return [
        spreadsheet_safe(card.name),
        spreadsheet_safe(card.username),
        _role_label(card.role),
        spreadsheet_safe(card.region),
        card.rank,
        card.composite,
        *[values.get(kpi.key) for kpi in kpis],
    ]


def kpi_xlsx_file(cards: list[Scorecard], period: Period):
    """The workbook as a file object positioned at its start (for a streamed ``FileResponse``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF7")
    for department, roles in DEPARTMENT_ROLES.items():
        kpis = _columns(roles)
        sheet = workbook.create_sheet(title=str(Department.Code(department).label)[:31])
        sheet.freeze_panes = "C3"
        widths = [16, 16, 18, 12, 10, 12, *[16] * len(kpis)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[_letter(index)].width = width
        title = WriteOnlyCell(sheet, value=_("Joint KPIs %(period)s") % {"period": period.key})
        title.font = Font(bold=True, size=13)
        sheet.append([title])
        header = []
        for text in _header(kpis):
            cell = WriteOnlyCell(sheet, value=text)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for card in cards:
            if card.role not in roles:
                continue
            row = []
            for index, value in enumerate(_row(card, kpis)):
                cell = WriteOnlyCell(sheet, value=value)
                if index == 5:
                    cell.number_format, cell.font = "0.0", bold
                elif index > 5:
                    cell.number_format = NUMBER_FORMATS[kpis[index - 6].unit]
                row.append(cell)
            sheet.append(row)
    definitions = workbook.create_sheet(title=_("Definitions")[:31])
    definitions.column_dimensions["A"].width = 30
    definitions.column_dimensions["B"].width = 12
    definitions.column_dimensions["C"].width = 30
    definitions.column_dimensions["D"].width = 90
    header = []
    for text in (_("KPI"), _("Unit"), _("Roles"), _("Definition")):
        cell = WriteOnlyCell(definitions, value=text)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    definitions.append(header)
    for kpi in KPIS:
        definitions.append(
            [str(kpi.label), unit_label(kpi), ", ".join(_role_label(r) for r in kpi.roles), str(kpi.definition)]
        )
    definitions.append([])
    definitions.append([str(_("Composite score")), "0–100", "", composite_note()])
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (handed to the response)
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


def composite_note() -> str:
    return _(
        "The weighted mean of the role's percentage parts that have a value, each capped at 100 (a 1–5 rating "
        "counts as 20–100), with the weights HR set for the role and period (equal weights until set)."
    )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streamed response."""

    def write(self, value: str) -> str:
        return value


def kpi_csv_rows(cards: list[Scorecard], period: Period) -> Iterator[str]:
    """The CSV, line by line: one row per person and KPI (long format: every role's KPIs fit one header), with
    the figure's numerator and denominator so it can be checked."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 with a BOM as UTF-8 (Chinese names)
    yield writer.writerow(
        [
            _("Period"),
            _("User"),
            pgettext("person", "Name"),
            _("Role"),
            _("Region"),
            _("KPI"),
            _("Value"),
            _("Unit"),
            _("Numerator"),
            _("Denominator"),
            _("Composite score"),
            _("Rank in role"),
        ]
    )
    for card in cards:
        for figure in card.figures:
            yield writer.writerow(
                [
                    period.key,
                    spreadsheet_safe(card.username),
                    spreadsheet_safe(card.name),
                    _role_label(card.role),
                    spreadsheet_safe(card.region),
                    figure.kpi.key,
                    "" if figure.value is None else figure.value,
                    figure.kpi.unit,
                    figure.numerator,
                    "" if figure.denominator is None else figure.denominator,
                    "" if card.composite is None else card.composite,
                    card.rank or "",
                ]
            )
