"""/api/v1/products/, /api/v1/brands/, /api/v1/product-categories/ and the demo master data."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from campaigns.demo.master import seed_master_data
from campaigns.models import Brand, Product, ProductCategory
from tests.factories import BrandFactory, ProductCategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    bev = ProductCategoryFactory(code="BEV", name="饮料", name_en="Beverages")
    snack = ProductCategoryFactory(code="SNACK", name="休闲食品", name_en="Snacks")
    own = BrandFactory(name="清源", name_en="Qingyuan", kind=Brand.Kind.OWN)
    other = BrandFactory(name="康师傅", name_en="Master Kong", kind=Brand.Kind.COMPETITOR)
    BrandFactory(name="旧牌", name_en="Old brand", kind=Brand.Kind.COMPETITOR, active=False)
    ProductFactory(
        sku="QY-1", name="清源绿茶", name_en="Green tea", category=bev, brand=own, list_price=Decimal("3.50")
    )
    ProductFactory(sku="QY-2", name="清源薯片", name_en="Chips", category=snack, brand=own)
    ProductFactory(sku="QY-3", name="旧款绿茶", name_en="Old tea", category=bev, brand=own, active=False)
    ProductFactory(sku="KSF-1", name="冰红茶", name_en="Iced tea", category=bev, brand=other)
    return {"bev": bev, "snack": snack, "own": own, "other": other}


@pytest.fixture
def signed_in(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP, region=regions.sh))
    return api_client


def skus(response) -> list[str]:
    return [row["sku"] for row in response.json()["results"]]


def test_anonymous_gets_401(api_client, catalogue):
    assert api_client.get("/api/v1/products/").status_code == 401
    assert api_client.get("/api/v1/brands/").status_code == 401


def test_every_role_reads_products_with_category_and_brand(signed_in, catalogue):
    response = signed_in.get("/api/v1/products/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert body["results"][0] == {
        "id": Product.objects.get(sku="KSF-1").pk,
        "sku": "KSF-1",
        "name": "冰红茶",
        "name_en": "Iced tea",
        "category": {"id": catalogue["bev"].pk, "code": "BEV", "name": "饮料", "name_en": "Beverages"},
        "brand": {"id": catalogue["other"].pk, "name": "康师傅", "name_en": "Master Kong", "kind": "competitor"},
        "unit": "bottle",
        "unit_display": "bottle",
        "list_price": "5.50",
        "active": True,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category_code=bev", ["KSF-1", "QY-1", "QY-3"]),
        ("active=true", ["KSF-1", "QY-1", "QY-2"]),
        ("active=false", ["QY-3"]),
        ("q=green", ["QY-1"]),
        ("q=绿茶", ["QY-1", "QY-3"]),
        ("q=ksf", ["KSF-1"]),
    ],
)
def test_product_filters(signed_in, catalogue, query, expected):
    assert skus(signed_in.get(f"/api/v1/products/?{query}")) == expected


def test_product_filter_by_category_and_brand_ids(signed_in, catalogue):
    assert skus(signed_in.get(f"/api/v1/products/?category={catalogue['snack'].pk}")) == ["QY-2"]
    assert skus(signed_in.get(f"/api/v1/products/?brand={catalogue['other'].pk}")) == ["KSF-1"]


def test_an_invalid_filter_is_a_400_with_a_message(signed_in, catalogue):
    response = signed_in.get("/api/v1/products/?category=99999")

    assert response.status_code == 400
    assert list(response.json()) == ["category"]


def test_brands_with_kind_and_active_filters(signed_in, catalogue):
    names = lambda query: [b["name"] for b in signed_in.get(f"/api/v1/brands/?{query}").json()["results"]]  # noqa: E731

    assert names("kind=own") == ["清源"]
    assert names("kind=competitor") == ["康师傅", "旧牌"]
    assert names("active=false") == ["旧牌"]
    assert names("q=master") == ["康师傅"]
    assert signed_in.get(f"/api/v1/brands/{catalogue['own'].pk}/").json() == {
        "id": catalogue["own"].pk,
        "name": "清源",
        "name_en": "Qingyuan",
        "kind": "own",
        "kind_display": "Our brand",
        "active": True,
    }


def test_product_categories(signed_in, catalogue):
    response = signed_in.get("/api/v1/product-categories/")

    assert [c["code"] for c in response.json()["results"]] == ["BEV", "SNACK"]


def test_product_list_queries_do_not_grow(signed_in, catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page (category and brand joined)
        signed_in.get("/api/v1/products/")
    for n in range(30):
        ProductFactory(sku=f"X-{n}", category=catalogue["bev"], brand=catalogue["own"])
    with django_assert_num_queries(2):
        signed_in.get("/api/v1/products/")


# --- demo data ---------------------------------------------------------------------------------------------------


def test_seed_master_data_creates_the_demo_catalogue_once():
    first = seed_master_data()
    second = seed_master_data()

    assert first == {"product categories": 3, "brands": 5, "products": 15}
    assert second == {"product categories": 0, "brands": 0, "products": 0}
    assert dict(ProductCategory.objects.values_list("code", "name_en")) == {
        "BEV": "Beverages",
        "SNACK": "Snacks",
        "CARE": "Personal care",
    }
    assert list(Brand.objects.filter(kind=Brand.Kind.OWN).values_list("name", flat=True)) == ["清源"]
    assert Brand.objects.filter(kind=Brand.Kind.COMPETITOR).count() == 4
    per_category = {code: Product.objects.filter(category__code=code).count() for code in ("BEV", "SNACK", "CARE")}
    assert per_category == {"BEV": 6, "SNACK": 5, "CARE": 4}
    assert not Product.objects.exclude(brand__kind=Brand.Kind.OWN).exists()
    assert not Product.objects.filter(name_en="").exists()
