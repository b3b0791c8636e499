"""The company calendar (accounts.calendar): working hours over weekends, holidays and make-up days, before opening
time and across days; negative time left; one query per year of calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.calendar import WorkCalendar, is_working_day
from accounts.models import CalendarDay

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def holiday(day: datetime.date, name: str = "Holiday") -> CalendarDay:
    return CalendarDay.objects.create(date=day, is_working_day=False, name=name)


def make_up_day(day: datetime.date, name: str = "Make-up day") -> CalendarDay:
    return CalendarDay.objects.create(date=day, is_working_day=True, name=name)


def test_a_friday_afternoon_request_with_24_hours_is_due_on_wednesday():
    # Friday 6 March 16:00: 1 h on Friday, 8 on Monday, 8 on Tuesday, 7 on Wednesday.
    assert WorkCalendar().add_working_hours(at(3, 6, 16), 24) == at(3, 11, 16)


def test_a_holiday_on_a_weekday_pushes_the_due_time_a_day():
    holiday(datetime.date(2026, 3, 10))
    assert WorkCalendar().add_working_hours(at(3, 6, 16), 24) == at(3, 12, 16)


def test_a_make_up_saturday_counts_as_a_working_day():
    make_up_day(datetime.date(2026, 3, 7))
    # Friday 1 h, Saturday 8, Monday 8, Tuesday 7.
    assert WorkCalendar().add_working_hours(at(3, 6, 16), 24) == at(3, 10, 16)


def test_hours_run_across_days_inside_the_working_window():
    assert WorkCalendar().add_working_hours(at(3, 2, 10), 10) == at(3, 3, 12)
    assert WorkCalendar().add_working_hours(at(3, 2, 10), 7) == at(3, 2, 17)


def test_a_request_before_opening_time_starts_at_opening():
    assert WorkCalendar().add_working_hours(at(3, 2, 7, 30), 2) == at(3, 2, 11)


def test_a_request_after_closing_or_at_the_weekend_starts_the_next_working_morning():
    assert WorkCalendar().add_working_hours(at(3, 2, 18), 1) == at(3, 3, 10)
    assert WorkCalendar().add_working_hours(at(3, 7, 12), 1) == at(3, 9, 10)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        WorkCalendar().add_working_hours(at(3, 2), -1)


def test_working_hours_between_counts_only_working_time_and_is_negative_when_overdue():
    calendar = WorkCalendar()
    assert calendar.working_hours_between(at(3, 6, 16), at(3, 11, 16)) == 24
    assert calendar.working_hours_between(at(3, 3, 12), at(3, 2, 10)) == -10
    assert calendar.working_hours_between(at(3, 7, 9), at(3, 8, 17)) == 0


def test_the_calendar_reads_one_query_per_year(django_assert_num_queries):
    holiday(datetime.date(2026, 10, 1), "National Day")
    holiday(datetime.date(2027, 1, 1), "New Year")
    calendar = WorkCalendar()

    with django_assert_num_queries(1):
        days = calendar.working_days(datetime.date(2026, 9, 28), datetime.date(2026, 10, 4))
        assert calendar.add_working_hours(at(3, 6, 16), 24) == at(3, 11, 16)
    assert days == [
        datetime.date(2026, 9, 28),
        datetime.date(2026, 9, 29),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 10, 2),
    ]
    with django_assert_num_queries(1):
        assert calendar.is_working_day(datetime.date(2027, 1, 1)) is False
        assert calendar.working_hours_between(at(12, 31, 9), at(1, 4, 17, year=2027)) == 16
    with django_assert_num_queries(0):
        assert calendar.is_working_day(datetime.date(2026, 12, 31)) is True


def test_the_one_off_check_follows_the_calendar():
    holiday(datetime.date(2026, 5, 1), "Labour Day")
    make_up_day(datetime.date(2026, 5, 9))
    assert (is_working_day(datetime.date(2026, 5, 1)), is_working_day(datetime.date(2026, 5, 9))) == (False, True)
    assert (is_working_day(datetime.date(2026, 5, 4)), is_working_day(datetime.date(2026, 5, 10))) == (True, False)
