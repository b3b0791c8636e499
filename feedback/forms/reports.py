"""The daily report page's form: posted fields → the API's sections dict, and errors → the fields they belong to.

The page posts one flat form (``pos_sales-0-units``, ``pos_sales-nothing``, …) and validates it through the API's
own serializers (``feedback.serializers.reports``) and services, so the page and the API cannot disagree. The
inputs of each section are derived from its item serializer too: its fields, their order, which are required,
their ranges and choices.

- ``parse_sections`` reads the posted rows (row numbers may have gaps: rows are added and removed in the browser);
- ``sections_payload`` turns them into ``{"pos_sales": [{...}], "merchandising": {"nothing_to_report": true}}``,
  leaving out blank rows (every input empty) and remembering which row each item came from;
- ``FormErrors.collect`` puts the serializer's and the service's errors (``{"sections": {"pos_sales": {"1":
  {"units": [...]}}}}``, keyed by the item's position) back on the row and input they came from;
- ``build_sections`` makes what the templates render: each section's rows, one blank row, and a ``<template>`` row.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import SECTION_MODELS, Section
from ..selectors.report_form import OptionGroups, ReportFormChoices
from ..selectors.reports import SectionView as StoredSection
from ..serializers.reports import ITEM_SERIALIZERS

PREFIX = "__prefix__"  # the row number in each section's <template>, replaced by the script
ROW_FIELD = re.compile(r"^(?P<section>[a-z_]+)-(?P<index>\d{1,4})-(?P<field>[a-z_]+)$")
MAX_ROWS = 100  # per section, like the API (MAX_LINES_PER_SECTION)

# The selects whose options come from the database (``ReportFormChoices`` attribute per item field).
SELECT_SOURCES = {
    "outlet": "outlets",
    "product": "products",
    "promotion": "promotions",
    "brand": "brands",
    "region": "regions",
}
LABEL_OVERRIDES = {
    (Section.COMPETITOR_INTEL, "product"): _("Our competing product"),
    (Section.COMPETITOR_INTEL, "outlet"): _("Seen in outlet"),
}
SECTION_HELP = {
    Section.SHELF_DISPLAY: _("How our products stand on the shelf: one row per outlet and product."),
    Section.MERCHANDISING: _("Stock on the shelf and in the store's back room, out-of-stock and near-expiry."),
    Section.POP_DISTRIBUTION: _("Posters, shelf talkers, DM flyers and other material handed out."),
    Section.OUTLET_COVERAGE: _("Outlets opened and visited today, against the active outlets of your territory."),
    Section.POS_SALES: _("Units and revenue sold in the store today."),
    Section.PROMOTION_FEEDBACK: _("How the promotions running today are executed in the store."),
    Section.REGIONAL_SALES: _("Your area's sales, payments collected (回款) and stock at distributors."),
    Section.COMPETITOR_INTEL: _("Competitors' prices, promotions, displays and new products you saw."),
    Section.CUSTOMER_FEEDBACK: _("What consumers, outlets and distributors told you."),
}


@dataclass(frozen=True)
class FieldSpec:
    """One input of a section's row, derived from the item serializer's field and the line model's field."""

    name: str
    label: str
    kind: str  # select, choice, integer, decimal, checkbox, text, textarea, photo
    required: bool
    choices: tuple = ()
    min: str = ""
    max: str = ""
    step: str = ""
    wide: bool = False


def _spec(section: str, name: str, item_field: serializers.Field) -> FieldSpec:
    model_field = SECTION_MODELS[section]._meta.get_field(name)
    label = capfirst(LABEL_OVERRIDES.get((section, name), model_field.verbose_name))
    required = bool(item_field.required)
    if name == "photo":
        return FieldSpec(name, label, "photo", False, wide=True)
    if name in SELECT_SOURCES:
        return FieldSpec(name, label, "select", required)
    if isinstance(item_field, serializers.ChoiceField):
        return FieldSpec(name, label, "choice", required, choices=tuple(model_field.choices))
    if isinstance(item_field, serializers.BooleanField):
        return FieldSpec(name, label, "checkbox", False)
    if isinstance(item_field, serializers.IntegerField):
        low, high = item_field.min_value, item_field.max_value
        return FieldSpec(name, label, "integer", required, min=_s(low), max=_s(high), step="1")
    if isinstance(item_field, serializers.DecimalField):
        step = str(Decimal(1).scaleb(-item_field.decimal_places))
        return FieldSpec(name, label, "decimal", required, min=_s(item_field.min_value), step=step)
    max_length = getattr(item_field, "max_length", None) or 0
    if max_length > 300:
        return FieldSpec(name, label, "textarea", required, max=str(max_length), wide=True)
    return FieldSpec(name, label, "text", required, max=str(max_length or ""), wide=max_length >= 300)


