"""The KPI pages and API: who reads whose scorecard (a matrix, ids swapped in the URLs), the drill-down, the
exports opened and checked cell by cell, HR's weights, bad input, query counts, and the incremental refresh."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from coordination.models import KpiDaily, KpiMonthly, KpiScheme
from coordination.services.kpi_rollups import kpi_rollups_rebuild
from tests.factories import UserFactory
from tests.factories.campaigns import SalesTargetFactory

from .kpi_world import SEPTEMBER, SEPTEMBER_END, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    w = build_world(regions)
    w.rep_bj = UserFactory(username="rep.bj", role=Role.SALES_REP, region=regions.bj)
    w.director = UserFactory(username="director", role=Role.SALES_DIRECTOR, region=regions.cn)
    w.gm = UserFactory(username="gm", role=Role.GENERAL_MANAGER, region=regions.cn)
    w.mkt_manager = UserFactory(username="mkt.manager", role=Role.MARKETING_MANAGER, region=regions.cn)
    kpi_rollups_rebuild(SEPTEMBER, SEPTEMBER_END)
    return w


# viewer → the people whose scorecards they read (everyone else: 404, like a person who does not exist)
READS = {
    "hr": {"rep_a", "rep_b", "rep_bj", "manager", "marketer", "mkt_manager"},
    "gm": {"rep_a", "rep_b", "rep_bj", "manager", "marketer", "mkt_manager"},
    "director": {"rep_a", "rep_b", "rep_bj", "manager"},
    "manager": {"rep_a", "rep_b", "manager"},
    "mkt_manager": {"marketer", "mkt_manager"},
    "rep_a": {"rep_a"},
    "marketer": {"marketer"},
}
PEOPLE = ["rep_a", "rep_b", "rep_bj", "manager", "marketer", "mkt_manager"]


@pytest.mark.parametrize("viewer", list(READS))
@pytest.mark.parametrize("person", PEOPLE)
def test_who_reads_whose_scorecard_in_pages_and_api(client, api_client, world, viewer, person):
    target = getattr(world, person)
    client.force_login(getattr(world, viewer))
    api_client.force_authenticate(getattr(world, viewer))
    expected = 200 if person in READS[viewer] else 404
    assert client.get(f"/kpis/people/{target.pk}/?period=2026-09").status_code == expected
    assert api_client.get(f"/api/v1/kpis/people/{target.pk}/?period=2026-09").status_code == expected
    kind = {"rep_a": "missing_days", "rep_b": "missing_days", "rep_bj": "missing_days"}.get(person, "action_items")
    assert client.get(f"/kpis/people/{target.pk}/facts/{kind}/?period=2026-09").status_code == expected
    assert api_client.get(f"/api/v1/kpis/people/{target.pk}/facts/{kind}/?period=2026-09").status_code == expected


@pytest.mark.parametrize("viewer", list(READS))
def test_the_api_list_holds_exactly_the_people_one_may_read(api_client, world, viewer):
    api_client.force_authenticate(getattr(world, viewer))
    response = api_client.get("/api/v1/kpis/?period=2026-09&page_size=500")
    assert response.status_code == 200
    usernames = {row["person"]["username"] for row in response.json()["results"]}
    expected = {getattr(world, name).username for name in READS[viewer]}
    assert expected <= usernames
    assert not usernames & ({getattr(world, name).username for name in PEOPLE} - expected)


def test_a_nonexistent_person_and_someone_elses_look_the_same(api_client, world):
    api_client.force_authenticate(world.rep_a)
    other = api_client.get(f"/api/v1/kpis/people/{world.rep_b.pk}/")
    missing = api_client.get("/api/v1/kpis/people/999999/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_a_rep_opening_the_dashboard_lands_on_their_own_scorecard(client, world):
    client.force_login(world.rep_a)
    response = client.get("/kpis/")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/people/{world.rep_a.pk}/"
    page = client.get(response["Location"] + "?period=2026-09")
    assert "My scorecard" in page.content.decode()
    assert client.get("/kpis/export.xlsx").status_code == 404
    assert client.get("/api/v1/kpis/export/csv/").status_code in (403, 404)


def test_hr_sees_every_role_ranked_and_each_figure_links_to_its_facts(client, world):
    client.force_login(world.hr)
    page = client.get("/kpis/?period=2026-09&role=sales_rep").content.decode()
    assert 'data-testid="kpi-row-rep.a"' in page
    assert 'data-testid="kpi-row-marketer"' not in page
    link = f"/kpis/people/{world.rep_a.pk}/facts/missing_days/?period=2026-09"
    assert link in page
    assert "19.0%" in page  # rep_a's filing rate
    facts = client.get(link).content.decode()
    assert "Working days without a submitted report" in facts
    assert facts.count("2026-09-") >= 17  # the 17 working days he missed
    assert "2026-09-25" not in facts  # the holiday is not missed
    marketing = client.get("/kpis/?period=2026-09&role=marketing_staff").content.decode()
    assert 'data-testid="kpi-row-mkt.east"' in marketing


@pytest.mark.parametrize(("group", "heading"), [("team", "Team"), ("department", "Department"), ("region", "Region")])
def test_group_views_answer(client, api_client, world, group, heading):
    client.force_login(world.hr)
    page = client.get(f"/kpis/?period=2026-09&group={group}")
    assert page.status_code == 200
    assert f'<th scope="col" class="name">{heading}</th>' in page.content.decode()
    api_client.force_authenticate(world.hr)
    body = api_client.get(f"/api/v1/kpis/?period=2026-09&group={group}").json()
    assert body["count"] >= 1
    names = [row["name"] for row in body["results"]]
    assert [name for name in names if name in page.content.decode()] == names
    api_client.force_authenticate(world.rep_a)
    assert api_client.get(f"/api/v1/kpis/?period=2026-09&group={group}").status_code == 403


def test_bad_parameters_are_a_message_per_field_never_a_500(client, api_client, world):
    api_client.force_authenticate(world.hr)
    response = api_client.get("/api/v1/kpis/?period=2026-13&group=planet&role=ceo&region=0")
    assert response.status_code == 400
    assert set(response.json()) == {"period", "group", "role", "region"}
    client.force_login(world.hr)
    page = client.get("/kpis/?period=next-year")
    assert page.status_code == 200
    assert "is not a period" in page.content.decode()
    for export in ("/kpis/export.xlsx", "/kpis/export.csv"):
        bad = client.get(f"{export}?period=next-year&region=0")
        assert bad.status_code == 400
        message = bad.content.decode()
        assert "is not a period" in message
        assert "Region:" in message
    assert client.get(f"/kpis/people/{world.rep_a.pk}/facts/reviews/").status_code == 404  # not a rep's KPI
    assert client.get(f"/kpis/people/{world.rep_a.pk}/facts/nonsense/").status_code == 404


def test_the_xlsx_export_has_a_sheet_per_department_and_the_definitions(client, world):
    client.force_login(world.hr)
    response = client.get("/kpis/export.xlsx?period=2026-09")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kpis-2026-09.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Sales", "Marketing", "Definitions"]
    sales = book["Sales"]
    assert sales["A1"].value == "Joint KPIs 2026-09"
    header = [c.value for c in sales[2]]
    assert header[:6] == ["Name", "User", "Role", "Region", "Rank in role", "Composite score"]
    assert header[6] == "Target attainment (revenue) (%)"
    rows = {row[1].value: row for row in sales.iter_rows(min_row=3)}
    rep_a = [c.value for c in rows["rep.a"]]
    assert rep_a[:6] == [world.rep_a.display_name, "rep.a", "Sales representative", "Shanghai", 2, 39.0]
    by_header = dict(zip(header, rep_a, strict=True))
    assert by_header["Report filing rate (%)"] == 19.0
    assert by_header["Intel contributed (count)"] == 2
    assert by_header["Team filing rate (%)"] is None  # a manager's KPI: empty for a rep
    assert rows["rep.a"][header.index("Report filing rate (%)")].number_format == "0.0"
    assert [c.value for c in rows["mgr.east"]][header.index("Endorsement turnaround (hours)")] == 27.0
    assert "mkt.east" not in rows
    marketing = {row[1].value: [c.value for c in row] for row in book["Marketing"].iter_rows(min_row=3)}
    assert marketing["mkt.east"][5] is not None
    definitions = [[c.value for c in row] for row in book["Definitions"].iter_rows(min_row=2)]
    assert definitions[2][:3] == ["Report filing rate", "%", "Sales representative"]
    assert "Working days with a submitted daily report" in definitions[2][3]


def test_the_csv_export_is_streamed_with_numerators_and_denominators(client, world):
    client.force_login(world.hr)
    response = client.get("/kpis/export.csv?period=2026-09")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    filing = next(r for r in rows if r["User"] == "rep.a" and r["KPI"] == "filing_rate")
    assert (filing["Value"], filing["Numerator"], filing["Denominator"], filing["Period"]) == (
        "19.0",
        "4",
        "21",
        "2026-09",
    )
    attainment = next(r for r in rows if r["User"] == "rep.b" and r["KPI"] == "attainment_revenue")
    assert attainment["Value"] == ""  # no target


def test_export_cells_that_look_like_formulas_are_quoted(client, world):
    world.rep_a.first_name, world.rep_a.last_name = "=SUM(A1)", ""
    world.rep_a.save()
    client.force_login(world.hr)
    text = b"".join(client.get("/kpis/export.csv?period=2026-09").streaming_content).decode("utf-8-sig")
    assert ",'=SUM(A1)," in text
    book = load_workbook(io.BytesIO(b"".join(client.get("/kpis/export.xlsx?period=2026-09").streaming_content)))
    names = [row[0].value for row in book["Sales"].iter_rows(min_row=3)]
    assert "'=SUM(A1)" in names


def test_hr_sets_the_weights_and_the_composite_follows(client, world):
    client.force_login(world.hr)
    assert client.get("/kpis/schemes/?role=sales_rep").status_code == 200
    fields = {"role": "sales_rep", "valid_from": "2026-09"}
    fields |= {f"w_{key}": 0 for key in ("attainment_revenue", "attainment_units", "on_time_rate", "completeness")}
    fields |= {f"w_{key}": 0 for key in ("intel_useful_rate", "promotion_execution", "price_compliance")}
    fields |= {"w_feedback_followed": 0, "w_actions_on_time": 0, "w_filing_rate": 1}
    response = client.post("/kpis/schemes/", fields)
    assert response.status_code == 302
    scheme = KpiScheme.objects.get()
    assert scheme.weights["filing_rate"] == 1
    assert scheme.updated_by == world.hr
    page = client.get(f"/kpis/people/{world.rep_a.pk}/?period=2026-09").content.decode()
    assert 'data-testid="kpi-composite">19.0<' in page


def test_a_scheme_with_no_weight_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.hr)
    fields = {"role": "sales_rep", "valid_from": "2026-09", "w_filing_rate": 0, "w_on_time_rate": -1}
    response = client.post("/kpis/schemes/", fields)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not KpiScheme.objects.exists()


def test_only_hr_sets_weights(client, api_client, world):
    for user in (world.mkt_manager, world.rep_a, world.gm):
        client.force_login(user)
        assert client.get("/kpis/schemes/").status_code == 403
        api_client.force_authenticate(user)
        body = {"role": "sales_rep", "valid_from": "2026-09", "weights": {"filing_rate": 1}}
        assert api_client.post("/api/v1/kpi-schemes/", body, format="json").status_code == 403
    assert not KpiScheme.objects.exists()


def test_the_scheme_api_validates_each_weight(api_client, world):
    api_client.force_authenticate(world.hr)
    bad = api_client.post(
        "/api/v1/kpi-schemes/",
        {"role": "sales_rep", "valid_from": "2026-09", "weights": {"review_sla": 1, "intel_contributed": 2}},
        format="json",
    )
    assert bad.status_code == 400
    assert "weights" in bad.json()
    good = api_client.post(
        "/api/v1/kpi-schemes/",
        {"role": "sales_rep", "valid_from": "2026-09", "weights": {"filing_rate": 2, "on_time_rate": 1}},
        format="json",
    )
    assert good.status_code == 201, good.json()
    again = api_client.post(
        "/api/v1/kpi-schemes/",
        {"role": "sales_rep", "valid_from": "2026-09", "weights": {"filing_rate": 1}},
        format="json",
    )
    assert again.status_code == 201
    assert KpiScheme.objects.get().weights == {"filing_rate": 1}  # the same month's scheme is replaced


def test_definitions_document_every_kpi(api_client, world):
    api_client.force_authenticate(world.rep_a)
    body = api_client.get("/api/v1/kpis/definitions/").json()
    assert {row["key"] for row in body} >= {"filing_rate", "review_sla", "team_attainment", "actions_on_time"}
    assert all(row["definition"] for row in body)


def _reps(regions, count):
    for _ in range(count):
        rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
        KpiMonthly.objects.create(person=rep, region=regions.sh, month=SEPTEMBER, days_expected=21, days_filed=20)


@pytest.mark.parametrize("count", [10, 60])
def test_the_dashboard_and_the_api_take_the_same_queries_whatever_the_rows(
    client, api_client, regions, django_assert_max_num_queries, count
):
    hr = UserFactory(role=Role.HR)
    UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    _reps(regions, count)
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        assert client.get("/kpis/?period=2026-09").status_code == 200
    api_client.force_authenticate(hr)
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/kpis/?period=2026-09&page_size=500").json()["count"] == count + 1


def test_submitting_a_report_refreshes_that_days_rollup(api_client, regions, django_capture_on_commit_callbacks):
    from tests.feedback.field_setup import build_field, payload

    f = build_field(regions)
    api_client.force_authenticate(f.people.rep_sh)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/daily-reports/", payload(f), format="json")
    assert response.status_code == 201
    row = KpiDaily.objects.get(person=f.people.rep_sh)
    assert (row.days_filed, row.days_on_time, row.sections_filled) == (1, 1, 9)
    assert row.revenue == Decimal(response.json()["sections"]["regional_sales"]["lines"][0]["revenue"])
    month = KpiMonthly.objects.get(person=f.people.rep_sh)
    assert month.days_filed == 1


def test_the_admin_refuses_a_scheme_the_page_would_refuse(client, world):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/admin/coordination/kpischeme/add/"
    bad = client.post(url, {"role": "sales_rep", "valid_from": "2026-09-15", "weights": '{"intel_contributed": 1}'})
    assert bad.status_code == 200
    assert "only percentages and ratings are weighed" in bad.content.decode()
    good = client.post(url, {"role": "sales_rep", "valid_from": "2026-09-15", "weights": '{"filing_rate": 1}'})
    assert good.status_code == 302
    scheme = KpiScheme.objects.get()
    assert (scheme.valid_from, scheme.updated_by) == (SEPTEMBER, admin)


def test_the_facts_pages_list_the_counted_rows_with_their_labels(client, world):
    client.force_login(world.hr)
    items = client.get(f"/kpis/people/{world.marketer.pk}/facts/action_items/?period=2026-09").content.decode()
    assert items.count("<td>Done</td>") == 2  # the two due in September; the cancelled one is not counted
    checks = client.get(f"/kpis/people/{world.rep_a.pk}/facts/promotion_checks/?period=2026-09").content.decode()
    assert checks.count("中秋特价") == 2
    assert "<td>Yes</td>" in checks
    reviews = client.get(f"/kpis/people/{world.marketer.pk}/facts/reviews/?period=2026-09").content.decode()
    assert "12.0 h" in reviews  # the time the review took
    assert "<td>Approve</td>" in reviews


def test_the_facts_pages_write_months_amounts_and_moments_as_a_reader_expects(client, world):
    client.force_login(world.hr)
    sales = client.get(f"/kpis/people/{world.rep_a.pk}/facts/sales/?period=2026-09").content.decode()
    assert "<td>2026-09</td>" in sales
    assert '<td class="num">2,000.00</td>' in sales  # the revenue, however the database sums decimals
    assert '<td class="num">10,000.00</td>' in sales
    assert '<td class="num">1,000</td>' in sales  # the unit target
    client.cookies["django_language"] = "zh-hans"
    zh = client.get(f"/kpis/people/{world.rep_a.pk}/facts/sales/?period=2026-09").content.decode()
    assert "上报销售与月度目标对比" in zh
    assert '<td class="num">10,000.00</td>' in zh  # grouped by thousands in Chinese too
    late = client.get(f"/kpis/people/{world.rep_a.pk}/facts/late_days/?period=2026-09").content.decode()
    assert "<td>2026-09-04</td>" in late
    assert "<td>2026-09-05 " in late  # submitted the next day, in local time to the minute


def test_the_page_trend_starts_with_the_first_month_anyone_worked_not_the_first_target(client, api_client, world):
    # East's target for June, months before anyone in the world joined (August)
    SalesTargetFactory(year=2026, quarter=2, month=6, region=world.regions.east, units=10, revenue=1000)
    kpi_rollups_rebuild(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    api_client.force_authenticate(world.hr)
    trend = api_client.get(f"/api/v1/kpis/people/{world.manager.pk}/?period=2026-09").json()["trend"]
    june = next(point for point in trend if point["month"] == "2026-06")
    assert june["values"]["team_attainment"] == 0.0  # the API has every month, as computed
    client.force_login(world.hr)
    page = client.get(f"/kpis/people/{world.manager.pk}/?period=2026-09").content.decode()
    table = page[page.index('data-testid="kpi-trend"') :]
    assert "2026-06" not in table  # a target and no one at work yet: not a month at 0 per cent
    assert "2026-09" in table


def test_the_team_behind_a_managers_figures_is_listed_by_name_on_the_page_and_in_the_api(client, api_client, world):
    world.rep_a.first_name, world.rep_a.last_name = "伟", "张"
    world.rep_a.save(update_fields=["first_name", "last_name"])
    client.force_login(world.hr)
    page = client.get(f"/kpis/people/{world.manager.pk}/facts/team/?period=2026-09").content.decode()
    assert "<td>张伟</td><td>rep.a</td>" in re.sub(r">\s+<", "><", page)
    api_client.force_authenticate(world.hr)
    body = api_client.get(f"/api/v1/kpis/people/{world.manager.pk}/facts/team/?period=2026-09").json()
    assert [c["key"] for c in body["columns"]] == ["name", "username", "filed", "expected", "revenue_sold"]
    assert {row["username"]: row["name"] for row in body["results"]}["rep.a"] == "张伟"
