"""Bad input a hostile review found: each is a 4xx with a message on the field, and nothing is written."""

import datetime
import uuid

import pytest
from django.utils import timezone

from coordination.tabular import cell_text
from feedback.models import DailyReport, ReportAmendment, ShelfDisplayLine
from tests.factories import PhotoFactory

from .field_setup import build_field, full_sections, payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/daily-reports/"


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture
def rep_client(api_client, f):
    api_client.force_authenticate(f.people.rep_sh)
    return api_client


def test_an_id_beyond_64_bits_is_a_400_on_that_field(rep_client, f):
    sections = {"pos_sales": [{"outlet": 10**26, "product": f.cola.pk, "units": 1, "revenue": "1"}]}

    response = rep_client.post(URL, payload(f, sections=sections, submit=False), format="json")

    assert response.status_code == 400
    assert list(response.json()["sections"]["pos_sales"]["0"]) == ["outlet"]
    assert not DailyReport.objects.exists()


def test_a_client_uuid_must_be_a_uuid_string_not_a_number(rep_client, f):
    body = payload(f, submit=False)
    body["client_uuid"] = 123

    response = rep_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert "client_uuid" in response.json()
    assert not DailyReport.objects.exists()


def test_a_misspelled_item_field_is_refused_not_dropped(rep_client, f):
    sections = full_sections(f)
    sections["shelf_display"][0]["phot"] = 7

    response = rep_client.post(URL, payload(f, sections=sections), format="json")

    assert response.status_code == 400
    assert response.json()["sections"]["shelf_display"]["0"]["phot"][0].startswith("Unknown field.")
    assert not DailyReport.objects.exists()


def test_an_amendment_cannot_empty_a_section_of_a_submitted_report(rep_client, f):
    report = rep_client.post(URL, payload(f), format="json").json()

    response = rep_client.post(
        f"{URL}{report['id']}/amend/",
        {"reason": "remove all sales", "client_uuid": str(uuid.uuid4()), "sections": {"pos_sales": []}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["sections"]["pos_sales"] == [
        "Give the corrected lines, or mark the section 'nothing to report'."
    ]
    assert not ReportAmendment.objects.exists()
    assert rep_client.get(f"{URL}{report['id']}/").json()["missing_sections"] == []


def test_a_photo_is_evidence_of_one_day_only(rep_client, f):
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    sections = full_sections(f)
    sections["shelf_display"][0]["photo"] = photo.pk
    assert rep_client.post(URL, payload(f, date=yesterday, sections=sections), format="json").status_code == 201

    again = rep_client.post(URL, payload(f, sections=sections), format="json")

    assert again.status_code == 400
    assert again.json()["sections"]["shelf_display"]["0"]["photo"] == [
        f"This photo is already evidence in your report of {yesterday.isoformat()}: take a new one."
    ]
    assert ShelfDisplayLine.objects.filter(photo=photo).count() == 1


def test_submitting_a_draft_checks_its_lines_again(rep_client, f):
    draft = rep_client.post(URL, payload(f, submit=False), format="json").json()
    f.outlet_sh.active = False  # closed after the draft was saved
    f.outlet_sh.save(update_fields=["active"])

    response = rep_client.post(f"{URL}{draft['id']}/submit/")

    assert response.status_code == 400
    assert response.json()["sections"]["pos_sales"]["0"] == {"outlet": ["This outlet is closed (inactive)."]}
    assert DailyReport.objects.get().status == "draft"


def test_a_role_that_files_nothing_gets_403_whatever_it_sends(api_client, f):
    api_client.force_authenticate(f.people.hr)

    response = api_client.post(URL, {"date": "yesterday"}, format="json")

    assert response.status_code == 403


def test_someone_elses_amendment_uuid_does_not_tell_a_stranger_anything(api_client, f):
    api_client.force_authenticate(f.people.rep_sh)
    report = api_client.post(URL, payload(f), format="json").json()
    amendment = {
        "reason": "typo in units",
        "client_uuid": str(uuid.uuid4()),
        "sections": {"outlet_coverage": [{"new_outlets": 0, "outlets_visited": 2, "active_outlets": 9}]},
    }
    assert api_client.post(f"{URL}{report['id']}/amend/", amendment, format="json").status_code == 201
    api_client.force_authenticate(f.people.mgr_east)

    response = api_client.post(f"{URL}{report['id']}/amend/", amendment, format="json")

    assert response.status_code == 403
    assert ReportAmendment.objects.count() == 1


def test_nul_characters_never_reach_the_database_from_an_import():
    assert cell_text("a\x00b ") == "ab"
