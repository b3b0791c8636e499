"""/reports/<id>/: the nine sections read-only, amendments with the lines they replaced, marketing's answers."""

import re
import uuid

import pytest
from django.utils import timezone

from feedback.models import SECTION_MODELS, CompetitorIntelLine, IntelItem
from feedback.services.reports import report_amend, report_create
from tests.factories import DailyReportFactory, PhotoFactory
from tests.factories.feedback import (
    CompetitorIntelLineFactory,
    CustomerFeedbackLineFactory,
    MerchandisingLineFactory,
    OutletCoverageLineFactory,
    PopDistributionLineFactory,
    PosSalesLineFactory,
    PromotionFeedbackLineFactory,
    RegionalSalesLineFactory,
    ShelfDisplayLineFactory,
)

from .field_setup import build_field, full_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(regions):
    return build_field(regions)


def _file(f, *, sections=None, submit=True):
    report, _created = report_create(
        rep=f.people.rep_sh,
        date=timezone.localdate(),
        client_uuid=uuid.uuid4(),
        sections=full_sections(f) if sections is None else sections,
        submit=submit,
    )
    return report


def _url(report) -> str:
    return f"/reports/{report.pk}/"


def _section(page: str, key: str) -> str:
    match = re.search(rf'<section class="card report-section" id="section-{key}".*?</section>', page, re.S)
    assert match, key
    return match.group(0)


def test_all_nine_sections_show_the_names_and_labels_of_their_lines(client, f):
    photo = PhotoFactory(uploaded_by=f.people.rep_sh)
    sections = full_sections(f)
    sections["shelf_display"][0]["photo"] = photo.pk
    report = _file(f, sections=sections)
    client.force_login(f.people.mgr_east)

    response = client.get(_url(report))

    assert response.status_code == 200
    page = response.content.decode()
    assert [s.key for s in response.context["page"].sections] == list(SECTION_MODELS)
    shelf = _section(page, "shelf_display")
    assert "联华超市" in shelf
    assert f.cola.display_name in shelf
    assert "Eye level" in shelf
    assert "End cap" in shelf
    assert f'href="/photos/{photo.pk}/"' in shelf
    assert f'src="/photos/{photo.pk}/thumbnail/"' in shelf
    merchandising = _section(page, "merchandising")
    assert merchandising.count('data-testid="line"') == 2
    assert "已通知补货" in merchandising
    assert "Poster" in _section(page, "pop_distribution")
    assert "上海可乐特价" in _section(page, "promotion_feedback")
    assert "Shanghai" in _section(page, "regional_sales")
    intel = _section(page, "competitor_intel")
    assert "Master Kong" in intel
    assert "Price cut" in intel
    assert "3.50" in intel
    feedback = _section(page, "customer_feedback")
    assert "Consumer" in feedback
    assert "Complaint" in feedback
    assert "瓶盖难拧开" in feedback
    assert 'data-testid="section-missing"' not in page


def test_sections_marked_nothing_to_report_and_missing_ones_are_marked(client, f):
    sections = full_sections(f)
    sections["customer_feedback"] = None
    del sections["pop_distribution"]
    report = _file(f, sections=sections, submit=False)
    client.force_login(f.people.rep_sh)

    page = client.get(_url(report)).content.decode()

    assert 'data-testid="nothing-to-report"' in _section(page, "customer_feedback")
    assert 'data-testid="section-missing"' in _section(page, "pop_distribution")
    assert page.count('data-testid="section-missing"') == 1


def test_amendments_show_author_time_reason_and_the_replaced_lines_struck_through(client, f):
    report = _file(f)
    amendment, _created = report_amend(
        rep=f.people.rep_sh,
        report=report,
        reason="价格写错了",
        client_uuid=uuid.uuid4(),
        sections={
            "competitor_intel": [
                {
                    "brand": f.competitor.pk,
                    "product_name": "冰红茶 500ml",
                    "observed_price": "3.20",
                    "activity": "price_cut",
                    "description": "全场特价 3.2 元",
                    "outlet": f.outlet_sh.pk,
                }
            ]
        },
    )
    client.force_login(f.people.mgr_east)

    response = client.get(_url(report))

    page = response.content.decode()
    amendments = re.search(r'data-testid="amendments".*?</section>', page, re.S).group(0)
    assert "价格写错了" in amendments
    assert f.people.rep_sh.display_name in amendments
    intel = _section(page, "competitor_intel")
    current, replaced = intel.split('data-testid="replaced-head"')
    assert "全场特价 3.2 元" in current
    assert "全场特价 3.5 元" not in current
    assert "amended" in current
    assert "全场特价 3.5 元" in replaced
    assert 'class="replaced"' in replaced
    [group] = response.context["page"].sections[7].replaced
    assert group.amendment == amendment
    # Sections the amendment did not touch have nothing replaced.
    assert 'data-testid="replaced-line"' not in _section(page, "pos_sales")


