from dataclasses import dataclass

import factory
from django.contrib.auth.models import Group

from accounts.models import ChatWebhook, Department, Notification, NotificationKind, Region, User
from accounts.roles import Role
from accounts.services import region_save

PASSWORD = "a-long-test-password"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = Department.Code.SALES


class RegionFactory(factory.django.DjangoModelFactory):
    """Regions go through the service so their materialised path is right."""

    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"区域{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    kind = factory.LazyAttribute(
        lambda o: {None: Region.Kind.COUNTRY, Region.Kind.COUNTRY: Region.Kind.PROVINCE}.get(
            o.parent.kind if o.parent else None, Region.Kind.CITY
        )
    )
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_save(region=model_class(*args, **kwargs))


_DEPARTMENT_OF_ROLE = {
    Role.MARKETING_STAFF: Department.Code.MARKETING,
    Role.MARKETING_MANAGER: Department.Code.MARKETING,
    Role.SALES_REP: Department.Code.SALES,
    Role.SALES_MANAGER: Department.Code.SALES,
    Role.SALES_DIRECTOR: Department.Code.SALES,
    Role.GENERAL_MANAGER: Department.Code.MANAGEMENT,
    Role.HR: Department.Code.HR,
}


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass ``role=Role.X`` to put them in that role's group (and department)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = None

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "伟"
    last_name = factory.Sequence(lambda n: "张王李赵刘陈"[n % 6])
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(code=_DEPARTMENT_OF_ROLE[o.role]) if o.role else None
    )
    region = None
    language = User.Language.EN

    @classmethod
    def _generate(cls, strategy, params):
        # ``role`` is a parameter, not a field: after the user is saved, put them in that role's group.
        role = params.get("role")
        obj = super()._generate(strategy, params)
        if role and strategy == factory.CREATE_STRATEGY:
            obj.groups.add(Group.objects.get(name=role))
        return obj


@dataclass
class RegionTree:
    cn: Region
    east: Region
    sh: Region
    hz: Region
    north: Region
    bj: Region
    tj: Region
    south: Region
    gz: Region
    sz: Region


def build_region_tree() -> RegionTree:
    cn = RegionFactory(code="CN", name="中国", name_en="China")
    east = RegionFactory(code="EAST", name="华东", name_en="East", parent=cn)
    north = RegionFactory(code="NORTH", name="华北", name_en="North", parent=cn)
    south = RegionFactory(code="SOUTH", name="华南", name_en="South", parent=cn)
    return RegionTree(
        cn=cn,
        east=east,
        sh=RegionFactory(code="SH", name="上海", name_en="Shanghai", parent=east),
        hz=RegionFactory(code="HZ", name="杭州", name_en="Hangzhou", parent=east),
        north=north,
        bj=RegionFactory(code="BJ", name="北京", name_en="Beijing", parent=north),
        tj=RegionFactory(code="TJ", name="天津", name_en="Tianjin", parent=north),
        south=south,
        gz=RegionFactory(code="GZ", name="广州", name_en="Guangzhou", parent=south),
        sz=RegionFactory(code="SZ", name="深圳", name_en="Shenzhen", parent=south),
    )


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.PLAN_PUBLISHED
    key = factory.Sequence(lambda n: f"plan_published:{n}:v1")
    title = factory.Sequence(lambda n: f"Plan {n} published")
    body = "Read it before Monday."
    url = "/plans/1/"


class ChatWebhookFactory(factory.django.DjangoModelFactory):
    """A group robot; give ``url`` (a local stand-in server in tests) and an audience (department and/or region)."""

    class Meta:
        model = ChatWebhook

    name = factory.Sequence(lambda n: f"Group {n}")
    provider = ChatWebhook.Provider.WECOM
    url = "http://127.0.0.1:9/robot/send"
    secret = ""
    department = factory.LazyFunction(lambda: DepartmentFactory(code=Department.Code.SALES))
    region = None
    kinds = factory.LazyFunction(list)
    is_active = True
