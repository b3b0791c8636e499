import pytest
from django.db import IntegrityError
from django.utils import translation

from accounts.models import Region
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("伟", "张", "张伟"), ("Wei", "Zhang", "Wei Zhang"), ("", "", "")],
)
def test_full_name_follows_the_naming_order_of_the_script(first, last, expected):
    assert UserFactory.build(first_name=first, last_name=last).get_full_name() == expected


def test_display_name_falls_back_to_the_username():
    assert UserFactory.build(username="rep.x", first_name="", last_name="").display_name == "rep.x"


def test_roles_are_the_role_groups_only():
    user = UserFactory(role=Role.SALES_MANAGER)
    user.groups.create(name="newsletter")

    assert user.role_names == frozenset({"sales_manager"})
    assert user.has_role(Role.SALES_MANAGER, Role.HR)
    assert not user.has_role(Role.HR)


def test_region_display_name_follows_the_active_language(regions):
    with translation.override("en"):
        assert regions.sh.display_name == "Shanghai"
    with translation.override("zh-hans"):
        assert regions.sh.display_name == "上海"


def test_region_depth(regions):
    assert (regions.cn.depth, regions.east.depth, regions.sh.depth) == (0, 1, 2)


def test_the_database_refuses_a_city_without_a_parent():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="X", name="X", kind=Region.Kind.CITY, path="X/")


def test_the_database_refuses_a_user_managing_themselves():
    user = UserFactory()
    user.manager_id = user.pk
    with pytest.raises(IntegrityError):
        user.save(update_fields=["manager"])
