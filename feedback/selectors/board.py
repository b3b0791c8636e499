"""Reads around filed reports: the working-day rule, the days a rep still owes, a team's filing board, what the
home page asks of reps and managers, and one report as its page shows it.

Everything is computed from a fixed, small number of queries (reps, then the period's reports as ``values()``);
the grids and lists are assembled in Python from those rows, never with a query per rep, day or line.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.calendar import WorkCalendar
from accounts.models import Region, User
from accounts.permissions import scope_filter
from accounts.roles import Role

from ..models import SECTION_MODELS, DailyReport, IntelItem, ReportAmendment, ReportLine, ReportStatus
from ..permissions import can_view_filing_board, is_sales_manager, reads_all_field_data, reports_visible_q
from .reports import SectionView, report_detail, report_sections

HISTORY_DAYS = 30  # the rep's history page looks this far back for missing days
BOARD_DAYS = 7

NOT_ON_THE_BOARD = _("The filing board is for sales managers, the sales director, the general manager and marketing.")


# --- working days ------------------------------------------------------------------------------------------------


def is_working_day(day: datetime.date, calendar: WorkCalendar | None = None) -> bool:
    """A working day of the company calendar: Monday to Friday, minus holidays, plus make-up days. Pass the
    request's one ``calendar`` when asking about many days (one query per year, not one per call)."""
    return (calendar or WorkCalendar()).is_working_day(day)


def working_days(start: datetime.date, end: datetime.date, calendar: WorkCalendar | None = None) -> list[datetime.date]:
    """The working days from ``start`` to ``end``, both included, oldest first."""
    return (calendar or WorkCalendar()).working_days(start, end)


def filing_window_start(today: datetime.date) -> datetime.date:
    """The oldest day a rep may still file for (settings.REPORT_BACKFILL_DAYS back; the services check the same)."""
    return today - datetime.timedelta(days=settings.REPORT_BACKFILL_DAYS)


# --- a rep's missing days ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingDay:
    date: datetime.date
    can_file: bool  # still inside the back-filing window: "file it now"
    is_today: bool


def report_missing_days(
    *,
    rep: User,
    today: datetime.date | None = None,
    days: int = HISTORY_DAYS,
    calendar: WorkCalendar | None = None,
) -> list[MissingDay]:
    """The working days of the last ``days`` days (today included) on which ``rep`` has no report at all (a draft
    is a report the rep can still finish: it is listed with the reports, not here), newest first. One query, plus
    one per calendar year the company calendar has not read yet."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    filed = set(DailyReport.objects.filter(rep=rep, date__range=(start, today)).values_list("date", flat=True))
    window_start = filing_window_start(today)
    return [
        MissingDay(date=day, can_file=day >= window_start, is_today=day == today)
        for day in reversed(working_days(start, today, calendar))
        if day not in filed
    ]


# --- what the home page asks of a rep and of a manager -----------------------------------------------------------


@dataclass(frozen=True)
class OwedDay:
    """A day inside the back-filing window without a submitted report: ``report_id`` is its draft, if any."""

    date: datetime.date
    report_id: int | None = None


@dataclass(frozen=True)
class RepToday:
    today: datetime.date
    working_day: bool
    status: str | None  # ReportStatus of today's report, None when there is none
    report_id: int | None
    catch_up: list[OwedDay] = field(default_factory=list)  # earlier days still open, newest first


def rep_today(*, rep: User, today: datetime.date | None = None, calendar: WorkCalendar | None = None) -> RepToday:
    """Today's report of ``rep`` and the earlier working days they can still file: one query (plus the company
    calendar's year, unless ``calendar`` has read it already)."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    rows = {
        row["date"]: row
        for row in DailyReport.objects.filter(rep=rep, date__range=(filing_window_start(today), today)).values(
            "id", "date", "status"
        )
    }
    catch_up = []
    for day in reversed(working_days(filing_window_start(today), today - datetime.timedelta(days=1), calendar)):
        row = rows.get(day)
        if row is None or row["status"] != ReportStatus.SUBMITTED:
            catch_up.append(OwedDay(date=day, report_id=row["id"] if row else None))
    own = rows.get(today)
    return RepToday(
        today=today,
        working_day=calendar.is_working_day(today),
        status=own["status"] if own else None,
        report_id=own["id"] if own else None,
        catch_up=catch_up,
    )


def expected_to_file(user: User) -> bool:
    """Reps are expected to file every working day (they are the rows of the filing board)."""
    return bool(user.is_active and user.region_id and user.has_role(Role.SALES_REP))


def filing_team(user: User) -> QuerySet[User]:
    """Active sales reps ``user`` follows: the whole company for company readers, else their region subtree."""
    return User.objects.filter(is_active=True, groups__name=Role.SALES_REP).filter(scope_filter(user))


