"""Writes of alerts: evaluating the rules on submitted facts, triaging alerts, configuring rules.

Evaluation (``alerts_evaluate_for_report``) runs after a report's submission or amendment commits (the Celery task
``feedback.tasks.alerts_evaluate_for_report``) and nightly for a whole day (``alerts_sweep``). It reads only
submitted reports and their current lines (``superseded_by`` empty). Each rule kind is one function that asks the
database for the facts (aggregations, never a Python loop over the company's rows) and returns ``_Finding``s; a
finding becomes an alert through ``get_or_create`` on (rule, fingerprint), which the unique constraint backs, so
the same facts never raise a second alert — not even when two evaluations run at once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Region, User
from accounts.notifications import notify
from accounts.permissions import region_ancestor_paths
from accounts.roles import MARKETING_ROLES
from campaigns.models import Brand, Product
from campaigns.selectors.promotions import promotion_agreed_on_q

from ..models import (
    Alert,
    AlertKind,
    AlertRule,
    AlertStatus,
    CompetitorIntelLine,
    CustomerFeedbackLine,
    DailyReport,
    MerchandisingLine,
    Outlet,
    PosSalesLine,
    PromotionFeedbackLine,
    ReportStatus,
)
from ..permissions import can_configure_alert_rules, can_triage_alerts
from ..selectors.alerts import alert_summary, alert_title

POS_BASELINE_DAYS = 28
POS_BASELINE_MIN_DAYS = 3
COMPLAINT_BASELINE_WINDOWS = 4
OUT_OF_STOCK_DEFAULT_MIN_LINES = 5
_HUNDRED = Decimal(100)


def _pct(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _iso_week(day: datetime.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@dataclass
class _Finding:
    """What a rule found: the fingerprint naming the facts, the facts, and the objects they concern."""

    fingerprint: str
    details: dict
    date: datetime.date
    region: Region
    objects: dict = field(default_factory=dict)  # brand, product, outlet, promotion, category


def _lines(model, report: DailyReport):
    """The current lines of ``report`` in one section."""
    return model.objects.filter(report=report, superseded_by__isnull=True)


def _facts(model, **filters):
    """Current lines of submitted reports."""
    return model.objects.filter(report__status=ReportStatus.SUBMITTED, superseded_by__isnull=True, **filters)


# --- the six rule kinds ------------------------------------------------------------------------------------------


def _competitor_price_gap(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """A competitor's observed price more than ``threshold_pct`` below our comparable product's list price."""
    factor = 1 - rule.threshold_pct / _HUNDRED
    lines = (
        _lines(CompetitorIntelLine, report)
        .filter(observed_price__isnull=False, product__isnull=False)
        .annotate(
            limit=ExpressionWrapper(
                F("product__list_price") * factor, output_field=DecimalField(max_digits=16, decimal_places=4)
            )
        )
        .filter(observed_price__lt=F("limit"))
        .select_related("brand", "product", "outlet")
        .order_by("position", "pk")
    )
    findings = []
    week = _iso_week(report.date)
    for line in lines:
        list_price = line.product.list_price
        gap = (list_price - line.observed_price) / list_price * _HUNDRED if list_price else _HUNDRED
        cut = f"{line.brand_id}:{line.product_id}:{line.outlet_id or '-'}:{_money(line.observed_price)}"
        findings.append(
            _Finding(
                # The same cut reported again in the same region and week is the same facts; another region (whose
                # manager follows it, with or without an outlet named) or a later week is news again.
                fingerprint=f"{cut}:{report.region_id}:{week}",
                details={
                    "observed_price": _money(line.observed_price),
                    "list_price": _money(list_price),
                    "gap_pct": _pct(gap),
                    "threshold_pct": _pct(rule.threshold_pct),
                    "their_product": line.product_name,
                    "activity": line.activity,
                    "line_id": line.pk,
                },
                date=report.date,
                region=report.region,
                objects={"brand": line.brand, "product": line.product, "outlet": line.outlet},
            )
        )
    return findings


def _competitor_activity_spread(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """The same brand and activity reported at ``min_count`` or more distinct outlets of the report's region within
    ``window_days`` up to the report's date."""
    pairs = set(_lines(CompetitorIntelLine, report).filter(outlet__isnull=False).values_list("brand_id", "activity"))
    if not pairs:
        return []
    region = report.region
    start = report.date - datetime.timedelta(days=rule.window_days - 1)
    which = Q()
    for brand_id, activity in pairs:
        which |= Q(brand_id=brand_id, activity=activity)
    rows = (
        _facts(
            CompetitorIntelLine,
            report__date__range=(start, report.date),
            outlet__region__path__startswith=region.path,
        )
        .filter(which)
        .values("brand_id", "activity")
        .annotate(outlets=Count("outlet", distinct=True))
        .filter(outlets__gte=rule.min_count)
        .order_by("brand_id", "activity")
    )
    rows = list(rows)
    if not rows:
        return []
    brands = Brand.objects.in_bulk([row["brand_id"] for row in rows])
    week = _iso_week(report.date)
    return [
        _Finding(
            # One alert per brand, activity and region a week: a rolling window does not re-raise it daily.
            fingerprint=f"{row['brand_id']}:{row['activity']}:{region.pk}:{week}",
            details={
                "activity": row["activity"],
                "outlets": row["outlets"],
                "min_count": rule.min_count,
                "window_days": rule.window_days,
                "window_start": start.isoformat(),
                "window_end": report.date.isoformat(),
            },
            date=report.date,
            region=region,
            objects={"brand": brands[row["brand_id"]]},
        )
        for row in rows
    ]


