"""The ``--date`` and ``--at`` options the job commands share (the jobs run by hand for a given day or moment)."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def command_day(value: str | None, *, days_back: int = 0) -> datetime.date:
    """``--date``'s day (YYYY-MM-DD), or today in the company time zone minus ``days_back`` when not given."""
    if not value:
        return timezone.localdate() - datetime.timedelta(days=days_back)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from None


def command_moment(value: str | None) -> datetime.datetime:
    """``--at``'s moment (an ISO date-time; without an offset, read in the company time zone), or now."""
    if not value:
        return timezone.now()
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at must be an ISO date-time, not {value!r}.") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
