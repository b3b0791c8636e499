"""The joint KPIs on a hand-built September (tests/coordination/kpi_world.py): every figure exact, the rollups equal
to the raw facts, rebuilds idempotent, the composite and the ranking, query counts that do not grow."""

import datetime
from decimal import Decimal

import pytest

from accounts.roles import Role
from coordination.kpis import BY_KEY, composite
from coordination.models import KpiDaily, KpiMonthly, KpiScheme
from coordination.selectors.kpis import kpi_groups, kpi_person, kpi_scorecards, kpi_trend, period_parse
from coordination.services.kpi_rollups import (
    COUNTERS,
    MONTHLY_ONLY,
    kpi_counters_raw,
    kpi_rollups_nightly,
    kpi_rollups_rebuild,
)
from tests.factories import UserFactory
from tests.factories.feedback import RegionalSalesLineFactory

from .kpi_world import SEPTEMBER, SEPTEMBER_END, build_world, filed_report

pytestmark = pytest.mark.django_db

SEP = period_parse("2026-09")


@pytest.fixture
def world(regions):
    w = build_world(regions)
    kpi_rollups_rebuild(SEPTEMBER, SEPTEMBER_END)
    return w


def _values(user, person) -> dict:
    return kpi_person(user=user, pk=person.pk, period=SEP).values


def test_a_reps_figures_are_exact(world):
    values = _values(world.hr, world.rep_a)
    assert values == {
        "attainment_revenue": 20.0,  # 1,000 + 700 (amended) + 300 (holiday report) of 10,000
        "attainment_units": 20.0,  # 100 + 70 + 30 of 1,000; the draft's 999 and the replaced 50 don't count
        "filing_rate": 19.0,  # 4 of 21 working days (the holiday report is not a working day's)
        "on_time_rate": 75.0,  # 3 of 4
        "completeness": 16.7,  # 2 + 2 + 1 + 1 sections with items of 4 × 9
        "intel_contributed": 2,  # the replaced item is not counted
        "intel_useful_rate": 50.0,
        "promotion_execution": 50.0,  # one of his two outlets checked
        "price_compliance": 50.0,  # 10.00 within 9–12, 8.00 below the floor
        "feedback_followed": 50.0,
        "actions_on_time": None,  # none due
    }


def test_a_rep_who_moved_mid_month_keeps_each_day_where_it_was_filed(world):
    values = _values(world.hr, world.rep_b)
    assert values["filing_rate"] == 9.5  # 2 of 21
    assert values["attainment_revenue"] is None  # no target: nothing to measure, not 0
    rows = {
        row["region__code"]: row
        for row in KpiMonthly.objects.filter(person=world.rep_b).values("region__code", "days_filed", "days_expected")
    }
    assert rows == {
        "BJ": {"region__code": "BJ", "days_filed": 1, "days_expected": 1},
        "SH": {"region__code": "SH", "days_filed": 1, "days_expected": 20},
    }


def test_a_sales_managers_figures_are_exact(world):
    assert _values(world.hr, world.manager) == {
        "team_attainment": 50.0,  # East: 2,000 (rep_a) + 500 (rep_b in Shanghai) of 5,000; Beijing's 400 not East
        "team_filing_rate": 12.2,  # (4 + 1) of (21 + 20)
        "endorsement_hours": 27.0,  # (6 + 48) / 2
        "consultation_response": 50.0,  # one answered, one left to the deadline
        "consultation_hours": 4.0,
        "actions_on_time": None,
    }


def test_marketings_figures_are_exact(world):
    assert _values(world.hr, world.marketer) == {
        "region_attainment": 50.0,
        "proposals_approved": 1,  # the other's approval closed in August
        "proposals_executed": 1,
        "executability": 4.5,
        "review_hours": 12.0,
        "review_sla": 100.0,
        "intel_acknowledged": 1,
        "intel_answer_hours": 16.0,
        "plan_ack_rate": 50.0,  # rep_a of the two reps in East
        "actions_on_time": 50.0,  # the cancelled one is not due
    }


