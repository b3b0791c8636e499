"""Hand-built facts for the alert tests: people of every role, our products, a competitor, outlets in Shanghai
and Beijing, and helpers that file a submitted report with given lines on a given day."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from accounts.roles import Role
from campaigns.models import Brand
from feedback.models import Alert, AlertKind, AlertRule, ReportAmendment
from tests.campaigns.plan_setup import People, build_people
from tests.factories import BrandFactory, DailyReportFactory, OutletFactory, ProductFactory, RegionTree, UserFactory

_FINGERPRINTS = count(1)

# A Wednesday: the ISO week runs from Monday 2025-03-03 to Sunday 2025-03-09.
DAY = datetime.date(2025, 3, 5)


@dataclass
class World:
    regions: RegionTree
    people: People
    rep_sh2: object  # a second rep in Shanghai
    competitor: object
    other_competitor: object
    cola: object  # list price 10.00
    tea: object  # list price 4.00
    sh: list  # five outlets in Shanghai
    bj: object  # an outlet in Beijing


def build_world(regions: RegionTree) -> World:
    people = build_people(regions)
    own = BrandFactory(name="清源", name_en="Qingyuan", kind=Brand.Kind.OWN)
    return World(
        regions=regions,
        people=people,
        rep_sh2=UserFactory(username="rep.sh2", role=Role.SALES_REP, region=regions.sh),
        competitor=BrandFactory(name="康师傅", name_en="Master Kong"),
        other_competitor=BrandFactory(name="统一", name_en="Uni-President"),
        cola=ProductFactory(
            sku="QY-COLA", name="清源可乐", name_en="Qingyuan Cola", brand=own, list_price=Decimal("10.00")
        ),
        tea=ProductFactory(
            sku="QY-TEA", name="清源绿茶", name_en="Qingyuan Tea", brand=own, list_price=Decimal("4.00")
        ),
        sh=[OutletFactory(code=f"SH-{n}", name=f"上海店{n}", region=regions.sh) for n in range(1, 6)],
        bj=OutletFactory(code="BJ-1", name="北京店", region=regions.bj),
    )


def report(rep, day: datetime.date = DAY, *, submitted: bool = True):
    """A report of ``rep`` on ``day`` (one per rep and day: a second call on the same day returns the first)."""
    from feedback.models import DailyReport

    existing = DailyReport.objects.filter(rep=rep, date=day).first()
    if existing is not None:
        return existing
    return DailyReportFactory(rep=rep, date=day, submitted=submitted)


def supersede(line) -> None:
    """Mark ``line`` replaced by an amendment of its report."""
    amendment = ReportAmendment.objects.create(
        report=line.report,
        author=line.report.rep,
        reason="Wrong price",
        client_uuid=uuid.uuid4(),
        sections=[line.section.value],
    )
    line.superseded_by = amendment
    line.save(update_fields=["superseded_by"])


def rule(kind: str, **fields) -> AlertRule:
    defaults = {
        AlertKind.COMPETITOR_PRICE_GAP: {"threshold_pct": Decimal("15")},
        AlertKind.COMPETITOR_ACTIVITY_SPREAD: {"min_count": 3, "window_days": 7},
        AlertKind.OUT_OF_STOCK_RATE: {"threshold_pct": Decimal("20"), "min_count": 5},
        AlertKind.POS_SALES_DROP: {"threshold_pct": Decimal("40")},
        AlertKind.COMPLAINT_SPIKE: {"threshold_pct": Decimal("50"), "min_count": 3, "window_days": 7},
        AlertKind.PROMOTION_PRICE_BREACH: {},
    }[kind]
    return AlertRule.objects.create(kind=kind, name=f"Rule {kind}", **{**defaults, **fields})


def make_alert(region, *, kind: str = AlertKind.COMPETITOR_PRICE_GAP, status: str = "open", day=DAY, **fields):
    """An alert as a rule would raise it (the first rule of ``kind``, made if missing)."""
    alert_rule = AlertRule.objects.filter(kind=kind).first() or rule(kind)
    details = fields.pop(
        "details",
        {"observed_price": "5.00", "list_price": "10.00", "gap_pct": "50.0", "threshold_pct": "15.0"},
    )
    return Alert.objects.create(
        rule=alert_rule,
        kind=kind,
        fingerprint=f"fp-{next(_FINGERPRINTS)}",
        region=region,
        date=day,
        title="Competitor price below ours",
        details=details,
        status=status,
        **fields,
    )
