"""The daily report reminder and the missing-report escalation (DESIGN §4), run by beat and by hand.

Both ask the company calendar whether ``day`` is a working day (holidays send nothing, make-up days send), find the
people in a fixed number of queries whatever the number of reps, and notify through ``accounts.notifications`` with
a key naming the kind and the day — so a second run, or two beat instances at the same minute, sends nothing twice.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.calendar import WorkCalendar
from accounts.models import NotificationKind, User
from accounts.notifications import notify
from accounts.permissions import sees_whole_company
from accounts.roles import Role

from ..selectors.board import reps_not_filed

# How far back to look for the previous working day: longer than any holiday the company calendar can hold.
_PREVIOUS_WORKING_DAY_SEARCH = 60


def day_text(day: datetime.date) -> str:
    """A day as people read it in a notification, in the active language: "2026-03-02 (Monday)"."""
    return f"{day.isoformat()} ({date_format(day, 'l')})"


def previous_working_day(day: datetime.date, calendar: WorkCalendar) -> datetime.date | None:
    """The last working day before ``day`` (None if the calendar shows none in the last two months)."""
    for back in range(1, _PREVIOUS_WORKING_DAY_SEARCH + 1):
        earlier = day - datetime.timedelta(days=back)
        if calendar.is_working_day(earlier):
            return earlier
    return None


@transaction.atomic
def report_reminders_send(*, day: datetime.date) -> int:
    """Remind every rep expected to file who has no submitted report for ``day`` (a working day; else nothing).

    Reps with a draft read "submit your draft", the others "file your report"; each rep is reminded once per day
    (key ``report_reminder:<day>``). Returns the number of reminders created now. A constant number of queries.
    """
    if not WorkCalendar().is_working_day(day):
        return 0
    reps = list(reps_not_filed(day=day))
    with_draft = [rep for rep in reps if rep.draft_id is not None]
    nothing_yet = [rep for rep in reps if rep.draft_id is None]
    key = f"report_reminder:{day.isoformat()}"
    url = f"{reverse('feedback:report_new')}?date={day.isoformat()}"

    def draft_message():
        return (
            _("Your report for %(day)s is still a draft") % {"day": day_text(day)},
            _("Submit it today: marketing and your manager only see submitted reports."),
        )

    def nothing_message():
        return (
            _("No field report yet for %(day)s") % {"day": day_text(day)},
            _("File your daily report (the nine sections, or “nothing to report”) before the end of the day."),
        )

    created = notify(
        recipients=with_draft, kind=NotificationKind.REPORT_REMINDER, key=key, message=draft_message, url=url
    )
    created += notify(
        recipients=nothing_yet, kind=NotificationKind.REPORT_REMINDER, key=key, message=nothing_message, url=url
    )
    return len(created)


def _team_of(manager: User, reps: list[User]) -> list[User]:
    """The reps on ``manager``'s filing board (``feedback.selectors.board.filing_team``): their region subtree, or
    everyone for a manager who also reads the whole company."""
    if sees_whole_company(manager):
        return [rep for rep in reps if rep.pk != manager.pk]
    path = manager.region.path
    return [rep for rep in reps if rep.pk != manager.pk and rep.region.path.startswith(path)]


@transaction.atomic
def missing_reports_escalate(*, day: datetime.date) -> int:
    """On working day ``day``, tell each sales manager which reps of their team did not submit a report on the
    previous working day: one notification per manager (key ``missing_reports:<previous day>``), none when the
    whole team filed. Returns the number of notifications created now.

    Queries: the calendar, the reps who missed (one), the managers (two), then one ``notify`` per manager with
    someone to report — never a query per rep.
    """
    calendar = WorkCalendar()
    if not calendar.is_working_day(day):
        return 0
    previous = previous_working_day(day, calendar)
    if previous is None:
        return 0
    missed = list(reps_not_filed(day=previous))
    if not missed:
        return 0
    managers = (
        User.objects.filter(is_active=True, region__isnull=False, groups__name=Role.SALES_MANAGER)
        .select_related("region")
        .prefetch_related("groups")
        .order_by("pk")
    )
    shown = previous.isoformat()
    key = f"missing_reports:{shown}"
    url = f"{reverse('feedback:filing_board')}?end={shown}"
    created = []
    for manager in managers:
        team = _team_of(manager, missed)
        if not team:
            continue

        def message(team=team):
            names = ", ".join(f"{rep.display_name} ({rep.region.display_name})" for rep in team)
            title = ngettext(
                "%(count)s rep did not submit a report for %(day)s",
                "%(count)s reps did not submit a report for %(day)s",
                len(team),
            ) % {"count": len(team), "day": day_text(previous)}
            return title, _("Missing: %(names)s.") % {"names": names}

        created += notify(
            recipients=[manager], kind=NotificationKind.MISSING_REPORTS, key=key, message=message, url=url
        )
    return len(created)