def _s(value) -> str:
    return "" if value is None else str(value)


SECTION_FIELDS: dict[str, list[FieldSpec]] = {
    key: [_spec(key, name, item_field) for name, item_field in serializer().fields.items()]
    for key, serializer in ITEM_SERIALIZERS.items()
}
OUTLET_SECTIONS = frozenset(
    key for key, specs in SECTION_FIELDS.items() if any(s.name == "outlet" and s.required for s in specs)
)
PHOTO_SECTIONS = frozenset(key for key, specs in SECTION_FIELDS.items() if any(s.kind == "photo" for s in specs))


# --- reading the posted form -------------------------------------------------------------------------------------


@dataclass
class PostedRow:
    index: int
    values: dict[str, str]

    def is_blank(self, key: str) -> bool:
        return not any(self.values.get(spec.name, "").strip() for spec in SECTION_FIELDS[key])


@dataclass
class PostedSection:
    key: str
    rows: list[PostedRow] = field(default_factory=list)
    nothing: bool = False
    amend: bool = False  # the amend page: this section is corrected

    def filled_rows(self) -> list[PostedRow]:
        return [row for row in self.rows if not row.is_blank(self.key)]

    @property
    def done(self) -> bool:
        return self.nothing or bool(self.filled_rows())


def _checked(value: str | None) -> bool:
    return value not in (None, "", "0", "off", "false")


def parse_sections(data: QueryDict) -> dict[str, PostedSection]:
    """All nine sections as posted, rows in row-number order (blank rows included: the page shows them again)."""
    sections = {key: PostedSection(key=key) for key in SECTION_MODELS}
    rows: dict[tuple[str, int], dict[str, str]] = {}
    fields = {key: {spec.name: spec for spec in specs} for key, specs in SECTION_FIELDS.items()}
    for name in data:
        match = ROW_FIELD.match(name)
        if not match or match["section"] not in sections or match["field"] not in fields[match["section"]]:
            continue
        spec = fields[match["section"]][match["field"]]
        value = data.get(name, "")
        rows.setdefault((match["section"], int(match["index"])), {})[spec.name] = (
            "on" if spec.kind == "checkbox" and _checked(value) else value.strip()
        )
    for (key, index), values in sorted(rows.items()):
        if len(sections[key].rows) < MAX_ROWS * 2:
            sections[key].rows.append(PostedRow(index=index, values=values))
    for key, section in sections.items():
        section.nothing = _checked(data.get(f"{key}-nothing"))
        section.amend = _checked(data.get(f"{key}-amend"))
    return sections


def _item(key: str, row: PostedRow) -> dict:
    """A row as the item serializer reads it: empty inputs left out (so a required one is "required" and an
    optional one takes its default), a checkbox as a boolean."""
    item = {}
    for spec in SECTION_FIELDS[key]:
        value = row.values.get(spec.name, "")
        if spec.kind == "checkbox":
            item[spec.name] = value == "on"
        elif value != "":
            item[spec.name] = value
    return item


Positions = dict[str, list[int]]  # section key → the row number of each item sent, in order


def sections_payload(posted: dict[str, PostedSection], *, keys=None) -> tuple[dict, Positions]:
    """The API's ``sections`` from the posted form (only ``keys`` when given) and where each item came from.

    A section marked "nothing to report" sends the marker (its rows are ignored); a section without a filled row
    is left out (not filled yet)."""
    payload: dict = {}
    positions: Positions = {}
    for key, section in posted.items():
        if keys is not None and key not in keys:
            continue
        if section.nothing:
            payload[key] = {"nothing_to_report": True}
            continue
        rows = section.filled_rows()
        if rows:
            payload[key] = [_item(key, row) for row in rows]
            positions[key] = [row.index for row in rows]
    return payload, positions


