"""The monthly digest: figures aggregated in the database, frozen when built, mailed once per recipient in their
language with the XLSX attached; its pages and API show it only to those who may read it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import Notification, NotificationKind, User
from accounts.roles import Role
from campaigns.models import SalesTarget
from coordination.models import Digest, DigestRecipient
from coordination.selectors.digest import COMPANY, digest_figures
from coordination.services.digest import DigestError, DigestSendIncomplete, digest_build, digest_send, digest_xlsx
from feedback.models import CustomerFeedbackLine
from tests.factories import UserFactory
from tests.factories.coordination import ActionItemFactory, JointMeetingFactory
from tests.factories.feedback import (
    CompetitorIntelLineFactory,
    CustomerFeedbackLineFactory,
    DailyReportFactory,
    MerchandisingLineFactory,
    RegionalSalesLineFactory,
    ShelfDisplayLineFactory,
)

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
TODAY = datetime.date(2026, 11, 2)


def _report(rep, day, **kwargs):
    return DailyReportFactory(rep=rep, date=day, submitted=True, **kwargs)


@pytest.fixture
def month(regions):
    """October 2026: two reps in Shanghai and Beijing with known facts, plus facts the digest must ignore."""
    zhang = UserFactory(username="rep.zhang", role=Role.SALES_REP, region=regions.sh)
    chen = UserFactory(username="rep.chen", role=Role.SALES_REP, region=regions.bj)
    sh1, sh2 = _report(zhang, datetime.date(2026, 10, 9)), _report(zhang, datetime.date(2026, 10, 12))
    bj = _report(chen, datetime.date(2026, 10, 9))
    RegionalSalesLineFactory(report=sh1, revenue=Decimal("1000.00"), payments_collected=Decimal("800.00"))
    RegionalSalesLineFactory(report=sh2, revenue=Decimal("3000.00"), payments_collected=Decimal("2400.00"))
    RegionalSalesLineFactory(report=bj, revenue=Decimal("500.00"), payments_collected=Decimal("500.00"))
    for out in (True, False, False, False):
        MerchandisingLineFactory(report=sh1, out_of_stock=out, on_hand=0 if out else 24)
    MerchandisingLineFactory(report=bj, out_of_stock=True, on_hand=0)
    ShelfDisplayLineFactory(report=sh1)
    CompetitorIntelLineFactory(report=sh1, brand__name="康师傅")
    CompetitorIntelLineFactory(report=sh2, brand__name="康师傅")
    CompetitorIntelLineFactory(report=bj, brand__name="统一")
    CustomerFeedbackLineFactory(report=bj, category=CustomerFeedbackLine.Category.PRAISE)
    # Ignored: a draft, a report of September, a line replaced by an amendment is covered by the selector's filter.
    draft = DailyReportFactory(rep=zhang, date=datetime.date(2026, 10, 13))
    RegionalSalesLineFactory(report=draft, revenue=Decimal("99999.00"))
    RegionalSalesLineFactory(report=_report(zhang, datetime.date(2026, 9, 30)), revenue=Decimal("77777.00"))
    SalesTarget.objects.create(year=2026, quarter=4, month=10, region=regions.east, revenue=Decimal("5000.00"))
    return regions


def test_figures_are_the_months_submitted_facts_per_area_and_company(month):
    figures = digest_figures(OCTOBER)

    east, north = "CN/EAST/", "CN/NORTH/"
    assert figures["sales"][east]["revenue"] == 4000.0
    assert figures["sales"][east]["target_revenue"] == 5000.0
    assert figures["sales"][east]["attainment_pct"] == 80.0
    assert figures["sales"][east]["collection_pct"] == 80.0
    assert figures["sales"][north]["revenue"] == 500.0
    assert figures["sales"][north]["attainment_pct"] is None  # no target: no made-up percentage
    assert figures["sales"][COMPANY]["revenue"] == 4500.0
    assert figures["field"][east]["out_of_stock_pct"] == 25.0
    assert figures["field"][north]["out_of_stock_pct"] == 100.0
    assert figures["field"][COMPANY]["out_of_stock_pct"] == 40.0
    assert figures["field"]["CN/SOUTH/"]["out_of_stock_pct"] is None
    assert figures["competitors"][COMPANY][0] == {"brand": "康师傅", "activity": "price_cut", "reports": 2}
    assert figures["customer_feedback"][north]["praise"] == 1
    assert [a["name_en"] for a in figures["areas"]] == ["East", "North", "South"]


def test_figures_take_a_fixed_number_of_queries_whatever_the_rows(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as few:
        digest_figures(OCTOBER)
    zhang = User.objects.get(username="rep.zhang")
    for day in range(1, 21):
        report = _report(zhang, datetime.date(2026, 10, day)) if day not in (9, 12, 13) else None
        if report:
            RegionalSalesLineFactory(report=report)
            MerchandisingLineFactory(report=report)
            CompetitorIntelLineFactory(report=report)
    with django_assert_max_num_queries(len(few.captured_queries)):
        digest_figures(OCTOBER)


def test_a_month_not_over_is_refused_and_a_built_month_is_frozen(month):
    with pytest.raises(DigestError):
        digest_build(datetime.date(2026, 11, 1), today=TODAY)

    digest = digest_build(OCTOBER, today=TODAY)
    html = digest.html["en"]
    assert "4,000" in html or "4000" in html
    assert "华东" in digest.html["zh-hans"]
    assert "East" in html

    # New facts after the build change nothing unless a rebuild is asked for.
    RegionalSalesLineFactory(report=_report(User.objects.get(username="rep.chen"), datetime.date(2026, 10, 20)))
    again = digest_build(OCTOBER, today=TODAY)
    assert (again.pk, again.version, again.content) == (digest.pk, 1, digest.content)
    rebuilt = digest_build(OCTOBER, rebuild=True, today=TODAY)
    assert rebuilt.pk == digest.pk
    assert rebuilt.version == 2
    assert rebuilt.content["sales"][COMPANY]["revenue"] > digest.content["sales"][COMPANY]["revenue"]


def _people(regions):
    mkt = UserFactory(username="mkt.wang", role=Role.MARKETING_MANAGER, region=regions.cn, language="zh-hans")
    mgr = UserFactory(username="mgr.east", role=Role.SALES_MANAGER, region=regions.east)
    staff = UserFactory(username="mkt.li", role=Role.MARKETING_STAFF, region=regions.cn)
    rep = UserFactory(username="rep.liu", role=Role.SALES_REP, region=regions.hz)
    JointMeetingFactory(month=datetime.date(2026, 11, 1), attendees=[mkt, mgr, staff])
    return mkt, mgr, staff, rep


def test_sent_once_to_managers_and_attendees_in_their_language_with_the_xlsx(month):
    mkt, mgr, staff, _rep = _people(month)
    digest = digest_build(OCTOBER, today=TODAY)

    assert digest_send(digest) == 3
    assert digest_send(digest) == 0  # a second run sends nothing
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {mkt.email, mgr.email, staff.email}  # the rep neither manages nor attends
    chinese, english = by_address[mkt.email], by_address[mgr.email]
    assert "联席会议" in chinese.subject
    assert english.subject == "Joint-meeting digest 2026-10"
    assert chinese.alternatives[0][0] == digest.html["zh-hans"]
    name, content, _mimetype = english.attachments[0]
    assert name == "digest-2026-10.xlsx"
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Sales vs target"
    assert DigestRecipient.objects.filter(digest=digest, sent_at__isnull=False).count() == 3
    # In the inbox too, once each; the e-mail is the digest itself (no second "you have a notification" mail).
    assert Notification.objects.filter(kind=NotificationKind.DIGEST).count() == 3
    assert len(mail.outbox) == 3


def test_a_rebuild_is_sent_again_and_a_failed_recipient_is_retried_alone(month, settings):
    _people(month)
    digest = digest_build(OCTOBER, today=TODAY)
    digest_send(digest)
    rebuilt = digest_build(OCTOBER, rebuild=True, today=TODAY)

    assert digest_send(rebuilt) == 3
    assert len(mail.outbox) == 6


def test_xlsx_quotes_text_a_spreadsheet_would_run_as_a_formula(month):
    CompetitorIntelLineFactory(
        report=_report(User.objects.get(username="rep.chen"), datetime.date(2026, 10, 21)),
        brand__name='=HYPERLINK("http://x")',
    )
    digest = digest_build(OCTOBER, today=TODAY)
    sheet = load_workbook(io.BytesIO(digest_xlsx(digest)))["Competitors"]
    brands = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in brands
    assert not any(str(b).startswith("=") for b in brands)


def test_commands_build_send_and_refuse_bad_months(month):
    _people(month)
    out = io.StringIO()
    call_command("build_digest", "--month", "2026-10", "--no-send", stdout=out)
    assert "version 1" in out.getvalue()
    assert mail.outbox == []
    call_command("send_digest", "--month", "2026-10", stdout=out)
    call_command("build_digest", "--month", "2026-10", stdout=out)  # built already: unchanged, nobody mailed twice
    assert len(mail.outbox) == 3
    assert Digest.objects.get().version == 1
    with pytest.raises(CommandError):
        call_command("build_digest", "--month", "October")
    with pytest.raises(CommandError):
        call_command("send_digest", "--month", "2026-08")


def test_open_and_overdue_action_items_are_counted(month):
    ActionItemFactory(due_on=datetime.date(2026, 10, 10))
    ActionItemFactory(due_on=datetime.date(2026, 12, 10))
    figures = digest_figures(OCTOBER)
    assert (figures["action_items"]["open"], figures["action_items"]["overdue"]) == (2, 1)


# --- pages and API: who may read, build and download ---------------------------------------------------------------


@pytest.fixture
def built(month):
    people = _people(month)
    digest = digest_build(OCTOBER, today=TODAY)
    digest_send(digest)
    return people, digest


ORGANISERS = (Role.MARKETING_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
READERS = [Role.MARKETING_STAFF, Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER]


@pytest.mark.parametrize(
    ("role", "reads", "builds"),
    [
        *[
            (role, True, role in (Role.MARKETING_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER))
            for role in READERS
        ],
        (Role.SALES_REP, False, False),
        (Role.HR, False, False),
    ],
)
def test_permission_matrix_pages_and_api(built, client, api_client, regions, role, reads, builds):
    person = UserFactory(role=role, region=regions.cn if role != Role.SALES_REP else regions.sh)
    client.force_login(person)
    api_client.force_authenticate(person)

    listed = api_client.get("/api/v1/digests/").json()["results"]
    assert [d["month"] for d in listed] == (["2026-10"] if reads else [])
    for url in ("/digests/2026-10/", "/digests/2026-10/xlsx/", "/digests/2026-09/"):
        expected = 200 if reads and "09" not in url else 404  # never built and not allowed look alike
        assert client.get(url).status_code == expected, url
    for url in ("/api/v1/digests/2026-10/", "/api/v1/digests/2026-10/xlsx/"):
        assert api_client.get(url).status_code == (200 if reads else 404), url
    response = api_client.post("/api/v1/digests/build/", {"month": "2026-09", "send": False}, format="json")
    assert response.status_code == (201 if builds else 403)
    assert client.post("/digests/build/", {"month": "2026-08"}).status_code == (302 if builds else 403)


def test_an_attendee_without_a_reader_role_reads_the_digest_sent_to_them(built, client, regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    digest = Digest.objects.get()
    DigestRecipient.objects.create(digest=digest, user=rep, version=1, language="en")
    client.force_login(rep)
    assert client.get("/digests/2026-10/").status_code == 200


def test_build_errors_are_per_field_and_a_future_month_is_refused(built, api_client):
    (mkt, *_rest), _digest = built
    api_client.force_authenticate(mkt)
    assert api_client.post("/api/v1/digests/build/", {"month": "Oct"}, format="json").json()["month"]
    future = api_client.post("/api/v1/digests/build/", {"month": "2099-01"}, format="json")
    assert future.status_code == 400
    assert "over" in future.json()["month"][0]


def test_detail_page_shows_the_frozen_digest_in_the_readers_language(built, client):
    (mkt, *_rest), _digest = built
    client.force_login(mkt)  # prefers Chinese
    page = client.get("/digests/2026-10/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "华东" in page
    assert 'data-testid="digest-xlsx"' in page


def test_list_page_keeps_its_query_count(built, client, django_assert_max_num_queries):
    (mkt, *_rest), _digest = built
    client.force_login(mkt)
    with django_assert_max_num_queries(14) as few:
        assert client.get("/digests/").status_code == 200
    built_at = Digest.objects.get().built_at
    for month in range(1, 9):
        Digest.objects.create(month=datetime.date(2026, month, 1), built_at=built_at)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/digests/").status_code == 200


def test_a_recipient_whose_mail_fails_is_retried_alone_and_the_page_says_so(built, client, monkeypatch):
    (mkt, mgr, *_rest), _digest = built
    rebuilt = digest_build(OCTOBER, rebuild=True, today=TODAY)
    sent_before = len(mail.outbox)
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def flaky(message, fail_silently=False):
        if message.to == [mgr.email]:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(message, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with pytest.raises(DigestSendIncomplete):
        digest_send(rebuilt)
    failed = DigestRecipient.objects.get(digest=rebuilt, version=2, user=mgr)
    assert (failed.sent_at, failed.attempts) == (None, 1)
    assert "SMTP server down" in failed.last_error
    assert len(mail.outbox) == sent_before + 2

    client.force_login(mkt)
    response = client.post("/digests/build/", {"month": "2026-10"}, follow=True)
    assert "could not be sent" in response.content.decode()
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert digest_send(rebuilt) == 1  # only the one who missed it
    assert [m.to for m in mail.outbox[sent_before:]].count([mgr.email]) == 1
