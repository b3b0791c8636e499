import pytest
from django.core.exceptions import ValidationError

from accounts.models import Region
from accounts.services import region_create, region_save, user_set_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_region_create_builds_the_path_from_the_ancestors_codes(regions):
    pudong = region_create(code="PD", name="浦东", kind=Region.Kind.CITY, parent=regions.east)

    assert pudong.path == "CN/EAST/PD/"
    assert Region.objects.get(code="PD").path == "CN/EAST/PD/"


def test_moving_a_region_rewrites_the_paths_of_its_whole_subtree(regions):
    region_create(code="XY", name="西域", name_en="West", kind=Region.Kind.PROVINCE, parent=regions.cn)
    regions.east.code = "EC"
    region_save(region=regions.east)

    assert dict(Region.objects.filter(code__in=["EC", "SH", "HZ"]).values_list("code", "path")) == {
        "EC": "CN/EC/",
        "SH": "CN/EC/SH/",
        "HZ": "CN/EC/HZ/",
    }
    # Nothing outside the subtree moved.
    assert Region.objects.get(code="BJ").path == "CN/NORTH/BJ/"


def test_a_region_cannot_be_moved_below_itself(regions):
    regions.east.parent = regions.sh
    with pytest.raises(ValidationError) as error:
        region_save(region=regions.east)

    assert error.value.message_dict == {"parent": ["A region cannot be moved below itself."]}
    assert Region.objects.get(code="EAST").path == "CN/EAST/"


@pytest.mark.parametrize(
    ("parent_code", "kind", "field", "message"),
    [
        ("SH", Region.Kind.CITY, "parent", "A city cannot have regions below it."),
        ("CN", Region.Kind.CITY, "kind", "Below a Country comes a Province / sales area."),
        (None, Region.Kind.CITY, "parent", "Only a country stands at the top; choose a parent."),
    ],
)
def test_the_tree_keeps_country_province_city_order(regions, parent_code, kind, field, message):
    parent = Region.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(ValidationError) as error:
        region_create(code="NEW", name="新", kind=kind, parent=parent)

    assert error.value.message_dict == {field: [message]}
    assert not Region.objects.filter(code="NEW").exists()


def test_region_codes_are_validated_and_unique(regions):
    with pytest.raises(ValidationError) as error:
        region_create(code="sh", name="小写", kind=Region.Kind.CITY, parent=regions.east)
    assert "code" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        region_create(code="SH", name="重复", kind=Region.Kind.CITY, parent=regions.north)
    assert "code" in error.value.message_dict
    assert Region.objects.filter(code="SH").count() == 1


def test_user_set_language_saves_the_preference():
    user = UserFactory(language="en")

    user_set_language(user=user, language="zh-hans")

    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_user_set_language_refuses_an_unknown_language():
    user = UserFactory(language="en")

    with pytest.raises(ValidationError) as error:
        user_set_language(user=user, language="fr")

    assert error.value.message_dict == {"language": ["Choose English or Simplified Chinese."]}
    user.refresh_from_db()
    assert user.language == "en"
