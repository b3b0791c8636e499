"""The digest beyond its figures: what a recipient without a reader role may open (their month, not another), the
page staying frozen, the admin's "send to the unsent", the Celery tasks, the build form's errors and the
benchmark's data generator."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from campaigns.models import Promotion, SalesTarget
from coordination.celery import TRANSIENT_ERRORS, app
from coordination.models import Digest, DigestRecipient, KpiMonthly
from coordination.selectors.digest import COMPANY, digest_figures
from coordination.services.digest import digest_build, digest_send
from coordination.tasks_digest import digest_monthly
from feedback.models import DailyReport, IntelItem, RegionalSalesLine
from tests.factories import UserFactory
from tests.factories.campaigns import BrandFactory, ProductFactory
from tests.factories.coordination import JointMeetingFactory
from tests.factories.feedback import DailyReportFactory, RegionalSalesLineFactory

pytestmark = pytest.mark.django_db

OCTOBER, SEPTEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)
TODAY = datetime.date(2026, 11, 2)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def people(regions):
    """A marketing manager (organiser, reads Chinese), a sales manager, and a rep who attends November's meeting
    (the one that discusses October): the rep gets October's digest and may read that one only."""
    zhang = UserFactory(username="rep.zhang", role=Role.SALES_REP, region=regions.sh)
    report = DailyReportFactory(rep=zhang, date=datetime.date(2026, 10, 9), submitted=True)
    RegionalSalesLineFactory(report=report, revenue=Decimal("1000.00"))
    mkt = UserFactory(username="mkt.wang", role=Role.MARKETING_MANAGER, region=regions.cn, language="zh-hans")
    mgr = UserFactory(username="mgr.east", role=Role.SALES_MANAGER, region=regions.east)
    attendee = UserFactory(username="rep.attendee", role=Role.SALES_REP, region=regions.hz)
    JointMeetingFactory(month=datetime.date(2026, 11, 1), attendees=[mkt, mgr, attendee])
    return mkt, mgr, attendee, zhang


def test_an_attendee_reads_the_digest_sent_to_them_and_no_other(people, client, api_client):
    _mkt, _mgr, attendee, _zhang = people
    digest_build(SEPTEMBER, today=TODAY)  # built, never sent to the attendee (no meeting of theirs discussed it)
    october = digest_build(OCTOBER, today=TODAY)
    digest_send(october)
    assert DigestRecipient.objects.filter(digest=october, user=attendee, sent_at__isnull=False).exists()
    client.force_login(attendee)
    api_client.force_authenticate(attendee)

    assert [d["month"] for d in api_client.get("/api/v1/digests/").json()["results"]] == ["2026-10"]
    assert "2026-09" not in client.get("/digests/").content.decode()
    for url in ("/digests/2026-10/", "/digests/2026-10/xlsx/", "/api/v1/digests/2026-10/"):
        assert client.get(url).status_code == 200, url
    for url in ("/digests/2026-09/", "/digests/2026-09/xlsx/", "/api/v1/digests/2026-09/"):
        assert client.get(url).status_code == 404, url  # like a month never built
    assert api_client.get("/api/v1/digests/2026-09/xlsx/").status_code == 404
    assert api_client.post("/api/v1/digests/build/", {"month": "2026-08"}, format="json").status_code == 403