def test_the_composite_is_the_mean_of_the_parts_with_equal_weights_until_hr_sets_them(world):
    card = kpi_person(user=world.hr, pk=world.rep_a.pk, period=SEP)
    # (20 + 20 + 19.0 + 75 + 16.7 + 50 + 50 + 50 + 50) / 9; counts and empty parts are left out
    assert card.composite == 39.0
    KpiScheme.objects.create(
        role=Role.SALES_REP, valid_from=datetime.date(2026, 9, 1), weights={"filing_rate": 3, "on_time_rate": 1}
    )
    card = kpi_person(user=world.hr, pk=world.rep_a.pk, period=SEP)
    assert card.composite == round((3 * 19.0 + 75.0) / 4, 1)
    assert card.weights == {"filing_rate": 3, "on_time_rate": 1}
    # a scheme from a later month does not apply to September
    KpiScheme.objects.create(role=Role.SALES_REP, valid_from=datetime.date(2026, 10, 1), weights={"completeness": 1})
    assert kpi_person(user=world.hr, pk=world.rep_a.pk, period=SEP).composite == 33.0


def test_composite_caps_parts_at_100_and_counts_a_rating_as_20_per_point():
    values = {"attainment_revenue": 180.0, "executability": 4.0}
    assert BY_KEY["attainment_revenue"].part(180.0) == 100.0
    assert composite(Role.SALES_REP, values, {"attainment_revenue": 1}) == 100.0
    assert composite(Role.MARKETING_STAFF, {"executability": 4.0}, {"executability": 2}) == 80.0
    assert composite(Role.SALES_REP, {}, None) is None


def test_the_rollups_equal_the_same_facts_computed_from_the_raw_rows(world):
    raw = kpi_counters_raw(SEPTEMBER, SEPTEMBER_END)
    from django.db.models import Sum

    names = (*COUNTERS, *MONTHLY_ONLY)
    rolled = {
        row.pop("person"): row
        for row in KpiMonthly.objects.values("person").annotate(**{n: Sum(n) for n in names}).order_by()
    }
    assert set(rolled) == set(raw)
    for person, counters in raw.items():
        for name in names:
            assert (rolled[person][name] or 0) == (counters.get(name) or 0), (person, name)
    assert raw[world.rep_a.pk]["units"] == 200


def test_a_rebuild_replaces_the_rows_so_running_it_twice_writes_the_same(world):
    before = list(KpiDaily.objects.order_by("person", "date", "region").values())
    monthly = list(KpiMonthly.objects.order_by("person", "region").values(*COUNTERS, "person", "region"))
    kpi_rollups_rebuild(SEPTEMBER, SEPTEMBER_END)
    after = list(KpiDaily.objects.order_by("person", "date", "region").values())
    assert [{k: v for k, v in r.items() if k != "id"} for r in before] == [
        {k: v for k, v in r.items() if k != "id"} for r in after
    ]
    assert monthly == list(KpiMonthly.objects.order_by("person", "region").values(*COUNTERS, "person", "region"))


def test_the_nightly_job_rebuilds_the_last_three_months_up_to_yesterday(world):
    KpiDaily.objects.all().delete()
    KpiMonthly.objects.all().delete()
    kpi_rollups_nightly(datetime.date(2026, 11, 2))  # September, October, November
    assert _values(world.hr, world.rep_a)["filing_rate"] == 19.0
    KpiMonthly.objects.all().delete()
    kpi_rollups_nightly(datetime.date(2026, 12, 2))  # October–December: September stays as it was (gone here)
    assert not KpiMonthly.objects.filter(month=SEPTEMBER).exists()


