"""Demo data of the joint layer (run by ``seed_demo`` after the other apps; idempotent).

- Two months ago's figures were reviewed at a **held** joint meeting early last month (marketing and sales
  managers, the sales director, the general manager), with four action items: one done, one open and overdue, two
  open and due soon — so owners have reminders and the escalation job has something to escalate.
- Last month's meeting is **planned** for the next working days; its agenda starts with the open items carried over
  (the service composes it).
- Last month's **digest** is built (not mailed: ``python manage.py send_digest`` or the digest page sends it).
- An example enterprise-chat robot (WeCom, East), inactive: the admin shows how one is configured.
- The **KPI rollups** of the demo's months (last month and this one) are built, as the nightly job would have.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.calendar import WorkCalendar
from accounts.models import ChatWebhook, Region, User

from .models import Digest, JointMeeting
from .services import meetings
from .services.digest import digest_build, previous_month
from .services.kpi_rollups import kpi_rollups_rebuild

MINUTES = (
    "1. 华东销售达成率 92%，华北 85%：华北经销商回款偏慢。\n"
    "2. 康师傅在上海、杭州连续降价，市场部两周内给出应对方案。\n"
    "3. 促销执行：门店价签更换不及时，销售部负责跟进。\n"
    "4. 下次会议前检查所有待办事项。"
)


def _working_day_on_or_after(day: datetime.date, calendar: WorkCalendar) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@transaction.atomic
def seed_coordination_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    names = ("mkt.wang", "mkt.li", "mgr.east", "mgr.north", "dir.sales", "gm")
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(people) < len(names):
        return {}
    created = {"joint meetings": 0, "action items": 0, "digests": 0, "chat webhooks": 0}
    last_month = previous_month(today)
    reviewed = previous_month(last_month)
    attendees = [people[name] for name in names]

    held = JointMeeting.objects.filter(month=reviewed).first()
    if held is None:
        held_on = _working_day_on_or_after(last_month.replace(day=5), calendar)
        held = meetings.meeting_create(
            user=people["mkt.wang"],
            month=reviewed,
            date=held_on,
            location="总部 3 楼会议室",
            attendees=attendees,
            today=held_on,
        )
        meetings.meeting_record_minutes(user=people["mkt.wang"], meeting=held, minutes=MINUTES, today=held_on)
        created["joint meetings"] += 1
        plans = [
            ("华北经销商回款跟进", "mgr.north", today + datetime.timedelta(days=2), False),
            ("康师傅降价应对方案", "mkt.wang", held_on + datetime.timedelta(days=14), False),
            ("门店价签更换检查表", "mgr.east", today + datetime.timedelta(days=5), False),
            ("上海重点门店陈列复查", "mkt.li", held_on + datetime.timedelta(days=10), True),
        ]
        for title, owner, due_on, done in plans:
            item = meetings.action_item_create(
                user=people["mkt.wang"], title=title, owner=people[owner], due_on=due_on, meeting=held, today=held_on
            )
            if done:
                meetings.action_item_close(user=people[owner], item=item, outcome="已复查 12 家门店，3 家已整改。")
            created["action items"] += 1

    if not JointMeeting.objects.filter(month=last_month).exists():
        meetings.meeting_create(
            user=people["mkt.wang"],
            month=last_month,
            date=_working_day_on_or_after(today + datetime.timedelta(days=2), calendar),
            location="总部 3 楼会议室",
            attendees=attendees,
            today=today,
        )
        created["joint meetings"] += 1

    if not Digest.objects.filter(month=last_month).exists():
        digest_build(last_month, today=today)
        created["digests"] += 1

    east = Region.objects.filter(code="EAST").first()
    if east and not ChatWebhook.objects.filter(name="华东销售群机器人（示例）").exists():
        ChatWebhook.objects.create(
            name="华东销售群机器人（示例）",
            provider=ChatWebhook.Provider.WECOM,
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=EXAMPLE-KEY",
            region=east,
            is_active=False,
        )
        created["chat webhooks"] += 1

    # Rebuilt on every run (idempotent: a rebuild replaces the same rows), so the scorecards match the data.
    kpi_rollups_rebuild(previous_month(today), today)
    return created