def test_the_page_and_the_api_keep_showing_the_frozen_digest_after_the_data_changes(people, client, api_client):
    mkt, _mgr, _attendee, zhang = people
    digest_build(OCTOBER, today=TODAY)
    client.force_login(mkt)
    api_client.force_authenticate(mkt)
    page = _without_csrf(client.get("/digests/2026-10/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "1,000" in page
    content = api_client.get("/api/v1/digests/2026-10/").json()["content"]
    assert content["sales"][COMPANY]["revenue"] == 1000.0

    RegionalSalesLine.objects.update(revenue=Decimal("123456.00"))
    RegionalSalesLineFactory(report=DailyReportFactory(rep=zhang, date=datetime.date(2026, 10, 20), submitted=True))

    after = _without_csrf(client.get("/digests/2026-10/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert after == page
    assert "123,456" not in after
    assert api_client.get("/api/v1/digests/2026-10/").json()["content"] == content
    assert digest_figures(OCTOBER)["sales"][COMPANY]["revenue"] != 1000.0  # the live figures did change


def test_the_api_detail_has_the_content_and_the_list_does_not(people, api_client):
    mkt = people[0]
    digest_build(OCTOBER, today=TODAY)
    api_client.force_authenticate(mkt)

    (row,) = api_client.get("/api/v1/digests/").json()["results"]
    assert set(row) == {"month", "version", "built_at", "build_seconds"}
    detail = api_client.get("/api/v1/digests/2026-10/").json()
    assert detail["month"] == "2026-10"
    assert detail["content"]["month"] == "2026-10-01"
    xlsx = api_client.get("/api/v1/digests/2026-10/xlsx/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Sales vs target" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert api_client.get("/api/v1/digests/October/").status_code == 404


def test_the_build_form_answers_400_with_the_field_error(people, client):
    client.force_login(people[0])

    future = client.post("/digests/build/", {"month": "2099-01"})
    assert future.status_code == 400
    assert future.context["form"].errors["month"]
    garbage = client.post("/digests/build/", {"month": "not a month"})
    assert garbage.status_code == 400
    assert garbage.context["form"].errors["month"]
    assert not Digest.objects.exists()


def test_the_api_rebuild_bumps_the_version_and_mails_everyone_again(people, api_client):
    api_client.force_authenticate(people[0])

    first = api_client.post("/api/v1/digests/build/", {"month": "2026-10"}, format="json")
    again = api_client.post("/api/v1/digests/build/", {"month": "2026-10"}, format="json")
    rebuilt = api_client.post("/api/v1/digests/build/", {"month": "2026-10", "rebuild": True}, format="json")

    assert (first.status_code, first.json()["version"], first.json()["sent"]) == (201, 1, 3)
    assert (again.json()["version"], again.json()["sent"]) == (1, 0)
    assert (rebuilt.json()["version"], rebuilt.json()["sent"]) == (2, 3)
    assert len(mail.outbox) == 6


def test_admin_is_read_only_and_sends_only_to_the_unsent(people, client):
    _mkt, mgr, _attendee, _zhang = people
    digest = digest_build(OCTOBER, today=TODAY)
    digest_send(digest)
    DigestRecipient.objects.filter(digest=digest, user=mgr).update(sent_at=None)  # as if their mail had failed
    mail.outbox.clear()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    assert client.get(f"/admin/coordination/digest/{digest.pk}/change/").status_code == 200
    assert client.get("/admin/coordination/digest/add/").status_code == 403
    response = client.post(
        "/admin/coordination/digest/", {"action": "send_to_unsent", "_selected_action": [digest.pk]}, follow=True
    )

    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [[mgr.email]]
    assert not DigestRecipient.objects.filter(digest=digest, sent_at__isnull=True).exists()
    assert Digest.objects.get().version == 1


def test_the_monthly_task_builds_the_month_and_mails_it_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digest_id = digest_monthly.delay("2026-10").get()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_monthly.delay("2026-10-15").get() == digest_id  # the same month, already built

    digest = Digest.objects.get(pk=digest_id)
    assert (digest.month, digest.version) == (OCTOBER, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:3])
    chinese = next(m for m in mail.outbox if m.to == [people[0].email])
    assert "联席会议" in chinese.subject


def test_the_tasks_are_registered_under_their_schedule_names_with_capped_retries():
    monthly, send = app.tasks["coordination.digest_monthly"], app.tasks["coordination.digest_send"]
    assert send.acks_late is True
    for task in (monthly, send):
        assert set(TRANSIENT_ERRORS) <= set(task.autoretry_for)
        assert task.max_retries == 5
        assert task.retry_backoff


def test_generate_scale_bulk_creates_a_month_once(regions):
    with pytest.raises(CommandError):
        call_command("generate_scale", reps=2, days=3, month="2026-06", stdout=io.StringIO())  # no master data
    ProductFactory()
    BrandFactory()
    UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn)  # they decide the generated approvals
    UserFactory(role=Role.SALES_MANAGER, region=regions.east)

    call_command("generate_scale", reps=2, days=3, month="2026-06", stdout=io.StringIO())
    counts = (DailyReport.objects.count(), Promotion.objects.count(), IntelItem.objects.count())
    call_command("generate_scale", reps=2, days=3, month="2026-06", stdout=io.StringIO())  # adds nothing
    assert (DailyReport.objects.count(), Promotion.objects.count(), IntelItem.objects.count()) == counts

    # 1–3 June 2026 are a Monday to Wednesday: three working days, one submitted report per rep and day — but for
    # the one day in twenty each rep leaves unreported (the same days on every run).
    reps = User.objects.filter(username__startswith="scale.rep.")
    expected = {
        (rep.pk, datetime.date(2026, 6, d))
        for rep in reps
        for d in (1, 2, 3)
        if (rep.pk * 7919 + datetime.date(2026, 6, d).toordinal()) % 20
    }
    reports = DailyReport.objects.filter(date__month=6)
    assert set(reports.values_list("rep_id", "date")) == expected
    assert digest_figures(datetime.date(2026, 6, 1))["sales"][COMPANY]["revenue"] > 0
    # ... with targets, a promotion per leaf region, its approvals, and the month's KPI rollups built.
    assert SalesTarget.objects.filter(year=2026, month=6, rep__in=reps).count() == 2
    assert Promotion.objects.filter(title__startswith="SCALE 2026-06 M ").count() == 6
    assert KpiMonthly.objects.filter(person__in=reps, month=datetime.date(2026, 6, 1)).exists()
    with pytest.raises(CommandError):
        call_command("generate_scale", reps=2, month="June", stdout=io.StringIO())
