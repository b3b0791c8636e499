"""The filing board (/reports/board/ and /api/v1/filing-board/): reps × days, who filed on time, late, only a
draft, or not at all; the team a manager follows; constant queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from feedback.selectors.board import CellStatus, filing_board
from tests.factories import DailyReportFactory, UserFactory

from .field_setup import build_field

pytestmark = pytest.mark.django_db
PAGE = "/reports/board/"
API = "/api/v1/filing-board/"
WEDNESDAY = datetime.date(2026, 11, 18)


@pytest.fixture
def f(regions):
    return build_field(regions)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _submitted(rep, date, *, on_time=True):
    return DailyReportFactory(rep=rep, date=date, submitted=True, on_time=on_time)


def _fresh(user) -> User:
    """A new user object, as each request has (no cached roles or region)."""
    return User.objects.get(pk=user.pk)


def _statuses(board, username: str) -> list[str]:
    [row] = [row for row in board.rows if row.rep.username == username]
    return [cell.status for cell in row.cells]


# --- the grid ----------------------------------------------------------------------------------------------------


def test_each_cell_says_on_time_late_draft_missing_or_not_a_working_day(f):
    sh, hz = f.people.rep_sh, f.people.rep_hz
    on_time = _submitted(sh, _day("2026-11-12"))
    late = _submitted(sh, _day("2026-11-13"), on_time=False)
    weekend = _submitted(sh, _day("2026-11-15"))  # filed on a Sunday: shown, although not expected
    draft = DailyReportFactory(rep=sh, date=_day("2026-11-16"))
    for day in ("2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18"):
        _submitted(hz, _day(day))

    board = filing_board(user=_fresh(f.people.mgr_east), today=WEDNESDAY)

    assert (board.start, board.end) == (_day("2026-11-12"), WEDNESDAY)
    assert [day.working for day in board.days] == [True, True, False, False, True, True, True]
    assert [day.is_today for day in board.days] == [False] * 6 + [True]
    assert _statuses(board, "rep.sh") == ["on_time", "late", "off", "on_time", "draft", "missing", "missing"]
    assert _statuses(board, "rep.hz") == ["on_time", "on_time", "off", "off", "on_time", "on_time", "on_time"]
    [sh_row] = [row for row in board.rows if row.rep == sh]
    assert [cell.report_id for cell in sh_row.cells] == [on_time.pk, late.pk, None, weekend.pk, draft.pk, None, None]
    assert (sh_row.missing, sh_row.drafts, sh_row.late, sh_row.on_time) == (2, 1, 1, 2)


def test_days_still_to_come_are_blank(f):
    board = filing_board(user=_fresh(f.people.mgr_east), params={"end": "2026-11-20"}, today=WEDNESDAY)

    assert _statuses(board, "rep.sh")[-3:] == ["missing", CellStatus.FUTURE, CellStatus.FUTURE]
    assert [day.is_future for day in board.days][-3:] == [False, True, True]


def test_rows_with_the_most_missing_days_come_first(f, regions):
    sh, hz = f.people.rep_sh, f.people.rep_hz
    extra = UserFactory(username="rep.sh2", role=Role.SALES_REP, region=regions.sh)
    for day in ("2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18"):
        _submitted(hz, _day(day))
    for day in ("2026-11-12", "2026-11-13", "2026-11-16"):
        _submitted(sh, _day(day))

    board = filing_board(user=_fresh(f.people.mgr_east), today=WEDNESDAY)

    assert [row.rep for row in board.rows] == [extra, sh, hz]
    assert [row.missing for row in board.rows] == [5, 2, 0]


def test_the_summary_counts_who_filed_today_and_names_who_did_not(f, regions):
    _submitted(f.people.rep_sh, WEDNESDAY)
    DailyReportFactory(rep=f.people.rep_hz, date=WEDNESDAY)  # a draft is not filed

    board = filing_board(user=_fresh(f.people.mgr_east), today=WEDNESDAY)

    assert board.summary_day == WEDNESDAY
    assert (board.filed, board.expected) == (1, 2)
    assert [row.rep for row in board.not_filed] == [f.people.rep_hz]


def test_a_past_week_is_summarised_on_its_last_day_and_a_weekend_names_nobody(f):
    _submitted(f.people.rep_sh, _day("2026-11-13"))

    friday = filing_board(user=_fresh(f.people.mgr_east), params={"end": "2026-11-13"}, today=WEDNESDAY)
    sunday = filing_board(user=_fresh(f.people.mgr_east), params={"end": "2026-11-15"}, today=WEDNESDAY)

    assert (friday.summary_day, friday.filed, [r.rep for r in friday.not_filed]) == (
        _day("2026-11-13"),
        1,
        [f.people.rep_hz],
    )
    assert (sunday.summary_day, sunday.summary_working, sunday.not_filed) == (_day("2026-11-15"), False, [])


def test_an_iso_week_shows_monday_to_sunday(f):
    board = filing_board(user=_fresh(f.people.mgr_east), params={"week": "2026-W47"}, today=WEDNESDAY)

    assert (board.start, board.end) == (_day("2026-11-16"), _day("2026-11-22"))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"week": "2026-W60"}, "week"),
        ({"week": "last week"}, "week"),
        ({"end": "2026-13-01"}, "end"),
        ({"week": "2026-W47", "end": "2026-11-18"}, "__all__"),
        ({"region": "999999"}, "region"),
        ({"end": "0001-01-01"}, "end"),  # its 7 days would start before the calendar does
        ({"end": "1999-12-31"}, "end"),
        ({"end": "2027-11-19"}, "end"),  # more than a year after today
        ({"end": "9999-12-31"}, "end"),
        ({"week": "0001-W01"}, "week"),
        ({"week": "1999-W52"}, "week"),  # its Monday is 1999-12-27
        ({"week": "2027-W48"}, "week"),  # Monday 2027-11-22
        ({"week": "9999-W52"}, "week"),
    ],
)
def test_bad_parameters_are_refused_with_a_message_per_field(f, params, field):
    with pytest.raises(ValidationError) as error:
        filing_board(user=_fresh(f.people.mgr_east), params=params, today=WEDNESDAY)

    assert list(error.value.message_dict) == [field]


def test_the_period_is_from_2000_to_a_year_ahead(f):
    manager = _fresh(f.people.mgr_east)
    first = filing_board(user=manager, params={"week": "2000-W01"}, today=WEDNESDAY)
    earliest = filing_board(user=manager, params={"end": "2000-01-01"}, today=WEDNESDAY)
    latest = filing_board(user=manager, params={"end": "2027-11-18"}, today=WEDNESDAY)
    last_week = filing_board(user=manager, params={"week": "2027-W46"}, today=WEDNESDAY)

    assert (first.start, first.end) == (_day("2000-01-03"), _day("2000-01-09"))
    assert (earliest.start, earliest.previous_end) == (_day("1999-12-26"), _day("1999-12-25"))
    assert (latest.end, latest.next_end) == (_day("2027-11-18"), _day("2027-11-25"))
    assert last_week.start == _day("2027-11-15")
    with pytest.raises(ValidationError) as error:
        filing_board(user=manager, params={"end": "1999-12-31"}, today=WEDNESDAY)
    assert error.value.message_dict == {"end": ["Choose a day from 2000-01-01 to 2027-11-18."]}
    with pytest.raises(ValidationError) as error:
        filing_board(user=manager, params={"week": "9999-W52"}, today=WEDNESDAY)
    assert error.value.message_dict == {"week": ["Choose a week from 2000-W01 to 2027-W46."]}


# --- whose board -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reps"),
    [
        ("mgr_east", {"rep.sh", "rep.hz"}),
        ("mgr_north", {"rep.bj"}),
        ("director", {"rep.sh", "rep.hz", "rep.bj"}),
        ("gm", {"rep.sh", "rep.hz", "rep.bj"}),
        ("mkt_staff", {"rep.sh", "rep.hz", "rep.bj"}),
        ("mkt_manager", {"rep.sh", "rep.hz", "rep.bj"}),
    ],
)
def test_a_manager_follows_their_subtree_and_company_readers_everyone(f, who, reps):
    UserFactory(username="rep.gone", role=Role.SALES_REP, region=f.regions.sh, is_active=False)

    board = filing_board(user=_fresh(getattr(f.people, who)), today=WEDNESDAY)

    assert {row.rep.username for row in board.rows} == reps


@pytest.mark.parametrize("who", ["rep_sh", "rep_bj", "hr"])
def test_reps_and_hr_have_no_board(f, who):
    with pytest.raises(PermissionDenied):
        filing_board(user=_fresh(getattr(f.people, who)), today=WEDNESDAY)


def test_the_region_filter_narrows_the_board_inside_ones_territory(f):
    director = filing_board(user=_fresh(f.people.director), params={"region": f.regions.east.pk}, today=WEDNESDAY)
    manager = filing_board(user=_fresh(f.people.mgr_east), params={"region": f.regions.hz.pk}, today=WEDNESDAY)

    assert {row.rep.username for row in director.rows} == {"rep.sh", "rep.hz"}
    assert {row.rep.username for row in manager.rows} == {"rep.hz"}
    with pytest.raises(ValidationError) as error:
        filing_board(user=_fresh(f.people.mgr_east), params={"region": f.regions.bj.pk}, today=WEDNESDAY)
    assert list(error.value.message_dict) == ["region"]


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_page_shows_the_grid_links_filed_cells_and_highlights_today(client, f):
    today = timezone.localdate()
    report = _submitted(f.people.rep_sh, today)
    client.force_login(f.people.mgr_east)

    response = client.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-rep="rep.sh"' in page
    assert 'data-rep="rep.hz"' in page
    assert 'data-rep="rep.bj"' not in page
    assert f'href="/reports/{report.pk}/"' in page
    assert 'aria-current="date"' in page
    assert f'data-date="{today:%Y-%m-%d}" data-status="on_time"' in page
    assert 'data-testid="filed-count">1/2<' in page


def test_the_page_answers_a_bad_parameter_with_the_message(client, f):
    client.force_login(f.people.mgr_east)

    response = client.get(PAGE, {"week": "nope"})

    assert response.status_code == 400
    assert 'data-testid="board-errors"' in response.content.decode()
    assert response.context["board"].end == timezone.localdate()


@pytest.mark.parametrize("params", [{"end": "0001-01-03"}, {"week": "0001-W01"}, {"week": "9999-W52"}])
def test_the_page_answers_a_date_out_of_range_with_the_message(client, f, params):
    client.force_login(f.people.mgr_east)

    response = client.get(PAGE, params)

    assert response.status_code == 400
    assert 'data-testid="board-errors"' in response.content.decode()
    assert list(response.context["errors"]) == list(params)
    assert response.context["board"].end == timezone.localdate()


@pytest.mark.parametrize("who", ["rep_sh", "hr"])
def test_the_page_is_a_403_with_the_reason_for_reps_and_hr(client, f, who):
    client.force_login(getattr(f.people, who))

    response = client.get(PAGE)

    assert response.status_code == 403
    assert "The filing board is for sales managers" in response.content.decode()


# --- the API -----------------------------------------------------------------------------------------------------


def test_the_api_returns_the_same_grid(api_client, f):
    _submitted(f.people.rep_sh, _day("2026-11-12"))
    _submitted(f.people.rep_sh, _day("2026-11-13"), on_time=False)
    api_client.force_authenticate(f.people.mgr_east)

    response = api_client.get(API, {"end": "2026-11-18"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-11-12", "2026-11-18")
    assert [day["working"] for day in body["days"]] == [True, True, False, False, True, True, True]
    [sh] = [row for row in body["rows"] if row["rep"]["username"] == "rep.sh"]
    assert [cell["status"] for cell in sh["cells"]] == [
        "on_time",
        "late",
        "off",
        "off",
        "missing",
        "missing",
        "missing",
    ]
    assert sh["rep"]["region"]["code"] == f.regions.sh.code
    assert sh["missing"] == 3
    assert {row["rep"]["username"] for row in body["rows"]} == {"rep.sh", "rep.hz"}
    assert body["summary"]["expected"] == 2


@pytest.mark.parametrize(("who", "status"), [("rep_sh", 403), ("hr", 403), ("mgr_north", 200), ("gm", 200)])
def test_the_api_is_for_those_who_follow_a_team(api_client, f, who, status):
    api_client.force_authenticate(getattr(f.people, who))

    assert api_client.get(API).status_code == status


def test_the_api_refuses_a_region_outside_the_territory_with_a_400(api_client, f):
    api_client.force_authenticate(f.people.mgr_east)

    response = api_client.get(API, {"region": f.regions.bj.pk, "week": "2026-W99"})

    assert response.status_code == 400
    assert set(response.json()) == {"region", "week"}


@pytest.mark.parametrize(("params", "field"), [({"end": "0001-01-01"}, "end"), ({"week": "9999-W52"}, "week")])
def test_the_api_refuses_a_date_out_of_range_with_a_400(api_client, f, params, field):
    api_client.force_authenticate(f.people.mgr_east)

    response = api_client.get(API, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_api_needs_a_signed_in_user(api_client, f):
    assert api_client.get(API).status_code == 401


# --- query counts ------------------------------------------------------------------------------------------------


def _team(regions, count: int):
    today = timezone.localdate()
    for _ in range(count):
        rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
        for n in range(7):
            if n % 3:
                _submitted(rep, today - datetime.timedelta(days=n), on_time=n % 2 == 0)


def test_the_page_and_the_api_use_the_same_queries_for_5_and_50_reps(
    client, api_client, f, django_assert_max_num_queries
):
    _team(f.regions, 3)  # 5 with rep.sh and rep.hz
    client.force_login(f.people.mgr_east)
    api_client.force_authenticate(_fresh(f.people.mgr_east))
    with django_assert_max_num_queries(12) as page_few:
        assert len(client.get(PAGE).context["board"].rows) == 5
    with django_assert_max_num_queries(6) as api_few:
        assert len(api_client.get(API).json()["rows"]) == 5
    _team(f.regions, 45)
    api_client.force_authenticate(_fresh(f.people.mgr_east))
    with django_assert_max_num_queries(len(page_few.captured_queries)):
        assert len(client.get(PAGE).context["board"].rows) == 50
    with django_assert_max_num_queries(len(api_few.captured_queries)):
        assert len(api_client.get(API).json()["rows"]) == 50
