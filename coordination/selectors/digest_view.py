"""The frozen digest figures (``Digest.content``) laid out for reading: titled tables and bar charts, in the active
language. Used to render the digest's HTML when it is built and to write its XLSX — both from the same rows, so the
attachment always holds exactly the numbers the e-mail shows."""

from django.utils.translation import gettext as _

from feedback.models import CompetitorIntelLine, CustomerFeedbackLine

from .digest import COMPANY

BAR_COLOUR = "#1d4ed8"
BAR_WARNING = "#b45309"


def _areas(content: dict, language: str) -> list[tuple[str, str]]:
    """(key, name) for each area, then the company."""
    english = language.startswith("en")
    names = [(a["key"], (a["name_en"] if english and a["name_en"] else a["name"])) for a in content.get("areas", [])]
    return [*names, (COMPANY, _("Company"))]


def _show(value, suffix: str = "") -> str:
    """A figure as text: "—" for none, thousands grouped with commas (as both languages' business documents do),
    one decimal for fractions, a suffix such as "%"."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}{suffix}"
    return f"{int(value):,}{suffix}"


def _chart(title: str, items: list[tuple[str, float | None]], *, suffix: str = "", cap: float | None = None) -> dict:
    """A horizontal bar chart: bars scaled to the largest value (or ``cap``, e.g. 100 for percentages)."""
    values = [value for _label, value in items if value is not None]
    top = cap or (max(values) if values else 0) or 1
    bars = []
    for label, value in items:
        width = 0 if value is None else max(0.0, min(100.0, float(value) * 100 / top))
        bars.append({"label": label, "text": _show(value, suffix), "width": round(width, 1)})
    return {"title": title, "bars": bars}


def _table(sheet: str, title: str, headers: list[str], rows: list[list], *, chart: dict | None = None) -> dict:
    return {"sheet": sheet, "title": title, "headers": headers, "rows": rows, "chart": chart}


def digest_context(content: dict, language: str) -> dict:
    """Template context of ``coordination/digest_body.html`` (and the XLSX's sheets): ``tables`` in reading order,
    each with ``headers``, ``rows`` (raw values: the XLSX keeps numbers as numbers) and ``display_rows`` (text)."""
    areas = _areas(content, language)
    sales, field, alerts = content.get("sales", {}), content.get("field", {}), content.get("alerts", {})
    tables = []

    tables.append(
        _table(
            _("Sales vs target"),
            _("Sales against target"),
            [_("Area"), _("Revenue"), _("Target"), _("Attainment %"), _("Collected"), _("Collection %"), _("Units")],
            [
                [
                    name,
                    sales.get(key, {}).get("revenue"),
                    sales.get(key, {}).get("target_revenue"),
                    sales.get(key, {}).get("attainment_pct"),
                    sales.get(key, {}).get("collected"),
                    sales.get(key, {}).get("collection_pct"),
                    sales.get(key, {}).get("units"),
                ]
                for key, name in areas
            ],
            chart=_chart(_("Revenue by area"), [(name, sales.get(key, {}).get("revenue")) for key, name in areas[:-1]]),
        )
    )
    tables.append(
        _table(
            _("Shelf and stock"),
            _("Shelf display, stock and POP"),
            [
                _("Area"),
                _("Display checks"),
                _("Eye level %"),
                _("Secondary display %"),
                _("Stock checks"),
                _("Out of stock %"),
                _("POP/DM pieces"),
            ],
            [
                [
                    name,
                    field.get(key, {}).get("display_lines"),
                    field.get(key, {}).get("eye_level_pct"),
                    field.get(key, {}).get("secondary_display_pct"),
                    field.get(key, {}).get("stock_checks"),
                    field.get(key, {}).get("out_of_stock_pct"),
                    field.get(key, {}).get("pop_pieces"),
                ]
                for key, name in areas
            ],
            chart=_chart(
                _("Out of stock % by area"),
                [(name, field.get(key, {}).get("out_of_stock_pct")) for key, name in areas],
                suffix="%",
                cap=100,
            ),
        )
    )
    tables.append(
        _table(
            _("Outlets and POS"),
            _("Outlets, point-of-sale sales and promotion execution"),
            [
                _("Area"),
                _("New outlets"),
                _("Outlet coverage %"),
                _("POS units"),
                _("POS revenue"),
                _("Promotion checks"),
                _("Executed %"),
                _("Price compliance %"),
            ],
            [
                [
                    name,
                    field.get(key, {}).get("new_outlets"),
                    field.get(key, {}).get("coverage_pct"),
                    field.get(key, {}).get("pos_units"),
                    field.get(key, {}).get("pos_revenue"),
                    field.get(key, {}).get("promotion_checks"),
                    field.get(key, {}).get("execution_pct"),
                    field.get(key, {}).get("price_compliance_pct"),
                ]
                for key, name in areas
            ],
            chart=_chart(
                _("Promotion execution % by area"),
                [(name, field.get(key, {}).get("execution_pct")) for key, name in areas],
                suffix="%",
                cap=100,
            ),
        )
    )
    activities = dict(CompetitorIntelLine.Activity.choices)
    competitor_rows = [
        [name, item["brand"], str(activities.get(item["activity"], item["activity"])), item["reports"]]
        for key, name in areas
        for item in content.get("competitors", {}).get(key, [])
    ]
    tables.append(
        _table(
            _("Competitors"),
            _("Top competitor activity"),
            [_("Area"), _("Brand"), _("Activity"), _("Reports")],
            competitor_rows,
        )
    )
    categories = CustomerFeedbackLine.Category.choices
    feedback = content.get("customer_feedback", {})
    tables.append(
        _table(
            _("Customer feedback"),
            _("Customer-feedback themes"),
            [_("Area"), *[str(label) for _value, label in categories]],
            [[name, *[feedback.get(key, {}).get(value) for value, _label in categories]] for key, name in areas],
            chart=_chart(
                _("Company-wide feedback by theme"),
                [(str(label), feedback.get(COMPANY, {}).get(value)) for value, label in categories],
            ),
        )
    )
    statuses = {
        "running": _("Running"),
        "ended": _("Ended"),
        "evaluated": _("Evaluated"),
    }
    tables.append(
        _table(
            _("Promotions"),
            _("Promotions run and their effect"),
            [
                _("Promotion"),
                _("Status"),
                _("Dates"),
                _("Field checks"),
                _("Executed %"),
                _("Cost"),
                _("Budget"),
                _("Cost of budget %"),
                _("Executability (1–5)"),
            ],
            [
                [
                    p["title"],
                    str(statuses.get(p["status"], p["status"])),
                    f"{p['starts_on']} – {p['ends_on']}",
                    p["feedback"],
                    p["execution_pct"],
                    p["cost"],
                    p["budget"],
                    p["cost_pct"],
                    p["executability"],
                ]
                for p in content.get("promotions", [])
            ],
        )
    )
    approvals = content.get("approvals", {})
    tables.append(
        _table(
            _("Approvals"),
            _("Approvals"),
            [_("Figure"), _("Value")],
            [
                [_("Submitted"), approvals.get("submitted")],
                [_("Decided"), approvals.get("decided")],
                [_("Approved"), approvals.get("approved")],
                [_("Returned for changes"), approvals.get("returned")],
                [_("Rejected"), approvals.get("rejected")],
                [_("Median turnaround (hours)"), approvals.get("median_turnaround_hours")],
                [_("Steps decided"), approvals.get("steps_decided")],
                [_("Steps decided after their due time"), approvals.get("steps_decided_late")],
                [_("Steps overdue at month end"), approvals.get("steps_overdue_at_month_end")],
            ],
        )
    )
    tables.append(
        _table(
            _("Plans"),
            _("Plan acknowledgement"),
            [_("Plan"), _("Version"), _("Published"), _("Reps"), _("Acknowledged"), _("Acknowledged %")],
            [
                [p["plan"], p["version"], p["published"], p["expected"], p["acknowledged"], p["acknowledged_pct"]]
                for p in content.get("plans", [])
            ],
        )
    )
    items = content.get("action_items", {})
    tables.append(
        _table(
            _("Action items"),
            _("Action items"),
            [_("Action item"), _("Owner"), _("Due")],
            [[i["title"], i["owner"], i["due_on"]] for i in items.get("overdue_items", [])],
        )
    )
    tables.append(
        _table(
            _("Alerts"),
            _("Alerts raised and handled"),
            [_("Area"), _("Alerts raised"), _("Handled"), _("Resolved"), _("Handled %")],
            [
                [
                    name,
                    alerts.get(key, {}).get("raised"),
                    alerts.get(key, {}).get("handled"),
                    alerts.get(key, {}).get("resolved"),
                    alerts.get(key, {}).get("handled_pct"),
                ]
                for key, name in areas
            ],
        )
    )
    for table in tables:
        table["display_rows"] = [
            [value if isinstance(value, str) else _show(value) for value in row] for row in table["rows"]
        ]
    return {
        "month": content.get("month", "")[:7],
        "tables": tables,
        "action_items": items,
        "bar_colour": BAR_COLOUR,
    }
