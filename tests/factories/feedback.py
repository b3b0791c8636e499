import datetime
import io
import uuid
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from PIL import Image

from feedback.models import (
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    MerchandisingLine,
    Outlet,
    OutletChannel,
    OutletCoverageLine,
    Photo,
    PopDistributionLine,
    PosSalesLine,
    PromotionFeedbackLine,
    RegionalSalesLine,
    ReportStatus,
    ShelfDisplayLine,
)

from .accounts import RegionFactory, UserFactory
from .campaigns import BrandFactory, ProductFactory, PromotionFactory


def jpeg_bytes(*, size=(64, 48), color=(200, 30, 30), pattern: int = 0) -> bytes:
    """A real JPEG; ``pattern`` draws different stripes so two images differ in picture, not only in bytes."""
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 4 + pattern):
        for y in range(size[1]):
            image.putpixel((x, y), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


class OutletFactory(factory.django.DjangoModelFactory):
    """An outlet in a city. Pass ``reps=[...]`` to assign reps."""

    class Meta:
        model = Outlet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"OUT{n:04d}")
    name = factory.Sequence(lambda n: f"门店{n}")
    channel = OutletChannel.SUPERMARKET
    region = factory.SubFactory(RegionFactory)
    address = "人民路1号"

    @factory.post_generation
    def reps(self, create, extracted, **kwargs):
        if create and extracted:
            self.reps.set(extracted)


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    uploaded_by = factory.SubFactory(UserFactory, role="sales_rep")
    region = factory.SelfAttribute("uploaded_by.region")
    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="x.jpg"))
    content_type = "image/jpeg"
    extension = "jpg"
    size = 1000
    sha256 = factory.LazyFunction(lambda: uuid.uuid4().hex * 2)
    dhash = factory.LazyFunction(lambda: uuid.uuid4().hex[:16])


class DailyReportFactory(factory.django.DjangoModelFactory):
    """A draft report of a rep (give ``rep=``; the region follows the rep)."""

    class Meta:
        model = DailyReport

    rep = factory.SubFactory(UserFactory, role="sales_rep")
    region = factory.SelfAttribute("rep.region")
    date = factory.LazyFunction(datetime.date.today)
    client_uuid = factory.LazyFunction(uuid.uuid4)

    class Params:
        submitted = factory.Trait(
            status=ReportStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC)),
            on_time=True,
        )


class _LineFactory(factory.django.DjangoModelFactory):
    report = factory.SubFactory(DailyReportFactory)
    position = factory.Sequence(int)


def _outlet_of_report():
    return factory.LazyAttribute(lambda line: OutletFactory(region=line.report.region))


class ShelfDisplayLineFactory(_LineFactory):
    class Meta:
        model = ShelfDisplayLine

    outlet = _outlet_of_report()
    product = factory.SubFactory(ProductFactory)
    facings = 4
    shelf_position = ShelfDisplayLine.ShelfPosition.EYE_LEVEL
    display_type = ShelfDisplayLine.DisplayType.SHELF


class MerchandisingLineFactory(_LineFactory):
    class Meta:
        model = MerchandisingLine

    outlet = _outlet_of_report()
    product = factory.SubFactory(ProductFactory)
    on_hand = 24
    out_of_stock = False
    near_expiry = 0


class PopDistributionLineFactory(_LineFactory):
    class Meta:
        model = PopDistributionLine

    outlet = _outlet_of_report()
    material = PopDistributionLine.Material.POSTER
    quantity = 2


class OutletCoverageLineFactory(_LineFactory):
    class Meta:
        model = OutletCoverageLine

    new_outlets = 0
    outlets_visited = 6
    active_outlets = 20


class PosSalesLineFactory(_LineFactory):
    class Meta:
        model = PosSalesLine

    outlet = _outlet_of_report()
    product = factory.SubFactory(ProductFactory)
    units = 10
    revenue = Decimal("59.00")


class PromotionFeedbackLineFactory(_LineFactory):
    class Meta:
        model = PromotionFeedbackLine

    promotion = factory.SubFactory(PromotionFactory)
    outlet = _outlet_of_report()
    executed = PromotionFeedbackLine.Executed.YES
    actual_price = Decimal("4.50")
    consumer_response = 4


class RegionalSalesLineFactory(_LineFactory):
    class Meta:
        model = RegionalSalesLine

    region = factory.SelfAttribute("report.region")
    units = 300
    revenue = Decimal("1800.00")
    payments_collected = Decimal("1500.00")
    distributor_stock = 1200


class CompetitorIntelLineFactory(_LineFactory):
    class Meta:
        model = CompetitorIntelLine

    brand = factory.SubFactory(BrandFactory)
    product_name = "冰红茶 500ml"
    observed_price = Decimal("2.50")
    activity = CompetitorIntelLine.Activity.PRICE_CUT
    description = "特价 2.5 元"
    outlet = _outlet_of_report()


class CustomerFeedbackLineFactory(_LineFactory):
    class Meta:
        model = CustomerFeedbackLine

    customer_type = CustomerFeedbackLine.CustomerType.CONSUMER
    category = CustomerFeedbackLine.Category.COMPLAINT
    text = "瓶盖难拧开"
