"""campaigns.selectors.promotions: visibility, filters, the detail accessor and the calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from campaigns.models import PROMOTION_PUBLISHED_STATUSES, Promotion, PromotionOrigin, PromotionStatus, PromotionType
from campaigns.selectors.promotions import (
    promotion_agreed_on_q,
    promotion_calendar,
    promotion_get_for_user,
    promotion_is_agreed_on,
    promotion_list,
)
from tests.factories import ProductFactory, PromotionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer(regions):
    return UserFactory(username="mkt", role=Role.MARKETING_STAFF, region=regions.cn)


def titles(queryset) -> list[str]:
    return [p.title for p in queryset]


def test_a_rep_lists_their_drafts_and_the_agreed_promotions_of_their_region(regions, marketer):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    PromotionFactory(title="own draft", created_by=rep, origin=PromotionOrigin.SALES, regions=[regions.sh])
    PromotionFactory(title="east running", status=PromotionStatus.RUNNING, regions=[regions.east])
    PromotionFactory(title="country approved", status=PromotionStatus.APPROVED, regions=[regions.cn])
    PromotionFactory(title="sh in review", status=PromotionStatus.REVIEW, regions=[regions.sh])
    PromotionFactory(title="hz running", status=PromotionStatus.RUNNING, regions=[regions.hz])
    PromotionFactory(title="marketing draft sh", regions=[regions.sh])

    assert sorted(titles(promotion_list(user=rep))) == ["country approved", "east running", "own draft"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "EAST"}, ["cn-wide", "east", "sh"]),
        ({"region": "SH"}, ["cn-wide", "east", "sh"]),
        ({"region": "NORTH"}, ["bj", "cn-wide"]),
        ({"status": ["running"]}, ["bj"]),
        ({"origin": "sales"}, ["sh"]),
        ({"type": "tasting"}, ["east"]),
        ({"active_on": "2026-03-15"}, ["east"]),
        ({"period_from": "2026-04-20", "period_to": "2026-05-05"}, ["bj", "sh"]),
        ({"starts_after": "2026-04-01", "ends_before": "2026-04-30"}, ["sh"]),
        ({"q": "BOTTLE"}, ["cn-wide"]),
    ],
)
def test_filters(regions, marketer, filters, expected):
    PromotionFactory(
        title="cn-wide",
        regions=[regions.cn],
        mechanics="Second bottle half price",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 31),
    )
    PromotionFactory(
        title="east",
        regions=[regions.east],
        type=PromotionType.TASTING,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        mechanics="Tastings",
    )
    PromotionFactory(
        title="sh",
        regions=[regions.sh, regions.hz],
        origin=PromotionOrigin.SALES,
        status=PromotionStatus.REVIEW,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 30),
        mechanics="Display",
    )
    PromotionFactory(
        title="bj",
        regions=[regions.bj],
        status=PromotionStatus.RUNNING,
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 31),
        mechanics="Display",
    )
    region_ids = {r.code: r.pk for r in [regions.east, regions.sh, regions.north]}
    if "region" in filters:
        filters = {**filters, "region": region_ids[filters["region"]]}

    assert sorted(titles(promotion_list(user=marketer, filters=filters))) == expected


def test_product_and_owner_filters(regions, marketer):
    tea, chips = ProductFactory(sku="TEA"), ProductFactory(sku="CHIPS")
    other_owner = UserFactory(role=Role.MARKETING_STAFF)
    PromotionFactory(title="tea", products=[tea], regions=[regions.sh])
    PromotionFactory(title="both", products=[tea, chips], regions=[regions.sh], owner=other_owner)

    assert sorted(titles(promotion_list(user=marketer, filters={"product": tea.pk}))) == ["both", "tea"]
    assert titles(promotion_list(user=marketer, filters={"product": chips.pk})) == ["both"]
    assert titles(promotion_list(user=marketer, filters={"owner": other_owner.pk})) == ["both"]


def test_invalid_filters_raise_a_validation_error_per_field(marketer):
    with pytest.raises(ValidationError) as error:
        list(promotion_list(user=marketer, filters={"status": "nope", "active_on": "yesterday"}))

    assert set(error.value.message_dict) == {"status", "active_on"}


def test_the_accessor_answers_not_found_for_invisible_promotions(regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    draft = PromotionFactory(regions=[regions.sh])
    running = PromotionFactory(regions=[regions.sh], status=PromotionStatus.RUNNING)

    assert promotion_get_for_user(user=rep, pk=running.pk) == running
    with pytest.raises(Http404):
        promotion_get_for_user(user=rep, pk=draft.pk)
    with pytest.raises(Http404):
        promotion_get_for_user(user=rep, pk=running.pk + 1000)


# --- calendar ----------------------------------------------------------------------------------------------------


def test_calendar_rows_are_provinces_plus_company_wide_and_columns_iso_weeks(regions, marketer):
    PromotionFactory(
        title="national",
        regions=[regions.cn],
        starts_on=datetime.date(2026, 6, 3),
        ends_on=datetime.date(2026, 6, 9),
    )
    PromotionFactory(
        title="shanghai",
        regions=[regions.sh, regions.east],  # both in East: shown once in East's row
        starts_on=datetime.date(2026, 6, 10),
        ends_on=datetime.date(2026, 6, 10),
    )
    PromotionFactory(
        title="beijing + guangzhou",
        regions=[regions.bj, regions.gz],
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 6, 1),
    )
    PromotionFactory(
        title="later", regions=[regions.sh], starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 7, 2)
    )

    calendar = promotion_calendar(
        user=marketer, start=datetime.date(2026, 6, 3), weeks=3, today=datetime.date(2026, 6, 11)
    )

    assert calendar.start == datetime.date(2026, 6, 1)
    assert [(w.monday, w.iso_week, w.is_current) for w in calendar.weeks] == [
        (datetime.date(2026, 6, 1), 23, False),
        (datetime.date(2026, 6, 8), 24, True),
        (datetime.date(2026, 6, 15), 25, False),
    ]
    assert calendar.end == datetime.date(2026, 6, 21)
    layout = [
        (row.region.code if row.region else None, [[p.title for p in cell] for cell in row.cells])
        for row in calendar.rows
    ]
    assert layout == [
        (None, [["national"], ["national"], []]),
        ("EAST", [[], ["shanghai"], []]),
        ("NORTH", [["beijing + guangzhou"], [], []]),
        ("SOUTH", [["beijing + guangzhou"], [], []]),
    ]
    assert calendar.promotion_count == 3


def test_a_reps_calendar_shows_their_province_only(regions):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh)
    PromotionFactory(
        title="hz running",
        regions=[regions.hz],
        status=PromotionStatus.RUNNING,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 30),
    )

    calendar = promotion_calendar(user=rep, start=datetime.date(2026, 6, 1), weeks=1)

    assert [(row.region.code, [[p.title for p in c] for c in row.cells]) for row in calendar.rows] == [
        ("EAST", [[]]),
    ]


def _calendar_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        promotion_calendar(user=user, start=datetime.date(2026, 6, 1), weeks=4)
    return len(queries)


def test_calendar_queries_do_not_grow_with_promotions(regions, marketer):
    def add(count):
        for n in range(count):
            PromotionFactory(
                regions=[[regions.sh, regions.bj, regions.cn][n % 3]],
                starts_on=datetime.date(2026, 6, 1 + n % 20),
                ends_on=datetime.date(2026, 6, 25),
            )

    add(5)
    marketer = type(marketer).objects.get(pk=marketer.pk)
    small = _calendar_queries(marketer)
    add(195)
    marketer = type(marketer).objects.get(pk=marketer.pk)
    large = _calendar_queries(marketer)

    assert small == large == 4


@pytest.mark.parametrize("status", list(PromotionStatus))
@pytest.mark.parametrize("offset", [-1, 0, 30, 31])
def test_agreed_on_a_day_is_the_same_rule_in_the_database_and_in_python(db, status, offset):
    promotion = PromotionFactory(starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 31))
    Promotion.objects.filter(pk=promotion.pk).update(status=status)
    promotion.refresh_from_db()
    day = datetime.date(2026, 12, 1) + datetime.timedelta(days=offset)

    in_database = Promotion.objects.filter(promotion_agreed_on_q(day), pk=promotion.pk).exists()

    assert in_database == promotion_is_agreed_on(promotion, day)
    assert in_database == (status in PROMOTION_PUBLISHED_STATUSES and 0 <= offset <= 30)