def test_the_missing_days_and_the_twelve_month_trend_read_the_rollups(world):
    card = kpi_person(user=world.hr, pk=world.rep_a.pk, period=SEP)
    trend = kpi_trend(card=card, period=SEP)
    assert [p["month"] for p in trend][-1] == SEPTEMBER
    assert len(trend) == 12
    assert trend[-1]["values"]["filing_rate"] == 19.0
    assert trend[-1]["composite"] == 39.0
    assert trend[0]["values"]["filing_rate"] is None  # October 2025: nothing expected yet
    missing = KpiDaily.objects.filter(person=world.rep_a, days_expected=1, days_filed=0).count()
    assert missing == 17


def test_quarter_and_year_sum_their_months(world):
    q3 = kpi_person(user=world.hr, pk=world.rep_a.pk, period=period_parse("2026-Q3")).values
    assert q3["filing_rate"] == 19.0  # August: joined on the 1st, but nothing rolled up for August yet
    kpi_rollups_rebuild(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))
    q3 = kpi_person(user=world.hr, pk=world.rep_a.pk, period=period_parse("2026-Q3")).values
    assert q3["filing_rate"] == round(4 * 100 / (21 + 21), 1)  # August has 21 weekdays, none filed


def test_ranking_is_per_role_by_composite(world):
    cards = kpi_scorecards(user=world.hr, period=SEP, role=Role.SALES_REP)
    scored = {c.username: (c.composite, c.rank) for c in cards if c.composite is not None}
    # rep_b: (9.5 filing + 100 on time + 11.1 completeness) / 3 = 40.2, ahead of rep_a's 39.0
    assert scored == {"rep.b": (40.2, 1), "rep.a": (39.0, 2)}
    assert [c.username for c in cards][:2] == ["rep.b", "rep.a"]  # best first, then those without a score
    assert all(c.rank is None for c in cards[2:])


def test_group_figures_sum_the_members_counters(world):
    by_region = {row.key: row for row in kpi_groups(user=world.hr, period=SEP, group="region")}
    east = by_region[world.regions.east.path]
    assert east.figures["filing_rate"] == 12.2  # rep_a and rep_b's Shanghai days
    north = by_region[world.regions.north.path]
    assert north.figures["filing_rate"] == 100.0  # rep_b's one Beijing day
    departments = {row.key: row for row in kpi_groups(user=world.hr, period=SEP, group="department")}
    assert departments["sales"].figures["filing_rate"] == round(6 * 100 / 42, 1)
    assert departments["marketing"].figures["review_sla"] == 100.0


def test_attainment_puts_only_sales_of_months_with_a_target_over_the_targets(world):
    # rep_b sold 500 in Shanghai and 400 in Beijing with no target; the department's attainment is rep_a's alone
    departments = {row.key: row for row in kpi_groups(user=world.hr, period=SEP, group="department")}
    assert departments["sales"].figures["attainment_revenue"] == 20.0  # 2,000 of 10,000, not 2,900
    assert departments["sales"].figures["attainment_units"] == 20.0
    # rep_a sells in August, a month without a target: his quarter is still September's 2,000 of 10,000
    august = filed_report(world.rep_a, datetime.date(2026, 8, 3), world.regions.sh)
    RegionalSalesLineFactory(report=august, region=world.regions.sh, units=80, revenue=Decimal("800"))
    kpi_rollups_rebuild(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))
    q3 = kpi_person(user=world.hr, pk=world.rep_a.pk, period=period_parse("2026-Q3")).values
    assert q3["attainment_revenue"] == 20.0
    assert q3["attainment_units"] == 20.0


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26", "abc", "1999"])
def test_period_parse_refuses_what_is_not_a_period(period):
    with pytest.raises(ValueError, match=period):
        period_parse(period)


