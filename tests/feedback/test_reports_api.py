"""/api/v1/daily-reports/: the mobile contract, idempotency, validation per item, amendments and who sees what."""

import datetime
import threading
import uuid

import factory
import pytest
from django.db import connection
from django.utils import timezone

from feedback.models import (
    CompetitorIntelLine,
    DailyReport,
    IntelItem,
    MerchandisingLine,
    PosSalesLine,
    PromotionOutlet,
    ReportAmendment,
)
from feedback.services.reports import report_create
from tests.factories import DailyReportFactory, PhotoFactory, UserFactory

from .field_setup import build_field, full_sections, payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/daily-reports/"


@pytest.fixture
def f(regions):
    return build_field(regions)


def _client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_a_complete_report_is_filed_and_submitted_in_one_post(api_client, f):
    response = _client(api_client, f.people.rep_sh).post(URL, payload(f), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["on_time"] is True
    assert body["missing_sections"] == []
    assert [len(body["sections"][key]["lines"]) for key in body["sections"]] == [1, 2, 1, 1, 1, 1, 1, 1, 1]
    report = DailyReport.objects.get()
    assert report.rep == f.people.rep_sh
    assert report.region == f.regions.sh
    assert MerchandisingLine.objects.filter(report=report, out_of_stock=True).count() == 1
    # The three intel sections reach marketing's feed at once.
    assert sorted(IntelItem.objects.values_list("section", flat=True)) == [
        "competitor_intel",
        "customer_feedback",
        "promotion_feedback",
    ]


def test_the_same_client_uuid_again_returns_the_same_report_and_creates_nothing(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    body = payload(f)
    first = client.post(URL, body, format="json")
    again = client.post(URL, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert DailyReport.objects.count() == 1
    assert PosSalesLine.objects.count() == 1
    assert IntelItem.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_one_client_uuid_at_the_same_moment_make_one_report(regions):
    f = build_field(regions)
    client_uuid = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            barrier.wait()
            results.append(
                report_create(
                    rep=f.people.rep_sh,
                    date=timezone.localdate(),
                    client_uuid=client_uuid,
                    sections={"outlet_coverage": [{"new_outlets": 0, "outlets_visited": 3, "active_outlets": 9}]},
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _report, created in results) == [False, True]
    assert {report.pk for report, _created in results} == {DailyReport.objects.get().pk}


def test_a_second_report_for_the_same_day_is_refused_with_the_existing_one(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    first = client.post(URL, payload(f, submit=False), format="json").json()

    response = client.post(URL, payload(f), format="json")

    assert response.status_code == 400
    assert response.json()["existing_report"] == [str(first["id"])]
    assert "already have a report" in response.json()["date"][0]
    assert DailyReport.objects.count() == 1


def test_bad_items_answer_400_with_a_message_per_section_and_item_and_save_nothing(api_client, f):
    PromotionOutlet.objects.create(promotion=f.promotion_sh, outlet=f.outlet_sh)  # it runs at SH-001 only
    sections = full_sections(f)
    sections["pos_sales"].append({"outlet": 999999, "product": f.cola.pk, "units": 1, "revenue": "5"})
    sections["pos_sales"].append({"outlet": f.outlet_hz.pk, "product": f.cola.pk, "units": 1, "revenue": "5"})
    sections["merchandising"][0]["on_hand"] = -3
    sections["promotion_feedback"][0]["outlet"] = f.outlet_sh2.pk
    sections["competitor_intel"][0]["brand"] = f.own_brand.pk

    response = _client(api_client, f.people.rep_sh).post(URL, payload(f, sections=sections), format="json")

    assert response.status_code == 400
    errors = response.json()["sections"]
    # Shapes and ranges first (the serializer), per failing item by its position:
    assert errors == {"merchandising": {"0": {"on_hand": ["Ensure this value is greater than or equal to 0."]}}}
    assert DailyReport.objects.count() == 0

    sections["merchandising"][0]["on_hand"] = 3
    response = _client(api_client, f.people.rep_sh).post(URL, payload(f, sections=sections), format="json")

    assert response.status_code == 400
    errors = response.json()["sections"]
    assert errors["pos_sales"] == {
        "1": {"outlet": ["Unknown outlet."]},
        "2": {"outlet": ["This outlet is outside your territory."]},
    }
    today = timezone.localdate().isoformat()
    assert errors["promotion_feedback"] == {
        "0": {"promotion": [f"This promotion is not running at this outlet on {today}."]}
    }
    assert errors["competitor_intel"] == {
        "0": {"brand": ["This is our own brand: competitor intel is about competitors."]}
    }
    assert DailyReport.objects.count() == 0


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "The report cannot be for a day in the future."), (4, "Reports can be filed at most 3 days back")],
)
def test_the_day_must_be_today_or_within_the_back_filing_window(api_client, f, days, message):
    day = timezone.localdate() - datetime.timedelta(days=days)

    response = _client(api_client, f.people.rep_sh).post(URL, payload(f, date=day), format="json")

    assert response.status_code == 400
    assert response.json()["date"][0].startswith(message)
    assert not DailyReport.objects.exists()


def test_three_days_back_is_still_open_and_counts_as_late(api_client, f):
    day = timezone.localdate() - datetime.timedelta(days=3)

    response = _client(api_client, f.people.rep_sh).post(URL, payload(f, date=day), format="json")

    assert response.status_code == 201
    assert response.json()["on_time"] is False


@pytest.mark.parametrize(
    ("section", "value", "error"),
    [
        ("pos_sales", {"nothing": True}, ['A section is a list of items or {"nothing_to_report": true}.']),
        ("pos_sales", "many", ['A section is a list of items or {"nothing_to_report": true}.']),
        ("weather", [], None),
    ],
)
def test_malformed_sections_are_refused(api_client, f, section, value, error):
    body = payload(f, sections={section: value})

    response = _client(api_client, f.people.rep_sh).post(URL, body, format="json")

    assert response.status_code == 400
    messages = response.json()["sections"][section]
    assert messages == error if error else messages[0].startswith("Unknown section.")


def test_a_photo_must_be_the_reps_own(api_client, f):
    theirs = PhotoFactory(uploaded_by=f.people.rep_hz)
    mine = PhotoFactory(uploaded_by=f.people.rep_sh)
    sections = full_sections(f)
    sections["shelf_display"][0]["photo"] = theirs.pk
    sections["pop_distribution"][0]["photo"] = mine.pk

    response = _client(api_client, f.people.rep_sh).post(URL, payload(f, sections=sections), format="json")

    assert response.status_code == 400
    assert response.json()["sections"] == {
        "shelf_display": {"0": {"photo": ["Unknown photo: upload it first (POST /api/v1/photos/)."]}}
    }


def test_a_draft_is_saved_completed_later_and_submitted(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    partial = {"pos_sales": full_sections(f)["pos_sales"], "pop_distribution": {"nothing_to_report": True}}
    draft = client.post(URL, payload(f, sections=partial, submit=False), format="json").json()

    assert draft["status"] == "draft"
    assert draft["missing_sections"] == [
        "shelf_display",
        "merchandising",
        "outlet_coverage",
        "promotion_feedback",
        "regional_sales",
        "competitor_intel",
        "customer_feedback",
    ]
    assert draft["sections"]["pop_distribution"]["nothing_to_report"] is True
    assert not IntelItem.objects.exists()  # drafts never reach marketing

    refused = client.post(f"{URL}{draft['id']}/submit/")
    assert refused.status_code == 400
    assert refused.json()["submit"][0].startswith("7 sections are still missing")
    assert DailyReport.objects.get().status == "draft"

    saved = client.put(f"{URL}{draft['id']}/", {"sections": full_sections(f)}, format="json")
    assert saved.status_code == 200
    assert saved.json()["missing_sections"] == []
    assert saved.json()["sections"]["pop_distribution"]["nothing_to_report"] is False

    submitted = client.post(f"{URL}{draft['id']}/submit/")
    again = client.post(f"{URL}{draft['id']}/submit/")
    assert (submitted.status_code, again.status_code) == (200, 200)
    assert submitted.json()["status"] == "submitted"
    assert again.json()["submitted_at"] == submitted.json()["submitted_at"]
    assert IntelItem.objects.count() == 3


def test_a_submitted_report_is_never_edited_but_amended_with_a_reason(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    report = client.post(URL, payload(f), format="json").json()
    url = f"{URL}{report['id']}/"

    edit = client.put(url, {"sections": full_sections(f)}, format="json")
    assert edit.status_code == 403
    assert edit.json()["detail"] == "A submitted report is never changed: amend it instead."

    amendment = {
        "reason": "POS 数量填错了",
        "client_uuid": str(uuid.uuid4()),
        "sections": {
            "pos_sales": [{"outlet": f.outlet_sh.pk, "product": f.cola.pk, "units": 14, "revenue": "68.60"}],
            "competitor_intel": {"nothing_to_report": True},
        },
    }
    first = client.post(f"{url}amend/", amendment, format="json")
    again = client.post(f"{url}amend/", amendment, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert ReportAmendment.objects.count() == 1
    detail = client.get(url).json()
    pos = detail["sections"]["pos_sales"]
    assert [line["units"] for line in pos["lines"]] == [14]
    assert [(line["units"], line["superseded_by"]) for line in pos["replaced"]] == [(40, first.json()["id"])]
    assert detail["sections"]["competitor_intel"]["nothing_to_report"] is True
    assert detail["sections"]["competitor_intel"]["lines"] == []
    assert len(detail["sections"]["competitor_intel"]["replaced"]) == 1
    assert detail["amendments"][0]["reason"] == "POS 数量填错了"
    assert CompetitorIntelLine.objects.get().superseded_by_id == first.json()["id"]
    assert IntelItem.objects.get(section="competitor_intel").superseded is True


def test_an_amendment_needs_a_reason_and_a_section(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    report = client.post(URL, payload(f), format="json").json()

    response = client.post(
        f"{URL}{report['id']}/amend/", {"reason": "", "client_uuid": str(uuid.uuid4()), "sections": {}}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"reason", "sections"}
    assert not ReportAmendment.objects.exists()


def test_a_draft_is_changed_not_amended(api_client, f):
    client = _client(api_client, f.people.rep_sh)
    draft = client.post(URL, payload(f, submit=False), format="json").json()

    response = client.post(
        f"{URL}{draft['id']}/amend/",
        {
            "reason": "typo fixed",
            "client_uuid": str(uuid.uuid4()),
            "sections": {"pos_sales": {"nothing_to_report": True}},
        },
        format="json",
    )

    assert response.status_code == 403
    assert not ReportAmendment.objects.exists()


ROLES = ["rep_sh", "rep_hz", "rep_bj", "mgr_east", "mgr_north", "mkt_staff", "mkt_manager", "director", "gm", "hr"]
# Who reads rep_sh's report (DESIGN §2): the rep, East's manager, marketing, the director and the GM.
READERS = {"rep_sh", "mgr_east", "mkt_staff", "mkt_manager", "director", "gm"}


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_report_and_who_gets_404(api_client, f, role):
    report = DailyReportFactory(rep=f.people.rep_sh, submitted=True)
    client = _client(api_client, getattr(f.people, role))

    detail = client.get(f"{URL}{report.pk}/")
    listed = client.get(URL).json()["results"]

    assert detail.status_code == (200 if role in READERS else 404)
    assert [row["id"] for row in listed] == ([report.pk] if role in READERS else [])


@pytest.mark.parametrize("role", [r for r in ROLES if r != "rep_sh"])
def test_nobody_but_the_rep_changes_submits_or_amends_their_report(api_client, f, role):
    draft = DailyReportFactory(rep=f.people.rep_sh)
    submitted = DailyReportFactory(
        rep=f.people.rep_sh, submitted=True, date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = _client(api_client, getattr(f.people, role))
    expected = 403 if role in READERS else 404

    put = client.put(f"{URL}{draft.pk}/", {"sections": {}}, format="json")
    submit = client.post(f"{URL}{draft.pk}/submit/")
    amend = client.post(
        f"{URL}{submitted.pk}/amend/",
        {"reason": "because", "client_uuid": str(uuid.uuid4()), "sections": {"pos_sales": {"nothing_to_report": True}}},
        format="json",
    )

    assert (put.status_code, submit.status_code, amend.status_code) == (expected, expected, expected)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not ReportAmendment.objects.exists()


@pytest.mark.parametrize("role", ["mkt_staff", "director", "gm", "hr"])
def test_roles_that_do_not_file_reports_cannot_create_one(api_client, f, role):
    response = _client(api_client, getattr(f.people, role)).post(URL, payload(f), format="json")

    assert response.status_code == 403
    assert not DailyReport.objects.exists()


def test_the_list_filters_by_region_subtree_and_days(api_client, f):
    today = timezone.localdate()
    sh = DailyReportFactory(rep=f.people.rep_sh, date=today)
    DailyReportFactory(rep=f.people.rep_hz, date=today - datetime.timedelta(days=2))
    bj = DailyReportFactory(rep=f.people.rep_bj, date=today)
    client = _client(api_client, f.people.mkt_staff)

    east_today = client.get(URL, {"region": f.regions.east.pk, "date_from": today.isoformat()}).json()["results"]
    north = client.get(URL, {"region": f.regions.north.pk}).json()["results"]
    bad = client.get(URL, {"date_from": "yesterday"})

    assert [row["id"] for row in east_today] == [sh.pk]
    assert [row["id"] for row in north] == [bj.pk]
    assert bad.status_code == 400
    assert "date_from" in bad.json()


def _reports(count, regions, *, start=0):
    rep = UserFactory(role="sales_rep", region=regions.sh)
    first = timezone.localdate() - datetime.timedelta(days=start)
    DailyReportFactory.create_batch(
        count,
        rep=rep,
        submitted=True,
        date=factory.Iterator([first - datetime.timedelta(days=n) for n in range(count)]),
    )


def test_the_list_uses_the_same_queries_for_5_and_500_reports(api_client, f, django_assert_max_num_queries):
    _reports(5, f.regions)
    client = _client(api_client, f.people.mkt_staff)
    with django_assert_max_num_queries(6) as few:
        assert len(client.get(URL, {"page_size": 500}).json()["results"]) == 5
    _reports(495, f.regions)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, {"page_size": 500}).json()["results"]) == 500


def test_the_detail_uses_a_constant_number_of_queries(api_client, f, django_assert_max_num_queries):
    client = _client(api_client, f.people.rep_sh)
    report = client.post(URL, payload(f), format="json").json()
    with django_assert_max_num_queries(20):
        assert client.get(f"{URL}{report['id']}/").status_code == 200
