"""The joint KPIs (issue 7): what each figure is, for whom, and how it is computed from the rollup counters.

Every KPI is a ratio, an average or a count of the counters in ``KpiCounters`` (``coordination.models``) — nothing
else — so each figure shows its numerator and denominator and links to the facts it counts (``facts``: the kind
of drill-down, ``coordination.selectors.kpi_facts``). "team" KPIs count the reps of the person's region subtree
(a sales manager's team, the regions a marketing person is assigned to) against that region's own target.

The composite score of a person is the weighted mean of their role's percentage KPIs that have a value (each capped
at 100; an executability rating of 1–5 counts as 20–100), with the weights HR sets per role (``KpiScheme``) or,
until HR sets them, equal weights. It is always shown next to its parts.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

PCT, HOURS, COUNT, SCORE = "pct", "hours", "count", "score"
REP = (Role.SALES_REP,)
MANAGER = (Role.SALES_MANAGER,)
MARKETING = (Role.MARKETING_STAFF, Role.MARKETING_MANAGER)
KPI_ROLES = (Role.SALES_REP, Role.SALES_MANAGER, Role.MARKETING_STAFF, Role.MARKETING_MANAGER)
SECTIONS_PER_REPORT = 9


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    definition: str
    unit: str
    roles: tuple[str, ...]
    numerator: str
    denominator: str = ""
    facts: str = ""
    team: bool = False  # counted over the reps of the person's region subtree
    denominator_factor: int = 1

    @property
    def weighable(self) -> bool:
        return self.unit in (PCT, SCORE)

    def value(self, counters: dict) -> float | None:
        """The figure from ``counters`` (None when there is nothing to measure: no target, no working day …)."""
        top = counters.get(self.numerator) or 0
        if self.unit == COUNT:
            return int(top)
        bottom = (counters.get(self.denominator) or 0) * self.denominator_factor
        if not bottom:
            return None
        if self.unit == PCT:
            return round(float(top) * 100 / float(bottom), 1)
        if self.unit == HOURS:
            return round(float(top) / float(bottom) / 3600, 1)
        return round(float(top) / float(bottom), 2)  # SCORE: mean of 1–5

    def part(self, value: float | None) -> float | None:
        """The value as a 0–100 part of the composite score."""
        if value is None or not self.weighable:
            return None
        return min(100.0, value * 20 if self.unit == SCORE else value)


_ALL = KPI_ROLES
KPIS: tuple[Kpi, ...] = (
    # sales reps
    Kpi(
        "attainment_revenue",
        _("Target attainment (revenue)"),
        _(
            "Revenue the rep reported in regional sales in the months they have a revenue target ÷ those monthly "
            "targets (all products)."
        ),
        PCT,
        REP,
        "revenue_targeted",
        "target_revenue",
        facts="sales",
    ),
    Kpi(
        "attainment_units",
        _("Target attainment (units)"),
        _(
            "Units the rep reported in regional sales in the months they have a unit target ÷ those monthly targets "
            "(all products)."
        ),
        PCT,
        REP,
        "units_targeted",
        "target_units",
        facts="sales",
    ),
    Kpi(
        "filing_rate",
        _("Report filing rate"),
        _("Working days with a submitted daily report ÷ working days (company calendar, from the day they joined)."),
        PCT,
        REP,
        "days_filed",
        "days_expected",
        facts="missing_days",
    ),
    Kpi(
        "on_time_rate",
        _("On-time rate"),
        _("Reports submitted on their own day ÷ reports filed."),
        PCT,
        REP,
        "days_on_time",
        "days_filed",
        facts="late_days",
    ),
    Kpi(
        "completeness",
        _("Completeness"),
        _("Sections with items (not “nothing to report”) ÷ the nine sections of each report filed."),
        PCT,
        REP,
        "sections_filled",
        "days_filed",
        facts="thin_reports",
        denominator_factor=SECTIONS_PER_REPORT,
    ),
    Kpi(
        "intel_contributed",
        _("Intel contributed"),
        _("Competitor intel items the rep reported (current, not replaced by an amendment)."),
        COUNT,
        REP,
        "intel_items",
        facts="intel",
    ),
    Kpi(
        "intel_useful_rate",
        _("Intel marked useful"),
        _("Competitor intel items marketing marked useful ÷ intel items contributed."),
        PCT,
        REP,
        "intel_useful",
        "intel_items",
        facts="intel",
    ),
    Kpi(
        "promotion_execution",
        _("Promotion execution"),
        _(
            "Running promotions' outlets assigned to the rep that have in-store feedback in the month ÷ those outlets "
            "(summed per month)."
        ),
        PCT,
        REP,
        "promo_covered",
        "promo_expected",
        facts="promotion_checks",
    ),
    Kpi(
        "price_compliance",
        _("Price compliance"),
        _("Promotion feedback with a shelf price within the promotion's floor and ceiling ÷ feedback with a price."),
        PCT,
        REP,
        "price_compliant",
        "price_checks",
        facts="promotion_checks",
    ),
    Kpi(
        "feedback_followed",
        _("Customer feedback followed up"),
        _("Customer-feedback items marked followed up ÷ customer-feedback items reported."),
        PCT,
        REP,
        "feedback_followed",
        "feedback_items",
        facts="customer_feedback",
    ),
    # sales managers
    Kpi(
        "team_attainment",
        _("Team attainment"),
        _(
            "Revenue the reps of the manager's region reported ÷ the region's monthly revenue targets (its "
            "sub-regions' added up where it has none of its own)."
        ),
        PCT,
        MANAGER,
        "team_revenue",
        "team_target_revenue",
        facts="team",
        team=True,
    ),
    Kpi(
        "team_filing_rate",
        _("Team filing rate"),
        _("Working days with a submitted report ÷ working days, over the reps of the manager's region."),
        PCT,
        MANAGER,
        "team_days_filed",
        "team_days_expected",
        facts="team",
        team=True,
    ),
    Kpi(
        "endorsement_hours",
        _("Endorsement turnaround"),
        _("Mean hours from a rep's request reaching the manager to their endorsement decision."),
        HOURS,
        MANAGER,
        "endorse_seconds",
        "endorse_count",
        facts="endorsements",
    ),
    Kpi(
        "consultation_response",
        _("Consultation response rate"),
        _("Consultations on marketing proposals answered before the deadline ÷ consultations closed."),
        PCT,
        MANAGER,
        "consult_answered",
        "consult_count",
        facts="consultations",
    ),
    Kpi(
        "consultation_hours",
        _("Consultation response time"),
        _("Mean hours from a consultation opening to the manager's answer (answered ones)."),
        HOURS,
        MANAGER,
        "consult_seconds",
        "consult_answered",
        facts="consultations",
    ),
    # marketing
    Kpi(
        "region_attainment",
        _("Attainment of assigned regions"),
        _(
            "Revenue reported by the reps of the person's assigned region ÷ the region's monthly revenue targets "
            "(its sub-regions' added up where it has none of its own)."
        ),
        PCT,
        MARKETING,
        "team_revenue",
        "team_target_revenue",
        facts="team",
        team=True,
    ),
    Kpi(
        "proposals_approved",
        _("Proposals approved"),
        _("The person's marketing promotion proposals whose approval closed approved."),
        COUNT,
        MARKETING,
        "proposals_approved",
        facts="proposals",
    ),
    Kpi(
        "proposals_executed",
        _("Proposals executed"),
        _("The person's approved proposals that went on the shelves (started) in the period."),
        COUNT,
        MARKETING,
        "proposals_executed",
        facts="proposals",
    ),
    Kpi(
        "executability",
        _("Executability rating"),
        _("Mean of sales' executability ratings (1–5) given to the person's promotions."),
        SCORE,
        MARKETING,
        "rating_sum",
        "rating_count",
        facts="ratings",
    ),
    Kpi(
        "review_hours",
        _("Review turnaround"),
        _("Mean hours from a sales request reaching marketing review to the decision."),
        HOURS,
        MARKETING,
        "review_seconds",
        "review_count",
        facts="reviews",
    ),
    Kpi(
        "review_sla",
        _("Reviews within SLA"),
        _("Sales-request reviews decided by their due time ÷ reviews decided."),
        PCT,
        MARKETING,
        "review_on_time",
        "review_count",
        facts="reviews",
    ),
    Kpi(
        "intel_acknowledged",
        _("Intel acknowledged"),
        _("Field intel items the person acknowledged."),
        COUNT,
        MARKETING,
        "intel_acknowledged",
        facts="acknowledged_intel",
    ),
    Kpi(
        "intel_answer_hours",
        _("Time to answer intel"),
        _("Mean hours from a field intel item's submission to the person's answer."),
        HOURS,
        MARKETING,
        "answer_seconds",
        "intel_answered",
        facts="answered_intel",
    ),
    Kpi(
        "plan_ack_rate",
        _("Plan acknowledgement by sales"),
        _("Reps who acknowledged the plan versions the person published ÷ reps in those plans' regions."),
        PCT,
        MARKETING,
        "plan_acknowledged",
        "plan_readers",
        facts="plans",
    ),
    # everyone
    Kpi(
        "actions_on_time",
        _("Action items closed on time"),
        _("Joint-meeting action items owned, due in the period and closed by their due date ÷ those due."),
        PCT,
        _ALL,
        "actions_on_time",
        "actions_due",
        facts="action_items",
    ),
)
BY_KEY = {kpi.key: kpi for kpi in KPIS}
FACT_KINDS = sorted({kpi.facts for kpi in KPIS})


def kpis_for(role: str) -> list[Kpi]:
    return [kpi for kpi in KPIS if role in kpi.roles]


def default_weights(role: str) -> dict[str, int]:
    return {kpi.key: 1 for kpi in kpis_for(role) if kpi.weighable}


def composite(role: str, values: dict[str, float | None], weights: dict[str, int] | None) -> float | None:
    """The weighted mean of the role's weighable parts that have a value (None when none has)."""
    weights = weights if weights is not None else default_weights(role)
    total = points = 0.0
    for kpi in kpis_for(role):
        weight = weights.get(kpi.key, 0)
        part = kpi.part(values.get(kpi.key))
        if weight and part is not None:
            total += weight
            points += weight * part
    return round(points / total, 1) if total else None
