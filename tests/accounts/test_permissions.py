"""Who may see whom and which regions: a matrix of role × object × action."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Region, User
from accounts.permissions import can_open_admin, can_view_region, can_view_user, region_in_scope, scope_filter
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    director = UserFactory(role=Role.SALES_DIRECTOR, region=regions.cn)
    east = UserFactory(role=Role.SALES_MANAGER, region=regions.east, manager=director)
    north = UserFactory(role=Role.SALES_MANAGER, region=regions.north, manager=director)
    return {
        "director": director,
        "mgr_east": east,
        "mgr_north": north,
        "rep_sh": UserFactory(role=Role.SALES_REP, region=regions.sh, manager=east),
        "rep_hz": UserFactory(role=Role.SALES_REP, region=regions.hz, manager=east),
        "rep_bj": UserFactory(role=Role.SALES_REP, region=regions.bj, manager=north),
        "mkt": UserFactory(role=Role.MARKETING_STAFF, region=regions.cn),
        "hr": UserFactory(role=Role.HR, region=regions.cn),
        "gm": UserFactory(role=Role.GENERAL_MANAGER, region=regions.cn),
        "no_role": UserFactory(region=regions.sh),
    }


# viewer → the people they may see (everyone else: not).
CAN_SEE = {
    "rep_sh": {"rep_sh", "mgr_east"},
    "mgr_east": {"mgr_east", "rep_sh", "rep_hz", "no_role", "director"},
    "mgr_north": {"mgr_north", "rep_bj", "director"},
    "director": "all",
    "mkt": {"mkt"},
    "hr": "all",
    "gm": "all",
    "no_role": {"no_role"},
}


@pytest.mark.parametrize("viewer", list(CAN_SEE))
def test_can_view_user_matrix(people, viewer):
    allowed = set(people) if CAN_SEE[viewer] == "all" else CAN_SEE[viewer]
    seen = {name for name, target in people.items() if can_view_user(people[viewer], target)}

    assert seen == allowed


@pytest.mark.parametrize(
    ("viewer", "in_scope"),
    [
        ("rep_sh", {"SH"}),
        ("mgr_east", {"EAST", "SH", "HZ"}),
        ("mgr_north", {"NORTH", "BJ", "TJ"}),
        ("director", "all"),
        ("mkt", "all"),
        ("hr", "all"),
        ("gm", "all"),
        ("no_role", {"SH"}),
    ],
)
def test_region_scope_matrix(people, viewer, in_scope):
    all_codes = set(Region.objects.values_list("code", flat=True))
    expected = all_codes if in_scope == "all" else in_scope
    user = people[viewer]

    assert {r.code for r in Region.objects.all() if region_in_scope(user, r)} == expected
    # The database filter agrees with the object check.
    regions_of_people = {p.region.code for p in people.values()}
    visible = set(User.objects.filter(scope_filter(user)).values_list("region__code", flat=True))
    assert visible == expected & regions_of_people


def test_a_user_without_a_region_sees_no_regional_rows(regions):
    user = UserFactory(role=Role.SALES_REP, region=None)

    assert not region_in_scope(user, regions.sh)
    assert not User.objects.filter(scope_filter(user)).exists()


def test_anonymous_sees_nothing(people, regions):
    anonymous = AnonymousUser()

    assert not can_view_region(anonymous, regions.sh)
    assert not can_view_user(anonymous, people["rep_sh"])
    assert not region_in_scope(anonymous, regions.sh)
    assert not User.objects.filter(scope_filter(anonymous)).exists()
    assert not can_open_admin(anonymous)


@pytest.mark.parametrize(
    ("user_kwargs", "allowed"),
    [
        ({"role": Role.GENERAL_MANAGER}, False),
        ({"role": Role.HR}, False),
        ({"is_staff": True}, True),
        ({"is_staff": True, "is_active": False}, False),
    ],
)
def test_only_active_staff_open_the_admin(user_kwargs, allowed):
    assert can_open_admin(UserFactory(**user_kwargs)) is allowed


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_read_regions(regions, role):
    assert can_view_region(UserFactory(role=role), regions.sh)


def test_a_user_with_no_role_may_not_read_regions(regions):
    assert not can_view_region(UserFactory(), regions.sh)