def test_the_rep_sees_marketings_answer_on_their_intel_line(client, f):
    report = _file(f)
    line = CompetitorIntelLine.objects.get(report=report)
    IntelItem.objects.filter(competitor_intel=line).update(
        answer="已安排跟进价格", answered_by=f.people.mkt_staff, answered_at=timezone.now()
    )
    client.force_login(f.people.rep_sh)

    page = client.get(_url(report)).content.decode()

    intel = _section(page, "competitor_intel")
    assert "已安排跟进价格" in intel
    assert f.people.mkt_staff.display_name in intel
    # The other intel sections wait for an answer; sections outside the feed show none.
    assert 'data-testid="intel-answer"' in _section(page, "customer_feedback")
    assert "已安排跟进价格" not in _section(page, "customer_feedback")
    assert 'data-testid="intel-answer"' not in _section(page, "pos_sales")


@pytest.mark.parametrize(
    ("submit", "who", "edit", "amend"),
    [
        (False, "rep_sh", True, False),
        (True, "rep_sh", False, True),
        (False, "mgr_east", False, False),
        (True, "mgr_east", False, False),
        (True, "mkt_staff", False, False),
    ],
)
def test_buttons_follow_the_report_state_and_its_owner(client, f, submit, who, edit, amend):
    report = _file(f, submit=submit)
    client.force_login(getattr(f.people, who))

    page = client.get(_url(report)).content.decode()

    assert (f'href="/reports/{report.pk}/edit/"' in page) is edit
    assert (f'href="/reports/{report.pk}/amend/"' in page) is amend


@pytest.mark.parametrize(
    ("owner", "who", "status"),
    [
        ("rep_sh", "rep_sh", 200),
        ("rep_sh", "rep_hz", 404),
        ("rep_sh", "rep_bj", 404),
        ("rep_sh", "mgr_east", 200),
        ("rep_sh", "mgr_north", 404),
        ("rep_bj", "mgr_north", 200),
        ("rep_bj", "mgr_east", 404),
        ("rep_bj", "rep_sh", 404),
        ("rep_bj", "mkt_staff", 200),
        ("rep_bj", "director", 200),
        ("rep_bj", "gm", 200),
        ("rep_bj", "hr", 403),
    ],
)
def test_who_may_open_a_report(client, f, owner, who, status):
    report = DailyReportFactory(rep=getattr(f.people, owner), submitted=True)
    client.force_login(getattr(f.people, who))

    assert client.get(_url(report)).status_code == status


def test_an_unknown_report_is_a_404(client, f):
    client.force_login(f.people.director)

    assert client.get("/reports/999999/").status_code == 404


def test_the_page_uses_the_same_queries_whatever_the_number_of_lines(client, f, django_assert_max_num_queries):
    factories = [
        ShelfDisplayLineFactory,
        MerchandisingLineFactory,
        PopDistributionLineFactory,
        OutletCoverageLineFactory,
        PosSalesLineFactory,
        PromotionFeedbackLineFactory,
        RegionalSalesLineFactory,
        CompetitorIntelLineFactory,
        CustomerFeedbackLineFactory,
    ]

    def report_with(count):
        report = DailyReportFactory(rep=f.people.rep_sh, submitted=True, date=timezone.localdate())
        for factory in factories:
            has_photo = any(field.name == "photo" for field in factory._meta.model._meta.get_fields())
            kwargs = {"photo": PhotoFactory(uploaded_by=f.people.rep_sh)} if has_photo else {}
            factory.create_batch(count, report=report, **kwargs)
        return report

    one = report_with(1)
    client.force_login(f.people.mgr_east)
    with django_assert_max_num_queries(24) as few:
        assert client.get(_url(one)).status_code == 200
    one.delete()
    many = report_with(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(many))
    assert sum(len(section.lines) for section in response.context["page"].sections) == 9 * 15
