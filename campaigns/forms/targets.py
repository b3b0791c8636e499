"""Forms of the target pages: which grid to show, the grid's inputs, the import upload.

Only input parsing lives here; the rules of a cell are in ``campaigns.services.targets``.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from coordination.tabular import MAX_IMPORT_BYTES

from ..selectors.targets import GRID_VIEWS, TargetGrid
from ..services.targets import MAX_UNITS, GridCellInput


class Measure:
    UNITS = "units"
    REVENUE = "revenue"
    CHOICES = [(UNITS, _("Units")), (REVENUE, _("Revenue (CNY)"))]


VIEW_CHOICES = [
    ("year", _("Year and quarters")),
    ("q1", _("Q1 and its months")),
    ("q2", _("Q2 and its months")),
    ("q3", _("Q3 and its months")),
    ("q4", _("Q4 and its months")),
]
assert [value for value, _label in VIEW_CHOICES] == list(GRID_VIEWS)


class TargetGridQueryForm(forms.Form):
    """Which grid: year, parent region, product scope, measure, columns. Read from the query string."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)
    scope = forms.ChoiceField(label=_("Products"))
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.CHOICES)
    view = forms.ChoiceField(label=_("Columns"), choices=VIEW_CHOICES)

    def __init__(self, data, *, regions, categories, products, default_region):
        self.categories = {f"c{c.pk}": c for c in categories}
        self.products = {f"p{p.pk}": p for p in products}
        initial = {"year": timezone.localdate().year, "measure": Measure.UNITS, "view": "year", "scope": "all"}
        initial["region"] = default_region.pk if default_region else None
        # Missing parameters take their defaults, so the page opens on a useful grid without any.
        merged = {**initial, **{key: value for key, value in data.items() if value not in ("", None)}}
        super().__init__(merged)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda region: "\u2003" * region.depth + region.display_name
        self.fields["scope"].choices = [
            ("all", _("All products")),
            (_("Categories"), [(key, c.display_name) for key, c in self.categories.items()]),
            (_("Products"), [(key, f"{p.sku} {p.display_name}") for key, p in self.products.items()]),
        ]

    def scope_value(self):
        """ "all", a ProductCategory or a Product."""
        key = self.cleaned_data["scope"]
        return self.categories.get(key) or self.products.get(key) or "all"


class TargetGridForm(forms.Form):
    """One input per editable cell of a grid, named like the cell (``r12-1-0``: region 12, Q1, whole quarter)."""

    def __init__(self, *args, grid: TargetGrid, measure: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid, self.measure = grid, measure
        self.cells = {}
        for row in grid.rows:
            for cell in row.cells:
                if not row.editable:
                    continue
                label = f"{row.label} · {cell.column_label}"
                attrs = {"class": "cell-input", "aria-label": label, "min": "0"}
                if measure == Measure.UNITS:
                    field = forms.IntegerField(
                        required=False,
                        min_value=0,
                        max_value=MAX_UNITS,
                        widget=forms.NumberInput(attrs={**attrs, "inputmode": "numeric", "step": "1"}),
                    )
                    initial = cell.units
                else:
                    field = forms.DecimalField(
                        required=False,
                        min_value=0,
                        max_digits=14,
                        decimal_places=2,
                        widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal", "step": "0.01"}),
                    )
                    initial = cell.revenue
                field.label = label
                self.fields[cell.name] = field
                self.initial[cell.name] = initial
                self.cells[cell.name] = (row, cell)

    def changed_cells(self) -> list[GridCellInput]:
        """The cells whose figure was entered or changed. An emptied input changes nothing (delete in the API)."""
        changed = []
        for name, (row, cell) in self.cells.items():
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            current = cell.units if self.measure == Measure.UNITS else cell.revenue
            if current is not None and Decimal(current) == Decimal(value):
                continue
            changed.append(
                GridCellInput(
                    key=name,
                    quarter=cell.quarter,
                    month=cell.month,
                    region=row.region,
                    rep=row.rep,
                    **{self.measure: value},
                )
            )
        return changed


def _file_help() -> str:
    # Interpolated when shown, so the text follows the reader's language (a lazy string % values is not lazy).
    return gettext(
        "Columns: year, quarter, month, region (code), rep (username), category (code), product (SKU), units, "
        "revenue. CSV in UTF-8 or GBK. At most %(mb)s MB."
    ) % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