def posted_missing(posted: dict[str, PostedSection]) -> list[str]:
    """Sections neither filled nor marked on the page, in page order."""
    return [key for key, section in posted.items() if not section.done]


def posted_from_report(stored: dict[str, StoredSection]) -> dict[str, PostedSection]:
    """A saved report's current lines as form rows (for the edit and amend pages)."""
    posted = {}
    for key, view in stored.items():
        section = PostedSection(key=key, nothing=view.nothing_to_report)
        for index, line in enumerate(view.lines):
            values = {}
            for spec in SECTION_FIELDS[key]:
                model_field = line._meta.get_field(spec.name)
                value = getattr(line, model_field.attname)
                if spec.kind == "checkbox":
                    values[spec.name] = "on" if value else ""
                else:
                    values[spec.name] = "" if value is None else str(value)
            section.rows.append(PostedRow(index=index, values=values))
        posted[key] = section
    return posted


# --- errors back on their fields ---------------------------------------------------------------------------------


def _messages(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if not isinstance(v, (dict, list))]
    return [str(value)]


@dataclass
class FormErrors:
    """Errors per place on the page: the top of the form, a section, a row, an input of a row."""

    top: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    fields: dict[tuple[str, int, str], list[str]] = field(default_factory=dict)
    reason: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.top or self.sections or self.rows or self.fields or self.reason)

    def collect(self, errors: dict, positions: Positions) -> "FormErrors":
        """Add the errors of ``DailyReportInputSerializer`` & co. or of ``ReportInvalid``."""
        for name, value in errors.items():
            if name == "sections":
                self._collect_sections(value, positions)
            elif name == "reason":
                self.reason.extend(_messages(value))
            elif name != "existing_report":
                self.top.extend(_messages(value))
        return self

    def _collect_sections(self, value, positions: Positions) -> None:
        if not isinstance(value, dict):
            self.top.extend(_messages(value))
            return
        for key, section_errors in value.items():
            if not isinstance(section_errors, dict):
                self.sections.setdefault(key, []).extend(_messages(section_errors))
                continue
            for position, item_errors in section_errors.items():
                rows = positions.get(key, [])
                try:
                    index = rows[int(position)]
                except (ValueError, IndexError):
                    self.sections.setdefault(key, []).extend(_messages(item_errors))
                    continue
                if not isinstance(item_errors, dict):
                    self.rows.setdefault((key, index), []).extend(_messages(item_errors))
                    continue
                for name, messages in item_errors.items():
                    if name in {spec.name for spec in SECTION_FIELDS.get(key, [])}:
                        self.fields.setdefault((key, index, name), []).extend(_messages(messages))
                    else:
                        self.rows.setdefault((key, index), []).extend(_messages(messages))

    def merge(self, other: "FormErrors") -> None:
        self.top.extend(other.top)
        self.reason.extend(other.reason)
        for key, messages in other.sections.items():
            self.sections.setdefault(key, []).extend(messages)
        for place, messages in other.rows.items():
            self.rows.setdefault(place, []).extend(messages)
        for place, messages in other.fields.items():
            self.fields.setdefault(place, []).extend(messages)

    @property
    def only_rows(self) -> bool:
        """Only rows are refused (nothing about the date, the report or a whole section)."""
        return bool(self.rows or self.fields) and not (self.top or self.sections or self.reason)

    def failing_rows(self) -> set[tuple[str, int]]:
        return set(self.rows) | {(key, index) for key, index, _name in self.fields}

    def as_json(self) -> dict[str, list[str]]:
        """Keyed by input name (``pos_sales-1-units``), section (``pos_sales``) or ``__all__``."""
        out: dict[str, list[str]] = {}
        if self.top:
            out["__all__"] = list(self.top)
        if self.reason:
            out["reason"] = list(self.reason)
        for key, messages in self.sections.items():
            out[key] = list(messages)
        for (key, index), messages in self.rows.items():
            out[f"{key}-{index}"] = list(messages)
        for (key, index, name), messages in self.fields.items():
            out[f"{key}-{index}-{name}"] = list(messages)
        return out


