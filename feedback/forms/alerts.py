"""Forms of the alert pages: triage (one note box, three buttons) and an alert rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

from ..models import AlertKind, AlertRule
from ..services.alerts import NOTE_MAX_LENGTH, RULE_RANGES


class AlertTriageForm(forms.Form):
    ACTIONS = (("acknowledge", _("Acknowledge")), ("resolve", _("Resolve")), ("note", _("Add note")))

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done or will be done. Required to resolve."),
    )


class AlertRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Watches"), choices=AlertKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("path"),
        required=False,
        empty_label=_("The whole company"),
        help_text=_("Only facts from this region and below."),
    )
    threshold_pct = forms.DecimalField(
        label=_("Threshold (%)"),
        max_digits=5,
        decimal_places=1,
        min_value=RULE_RANGES["threshold_pct"][0],
        max_value=RULE_RANGES["threshold_pct"][1],
        required=False,
        help_text=_("Price gap, out-of-stock rate, sales drop or complaint increase. Leave empty if not used."),
    )
    min_count = forms.IntegerField(
        label=_("Minimum count"),
        min_value=RULE_RANGES["min_count"][0],
        max_value=RULE_RANGES["min_count"][1],
        required=False,
        help_text=_("Outlets for an activity spread; complaints for a spike; lines for an out-of-stock rate."),
    )
    window_days = forms.IntegerField(
        label=_("Window (days)"),
        initial=7,
        min_value=RULE_RANGES["window_days"][0],
        max_value=RULE_RANGES["window_days"][1],
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, rule: AlertRule | None = None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": rule.kind,
                "name": rule.name,
                "region": rule.region_id,
                "threshold_pct": rule.threshold_pct,
                "min_count": rule.min_count,
                "window_days": rule.window_days,
                "active": rule.active,
            }
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda region: (
            "· " * region.depth + region.display_name if region.depth else region.display_name
        )
        if rule is not None:
            # A rule's kind is fixed: its alerts were raised under that meaning.
            self.fields["kind"].disabled = True
