"""The company calendar: which days are worked and how many working hours lie between two moments.

A day is a working day when it is Monday to Friday, unless ``CalendarDay`` says otherwise (a public holiday on a
weekday, or a weekend make-up day). A working day's hours run from ``WORKDAY_START`` to ``WORKDAY_END`` (settings,
company time zone). SLA due times ("24 working hours") and overdue checks are computed here and nowhere else.

A ``WorkCalendar`` reads the exceptions of a whole year in one query the first time it needs that year, so a list
that computes "time left" for many rows costs one query, not one per row.
"""

import datetime
from functools import cache

from django.conf import settings
from django.utils import timezone

from .models import CalendarDay


@cache
def _workday_bounds() -> tuple[datetime.time, datetime.time]:
    return datetime.time.fromisoformat(settings.WORKDAY_START), datetime.time.fromisoformat(settings.WORKDAY_END)


class WorkCalendar:
    """Working days and hours, with the calendar exceptions loaded a year at a time."""

    def __init__(self) -> None:
        self._exceptions: dict[datetime.date, bool] = {}
        self._years: set[int] = set()

    def _load(self, year: int) -> None:
        if year in self._years:
            return
        rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
        self._exceptions.update(dict(rows))
        self._years.add(year)

    def is_working_day(self, day: datetime.date) -> bool:
        self._load(day.year)
        if day in self._exceptions:
            return self._exceptions[day]
        return day.weekday() < 5

    def working_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The working days from ``start`` to ``end`` inclusive, in order."""
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def _window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        start, end = _workday_bounds()
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.datetime.combine(day, start), tz),
            timezone.make_aware(datetime.datetime.combine(day, end), tz),
        )

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment ``hours`` working hours after ``start`` (a request at Friday 16:00 with 24 h is due the
        following Wednesday 16:00 with the default 8-hour day and no holiday)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = datetime.timedelta(hours=hours)
        moment = timezone.localtime(start)
        day = moment.date()
        for _ in range(3660):  # ten years of days: a bound, never reached by a real SLA
            if self.is_working_day(day):
                opens, closes = self._window(day)
                moment = max(moment, opens)
                if moment < closes:
                    available = closes - moment
                    if remaining <= available:
                        return moment + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
            moment = self._window(day)[0]
        raise ValueError("no working time in the next ten years: check the company calendar")

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working hours from ``start`` to ``end``; negative when ``end`` is before ``start`` (time overdue)."""
        if end < start:
            return -self.working_hours_between(end, start)
        total = datetime.timedelta()
        day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += hi - lo
            day += datetime.timedelta(days=1)
        return total.total_seconds() / 3600


def is_working_day(day: datetime.date) -> bool:
    """One-off check (one query); for many days use one ``WorkCalendar``."""
    return WorkCalendar().is_working_day(day)
