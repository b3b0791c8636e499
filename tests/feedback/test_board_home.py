"""The home page's report sections (a rep's today and days to catch up, a manager's team not filed today) and the
navigation entries to the reports and the filing board."""

import datetime

import pytest

from accounts.calendar import WorkCalendar
from accounts.roles import Role
from coordination.selectors import home_sections
from feedback.selectors.board import rep_today
from tests.factories import DailyReportFactory, UserFactory

from .field_setup import build_field

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2026, 11, 18)
SUNDAY = datetime.date(2026, 11, 22)


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture(autouse=True)
def _backfill(settings):
    settings.REPORT_BACKFILL_DAYS = 3


@pytest.fixture
def on_day(monkeypatch):
    def set_today(day: datetime.date):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


def _sections(user) -> dict[str, list[tuple[str, str, str]]]:
    return {
        str(section.title): [(str(item.title), str(item.detail), item.url) for item in section.items]
        for section in home_sections(user=user)
    }


def _submitted(rep, date):
    return DailyReportFactory(rep=rep, date=date, submitted=True)


def test_a_rep_is_asked_for_todays_report_and_the_open_days_before(f, on_day):
    on_day(WEDNESDAY)
    draft = DailyReportFactory(rep=f.people.rep_sh, date=datetime.date(2026, 11, 16))
    _submitted(f.people.rep_sh, datetime.date(2026, 11, 13))  # outside the window anyway

    sections = _sections(f.people.rep_sh)

    assert sections["Today's report"] == [("File today's report", "Not filed yet", "/reports/today/")]
    assert sections["Days to catch up"] == [
        ("2026-11-17", "No report", "/reports/new/?date=2026-11-17"),
        ("2026-11-16", "Draft not submitted", f"/reports/{draft.pk}/edit/"),
    ]


def test_a_draft_today_is_continued_and_a_filed_one_is_ticked(f, on_day):
    on_day(WEDNESDAY)
    draft = DailyReportFactory(rep=f.people.rep_sh, date=WEDNESDAY)
    assert _sections(f.people.rep_sh)["Today's report"] == [
        ("Continue today's report", "Draft saved, not submitted yet", "/reports/today/")
    ]
    draft.delete()
    filed = _submitted(f.people.rep_sh, WEDNESDAY)
    for day in (datetime.date(2026, 11, 16), datetime.date(2026, 11, 17)):
        _submitted(f.people.rep_sh, day)

    sections = _sections(f.people.rep_sh)

    assert sections["Today's report"] == [("Today's report is filed ✓", "2026-11-18", f"/reports/{filed.pk}/")]
    assert "Days to catch up" not in sections


def test_on_a_weekend_nothing_is_asked_for_today_but_friday_can_still_be_caught_up(f, on_day):
    on_day(SUNDAY)

    sections = _sections(f.people.rep_sh)

    assert "Today's report" not in sections
    assert [title for title, _detail, _url in sections["Days to catch up"]] == ["2026-11-20", "2026-11-19"]


def test_the_rep_selector_reads_one_query(f, django_assert_num_queries):
    DailyReportFactory(rep=f.people.rep_sh, date=WEDNESDAY)
    calendar = WorkCalendar()
    calendar.is_working_day(WEDNESDAY)  # the request's company calendar reads its year once (one query)
    with django_assert_num_queries(1):
        owed = rep_today(rep=f.people.rep_sh, today=WEDNESDAY, calendar=calendar)
    assert (owed.status, owed.working_day, [d.date for d in owed.catch_up]) == (
        "draft",
        True,
        [datetime.date(2026, 11, 17), datetime.date(2026, 11, 16)],
    )


@pytest.mark.parametrize(
    ("who", "names"),
    [("mgr_east", ["rep_hz"]), ("mgr_north", ["rep_bj"]), ("director", None), ("mkt_staff", None), ("hr", None)],
)
def test_a_sales_manager_sees_who_of_the_team_has_not_filed_today(f, on_day, who, names):
    on_day(WEDNESDAY)
    _submitted(f.people.rep_sh, WEDNESDAY)
    DailyReportFactory(rep=f.people.rep_hz, date=WEDNESDAY)  # a draft is not filed

    sections = _sections(getattr(f.people, who))

    if names is None:
        assert "Not filed today" not in sections
    else:
        expected = [getattr(f.people, name) for name in names]
        assert sections["Not filed today"] == [
            (rep.display_name, rep.region.display_name, "/reports/board/") for rep in expected
        ]


def test_a_manager_sees_nothing_to_chase_on_a_weekend_or_when_all_filed(f, on_day):
    on_day(SUNDAY)
    assert "Not filed today" not in _sections(f.people.mgr_east)
    on_day(WEDNESDAY)
    _submitted(f.people.rep_sh, WEDNESDAY)
    _submitted(f.people.rep_hz, WEDNESDAY)
    assert "Not filed today" not in _sections(f.people.mgr_east)


def test_the_home_page_shows_the_sections(client, f, on_day):
    on_day(WEDNESDAY)
    client.force_login(f.people.mgr_east)

    page = client.get("/").content.decode()

    assert "Not filed today" in page
    assert 'href="/reports/board/"' in page


def test_a_managers_home_uses_the_same_queries_for_5_and_50_reps(client, f, on_day, django_assert_max_num_queries):
    on_day(WEDNESDAY)

    def reps(count):
        for _ in range(count):
            UserFactory(role=Role.SALES_REP, region=f.regions.hz)

    reps(3)
    client.force_login(f.people.mgr_east)
    # 9 before approvals, + the company calendar and the "Waiting for your decision" section (one query each),
    # + "Action items due"
    with django_assert_max_num_queries(12) as few:
        assert client.get("/").status_code == 200
    reps(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    [section] = [s for s in response.context["sections"] if s.title == "Not filed today"]
    assert len(section.items) == 10


# --- navigation --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reports", "board"),
    [
        ("rep_sh", True, False),
        ("mgr_east", True, True),
        ("mkt_staff", True, False),
        ("director", True, False),
        ("gm", True, False),
        ("hr", False, False),
    ],
)
def test_the_menu_offers_reports_to_who_reads_them_and_the_board_to_sales_managers(client, f, who, reports, board):
    client.force_login(getattr(f.people, who))

    page = client.get("/").content.decode()

    assert ('<a href="/reports/">' in page) is reports
    assert ('<a href="/reports/board/"' in page) is board


def test_on_the_board_the_board_entry_is_current_not_reports(client, f):
    client.force_login(f.people.mgr_east)

    page = client.get("/reports/board/").content.decode()

    assert '<a href="/reports/board/" aria-current="page">' in page
    assert '<a href="/reports/">' in page
