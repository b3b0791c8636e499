import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from accounts.selectors import region_list, region_subtree, user_with_profile
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_region_subtree_is_the_region_and_everything_below_it(regions):
    assert set(region_subtree(regions.east).values_list("code", flat=True)) == {"EAST", "SH", "HZ"}
    assert set(region_subtree(regions.sh).values_list("code", flat=True)) == {"SH"}
    assert region_subtree(regions.cn).count() == 10


def test_region_subtree_does_not_confuse_codes_that_share_a_prefix(regions):
    RegionFactory(code="EASTERN", name="东部", parent=regions.cn)

    assert set(region_subtree(regions.east).values_list("code", flat=True)) == {"EAST", "SH", "HZ"}


def test_region_subtree_is_one_query(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(region_subtree(regions.cn))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "province"}, ["EAST", "NORTH", "SOUTH"]),
        ({"code": "sh"}, ["SH"]),
        ({"q": "hangz"}, ["HZ"]),
        ({"q": "北"}, ["NORTH", "BJ"]),
    ],
)
def test_region_list_filters(regions, filters, expected):
    assert list(region_list(filters=filters).values_list("code", flat=True)) == expected


def test_region_list_within_and_parent(regions):
    assert list(region_list(filters={"within": regions.north.pk}).values_list("code", flat=True)) == [
        "NORTH",
        "BJ",
        "TJ",
    ]
    assert list(region_list(filters={"parent": regions.north.pk}).values_list("code", flat=True)) == [
        "BJ",
        "TJ",
    ]


def test_region_list_rejects_invalid_filters_with_a_message_per_field(regions):
    with pytest.raises(ValidationError) as error:
        region_list(filters={"kind": "planet", "within": "999999"})

    assert set(error.value.message_dict) == {"kind", "within"}


def test_user_with_profile_reads_everything_in_two_queries(regions, django_assert_num_queries):
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh, manager=manager)

    with django_assert_num_queries(2):  # the user with department/region/manager, then the groups
        profile = user_with_profile(user_id=rep.pk)
        assert profile.role_names == {"sales_rep"}
        assert (profile.region.code, profile.manager.username, profile.department.code) == (
            "SH",
            manager.username,
            "sales",
        )
