"""/reports/: a rep's history with the days they missed; the filtered list for managers and company readers."""

import datetime

import pytest
from django.utils import timezone

from feedback.models import ReportStatus
from feedback.selectors.board import filing_window_start, is_working_day, report_missing_days, working_days
from tests.factories import DailyReportFactory

from .field_setup import build_field

pytestmark = pytest.mark.django_db
URL = "/reports/"
THURSDAY = datetime.date(2026, 11, 19)


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture(autouse=True)
def _backfill(settings):
    settings.REPORT_BACKFILL_DAYS = 3


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _submitted(rep, date, *, on_time=True):
    return DailyReportFactory(rep=rep, date=date, submitted=True, on_time=on_time)


# --- the working-day rule and the missing days -------------------------------------------------------------------


def test_working_days_are_monday_to_friday():
    assert [is_working_day(_day("2026-11-16") + datetime.timedelta(days=n)) for n in range(7)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert working_days(_day("2026-11-13"), _day("2026-11-17")) == [
        _day("2026-11-13"),
        _day("2026-11-16"),
        _day("2026-11-17"),
    ]


def test_missing_days_skip_weekends_and_days_with_any_report_and_mark_the_back_filing_window(f):
    rep = f.people.rep_sh
    _submitted(rep, _day("2026-11-18"))
    DailyReportFactory(rep=rep, date=_day("2026-11-17"))  # a draft: listed with the reports, not missing
    _submitted(rep, _day("2026-10-20"))  # just before the 30 days: changes nothing
    _submitted(f.people.rep_hz, _day("2026-11-12"))  # someone else's report does not count

    missing = report_missing_days(rep=rep, today=THURSDAY)

    # 22 working days from Wed 2026-10-21 (30 days back, today included) to Thu 2026-11-19, minus the two filed.
    assert len(missing) == 20
    assert all(day.date.weekday() < 5 for day in missing)
    assert [(d.date, d.can_file, d.is_today) for d in missing[:3]] == [
        (_day("2026-11-19"), True, True),
        (_day("2026-11-16"), True, False),  # today - 3: the window's first day, still open
        (_day("2026-11-13"), False, False),  # today - 6: closed
    ]
    assert missing[-1].date == _day("2026-10-21")
    assert _day("2026-11-12") in [d.date for d in missing]
    assert filing_window_start(THURSDAY) == _day("2026-11-16")


def test_the_window_follows_the_setting(f, settings):
    settings.REPORT_BACKFILL_DAYS = 0

    missing = report_missing_days(rep=f.people.rep_sh, today=THURSDAY)

    assert [d.date for d in missing if d.can_file] == [THURSDAY]


def test_a_rep_who_filed_every_working_day_misses_nothing(f):
    for day in working_days(THURSDAY - datetime.timedelta(days=29), THURSDAY):
        _submitted(f.people.rep_sh, day)

    assert report_missing_days(rep=f.people.rep_sh, today=THURSDAY) == []


# --- the rep's page ----------------------------------------------------------------------------------------------


def test_a_rep_sees_their_own_reports_newest_first_and_the_days_to_file(client, f):
    today = timezone.localdate()
    rep = f.people.rep_sh
    older = _submitted(rep, today - datetime.timedelta(days=9), on_time=False)
    newer = DailyReportFactory(rep=rep, date=today - datetime.timedelta(days=8))
    _submitted(f.people.rep_hz, today - datetime.timedelta(days=8))
    open_day = next(
        today - datetime.timedelta(days=n) for n in range(1, 4) if is_working_day(today - datetime.timedelta(days=n))
    )
    closed_day = next(
        today - datetime.timedelta(days=n) for n in range(10, 20) if is_working_day(today - datetime.timedelta(days=n))
    )
    client.force_login(rep)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["mine"] is True
    assert list(response.context["page_obj"].object_list) == [newer, older]
    page = response.content.decode()
    assert f'href="/reports/new/?date={open_day:%Y-%m-%d}"' in page
    assert f'data-date="{closed_day:%Y-%m-%d}"' in page
    assert f'href="/reports/new/?date={closed_day:%Y-%m-%d}"' not in page
    assert f'data-date="{newer.date:%Y-%m-%d}"' not in page  # a draft day is not missing
    assert 'data-testid="report-filters"' not in page
    assert f'href="/reports/{newer.pk}/"' in page


def test_a_rep_with_nothing_missing_is_told_so(client, f):
    today = timezone.localdate()
    for day in working_days(today - datetime.timedelta(days=29), today):
        _submitted(f.people.rep_sh, day)
    client.force_login(f.people.rep_sh)

    response = client.get(URL)

    assert response.context["missing_days"] == []
    assert 'data-testid="no-missing-days"' in response.content.decode()


# --- who sees which reports --------------------------------------------------------------------------------------


def _reports(f):
    day = timezone.localdate() - datetime.timedelta(days=5)
    return {
        "sh": _submitted(f.people.rep_sh, day),
        "hz": DailyReportFactory(rep=f.people.rep_hz, date=day),
        "bj": _submitted(f.people.rep_bj, day),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("rep_sh", {"sh"}),
        ("rep_hz", {"hz"}),
        ("rep_bj", {"bj"}),
        ("mgr_east", {"sh", "hz"}),
        ("mgr_north", {"bj"}),
        ("mkt_staff", {"sh", "hz", "bj"}),
        ("director", {"sh", "hz", "bj"}),
        ("gm", {"sh", "hz", "bj"}),
    ],
)
def test_the_list_shows_only_the_reports_one_may_see(client, f, who, sees):
    reports = _reports(f)
    client.force_login(getattr(f.people, who))

    response = client.get(URL)

    assert response.status_code == 200
    assert {report.pk for report in response.context["page_obj"].object_list} == {reports[k].pk for k in sees}


