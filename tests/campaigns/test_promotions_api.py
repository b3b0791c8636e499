"""/api/v1/promotions/: list, filter, read, draft, edit, attach."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from campaigns.models import Promotion, PromotionAttachment, PromotionStatus
from tests.factories import ProductFactory, PromotionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/promotions/"
PDF = b"%PDF-1.4\n%demo\n"


@pytest.fixture
def marketer(regions):
    return UserFactory(username="mkt", first_name="明", last_name="李", role=Role.MARKETING_STAFF, region=regions.cn)


@pytest.fixture
def as_marketer(api_client, marketer):
    api_client.force_authenticate(marketer)
    return api_client


@pytest.fixture
def tea(db):
    return ProductFactory(sku="QY-TEA", name="绿茶", name_en="Green tea")


def payload(tree, product, **overrides) -> dict:
    data = {
        "title": "Tea special",
        "type": "special_price",
        "products": [product.pk],
        "regions": [tree.sh.pk],
        "starts_on": "2026-07-01",
        "ends_on": "2026-07-31",
        "mechanics": "Second bottle half price.",
        "price_floor": "2.60",
        "price_ceiling": "3.50",
        "budget": "5000.00",
        "expected_effect": "+20% units",
    }
    data.update(overrides)
    return data


def test_create_drafts_a_marketing_proposal_and_answers_its_detail(as_marketer, marketer, regions, tea):
    response = as_marketer.post(URL, payload(regions, tea), format="json")

    assert response.status_code == 201
    promotion = Promotion.objects.get()
    body = response.json()
    assert body["id"] == promotion.pk
    assert {k: body[k] for k in ("title", "origin", "status", "status_display", "type_display", "can_edit")} == {
        "title": "Tea special",
        "origin": "marketing",
        "status": "draft",
        "status_display": "Draft",
        "type_display": "Special price",
        "can_edit": True,
    }
    assert body["regions"] == [{"id": regions.sh.pk, "code": "SH", "name": "Shanghai"}]
    assert body["products"] == [{"id": tea.pk, "sku": "QY-TEA", "name": "绿茶", "name_en": "Green tea"}]
    assert body["owner"] == {"id": marketer.pk, "username": "mkt", "full_name": "李明"}
    assert (body["price_floor"], body["price_ceiling"], body["budget"]) == ("2.60", "3.50", "5000.00")
    assert body["attachments"] == []
    assert body["responsible"] == []


def test_create_with_invalid_input_answers_400_per_field_and_writes_nothing(as_marketer, regions, tea):
    response = as_marketer.post(
        URL,
        payload(regions, tea, ends_on="2026-06-01", price_floor="9.00", regions=[], products=[999999]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"products": ['Invalid pk "999999" - object does not exist.']}
    assert not Promotion.objects.exists()

    response = as_marketer.post(
        URL, payload(regions, tea, ends_on="2026-06-01", price_floor="9.00", regions=[]), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "ends_on": ["The promotion cannot end before it starts."],
        "price_ceiling": ["The price ceiling cannot be below the price floor."],
        "regions": ["Choose at least one region."],
    }
    assert not Promotion.objects.exists()


def test_a_rep_creates_a_sales_request_only_in_their_area(api_client, regions, tea):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    api_client.force_authenticate(rep)

    outside = api_client.post(URL, payload(regions, tea, regions=[regions.bj.pk]), format="json")
    inside = api_client.post(URL, payload(regions, tea), format="json")

    assert outside.status_code == 400
    assert outside.json() == {"regions": ["You can only target regions inside your own area: Beijing is outside it."]}
    assert inside.status_code == 201
    assert inside.json()["origin"] == "sales"
    assert Promotion.objects.count() == 1


def test_hr_may_not_draft(api_client, regions, tea):
    api_client.force_authenticate(UserFactory(role=Role.HR, region=regions.cn))

    response = api_client.post(URL, payload(regions, tea), format="json")

    assert response.status_code == 403
    assert not Promotion.objects.exists()


def test_partial_update_changes_only_what_is_sent(as_marketer, marketer, regions, tea):
    promotion = PromotionFactory(created_by=marketer, title="Old", price_floor=Decimal("1.00"), regions=[regions.sh])

    response = as_marketer.patch(f"{URL}{promotion.pk}/", {"title": "New", "regions": [regions.hz.pk]}, format="json")

    assert response.status_code == 200
    promotion.refresh_from_db()
    assert promotion.title == "New"
    assert promotion.price_floor == Decimal("1.00")
    assert [r.code for r in promotion.regions.all()] == ["HZ"]
    assert response.json()["regions"] == [{"id": regions.hz.pk, "code": "HZ", "name": "Hangzhou"}]


def test_partial_update_of_a_submitted_promotion_is_403(as_marketer, marketer):
    promotion = PromotionFactory(created_by=marketer, status=PromotionStatus.REVIEW, title="Frozen")

    response = as_marketer.patch(f"{URL}{promotion.pk}/", {"title": "Thawed"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "This promotion is In review and can no longer be edited."}
    promotion.refresh_from_db()
    assert promotion.title == "Frozen"


def test_list_paginates_and_filters(as_marketer, regions):
    for n in range(3):
        PromotionFactory(title=f"sh {n}", regions=[regions.sh], starts_on=datetime.date(2026, 12, 1 + n))
    PromotionFactory(title="bj", regions=[regions.bj], status=PromotionStatus.RUNNING)

    page = as_marketer.get(f"{URL}?page_size=2").json()
    running = as_marketer.get(f"{URL}?status=running").json()
    in_east = as_marketer.get(f"{URL}?region={regions.east.pk}").json()

    assert page["count"] == 4
    assert [p["title"] for p in page["results"]] == ["sh 2", "sh 1"]
    assert page["next"].endswith("page=2&page_size=2")
    assert [p["title"] for p in running["results"]] == ["bj"]
    assert [p["title"] for p in in_east["results"]] == ["sh 2", "sh 1", "sh 0"]


def test_list_rejects_invalid_filters_with_400(as_marketer):
    response = as_marketer.get(f"{URL}?active_on=someday")

    assert response.status_code == 400
    assert list(response.json()) == ["active_on"]


def test_list_queries_are_constant(api_client, marketer, regions, django_assert_num_queries):
    api_client.force_login(marketer)  # a real session: the user and their roles are loaded on each request
    products = [ProductFactory() for _ in range(3)]

    def add(count):
        for _ in range(count):
            PromotionFactory(regions=[regions.sh, regions.bj], products=products)

    add(5)
    # session, user, roles, count, page, the page's regions, the page's products
    with django_assert_num_queries(7):
        assert api_client.get(URL).json()["count"] == 5
    add(195)
    with django_assert_num_queries(7):
        assert api_client.get(URL).json()["count"] == 200


def test_detail_shows_mechanics_people_and_attachments(as_marketer, marketer, regions, tea):
    helper = UserFactory(username="helper", first_name="伟", last_name="张")
    promotion = PromotionFactory(created_by=marketer, regions=[regions.sh], products=[tea])
    promotion.responsible.set([helper])
    response = as_marketer.post(
        f"{URL}{promotion.pk}/attachments/",
        {"file": SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    attachment = PromotionAttachment.objects.get()

    body = as_marketer.get(f"{URL}{promotion.pk}/").json()

    assert response.status_code == 201
    assert response.json()["name"] == "brief.pdf"
    assert body["mechanics"] == "Buy two, get 10% off."
    assert body["expected_effect"] == "+15% units"
    assert body["responsible"] == [{"id": helper.pk, "username": "helper", "full_name": "张伟"}]
    assert body["attachments"] == [
        {
            "id": attachment.pk,
            "name": "brief.pdf",
            "size": len(PDF),
            "uploaded_at": body["attachments"][0]["uploaded_at"],
            "url": f"/promotions/{promotion.pk}/attachments/{attachment.pk}/",
        }
    ]


def test_attachment_upload_rejects_bad_files_with_400(as_marketer, marketer):
    promotion = PromotionFactory(created_by=marketer)

    response = as_marketer.post(
        f"{URL}{promotion.pk}/attachments/",
        {"file": SimpleUploadedFile("macro.xlsm", b"PK\x03\x04", content_type="application/vnd.ms-excel")},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not PromotionAttachment.objects.exists()


def test_attachment_delete(as_marketer, marketer):
    promotion = PromotionFactory(created_by=marketer)
    as_marketer.post(
        f"{URL}{promotion.pk}/attachments/",
        {"file": SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    attachment = PromotionAttachment.objects.get()

    response = as_marketer.delete(f"{URL}{promotion.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 204
    assert not PromotionAttachment.objects.exists()


def test_the_schema_documents_the_promotion_endpoints(as_marketer):
    schema = as_marketer.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert schema.status_code == 200
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    assert {"/api/v1/promotions/", "/api/v1/promotions/{id}/", "/api/v1/promotions/{id}/attachments/"} <= set(paths)
    assert "region" in {p["name"] for p in paths["/api/v1/promotions/"]["get"]["parameters"]}
