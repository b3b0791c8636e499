"""The intel feed selector: every filter (region subtree, section, brand, product, outlet, promotion, rep, dates,
text, answered, acknowledged), replaced lines hidden by default, newest first, 404 for an item one may not see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from campaigns.models import Brand
from feedback.models import IntelItem
from feedback.selectors.intel import intel_feed, intel_item_get_for_user
from tests.factories import BrandFactory, ProductFactory

from .field_setup import build_field
from .intel_setup import DAY, competitor_intel, customer_feedback, promotion_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture
def items(f):
    """Competitor intel in Shanghai, customer feedback in Hangzhou, promotion feedback in Shanghai the day
    before, and competitor intel of another brand in Beijing two days later."""
    p = f.people
    other = BrandFactory(name="统一", name_en="Uni-President", kind=Brand.Kind.COMPETITOR)
    return {
        "sh_intel": competitor_intel(p.rep_sh, brand=f.competitor, outlet=f.outlet_sh, product=f.cola),
        "hz_feedback": customer_feedback(p.rep_hz, text="包装漏液", outlet=f.outlet_hz, product=f.tea),
        "sh_promo": promotion_feedback(
            p.rep_sh, promotion=f.promotion_sh, outlet=f.outlet_sh2, day=DAY - datetime.timedelta(days=1)
        ),
        "bj_intel": competitor_intel(
            p.rep_bj,
            brand=other,
            outlet=f.outlet_bj,
            product_name="鲜橙多",
            description="买二送一",
            day=DAY + datetime.timedelta(days=2),
        ),
    }


def names(items: dict, queryset) -> set[str]:
    by_pk = {item.pk: name for name, item in items.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def feed(f, **filters):
    return intel_feed(user=f.people.mkt_staff, filters={k: str(v) for k, v in filters.items()})


def test_without_filters_marketing_sees_everything_newest_submitted_first(f, items):
    # sh_intel and hz_feedback were submitted at the same moment: the later item comes first.

    assert [i.pk for i in feed(f)] == [items[n].pk for n in ("bj_intel", "hz_feedback", "sh_intel", "sh_promo")]


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("cn", {"sh_intel", "hz_feedback", "sh_promo", "bj_intel"}),
        ("east", {"sh_intel", "hz_feedback", "sh_promo"}),
        ("sh", {"sh_intel", "sh_promo"}),
        ("hz", {"hz_feedback"}),
        ("north", {"bj_intel"}),
        ("south", set()),
    ],
)
def test_region_filters_the_whole_subtree(f, items, region, expected):
    assert names(items, feed(f, region=getattr(f.regions, region).pk)) == expected


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("competitor_intel", {"sh_intel", "bj_intel"}),
        ("customer_feedback", {"hz_feedback"}),
        ("promotion_feedback", {"sh_promo"}),
    ],
)
def test_section_filter(f, items, section, expected):
    assert names(items, feed(f, section=section)) == expected


def test_brand_product_outlet_promotion_and_rep_filters(f, items):
    assert names(items, feed(f, brand=f.competitor.pk)) == {"sh_intel"}
    assert names(items, feed(f, product=f.cola.pk)) == {"sh_intel"}
    assert names(items, feed(f, product=f.tea.pk)) == {"hz_feedback"}
    assert names(items, feed(f, outlet=f.outlet_sh2.pk)) == {"sh_promo"}
    assert names(items, feed(f, outlet=f.outlet_bj.pk)) == {"bj_intel"}
    assert names(items, feed(f, promotion=f.promotion_sh.pk)) == {"sh_promo"}
    assert names(items, feed(f, rep=f.people.rep_sh.pk)) == {"sh_intel", "sh_promo"}
    assert names(items, feed(f, rep=f.people.rep_hz.pk)) == {"hz_feedback"}


def test_date_range_filters(f, items):
    assert names(items, feed(f, date_from=DAY)) == {"sh_intel", "hz_feedback", "bj_intel"}
    assert names(items, feed(f, date_to=DAY)) == {"sh_intel", "hz_feedback", "sh_promo"}
    assert names(items, feed(f, date_from=DAY, date_to=DAY)) == {"sh_intel", "hz_feedback"}
    assert names(items, feed(f, date_from=DAY + datetime.timedelta(days=3))) == set()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("特价", {"sh_intel"}),  # the line's description
        ("冰红茶", {"sh_intel"}),  # their product
        ("漏液", {"hz_feedback"}),  # customer feedback text
        ("堆头", {"sh_promo"}),  # promotion feedback issues
        ("master", {"sh_intel"}),  # brand's English name, case-insensitive
        ("统一", {"bj_intel"}),  # brand's Chinese name
        ("清源绿茶", {"hz_feedback"}),  # our product's name
        ("qy-cola", {"sh_intel"}),  # our product's SKU
        ("全家", {"sh_promo"}),  # the outlet's name
        ("BJ-001", {"bj_intel"}),  # the outlet's code
        ("nothing like this", set()),
    ],
)
def test_text_search_covers_the_words_and_the_names(f, items, q, expected):
    assert names(items, feed(f, q=q)) == expected


def test_answered_and_acknowledged_filters(f, items):
    now = timezone.now()
    IntelItem.objects.filter(pk=items["sh_intel"].pk).update(
        answer="收到", answered_at=now, answered_by=f.people.mkt_staff, acknowledged_at=now
    )
    IntelItem.objects.filter(pk=items["hz_feedback"].pk).update(acknowledged_at=now)

    assert names(items, feed(f, answered="true")) == {"sh_intel"}
    assert names(items, feed(f, answered="false")) == {"hz_feedback", "sh_promo", "bj_intel"}
    assert names(items, feed(f, acknowledged="true")) == {"sh_intel", "hz_feedback"}
    assert names(items, feed(f, acknowledged="false")) == {"sh_promo", "bj_intel"}


def test_replaced_lines_are_hidden_unless_asked_for(f, items):
    IntelItem.objects.filter(pk=items["sh_intel"].pk).update(superseded=True)

    assert "sh_intel" not in names(items, feed(f))
    assert "sh_intel" not in names(items, feed(f, include_superseded="false"))
    assert names(items, feed(f, include_superseded="true")) == set(items)


def test_filters_combine(f, items):
    assert names(items, feed(f, region=f.regions.east.pk, section="competitor_intel", q="特价")) == {"sh_intel"}
    assert names(items, feed(f, region=f.regions.north.pk, brand=f.competitor.pk)) == set()


def test_invalid_filters_raise_one_message_per_field(f, items):
    with pytest.raises(ValidationError) as error:
        feed(f, region=999999, section="shelf_display", date_from="yesterday", answered="maybe")

    assert set(error.value.message_dict) == {"region", "section", "date_from", "answered"}


def test_a_sales_manager_reads_only_their_subtree_and_a_rep_only_their_own(f, items):
    p = f.people
    assert names(items, intel_feed(user=p.mgr_east, filters={})) == {"sh_intel", "hz_feedback", "sh_promo"}
    assert names(items, intel_feed(user=p.mgr_north, filters={})) == {"bj_intel"}
    assert names(items, intel_feed(user=p.rep_sh, filters={})) == {"sh_intel", "sh_promo"}
    assert names(items, intel_feed(user=p.hr, filters={})) == set()
    # A filter never widens what one may see.
    assert names(items, intel_feed(user=p.mgr_north, filters={"region": str(f.regions.east.pk)})) == set()


def test_get_for_user_is_not_found_outside_what_one_may_see(f, items):
    p = f.people
    assert intel_item_get_for_user(user=p.mgr_east, pk=items["sh_intel"].pk) == items["sh_intel"]
    for user, name in (
        (p.mgr_north, "sh_intel"),
        (p.rep_bj, "sh_intel"),
        (p.rep_sh, "hz_feedback"),
        (p.hr, "bj_intel"),
    ):
        with pytest.raises(Http404):
            intel_item_get_for_user(user=user, pk=items[name].pk)
    with pytest.raises(Http404):
        intel_item_get_for_user(user=p.mkt_staff, pk=999999)


def test_a_new_product_brand_does_not_match_by_accident(f, items):
    """Names are searched on the item's own brand/product/outlet only (forward joins: no row is repeated)."""
    ProductFactory(sku="QY-OTHER", name="特价饮料")
    assert names(items, feed(f, q="特价")) == {"sh_intel"}
    assert feed(f, q="特价").count() == 1