def drop_rows(payload: dict, positions: Positions, failing: set[tuple[str, int]]) -> tuple[dict, Positions]:
    """``payload`` without the items of ``failing`` rows (an autosaved draft keeps what is valid so far)."""
    payload = dict(payload)
    kept_positions: Positions = {}
    for key, indexes in positions.items():
        items = payload.get(key)
        if not isinstance(items, list):
            continue
        kept = [(item, index) for item, index in zip(items, indexes, strict=True) if (key, index) not in failing]
        if kept:
            payload[key] = [item for item, _index in kept]
            kept_positions[key] = [index for _item, index in kept]
        else:
            payload.pop(key)
    return payload, kept_positions


# --- what the templates render -----------------------------------------------------------------------------------


@dataclass
class FieldView:
    spec: FieldSpec
    html_name: str
    id: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    options: OptionGroups = field(default_factory=list)
    thumbnail_url: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def label(self):
        return self.spec.label

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def checked(self) -> bool:
        return self.value == "on"

    @property
    def unknown_value(self) -> bool:
        """A posted id the select does not offer (unknown, or outside the territory): shown as such, not lost."""
        if not self.value or self.kind not in {"select", "choice"}:
            return False
        if self.kind == "choice":
            return self.value not in {str(value) for value, _label in self.spec.choices}
        return not any(self.value == value for _group, options in self.options for value, _label in options)


@dataclass
class RowView:
    key: str
    index: int | str
    fields: list[FieldView]
    errors: list[str] = field(default_factory=list)
    number: int = 0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.fields)


@dataclass
class SectionForm:
    key: str
    label: str
    help: str
    rows: list[RowView]
    template_row: RowView
    next_index: int
    nothing: bool = False
    amend: bool = False
    errors: list[str] = field(default_factory=list)
    filled: int = 0
    has_photos: bool = False
    no_choices_note: str = ""
    open: bool = False

    @property
    def done(self) -> bool:
        return self.nothing or self.filled > 0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.has_errors for row in self.rows)


def _row(
    key: str, index, values: dict[str, str], choices: ReportFormChoices, errors: FormErrors, number: int
) -> RowView:
    fields = []
    for spec in SECTION_FIELDS[key]:
        html_name = f"{key}-{index}-{spec.name}"
        value = values.get(spec.name, "")
        view = FieldView(
            spec=spec,
            html_name=html_name,
            id=f"id_{html_name}",
            value=value,
            errors=errors.fields.get((key, index, spec.name), []) if isinstance(index, int) else [],
            options=getattr(choices, SELECT_SOURCES[spec.name]) if spec.kind == "select" else [],
        )
        if spec.kind == "photo" and value.isdigit():
            view.thumbnail_url = reverse("feedback:photo_thumbnail", args=[int(value)])
        fields.append(view)
    row_errors = errors.rows.get((key, index), []) if isinstance(index, int) else []
    return RowView(key=key, index=index, fields=fields, errors=row_errors, number=number)


def build_sections(
    posted: dict[str, PostedSection], *, choices: ReportFormChoices, errors: FormErrors | None = None
) -> list[SectionForm]:
    """The nine sections to render, in DESIGN order: the posted (or saved) rows, then one blank row."""
    errors = errors or FormErrors()
    forms = []
    for key, section in posted.items():
        next_index = max((row.index for row in section.rows), default=-1) + 1
        rows = [_row(key, row.index, row.values, choices, errors, n) for n, row in enumerate(section.rows, start=1)]
        rows.append(_row(key, next_index, {}, choices, errors, len(rows) + 1))
        note = ""
        if key == Section.PROMOTION_FEEDBACK and not choices.promotion_count:
            note = _("No promotion runs in your territory on this day: mark this section 'nothing to report'.")
        elif key in OUTLET_SECTIONS and not choices.outlet_count:
            note = _("No active outlet in your territory yet: ask your manager to assign outlets.")
        forms.append(
            SectionForm(
                key=key,
                label=str(Section(key).label),
                help=SECTION_HELP.get(key, ""),
                rows=rows,
                template_row=_row(key, PREFIX, {}, choices, FormErrors(), 0),
                next_index=next_index + 1,
                nothing=section.nothing,
                amend=section.amend,
                errors=errors.sections.get(key, []),
                filled=len(section.filled_rows()),
                has_photos=key in PHOTO_SECTIONS,
                no_choices_note=note,
            )
        )
    for form in forms:
        form.open = form.has_errors
    if not any(form.open for form in forms):
        first_missing = next((form for form in forms if not form.done), None)
        if first_missing is not None:
            first_missing.open = True
    return forms
