"""People and plans shared by the plan tests: one user per role, reps in and out of East."""

from dataclasses import dataclass

from accounts.roles import Role
from campaigns.models import MarketingPlan, PlanKind, SectionKind
from campaigns.services.plans import plan_create, plan_publish, plan_submit, plan_update
from tests.factories import RegionTree, UserFactory


@dataclass
class People:
    mkt_staff: object
    mkt_manager: object
    rep_sh: object  # in East
    rep_hz: object  # in East
    rep_bj: object  # North: outside East
    mgr_east: object
    mgr_north: object
    director: object
    gm: object
    hr: object


def build_people(regions: RegionTree) -> People:
    return People(
        mkt_staff=UserFactory(username="mkt.staff", role=Role.MARKETING_STAFF, region=regions.cn),
        mkt_manager=UserFactory(username="mkt.manager", role=Role.MARKETING_MANAGER, region=regions.cn),
        rep_sh=UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh, language="zh-hans"),
        rep_hz=UserFactory(username="rep.hz", role=Role.SALES_REP, region=regions.hz),
        rep_bj=UserFactory(username="rep.bj", role=Role.SALES_REP, region=regions.bj),
        mgr_east=UserFactory(username="mgr.east", role=Role.SALES_MANAGER, region=regions.east),
        mgr_north=UserFactory(username="mgr.north", role=Role.SALES_MANAGER, region=regions.north),
        director=UserFactory(username="director", role=Role.SALES_DIRECTOR, region=regions.cn),
        gm=UserFactory(username="gm", role=Role.GENERAL_MANAGER, region=regions.cn),
        hr=UserFactory(username="hr", role=Role.HR, region=regions.cn),
    )


FULL_SECTIONS = {
    kind: {"goals": f"Goal of {kind}", "rationale": f"Why {kind}", "body": f"Details of **{kind}**"}
    for kind in SectionKind.values
}


def draft_plan(people: People, region, *, title="East plan 2026", sections=None) -> MarketingPlan:
    plan = plan_create(user=people.mkt_staff, title=title, kind=PlanKind.ANNUAL, year=2026, region=region)
    plan_update(user=people.mkt_staff, plan=plan, sections=FULL_SECTIONS if sections is None else sections)
    return plan


def published_plan(people: People, region, *, title="East plan 2026") -> MarketingPlan:
    plan = draft_plan(people, region, title=title)
    plan_submit(user=people.mkt_staff, plan=plan)
    plan_publish(user=people.mkt_manager, plan=plan)
    plan.refresh_from_db()
    return plan