def team_not_filed(*, manager: User, day: datetime.date | None = None) -> QuerySet[User]:
    """The reps of ``manager``'s region subtree without a submitted report for ``day`` (default today): one query."""
    day = day or timezone.localdate()
    submitted = DailyReport.objects.filter(rep=OuterRef("pk"), date=day, status=ReportStatus.SUBMITTED)
    return filing_team(manager).filter(~Exists(submitted)).order_by("last_name", "first_name", "username")


def reps_not_filed(*, day: datetime.date) -> QuerySet[User]:
    """Every rep expected to file (``expected_to_file``, company-wide) without a submitted report for ``day``, each
    annotated with ``draft_id`` (their unsubmitted draft for the day, else None) and their region: one query."""
    submitted = DailyReport.objects.filter(rep=OuterRef("pk"), date=day, status=ReportStatus.SUBMITTED)
    draft = DailyReport.objects.filter(rep=OuterRef("pk"), date=day).exclude(status=ReportStatus.SUBMITTED)
    return (
        User.objects.filter(is_active=True, region__isnull=False, groups__name=Role.SALES_REP)
        .filter(~Exists(submitted))
        .annotate(draft_id=Subquery(draft.values("pk")[:1]))
        .select_related("region")
        .order_by("region__path", "last_name", "first_name", "username")
    )


# --- the filing board --------------------------------------------------------------------------------------------


class CellStatus:
    ON_TIME = "on_time"
    LATE = "late"
    DRAFT = "draft"
    MISSING = "missing"
    FUTURE = "future"  # a day still to come: blank
    OFF = "off"  # not a working day and nothing filed: greyed

    LABELS = {
        ON_TIME: _("Submitted on time"),
        LATE: _("Submitted late"),
        DRAFT: _("Draft only"),
        MISSING: _("Missing"),
        FUTURE: _("Still to come"),
        OFF: _("Not a working day"),
    }
    ALL = tuple(LABELS)


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# The board's period stays inside these bounds: no report is older than the company's records, and a date near the
# calendar's ends (0001-01-01, 9999-W52) would overflow when the previous or next period is computed.
BOARD_EARLIEST = datetime.date(2000, 1, 1)
BOARD_AHEAD = datetime.timedelta(days=365)


