"""Forms of the KPI pages: the dashboard's filters and HR's scheme (weights per KPI)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, Region
from accounts.roles import Role

from .kpis import KPI_ROLES, kpis_for
from .selectors.kpis import PERIOD_HELP, period_parse

ROLE_CHOICES = [(role, Role(role).label) for role in KPI_ROLES]  # reps first: most people, most asked about
GROUP_CHOICES = [
    ("person", _("Person")),
    ("team", _("Team")),
    ("department", _("Department")),
    ("region", _("Region")),
]


class KpiFilterForm(forms.Form):
    period = forms.CharField(label=_("Period"), required=False, help_text=PERIOD_HELP, max_length=20)
    group = forms.ChoiceField(label=_("View by"), choices=GROUP_CHOICES, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES], required=False)
    department = forms.ChoiceField(
        label=_("Department"),
        choices=[
            ("", _("Both departments")),
            (Department.Code.SALES, Department.Code.SALES.label),
            (Department.Code.MARKETING, Department.Code.MARKETING.label),
        ],
        required=False,
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("path"), required=False, empty_label=_("All regions")
    )
    q = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=100)

    def clean_period(self):
        try:
            return period_parse(self.cleaned_data.get("period"))
        except ValueError:
            raise ValidationError(
                _('"%(value)s" is not a period: use a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026").'),
                params={"value": self.cleaned_data.get("period")},
            ) from None


class KpiSchemeForm(forms.Form):
    """One weight field per weighable KPI of ``role``."""

    valid_from = forms.DateField(
        label=_("From month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )

    def __init__(self, *args, role: str, weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.kpis = [kpi for kpi in kpis_for(role) if kpi.weighable]
        for kpi in self.kpis:
            self.fields[f"w_{kpi.key}"] = forms.IntegerField(
                label=kpi.label,
                min_value=0,
                max_value=100,
                initial=(weights or {}).get(kpi.key, 0 if weights else 1),
                help_text=kpi.definition,
            )

    def clean_valid_from(self) -> datetime.date:
        return self.cleaned_data["valid_from"].replace(day=1)

    def weights(self) -> dict[str, int]:
        return {kpi.key: self.cleaned_data.get(f"w_{kpi.key}") or 0 for kpi in self.kpis}

    def weight_fields(self):
        return [self[f"w_{kpi.key}"] for kpi in self.kpis]
