"""The approval rule form of the settings page (the rules themselves are checked by approvals.services.rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from campaigns.models import PromotionOrigin

from .models import ApprovalRule
from .services.rules import HOURS_MAX, HOURS_MIN, NAME_MAX_LENGTH, RULE_FIELDS, THRESHOLD_MAX


def _hours(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=HOURS_MIN, max_value=HOURS_MAX)


def _threshold(label, help_text) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=THRESHOLD_MAX, max_digits=14, decimal_places=2, help_text=help_text
    )


class ApprovalRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    origin = forms.ChoiceField(label=_("Applies to"), choices=PromotionOrigin.choices)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("path"),
        required=False,
        empty_label=_("The whole company"),
        help_text=_("A rule for a region covers everything below it; the deepest rule covering a promotion wins."),
    )
    director_threshold = _threshold(_("Threshold A (CNY)"), _("Above this budget the sales director approves too."))
    gm_threshold = _threshold(_("Threshold B (CNY)"), _("Above this budget the general manager approves last."))
    consultation_hours = _hours(_("Consultation deadline (working hours)"))
    endorsement_hours = _hours(_("Endorsement SLA (working hours)"))
    review_hours = _hours(_("Marketing review SLA (working hours)"))
    decision_hours = _hours(_("Decision SLA (working hours)"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, rule: ApprovalRule | None = None, **kwargs):
        if "initial" not in kwargs:
            source = rule or ApprovalRule()  # a new rule starts from the built-in defaults
            kwargs["initial"] = {name: getattr(source, name) for name in RULE_FIELDS if name != "region"}
            kwargs["initial"]["region"] = source.region_id
            if rule is None:
                kwargs["initial"]["name"] = ""
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda region: (
            "· " * region.depth + region.display_name if region.depth else region.display_name
        )