def test_hr_gets_a_403_with_the_reason(client, f):
    _reports(f)
    client.force_login(f.people.hr)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Field reports are not used by your role." in response.content.decode()


def test_a_manager_filters_by_rep_region_status_and_dates(client, f):
    reports = _reports(f)
    today = timezone.localdate()
    old = _submitted(f.people.rep_sh, today - datetime.timedelta(days=20))
    client.force_login(f.people.mgr_east)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return {report.pk for report in response.context["page_obj"].object_list}

    assert ids(rep=f.people.rep_hz.pk) == {reports["hz"].pk}
    assert ids(region=f.regions.sh.pk) == {reports["sh"].pk, old.pk}
    assert ids(status=ReportStatus.DRAFT) == {reports["hz"].pk}
    assert ids(date_from=(today - datetime.timedelta(days=10)).isoformat()) == {reports["sh"].pk, reports["hz"].pk}
    assert ids(date_to=(today - datetime.timedelta(days=10)).isoformat()) == {old.pk}
    # Another region's rep or region filters to nothing: the manager's scope still applies.
    assert ids(rep=f.people.rep_bj.pk) == set()
    assert ids(region=f.regions.bj.pk) == set()


def test_a_bad_filter_shows_the_message_and_no_reports(client, f):
    _reports(f)
    client.force_login(f.people.director)

    response = client.get(URL, {"date_from": "yesterday", "status": "lost"})

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []
    assert set(response.context["filter_form"].errors) == {"date_from", "status"}
    assert 'role="alert"' in response.content.decode()


def test_the_list_shows_status_lateness_and_amendments(client, f):
    report = _submitted(f.people.rep_sh, timezone.localdate() - datetime.timedelta(days=2), on_time=False)
    report.amendments.create(author=f.people.rep_sh, reason="typo", client_uuid="0" * 32, sections=[])
    client.force_login(f.people.mgr_east)

    page = client.get(URL).content.decode()

    assert "late" in page
    assert "1 amendment" in page


# --- query counts ------------------------------------------------------------------------------------------------


def _many(f, count: int):
    today = timezone.localdate()
    existing = set(f.people.rep_sh.daily_reports.values_list("date", flat=True))  # one report per rep per day
    days = [
        today - datetime.timedelta(days=n) for n in range(1, 200) if today - datetime.timedelta(days=n) not in existing
    ]
    for day in days[:count]:
        _submitted(f.people.rep_sh, day)


@pytest.mark.parametrize("who", ["rep_sh", "mgr_east", "director"])
def test_the_list_uses_the_same_queries_for_5_and_50_reports(client, f, django_assert_max_num_queries, who):
    user = getattr(f.people, who)
    _many(f, 5)
    client.force_login(user)
    with django_assert_max_num_queries(14) as few:
        assert client.get(URL).status_code == 200
    _many(f, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.context["page_obj"].paginator.count == 50
