"""Demo company for accounts: the region tree and one user per role (DESIGN §2), all with a known password.

Idempotent: natural keys (region code, username) are looked up first, so a second run changes nothing.
"""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import Department, Region, User
from .roles import Role
from .services import region_save

DEMO_PASSWORD = "coordination-demo"  # noqa: S105 - published in the README on purpose

# (code, Chinese name, English name, kind, parent code)
REGIONS = [
    ("CN", "中国", "China", Region.Kind.COUNTRY, None),
    ("EAST", "华东", "East", Region.Kind.PROVINCE, "CN"),
    ("SH", "上海", "Shanghai", Region.Kind.CITY, "EAST"),
    ("HZ", "杭州", "Hangzhou", Region.Kind.CITY, "EAST"),
    ("NORTH", "华北", "North", Region.Kind.PROVINCE, "CN"),
    ("BJ", "北京", "Beijing", Region.Kind.CITY, "NORTH"),
    ("TJ", "天津", "Tianjin", Region.Kind.CITY, "NORTH"),
    ("SOUTH", "华南", "South", Region.Kind.PROVINCE, "CN"),
    ("GZ", "广州", "Guangzhou", Region.Kind.CITY, "SOUTH"),
    ("SZ", "深圳", "Shenzhen", Region.Kind.CITY, "SOUTH"),
]

# (username, family name, given name, role, department, region, manager username, language)
# Managers come before the people who report to them.
USERS = [
    ("gm", "郑", "国华", Role.GENERAL_MANAGER, Department.Code.MANAGEMENT, "CN", None, "zh-hans"),
    ("dir.sales", "孙", "丽", Role.SALES_DIRECTOR, Department.Code.SALES, "CN", "gm", "zh-hans"),
    ("mkt.wang", "王", "芳", Role.MARKETING_MANAGER, Department.Code.MARKETING, "CN", "gm", "zh-hans"),
    ("mkt.li", "李", "明", Role.MARKETING_STAFF, Department.Code.MARKETING, "CN", "mkt.wang", "zh-hans"),
    ("mgr.east", "周", "涛", Role.SALES_MANAGER, Department.Code.SALES, "EAST", "dir.sales", "zh-hans"),
    ("mgr.north", "吴", "磊", Role.SALES_MANAGER, Department.Code.SALES, "NORTH", "dir.sales", "zh-hans"),
    ("rep.zhang", "张", "伟", Role.SALES_REP, Department.Code.SALES, "SH", "mgr.east", "zh-hans"),
    ("rep.liu", "刘", "洋", Role.SALES_REP, Department.Code.SALES, "HZ", "mgr.east", "zh-hans"),
    ("rep.chen", "陈", "静", Role.SALES_REP, Department.Code.SALES, "BJ", "mgr.north", "zh-hans"),
    ("hr.zhao", "赵", "敏", Role.HR, Department.Code.HR, "CN", "gm", "zh-hans"),
]


@transaction.atomic
def seed_accounts_demo() -> dict[str, int]:
    """Create what is missing of the demo regions and users; return how many of each were created."""
    created = {"regions": 0, "users": 0}
    regions: dict[str, Region] = {r.code: r for r in Region.objects.filter(code__in=[row[0] for row in REGIONS])}
    for code, name, name_en, kind, parent_code in REGIONS:
        if code not in regions:
            regions[code] = region_save(
                region=Region(code=code, name=name, name_en=name_en, kind=kind, parent=regions.get(parent_code))
            )
            created["regions"] += 1

    departments = {d.code: d for d in Department.objects.all()}
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    users: dict[str, User] = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in USERS])}
    for username, family, given, role, department, region, manager, language in USERS:
        if username in users:
            continue
        user = User(
            username=username,
            first_name=given,
            last_name=family,
            email=f"{username}@demo.coordination.local",
            department=departments[department],
            region=regions[region],
            manager=users.get(manager),
            language=language,
            # With the company since the demo's four weeks of history began (feedback.demo's HISTORY_DAYS), so
            # the KPI filing rates expect reports from then on, not before.
            date_joined=timezone.now() - datetime.timedelta(days=28),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(groups[role])
        users[username] = user
        created["users"] += 1

    if not User.objects.filter(username="admin").exists():
        admin = User(
            username="admin",
            first_name="Admin",
            email="admin@demo.coordination.local",
            department=departments[Department.Code.MANAGEMENT],
            region=regions["CN"],
            is_staff=True,
            is_superuser=True,
            language="en",
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        created["users"] += 1
    return created
