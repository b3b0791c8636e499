import datetime
from decimal import Decimal

import factory

from campaigns.models import (
    Brand,
    MarketingPlan,
    PlanKind,
    Product,
    ProductCategory,
    Promotion,
    PromotionOrigin,
    PromotionType,
    SalesTarget,
)

from .accounts import RegionFactory, UserFactory


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CAT{n}")
    name = factory.Sequence(lambda n: f"品类{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"品牌{n}")
    name_en = factory.Sequence(lambda n: f"Brand {n}")
    kind = Brand.Kind.COMPETITOR


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(ProductCategoryFactory)
    brand = factory.SubFactory(BrandFactory, name="本品", name_en="Our brand", kind=Brand.Kind.OWN)
    unit = Product.Unit.BOTTLE
    list_price = Decimal("5.50")


class MarketingPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan (sections are created by campaigns.services.plans.plan_create; use that for full plans)."""

    class Meta:
        model = MarketingPlan

    title = factory.Sequence(lambda n: f"Plan {n}")
    kind = PlanKind.ANNUAL
    year = 2026
    region = factory.SubFactory(RegionFactory)
    owner = factory.SubFactory(UserFactory, role="marketing_staff")


class SalesTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesTarget

    year = 2026
    region = factory.SubFactory(RegionFactory)
    units = 100
    revenue = Decimal("1000.00")


class PromotionFactory(factory.django.DjangoModelFactory):
    """A draft marketing proposal. Pass ``regions=[...]`` / ``products=[...]`` to set the many-to-many fields."""

    class Meta:
        model = Promotion
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Promotion {n}")
    origin = PromotionOrigin.MARKETING
    type = PromotionType.SPECIAL_PRICE
    starts_on = datetime.date(2026, 12, 1)
    ends_on = datetime.date(2026, 12, 31)
    mechanics = "Buy two, get 10% off."
    budget = Decimal("10000.00")
    expected_effect = "+15% units"
    created_by = factory.SubFactory(UserFactory, role="marketing_staff")
    owner = factory.SelfAttribute("created_by")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)
