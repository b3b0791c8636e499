"""The ``--date`` option every job command shares (the jobs run by hand for a given day)."""

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
