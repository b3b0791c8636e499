"""The field reports follow the company calendar: a holiday on a weekday is not a missing day, a worked Saturday
(make-up day) is — on the rep's history, the home page and the filing board."""

import datetime

import pytest

from accounts.calendar import WorkCalendar
from accounts.models import CalendarDay
from feedback.selectors.board import CellStatus, filing_board, is_working_day, rep_today, report_missing_days
from tests.factories import DailyReportFactory

from .field_setup import build_field

pytestmark = pytest.mark.django_db

HOLIDAY = datetime.date(2026, 10, 1)  # Thursday, National Day
MAKE_UP = datetime.date(2026, 10, 10)  # Saturday, worked
MONDAY = datetime.date(2026, 10, 12)


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture(autouse=True)
def _calendar(db, settings):
    settings.REPORT_BACKFILL_DAYS = 3
    CalendarDay.objects.create(date=HOLIDAY, is_working_day=False, name="National Day")
    CalendarDay.objects.create(date=MAKE_UP, is_working_day=True, name="National Day make-up day")


def test_the_working_day_rule_reads_the_company_calendar():
    calendar = WorkCalendar()
    assert [is_working_day(day, calendar) for day in (HOLIDAY, MAKE_UP, MONDAY, MONDAY - datetime.timedelta(1))] == [
        False,
        True,
        True,
        False,
    ]


def test_a_holiday_is_not_a_missing_day_and_a_make_up_saturday_is(f):
    missing = [day.date for day in report_missing_days(rep=f.people.rep_sh, today=MONDAY, days=14)]

    assert HOLIDAY not in missing
    assert MAKE_UP in missing
    assert missing == [
        MONDAY,
        MAKE_UP,
        datetime.date(2026, 10, 9),
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 7),
        datetime.date(2026, 10, 6),
        datetime.date(2026, 10, 5),
        datetime.date(2026, 10, 2),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 9, 29),
    ]


def test_the_home_asks_to_catch_up_a_make_up_saturday(f):
    owed = rep_today(rep=f.people.rep_sh, today=MONDAY)

    # The window is Friday 9 .. Sunday 11: Saturday 10 is worked, Sunday is not.
    assert [day.date for day in owed.catch_up] == [MAKE_UP, datetime.date(2026, 10, 9)]


def test_a_rep_is_not_asked_for_a_report_on_a_holiday(f):
    assert rep_today(rep=f.people.rep_sh, today=HOLIDAY).working_day is False


def test_the_filing_board_greys_the_holiday_and_asks_for_the_make_up_day(f):
    DailyReportFactory(rep=f.people.rep_sh, date=datetime.date(2026, 10, 2), submitted=True, on_time=True)

    holiday_week = filing_board(user=f.people.mgr_east, params={"end": "2026-10-04"}, today=MONDAY)
    make_up_week = filing_board(user=f.people.mgr_east, params={"end": "2026-10-11"}, today=MONDAY)

    row = next(r for r in holiday_week.rows if r.rep == f.people.rep_sh)
    assert {cell.date: cell.status for cell in row.cells}[HOLIDAY] == CellStatus.OFF
    row = next(r for r in make_up_week.rows if r.rep == f.people.rep_sh)
    assert {cell.date: cell.status for cell in row.cells}[MAKE_UP] == CellStatus.MISSING
    assert {cell.date: cell.status for cell in row.cells}[datetime.date(2026, 10, 11)] == CellStatus.OFF