def _out_of_stock_rate(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """On the report's day in its region: out-of-stock merchandising lines / all lines above ``threshold_pct``,
    with at least ``min_count`` lines (default 5) so two lines do not make a rate."""
    if not _lines(MerchandisingLine, report).exists():
        return []
    region = report.region
    counts = _facts(
        MerchandisingLine, report__date=report.date, report__region__path__startswith=region.path
    ).aggregate(lines=Count("pk"), out=Count("pk", filter=Q(out_of_stock=True)))
    lines, out = counts["lines"], counts["out"]
    min_lines = rule.min_count or OUT_OF_STOCK_DEFAULT_MIN_LINES
    if lines < min_lines:
        return []
    rate = Decimal(out) / Decimal(lines) * _HUNDRED
    if rate <= rule.threshold_pct:
        return []
    return [
        _Finding(
            fingerprint=f"{region.pk}:{report.date.isoformat()}",
            details={
                "lines": lines,
                "out_of_stock": out,
                "rate_pct": _pct(rate),
                "threshold_pct": _pct(rule.threshold_pct),
                "min_count": min_lines,
            },
            date=report.date,
            region=region,
        )
    ]


def _pos_sales_drop(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """For each outlet and product of the report's POS lines: the day's units below (1 − ``threshold_pct``/100) ×
    the average daily units of the previous 28 days (days with lines only; at least 3 such days)."""
    pairs = set(_lines(PosSalesLine, report).values_list("outlet_id", "product_id"))
    if not pairs:
        return []
    which = Q()
    for outlet_id, product_id in pairs:
        which |= Q(outlet_id=outlet_id, product_id=product_id)
    day = report.date
    start = day - datetime.timedelta(days=POS_BASELINE_DAYS)
    before = Q(report__date__lt=day)
    rows = (
        _facts(PosSalesLine, report__date__range=(start, day))
        .filter(which)
        .values("outlet_id", "product_id")
        .annotate(
            today=Sum("units", filter=Q(report__date=day)),
            baseline_units=Sum("units", filter=before),
            baseline_days=Count("report__date", filter=before, distinct=True),
        )
        .filter(baseline_days__gte=POS_BASELINE_MIN_DAYS, today__isnull=False)
        .order_by("outlet_id", "product_id")
    )
    factor = 1 - rule.threshold_pct / _HUNDRED
    dropped = []
    for row in rows:
        average = Decimal(row["baseline_units"]) / Decimal(row["baseline_days"])
        if Decimal(row["today"]) < factor * average:
            dropped.append((row, average))
    if not dropped:
        return []
    outlets = Outlet.objects.in_bulk([row["outlet_id"] for row, _avg in dropped])
    products = Product.objects.in_bulk([row["product_id"] for row, _avg in dropped])
    return [
        _Finding(
            fingerprint=f"{row['outlet_id']}:{row['product_id']}:{day.isoformat()}",
            details={
                "units": row["today"],
                "average_units": _pct(average),
                "baseline_days": row["baseline_days"],
                "drop_pct": _pct((average - row["today"]) / average * _HUNDRED),
                "threshold_pct": _pct(rule.threshold_pct),
            },
            date=day,
            region=report.region,
            objects={"outlet": outlets[row["outlet_id"]], "product": products[row["product_id"]]},
        )
        for row, average in dropped
    ]


def _complaint_spike(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """Complaints in the report's region over the last ``window_days``: at least ``min_count`` and more than
    (1 + ``threshold_pct``/100) × the average per window over the 4 windows before."""
    if not _lines(CustomerFeedbackLine, report).filter(category=CustomerFeedbackLine.Category.COMPLAINT).exists():
        return []
    region = report.region
    days = rule.window_days
    window_start = report.date - datetime.timedelta(days=days - 1)
    baseline_start = window_start - datetime.timedelta(days=days * COMPLAINT_BASELINE_WINDOWS)
    counts = _facts(
        CustomerFeedbackLine,
        category=CustomerFeedbackLine.Category.COMPLAINT,
        report__region__path__startswith=region.path,
        report__date__range=(baseline_start, report.date),
    ).aggregate(
        now=Count("pk", filter=Q(report__date__gte=window_start)),
        before=Count("pk", filter=Q(report__date__lt=window_start)),
    )
    now = counts["now"]
    average = Decimal(counts["before"]) / COMPLAINT_BASELINE_WINDOWS
    if now < rule.min_count or Decimal(now) <= (1 + rule.threshold_pct / _HUNDRED) * average:
        return []
    return [
        _Finding(
            fingerprint=f"{region.pk}:{_iso_week(report.date)}",
            details={
                "complaints": now,
                "average": _pct(average),
                "window_days": days,
                "window_start": window_start.isoformat(),
                "window_end": report.date.isoformat(),
                "min_count": rule.min_count,
                "threshold_pct": _pct(rule.threshold_pct),
            },
            date=report.date,
            region=region,
        )
    ]


def _promotion_price_breach(rule: AlertRule, report: DailyReport) -> list[_Finding]:
    """A promotion feedback line whose actual shelf price is below the promotion's floor or above its ceiling,
    while the promotion runs."""
    lines = (
        _lines(PromotionFeedbackLine, report)
        .filter(promotion_agreed_on_q(report.date, prefix="promotion__"), actual_price__isnull=False)
        .filter(
            Q(promotion__price_floor__isnull=False, actual_price__lt=F("promotion__price_floor"))
            | Q(promotion__price_ceiling__isnull=False, actual_price__gt=F("promotion__price_ceiling"))
        )
        .select_related("promotion", "outlet")
        .order_by("position", "pk")
    )
    return [
        _Finding(
            fingerprint=f"{line.promotion_id}:{line.outlet_id}:{report.date.isoformat()}",
            details={
                "actual_price": _money(line.actual_price),
                "price_floor": _money(line.promotion.price_floor),
                "price_ceiling": _money(line.promotion.price_ceiling),
                "line_id": line.pk,
            },
            date=report.date,
            region=report.region,
            objects={"promotion": line.promotion, "outlet": line.outlet},
        )
        for line in lines
    ]


EVALUATORS: dict[str, Callable[[AlertRule, DailyReport], list[_Finding]]] = {
    AlertKind.COMPETITOR_PRICE_GAP: _competitor_price_gap,
    AlertKind.COMPETITOR_ACTIVITY_SPREAD: _competitor_activity_spread,
    AlertKind.OUT_OF_STOCK_RATE: _out_of_stock_rate,
    AlertKind.POS_SALES_DROP: _pos_sales_drop,
    AlertKind.COMPLAINT_SPIKE: _complaint_spike,
    AlertKind.PROMOTION_PRICE_BREACH: _promotion_price_breach,
}


# --- raising and notifying ---------------------------------------------------------------------------------------


def _marketing_recipients() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name__in=list(MARKETING_ROLES)).distinct().order_by("pk"))


def _raise(*, rule: AlertRule, report: DailyReport, finding: _Finding, recipients: list[User]) -> Alert | None:
    """The alert for ``finding``, created now — or None when the same facts already raised one for this rule.

    The alert and its notifications commit together; ``get_or_create`` on the unique (rule, fingerprint) makes a
    concurrent evaluation of the same facts find the first one instead of raising a second."""
    alert = Alert(rule=rule, kind=rule.kind, date=finding.date, region=finding.region, details=finding.details)
    for name, value in finding.objects.items():
        setattr(alert, name, value)
    with translation.override(settings.LANGUAGE_CODE):
        title = alert_title(alert)[:300]
    defaults = {
        "kind": rule.kind,
        "region": finding.region,
        "date": finding.date,
        "title": title,
        "details": finding.details,
        "report": report,
        **finding.objects,
    }
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(rule=rule, fingerprint=finding.fingerprint, defaults=defaults)
        if not created:
            return None
        notify(
            recipients=recipients,
            kind="alert",
            key=f"alert:{alert.pk}",
            message=lambda: (alert_title(alert), alert_summary(alert)),
            url=reverse("feedback:alert_detail", args=[alert.pk]),
        )
    return alert


def _rule_is_complete(rule: AlertRule) -> bool:
    needs = RULE_PARAMETERS.get(rule.kind)
    if needs is None:
        return False
    return all(getattr(rule, name) is not None for name, required in needs.items() if required)


def _rules_for(region: Region):
    """Active rules whose scope (a region and everything below it, or the whole company) holds ``region``."""
    return AlertRule.objects.filter(
        Q(region__isnull=True) | Q(region__path__in=region_ancestor_paths(region.path)), active=True
    ).order_by("kind", "pk")


def alerts_evaluate_for_report(*, report_id: int) -> list[Alert]:
    """Run every active rule covering the report's region on its facts; returns the alerts raised now.

    A draft (or missing) report raises nothing. Safe to run again: the same facts raise nothing new."""
    report = DailyReport.objects.select_related("region").filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.SUBMITTED:
        return []
    raised: list[Alert] = []
    recipients: list[User] | None = None
    for rule in _rules_for(report.region):
        if not _rule_is_complete(rule):
            continue  # a rule saved without a parameter its kind needs (e.g. through a raw import) raises nothing
        for finding in EVALUATORS[rule.kind](rule, report):
            if recipients is None:
                recipients = _marketing_recipients()
            alert = _raise(rule=rule, report=report, finding=finding, recipients=recipients)
            if alert is not None:
                raised.append(alert)
    return raised


def alerts_sweep(*, date: datetime.date) -> int:
    """Evaluate every submitted report of ``date`` (the nightly sweep catches what a lost task missed).
    Returns how many alerts were raised now."""
    report_ids = DailyReport.objects.filter(date=date, status=ReportStatus.SUBMITTED).order_by("pk")
    return sum(len(alerts_evaluate_for_report(report_id=pk)) for pk in report_ids.values_list("pk", flat=True))


# --- triage ------------------------------------------------------------------------------------------------------


class AlertAction:
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


# The one table of allowed moves: (from, action) → to. A note can be added in any state (``alert_add_note``).
# A move to the state the alert is already in changes nothing: acknowledging twice is a retried request (a lost
# answer on a phone, a double click), not an error.
ALERT_TRANSITIONS: dict[tuple[str, str], str] = {
    (AlertStatus.OPEN, AlertAction.ACKNOWLEDGE): AlertStatus.ACKNOWLEDGED,
    (AlertStatus.OPEN, AlertAction.RESOLVE): AlertStatus.RESOLVED,
    (AlertStatus.ACKNOWLEDGED, AlertAction.ACKNOWLEDGE): AlertStatus.ACKNOWLEDGED,
    (AlertStatus.ACKNOWLEDGED, AlertAction.RESOLVE): AlertStatus.RESOLVED,
}

NOTE_MAX_LENGTH = 2000


def _noted(alert: Alert, *, user: User, note: str, now: datetime.datetime) -> str:
    """The alert's notes with ``note`` appended under who wrote it and when (the notes are a running log)."""
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    entry = f"[{stamp} {user.display_name}] {note}"
    return f"{alert.note}\n\n{entry}" if alert.note else entry


def _clean_note(note: str | None, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({"note": _("Say what was done about it: a note is required to resolve an alert.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note to %(max)s characters.") % {"max": NOTE_MAX_LENGTH}})
    return note


@transaction.atomic
def _alert_apply(*, user: User, alert: Alert, action: str | None, note: str) -> Alert:
    """Apply ``action`` (None: only add the note) to the alert, locked while deciding."""
    if not can_triage_alerts(user):
        raise PermissionDenied(_("Only marketing triages alerts."))
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    now = timezone.now()
    changed: list[str] = []
    if action is not None:
        target = ALERT_TRANSITIONS.get((locked.status, action))
        if target is None:
            if locked.status == AlertStatus.RESOLVED:
                message = _("This alert is already resolved.")
            else:
                message = _("This alert cannot be changed that way now.")
            raise ValidationError({"status": message})
        if target == locked.status:
            # Already there: who moved it and when stay; the retry's note is not written a second time.
            if note and locked.note.endswith(f"] {note}"):
                note = ""
        else:
            locked.status = target
            changed.append("status")
            if action == AlertAction.ACKNOWLEDGE or locked.acknowledged_at is None:
                # Resolving an open alert also acknowledges it: someone looked at it.
                locked.acknowledged_by, locked.acknowledged_at = user, now
                changed += ["acknowledged_by", "acknowledged_at"]
            if target == AlertStatus.RESOLVED:
                locked.resolved_by, locked.resolved_at = user, now
                changed += ["resolved_by", "resolved_at"]
    if note:
        locked.note = _noted(locked, user=user, note=note, now=now)
        changed.append("note")
    if changed:
        locked.save(update_fields=changed)
    return locked


def alert_acknowledge(*, user: User, alert: Alert, note: str = "") -> Alert:
    """Marketing has seen the alert (open → acknowledged), optionally saying what they will do. Acknowledging an
    acknowledged alert changes nothing (a note other than the last one written is still added)."""
    return _alert_apply(user=user, alert=alert, action=AlertAction.ACKNOWLEDGE, note=_clean_note(note, required=False))


def alert_resolve(*, user: User, alert: Alert, note: str) -> Alert:
    """The alert is dealt with (open or acknowledged → resolved); the note says what was done."""
    return _alert_apply(user=user, alert=alert, action=AlertAction.RESOLVE, note=_clean_note(note, required=True))


def alert_add_note(*, user: User, alert: Alert, note: str) -> Alert:
    """Add a note (an action taken, a follow-up) in any state."""
    cleaned = _clean_note(note, required=False)
    if not cleaned:
        raise ValidationError({"note": _("Write the note.")})
    return _alert_apply(user=user, alert=alert, action=None, note=cleaned)


# --- rules -------------------------------------------------------------------------------------------------------

# Which parameters each kind reads: required ones must be given; the others must be left empty.
RULE_PARAMETERS: dict[str, dict[str, bool]] = {
    # parameter → required
    AlertKind.COMPETITOR_PRICE_GAP: {"threshold_pct": True},
    AlertKind.COMPETITOR_ACTIVITY_SPREAD: {"min_count": True},
    AlertKind.OUT_OF_STOCK_RATE: {"threshold_pct": True, "min_count": False},
    AlertKind.POS_SALES_DROP: {"threshold_pct": True},
    AlertKind.COMPLAINT_SPIKE: {"threshold_pct": True, "min_count": True},
    AlertKind.PROMOTION_PRICE_BREACH: {},
}
# Kinds whose threshold is a share of something: 100 % or more could never (or always) fire.
_BELOW_HUNDRED = {AlertKind.COMPETITOR_PRICE_GAP, AlertKind.POS_SALES_DROP}
RULE_FIELDS = ("kind", "name", "region", "threshold_pct", "min_count", "window_days", "active")
# The sensible range of each number of a rule (both ends included); the API checks them too, so an absurd value is
# a 400 before it reaches the database (min_count is a 4-byte integer on PostgreSQL).
RULE_RANGES: dict[str, tuple[Decimal | int, Decimal | int]] = {
    "threshold_pct": (Decimal(0), Decimal(1000)),
    "min_count": (1, 10_000),
    "window_days": (1, 90),
}


def alert_rule_range_error(name: str, value) -> str | None:
    """The message for a rule's number outside ``RULE_RANGES`` (None when it is inside)."""
    low, high = RULE_RANGES[name]
    if low <= value <= high:
        return None
    return {
        "threshold_pct": _("Enter a threshold between 0 and 1000 %."),
        "min_count": _("The minimum count is 1 to %(max)s.") % {"max": high},
        "window_days": _("The window is 1 to 90 days."),
    }[name]


def alert_rule_validate(values: dict) -> None:
    """The rules of a rule: what each kind needs, and sensible ranges. Raises one ValidationError per field."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    kind = values.get("kind")
    if kind not in AlertKind.values:
        add("kind", _("Choose what the rule watches."))
    name = (values.get("name") or "").strip()
    if not name:
        add("name", _("Give the rule a name."))
    elif len(name) > AlertRule._meta.get_field("name").max_length:
        add("name", _("Keep the name to 200 characters."))
    window = values.get("window_days")
    if window is None:
        add("window_days", _("The window is 1 to 90 days."))
    for parameter in RULE_RANGES:
        value = values.get(parameter)
        message = alert_rule_range_error(parameter, value) if value is not None else None
        if message:
            add(parameter, message)

    threshold, min_count = values.get("threshold_pct"), values.get("min_count")
    if kind in RULE_PARAMETERS:
        label = AlertKind(kind).label
        needs = RULE_PARAMETERS[kind]
        for parameter, value in (("threshold_pct", threshold), ("min_count", min_count)):
            if parameter not in needs and value is not None:
                add(
                    parameter,
                    _("A “%(kind)s” rule does not use this; leave it empty.") % {"kind": label},
                )
            elif needs.get(parameter) and value is None:
                add(
                    parameter,
                    {
                        "threshold_pct": _("A “%(kind)s” rule needs a threshold in per cent."),
                        "min_count": _("A “%(kind)s” rule needs a minimum count."),
                    }[parameter]
                    % {"kind": label},
                )
        if kind in _BELOW_HUNDRED and threshold is not None and threshold >= _HUNDRED:
            add("threshold_pct", _("A price gap or a sales drop is less than 100 %."))
        if kind == AlertKind.OUT_OF_STOCK_RATE and threshold is not None and threshold >= _HUNDRED:
            add("threshold_pct", _("An out-of-stock rate cannot exceed 100 %: enter less than 100."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def alert_rule_create(
    *,
    user: User,
    kind: str,
    name: str,
    region: Region | None = None,
    threshold_pct: Decimal | None = None,
    min_count: int | None = None,
    window_days: int = 7,
    active: bool = True,
) -> AlertRule:
    if not can_configure_alert_rules(user):
        raise PermissionDenied(_("Only marketing managers configure alert rules."))
    values = {
        "kind": kind,
        "name": (name or "").strip(),
        "region": region,
        "threshold_pct": threshold_pct,
        "min_count": min_count,
        "window_days": window_days,
        "active": active,
    }
    alert_rule_validate(values)
    return AlertRule.objects.create(**values, created_by=user)


@transaction.atomic
def alert_rule_update(*, user: User, rule: AlertRule, **fields) -> AlertRule:
    """Change the fields given. The kind cannot change: its alerts were raised under its meaning (make a new rule)."""
    if not can_configure_alert_rules(user):
        raise PermissionDenied(_("Only marketing managers configure alert rules."))
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"alert_rule_update does not change {sorted(unknown)}")
    locked = AlertRule.objects.select_for_update().get(pk=rule.pk)
    if "kind" in fields and fields["kind"] != locked.kind:
        raise ValidationError({"kind": _("A rule's kind cannot change; create a new rule instead.")})
    values = {name: getattr(locked, name) for name in RULE_FIELDS}
    changed = [name for name in RULE_FIELDS if name in fields and name != "kind"]
    for name in changed:
        values[name] = fields[name].strip() if name == "name" else fields[name]
    alert_rule_validate(values)
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def _default_rules() -> list[dict]:
    return [
        {
            "kind": AlertKind.COMPETITOR_PRICE_GAP,
            "name": _("Competitor price at least 15% below ours"),
            "threshold_pct": Decimal("15"),
        },
        {
            "kind": AlertKind.COMPETITOR_ACTIVITY_SPREAD,
            "name": _("Competitor activity in 3 or more outlets within 7 days"),
            "min_count": 3,
            "window_days": 7,
        },
        {
            "kind": AlertKind.OUT_OF_STOCK_RATE,
            "name": _("Out-of-stock rate above 20% (at least 5 lines)"),
            "threshold_pct": Decimal("20"),
            "min_count": 5,
        },
        {
            "kind": AlertKind.POS_SALES_DROP,
            "name": _("Point-of-sale sales 40% below the 4-week average"),
            "threshold_pct": Decimal("40"),
        },
        {
            "kind": AlertKind.COMPLAINT_SPIKE,
            "name": _("Complaints up 50% (at least 3 in 7 days)"),
            "threshold_pct": Decimal("50"),
            "min_count": 3,
            "window_days": 7,
        },
        {"kind": AlertKind.PROMOTION_PRICE_BREACH, "name": _("Shelf price outside a promotion's limits")},
    ]


@transaction.atomic
def alert_rules_ensure_defaults() -> int:
    """One sensible active rule per kind that has no rule yet (a fresh install, the demo). Returns how many were
    created. The names are in the company's default language."""
    existing = set(AlertRule.objects.values_list("kind", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        rules = [AlertRule(**values) for values in _default_rules() if values["kind"] not in existing]
        for rule in rules:
            rule.name = str(rule.name)
    AlertRule.objects.bulk_create(rules)
    return len(rules)