def test_period_parse_reads_months_quarters_and_years():
    def bounds(value):
        period = period_parse(value)
        return period.first, period.last

    assert bounds("2026-10") == (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    assert bounds("2026-q4") == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert bounds("2026") == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert bounds("2028-02") == (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
    assert period_parse("", today=datetime.date(2026, 11, 22)).key == "2026-11"


def _many_reps(regions, count: int):
    for n in range(count):
        rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
        KpiMonthly.objects.create(
            person=rep, region=regions.sh, month=SEPTEMBER, days_expected=21, days_filed=n % 21, revenue=Decimal(n)
        )


@pytest.mark.parametrize("count", [3, 40])
def test_the_scorecards_take_the_same_few_queries_whatever_the_number_of_people(
    regions, django_assert_max_num_queries, count
):
    hr = UserFactory(role=Role.HR)
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    _many_reps(regions, count)
    # the viewer's roles, the people, their counters, the team leads, the per-region sums, the regions' targets,
    # HR's schemes
    with django_assert_max_num_queries(7):
        cards = kpi_scorecards(user=hr, period=SEP)
    assert len(cards) == count + 1
    assert next(c for c in cards if c.person_id == manager.pk).values["team_filing_rate"] is not None
    with django_assert_max_num_queries(10):  # the scorecards' 7, the areas, the grouped sums, the members' regions
        kpi_groups(user=hr, period=SEP, group="region")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_refreshes_of_the_same_day_at_once_leave_one_row(regions):
    """The writers take one lock: two workers refreshing the same rep's day never trip over each other's rows."""
    import threading

    from django.db import connection

    from coordination.services.kpi_rollups import kpi_rollups_refresh
    from tests.factories import DailyReportFactory

    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    day = datetime.date(2026, 9, 1)
    DailyReportFactory(rep=rep, date=day, submitted=True)
    errors, barrier = [], threading.Barrier(2)

    def refresh():
        try:
            barrier.wait()
            kpi_rollups_refresh(person_id=rep.pk, day=day)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert KpiDaily.objects.filter(person=rep, date=day).count() == 1
    assert KpiMonthly.objects.get(person=rep).days_filed == 1


def test_the_rebuild_command_and_the_nightly_task_write_the_same_rows(world):
    import io

    from django.core.management import CommandError, call_command

    from coordination.tasks_kpis import kpi_rollups_nightly as nightly_task

    expected = list(KpiMonthly.objects.order_by("person", "region").values(*COUNTERS, "person", "region"))
    KpiMonthly.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_kpi_rollups", "--from", "2026-09", stdout=out)
    assert "monthly rollup rows written" in out.getvalue()
    assert list(KpiMonthly.objects.order_by("person", "region").values(*COUNTERS, "person", "region")) == expected
    KpiMonthly.objects.all().delete()
    nightly_task.delay("2026-10-01")  # eager in tests: July–September
    september = KpiMonthly.objects.filter(month=SEPTEMBER).order_by("person", "region")
    assert list(september.values(*COUNTERS, "person", "region")) == expected
    assert KpiMonthly.objects.filter(month=datetime.date(2026, 8, 1), person=world.rep_a).exists()
    for bad in (["--from", "2026-13"], ["--from", "2026-10", "--to", "2026-09"], ["--date", "yesterday"]):
        with pytest.raises(CommandError):
            call_command("rebuild_kpi_rollups", *bad, stdout=io.StringIO())


def test_a_region_without_its_own_target_adds_up_its_sub_regions_targets(world):
    from coordination.selectors.kpis import subtree_target

    targets = {"CN/EAST/": 10, "CN/EAST/SH/": 4, "CN/NORTH/BJ/": 3, "CN/NORTH/TJ/": 2}
    assert subtree_target("CN/EAST/", targets) == 10  # its own
    assert subtree_target("CN/NORTH/", targets) == 5  # Beijing + Tianjin
    assert subtree_target("CN/", targets) == 15  # East (not Shanghai again) + Beijing + Tianjin
    assert subtree_target("CN/SOUTH/", targets) is None
    # A marketing manager for the whole company: every rep's revenue (2,000 + 500 + 400) of East's 5,000
    chief = UserFactory(role=Role.MARKETING_MANAGER, region=world.regions.cn)
    assert _values(world.hr, chief)["region_attainment"] == 58.0