def _iso_week_text(day: datetime.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


class FilingBoardParams(forms.Form):
    """The board's query: a region (inside the user's scope) and the period — an ISO week or the last day."""

    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label=_("Region"))
    end = forms.DateField(required=False, label=_("Last day"), help_text=_("The 7 days up to this day (YYYY-MM-DD)."))
    week = forms.CharField(required=False, label=_("Week"), help_text=_("An ISO week, e.g. 2026-W05."))

    def __init__(self, data=None, *, user: User, today: datetime.date | None = None):
        super().__init__(data)
        self.fields["region"].queryset = board_regions(user)
        self.latest = (today or timezone.localdate()) + BOARD_AHEAD

    def clean_end(self) -> datetime.date | None:
        end = self.cleaned_data.get("end")
        if end is not None and not BOARD_EARLIEST <= end <= self.latest:
            raise ValidationError(
                _("Choose a day from %(earliest)s to %(latest)s."),
                code="out_of_range",
                params={"earliest": BOARD_EARLIEST.isoformat(), "latest": self.latest.isoformat()},
            )
        return end

    def clean_week(self) -> datetime.date | None:
        value = (self.cleaned_data.get("week") or "").strip()
        if not value:
            return None
        match = _WEEK.match(value)
        try:
            if match is None:
                raise ValueError
            monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValidationError(_("Give a week as YYYY-Www, e.g. 2026-W05."), code="invalid") from None
        if not BOARD_EARLIEST <= monday <= self.latest:
            raise ValidationError(
                _("Choose a week from %(earliest)s to %(latest)s."),
                code="out_of_range",
                params={
                    "earliest": _iso_week_text(BOARD_EARLIEST + datetime.timedelta(days=-BOARD_EARLIEST.weekday() % 7)),
                    "latest": _iso_week_text(self.latest),
                },
            )
        return monday

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("week") and cleaned.get("end"):
            raise ValidationError(_("Choose a week or a last day, not both."))
        return cleaned

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The first and last day shown (valid form only): the ISO week, or 7 days up to ``end`` (default today)."""
        monday = self.cleaned_data.get("week")
        if monday:
            return monday, monday + datetime.timedelta(days=BOARD_DAYS - 1)
        end = self.cleaned_data.get("end") or today
        return end - datetime.timedelta(days=BOARD_DAYS - 1), end


def board_regions(user: User) -> QuerySet[Region]:
    """The regions ``user`` may narrow the board to: all for company readers, their subtree for a manager."""
    if reads_all_field_data(user):
        return Region.objects.order_by("path")
    if is_sales_manager(user) and user.region_id:
        return Region.objects.filter(path__startswith=user.region.path).order_by("path")
    return Region.objects.none()


@dataclass(frozen=True)
class BoardDay:
    date: datetime.date
    working: bool
    is_today: bool
    is_future: bool


@dataclass(frozen=True)
class BoardCell:
    date: datetime.date
    status: str
    report_id: int | None
    working: bool
    is_today: bool

    @property
    def label(self) -> str:
        return str(CellStatus.LABELS[self.status])


@dataclass
class BoardRow:
    rep: User
    cells: list[BoardCell]

    def _count(self, *statuses: str) -> int:
        return sum(cell.status in statuses for cell in self.cells)

    @property
    def missing(self) -> int:
        return self._count(CellStatus.MISSING)

    @property
    def drafts(self) -> int:
        return self._count(CellStatus.DRAFT)

    @property
    def late(self) -> int:
        return self._count(CellStatus.LATE)

    @property
    def on_time(self) -> int:
        return self._count(CellStatus.ON_TIME)


@dataclass
class FilingBoard:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    region: Region | None
    days: list[BoardDay]
    rows: list[BoardRow]
    summary_day: datetime.date | None  # today when shown, else the period's last day; None for a future period
    summary_working: bool
    filed: int  # reps with a submitted report on summary_day
    not_filed: list[BoardRow]  # the rows without one on summary_day (working days only)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def previous_end(self) -> datetime.date:
        return self.start - datetime.timedelta(days=1)

    @property
    def next_end(self) -> datetime.date:
        return self.end + datetime.timedelta(days=BOARD_DAYS)

    @property
    def shows_today(self) -> bool:
        return self.start <= self.today <= self.end


def _cell(report: dict | None, day: BoardDay) -> BoardCell:
    if report is not None:
        if report["status"] == ReportStatus.SUBMITTED:
            status = CellStatus.ON_TIME if report["on_time"] else CellStatus.LATE
        else:
            status = CellStatus.DRAFT
        report_id = report["id"]
    else:
        report_id = None
        if day.is_future:
            status = CellStatus.FUTURE
        elif not day.working:
            status = CellStatus.OFF
        else:
            status = CellStatus.MISSING
    return BoardCell(date=day.date, status=status, report_id=report_id, working=day.working, is_today=day.is_today)


def filing_board(
    *,
    user: User,
    params: dict | None = None,
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> FilingBoard:
    """Who filed what, per rep and day, for the team ``user`` follows: two queries (the reps, the period's reports)
    and the company calendar of the period's year(s).

    ``params`` are ``FilingBoardParams``' fields (``region``, ``end``, ``week``); invalid ones raise
    ``ValidationError`` (a message per field). A user who does not follow a team gets ``PermissionDenied``.
    """
    if not can_view_filing_board(user):
        raise PermissionDenied(NOT_ON_THE_BOARD)
    today = today or timezone.localdate()
    form = FilingBoardParams(params or {}, user=user, today=today)
    if not form.is_valid():
        raise ValidationError(form.errors)
    start, end = form.period(today)
    region = form.cleaned_data.get("region")

    reps_qs = filing_team(user).select_related("region")
    if region is not None:
        reps_qs = reps_qs.filter(region__path__startswith=region.path)
    reps = list(reps_qs.order_by("last_name", "first_name", "username"))

    reports = (
        DailyReport.objects.filter(reports_visible_q(user), rep__in=[rep.pk for rep in reps], date__range=(start, end))
        .values("id", "rep_id", "date", "status", "on_time")
        .order_by()
    )
    by_rep_day = {(row["rep_id"], row["date"]): row for row in reports}

    calendar = calendar or WorkCalendar()
    days = [
        BoardDay(date=day, working=calendar.is_working_day(day), is_today=day == today, is_future=day > today)
        for day in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    ]
    rows = [BoardRow(rep=rep, cells=[_cell(by_rep_day.get((rep.pk, day.date)), day) for day in days]) for rep in reps]
    # Most missing first, then drafts and late ones: who needs a call comes first.
    rows.sort(key=lambda row: (-row.missing, -row.drafts, -row.late))

    if start <= today <= end:
        summary_day = today
    elif end < today:
        summary_day = end
    else:
        summary_day = None
    summary_working = summary_day is not None and calendar.is_working_day(summary_day)
    filed, not_filed = 0, []
    if summary_day is not None:
        index = (summary_day - start).days
        for row in rows:
            if row.cells[index].status in (CellStatus.ON_TIME, CellStatus.LATE):
                filed += 1
            elif summary_working:
                not_filed.append(row)
    return FilingBoard(
        start=start,
        end=end,
        today=today,
        region=region,
        days=days,
        rows=rows,
        summary_day=summary_day,
        summary_working=summary_working,
        filed=filed,
        not_filed=not_filed,
    )


# --- one report as its page shows it -----------------------------------------------------------------------------

# The columns each section's table shows, in order (field names of its line model).
SECTION_COLUMNS: dict[str, list[str]] = {
    "shelf_display": ["outlet", "product", "facings", "shelf_position", "display_type", "photo"],
    "merchandising": ["outlet", "product", "on_hand", "out_of_stock", "near_expiry", "action_taken"],
    "pop_distribution": ["outlet", "material", "quantity", "photo"],
    "outlet_coverage": ["new_outlets", "outlets_visited", "active_outlets"],
    "pos_sales": ["outlet", "product", "units", "revenue"],
    "promotion_feedback": ["promotion", "outlet", "executed", "actual_price", "consumer_response", "issues", "photo"],
    "regional_sales": ["region", "units", "revenue", "payments_collected", "distributor_stock"],
    "competitor_intel": [
        "brand",
        "product_name",
        "product",
        "observed_price",
        "activity",
        "description",
        "outlet",
        "photo",
    ],
    "customer_feedback": ["customer_type", "category", "text", "outlet", "product"],
}


@dataclass(frozen=True)
class Cell:
    """One value of a line as the page shows it: ``kind`` is "text", "number", "yes_no" or "photo"."""

    value: object
    kind: str = "text"


@dataclass
class LineView:
    line: ReportLine
    cells: list[Cell]
    added_by: ReportAmendment | None = None
    intel: IntelItem | None = None  # marketing's acknowledgement and answer, for intel lines


@dataclass
class ReplacedGroup:
    amendment: ReportAmendment
    lines: list[LineView]


@dataclass
class SectionPage:
    key: str
    label: str
    headers: list[str]
    lines: list[LineView]
    replaced: list[ReplacedGroup]
    nothing_to_report: bool
    missing: bool


@dataclass
class ReportPage:
    report: DailyReport
    sections: list[SectionPage]
    amendments: list[ReportAmendment]


def _value(line: ReportLine, name: str) -> Cell:
    model_field = line._meta.get_field(name)
    if model_field.is_relation:
        related = getattr(line, name)
        if related is None:
            return Cell(None)
        if name == "photo":
            return Cell(related, "photo")
        if name == "outlet":
            return Cell(related.name)
        return Cell(getattr(related, "display_name", None) or getattr(related, "title", None) or str(related))
    if model_field.choices:
        return Cell(getattr(line, f"get_{name}_display")() if getattr(line, name) else None)
    value = getattr(line, name)
    if isinstance(value, bool):
        return Cell(value, "yes_no")
    if isinstance(value, int | Decimal):
        return Cell(value, "number")
    return Cell(value or None)


def _line_view(line: ReportLine, columns: list[str], amendments: dict, intel: dict) -> LineView:
    return LineView(
        line=line,
        cells=[_value(line, name) for name in columns],
        added_by=amendments.get(line.amendment_id),
        intel=intel.get((line.section.value, line.pk)),
    )


def _intel_by_line(report: DailyReport) -> dict[tuple[str, int], IntelItem]:
    items = {}
    for item in report.intel_items.all():
        line_id = item.competitor_intel_id or item.customer_feedback_id or item.promotion_feedback_id
        items[(item.section, line_id)] = item
    return items


def report_page(*, user: User, pk) -> ReportPage:
    """One report ``user`` may see (else ``Http404``), every section ready to show: the current lines with the
    names they point at, the lines amendments replaced (grouped by amendment), the amendments and marketing's
    answers to intel lines. A fixed number of queries whatever the number of lines."""
    report = report_detail(user=user, pk=pk)
    amendments = list(report.amendments.all())
    by_id = {amendment.pk: amendment for amendment in amendments}
    intel = _intel_by_line(report)
    sections = []
    view: SectionView
    for key, view in report_sections(report=report).items():
        model = SECTION_MODELS[key]
        columns = SECTION_COLUMNS[key]
        replaced: dict[int, list[LineView]] = {}
        for line in view.replaced:
            replaced.setdefault(line.superseded_by_id, []).append(_line_view(line, columns, by_id, intel))
        sections.append(
            SectionPage(
                key=key,
                label=view.label,
                headers=[str(model._meta.get_field(name).verbose_name) for name in columns],
                lines=[_line_view(line, columns, by_id, intel) for line in view.lines],
                replaced=[
                    ReplacedGroup(amendment=by_id[amendment_id], lines=lines)
                    for amendment_id, lines in sorted(replaced.items())
                ],
                nothing_to_report=view.nothing_to_report,
                missing=view.missing,
            )
        )
    return ReportPage(report=report, sections=sections, amendments=amendments)
