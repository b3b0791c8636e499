"""The promotion pages: list, calendar, detail, the draft form (real posts), attachments, Chinese, query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from campaigns.models import Promotion, PromotionAttachment, PromotionOrigin, PromotionStatus
from campaigns.services.promotions import promotion_attachment_add
from tests.factories import ProductCategoryFactory, ProductFactory, PromotionFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%demo\n"


@pytest.fixture
def marketer(regions):
    return UserFactory(username="mkt", first_name="明", last_name="李", role=Role.MARKETING_STAFF, region=regions.cn)


@pytest.fixture
def signed_in(client, marketer):
    client.force_login(marketer)
    return client


def html(response) -> str:
    return response.content.decode()


# --- list --------------------------------------------------------------------------------------------------------


def test_list_shows_promotions_with_status_badges_and_filters(signed_in, regions):
    PromotionFactory(title="Tea in Shanghai", regions=[regions.sh], status=PromotionStatus.RUNNING)
    PromotionFactory(title="Chips in Beijing", regions=[regions.bj])

    everything = html(signed_in.get("/promotions/"))
    in_east = html(signed_in.get(f"/promotions/?region={regions.east.pk}"))

    assert "Tea in Shanghai" in everything
    assert "Chips in Beijing" in everything
    assert '<span class="badge status-running" data-status="running">Running</span>' in everything
    assert '<span class="badge status-draft" data-status="draft">Draft</span>' in everything
    assert "Tea in Shanghai" in in_east
    assert "Chips in Beijing" not in in_east
    assert f'<option value="{regions.east.pk}" selected>' in in_east


def test_list_empty_states(signed_in, client, regions):
    empty = html(signed_in.get("/promotions/"))
    nothing_matches = html(signed_in.get("/promotions/?q=nothing-like-this"))

    assert 'data-testid="promotion-list-empty"' in empty
    assert "No promotions to show yet." in empty
    assert 'href="/promotions/new/"' in empty
    assert "No promotion matches these filters." in nothing_matches


def test_list_paginates_and_keeps_the_filters_in_page_links(signed_in, regions):
    for n in range(30):
        PromotionFactory(
            title=f"P{n:02d}", regions=[regions.sh], starts_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        )

    first = signed_in.get("/promotions/?origin=marketing")
    second = signed_in.get("/promotions/?origin=marketing&page=2")

    assert [p.title for p in first.context["page_obj"].object_list][:2] == ["P29", "P28"]
    assert len(first.context["page_obj"].object_list) == 25
    assert 'href="?origin=marketing&amp;page=2"' in html(first)
    assert [p.title for p in second.context["page_obj"].object_list] == ["P04", "P03", "P02", "P01", "P00"]


def test_an_invalid_filter_shows_a_message_not_an_error_page(signed_in):
    response = signed_in.get("/promotions/?period_from=tomorrow")

    assert response.status_code == 200
    assert "Enter a valid date." in html(response)


# --- query counts ------------------------------------------------------------------------------------------------


def _add_promotions(count, regions, products):
    for n in range(count):
        PromotionFactory(
            regions=[[regions.sh, regions.bj, regions.cn][n % 3], regions.hz],
            products=products,
            starts_on=timezone.localdate() - datetime.timedelta(days=n % 10),
            ends_on=timezone.localdate() + datetime.timedelta(days=10),
        )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, roles, unread notifications (base page), count, page, regions, products,
        # filter choices (regions, products)
        ("/promotions/", 10),
        # session, user, roles, unread notifications, provinces, promotions, their regions
        ("/promotions/calendar/", 7),
    ],
)
def test_list_and_calendar_queries_are_the_same_at_5_and_200_rows(
    signed_in, regions, django_assert_num_queries, url, queries
):
    products = [ProductFactory() for _ in range(3)]
    _add_promotions(5, regions, products)
    with django_assert_num_queries(queries):
        small = signed_in.get(url)
    _add_promotions(195, regions, products)
    with django_assert_num_queries(queries):
        large = signed_in.get(url)

    assert small.status_code == large.status_code == 200
    assert Promotion.objects.count() == 200


def test_detail_queries_are_the_same_with_5_and_200_related_rows(
    signed_in, marketer, regions, django_assert_num_queries
):
    promotion = PromotionFactory(created_by=marketer)
    category = ProductCategoryFactory()

    def grow(count):
        products = ProductFactory.create_batch(count, category=category)
        people = UserFactory.create_batch(count)
        promotion.products.add(*products)
        promotion.responsible.add(*people)
        promotion.regions.add(*[regions.sh, regions.hz, regions.bj][: min(count, 3)])
        for n in range(count):
            PromotionAttachment.objects.create(
                promotion=promotion, file=f"promotions/x/{n}.pdf", name=f"{n}.pdf", size=10, uploaded_by=marketer
            )

    # session, user, roles, unread notifications, promotion (+owner, author, plan), regions, products,
    # responsible, attachments
    grow(5)
    with django_assert_num_queries(9):
        small = signed_in.get(f"/promotions/{promotion.pk}/")
    grow(195)
    with django_assert_num_queries(9):
        large = signed_in.get(f"/promotions/{promotion.pk}/")

    assert small.status_code == large.status_code == 200
    assert html(large).count("/attachments/") >= 200


# --- the form ----------------------------------------------------------------------------------------------------


def test_the_new_form_is_phone_friendly_and_offers_what_the_author_may_pick(client, regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.east)
    ProductFactory(sku="ON-SALE")
    ProductFactory(sku="OLD", active=False)
    client.force_login(rep)

    response = client.get("/promotions/new/")
    form = response.context["form"]

    assert response.status_code == 200
    assert [r.code for r in form.fields["regions"].queryset] == ["EAST", "HZ", "SH"]
    assert [p.sku for p in form.fields["products"].queryset] == ["ON-SALE"]
    assert form.initial["regions"] == [regions.east.pk]
    page = html(response)
    assert 'type="date"' in page
    assert 'inputmode="decimal"' in page
    assert "css/promotions.css" in page


def _form_data(tree, chosen, **overrides) -> dict:
    data = {
        "title": "夏季绿茶特价",
        "type": "special_price",
        "starts_on": "2026-07-01",
        "ends_on": "2026-07-31",
        "regions": [tree.sh.pk],
        "products": [p.pk for p in chosen],
        "mechanics": "第二瓶半价",
        "price_floor": "2.60",
        "price_ceiling": "3.50",
        "budget": "5000",
        "expected_effect": "+20%",
        "expected_uplift_pct": "20",
        "owner": "",
    }
    data.update(overrides)
    return data


def test_posting_the_form_drafts_a_promotion(signed_in, marketer, regions):
    tea = ProductFactory(sku="TEA")

    response = signed_in.post("/promotions/new/", _form_data(regions, [tea]))

    promotion = Promotion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/promotions/{promotion.pk}/"
    assert (promotion.title, promotion.origin, promotion.status, promotion.owner) == (
        "夏季绿茶特价",
        PromotionOrigin.MARKETING,
        PromotionStatus.DRAFT,
        marketer,
    )
    assert promotion.price_floor == Decimal("2.60")
    assert list(promotion.products.all()) == [tea]
    assert list(promotion.regions.all()) == [regions.sh]


def test_a_form_with_errors_keeps_everything_typed_and_says_what_is_wrong_per_field(signed_in, regions):
    tea, chips = ProductFactory(sku="TEA"), ProductFactory(sku="CHIPS")

    response = signed_in.post(
        "/promotions/new/",
        _form_data(regions, [tea, chips], ends_on="2026-06-01", price_floor="9.00", regions=[]),
    )

    assert response.status_code == 200
    assert not Promotion.objects.exists()
    form = response.context["form"]
    assert form.errors == {
        "ends_on": ["The promotion cannot end before it starts."],
        "price_ceiling": ["The price ceiling cannot be below the price floor."],
        "regions": ["Choose at least one region."],
    }
    page = html(response)
    assert 'value="夏季绿茶特价"' in page
    assert 'value="2026-07-01"' in page
    assert 'value="2026-06-01"' in page
    assert 'value="9.00"' in page
    assert "第二瓶半价</textarea>" in page
    assert re.search(rf'value="{tea.pk}"[^>]*checked', page)
    assert re.search(rf'value="{chips.pk}"[^>]*checked', page)
    assert "Please correct the fields marked below." in page


def test_a_form_missing_required_fields_names_each(signed_in):
    response = signed_in.post("/promotions/new/", {"title": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "title",
        "type",
        "starts_on",
        "ends_on",
        "mechanics",
        "expected_effect",
    }
    assert not Promotion.objects.exists()


def test_the_author_edits_a_draft_through_the_form(signed_in, marketer, regions):
    tea = ProductFactory(sku="TEA")
    promotion = PromotionFactory(created_by=marketer, title="Old title", regions=[regions.sh], products=[tea])

    form_page = signed_in.get(f"/promotions/{promotion.pk}/edit/")
    response = signed_in.post(f"/promotions/{promotion.pk}/edit/", _form_data(regions, [tea], title="New title"))

    assert 'value="Old title"' in html(form_page)
    assert response.status_code == 302
    promotion.refresh_from_db()
    assert promotion.title == "New title"
    assert promotion.mechanics == "第二瓶半价"


# --- detail and attachments --------------------------------------------------------------------------------------


def test_detail_shows_everything_about_the_promotion(signed_in, marketer, regions):
    helper = UserFactory(first_name="伟", last_name="张")
    tea = ProductFactory(sku="TEA", name="绿茶", name_en="Green tea", list_price=Decimal("3.50"))
    promotion = PromotionFactory(
        created_by=marketer,
        title="Tea special",
        regions=[regions.sh],
        products=[tea],
        price_floor=Decimal("2.60"),
        price_ceiling=Decimal("3.50"),
        budget=Decimal("8000.00"),
    )
    promotion.responsible.set([helper])
    promotion_attachment_add(
        user=marketer, promotion=promotion, file=SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")
    )

    page = html(signed_in.get(f"/promotions/{promotion.pk}/"))

    for text in (
        "Tea special",
        "Shanghai",
        "Green tea",
        "TEA",
        '<dd data-testid="price-floor">¥2.60</dd>',
        '<dd data-testid="price-ceiling">¥3.50</dd>',
        "¥8000.00",
        "李明",
        "张伟",
        "brief.pdf",
        "Buy two, get 10% off.",
        "+15% units",
        'data-testid="edit-promotion"',
    ):
        assert text in page, text


def test_attaching_through_the_page(signed_in, marketer):
    promotion = PromotionFactory(created_by=marketer)

    ok = signed_in.post(
        f"/promotions/{promotion.pk}/attachments/",
        {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")},
    )
    bad = signed_in.post(
        f"/promotions/{promotion.pk}/attachments/",
        {"file": SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")},
    )

    assert ok.status_code == 302
    assert list(PromotionAttachment.objects.values_list("name", flat=True)) == ["photo.png"]
    assert bad.status_code == 400
    assert "This kind of file cannot be attached." in html(bad)


def test_removing_an_attachment_through_the_page(signed_in, marketer):
    promotion = PromotionFactory(created_by=marketer)
    attachment = promotion_attachment_add(
        user=marketer, promotion=promotion, file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    )

    response = signed_in.post(f"/promotions/{promotion.pk}/attachments/{attachment.pk}/delete/")

    assert response.status_code == 302
    assert not PromotionAttachment.objects.exists()


# --- calendar ----------------------------------------------------------------------------------------------------


def test_calendar_marks_this_week_and_links_promotions(signed_in, regions):
    today = timezone.localdate()
    promotion = PromotionFactory(title="This week in Shanghai", regions=[regions.sh], starts_on=today, ends_on=today)

    response = signed_in.get("/promotions/calendar/")
    page = html(response)

    assert response.status_code == 200
    assert page.count('aria-current="date"') == 1
    assert f'href="/promotions/{promotion.pk}/"' in page
    monday = today - datetime.timedelta(days=today.weekday())
    assert f"?start={(monday - datetime.timedelta(weeks=6)).isoformat()}&amp;weeks=6" in page
    assert f"?start={(monday + datetime.timedelta(weeks=6)).isoformat()}&amp;weeks=6" in page


def test_calendar_navigates_to_other_weeks(signed_in, regions):
    PromotionFactory(
        title="Far away", regions=[regions.bj], starts_on=datetime.date(2030, 3, 5), ends_on=datetime.date(2030, 3, 6)
    )

    response = signed_in.get("/promotions/calendar/?start=2030-03-06&weeks=2")

    assert response.context["calendar"].start == datetime.date(2030, 3, 4)
    assert [w.iso_week for w in response.context["calendar"].weeks] == [10, 11]
    assert "Far away" in html(response)
    assert 'aria-current="date"' not in html(response)
    assert "This week" in html(response)


def test_calendar_leaves_off_rejected_and_withdrawn_promotions(signed_in, regions):
    today = timezone.localdate()
    PromotionFactory(
        title="Rejected one", regions=[regions.sh], status=PromotionStatus.REJECTED, starts_on=today, ends_on=today
    )

    assert "Rejected one" not in html(signed_in.get("/promotions/calendar/"))


# --- Chinese -----------------------------------------------------------------------------------------------------


def test_pages_render_in_chinese(client, regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh, language="zh-hans")
    tea = ProductFactory(sku="TEA", name="清源绿茶", name_en="Qingyuan green tea")
    promotion = PromotionFactory(
        title="上海绿茶特价",
        regions=[regions.sh],
        products=[tea],
        status=PromotionStatus.RUNNING,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    client.force_login(rep)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    pages = [html(client.get(url)) for url in ("/promotions/", f"/promotions/{promotion.pk}/", "/promotions/calendar/")]

    for page in pages:
        assert '<html lang="zh-hans">' in page
        assert "上海绿茶特价" in page
    assert "上海" in pages[1]
    assert "清源绿茶" in pages[1]
    assert "Qingyuan green tea" not in pages[1]
    assert "华东" in pages[2]
