"""Forms of the approval pages. They check shapes and offer only what a step takes; ``step_decide`` checks the rules
(a comment where the decision needs one, the rating of a consultation) and its errors are shown on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import STEP_DECISIONS, ApprovalStep, Decision, StepKind
from .services.flows import COMMENT_MAX_LENGTH

EXECUTABILITY_CHOICES = [
    (1, _("1 · hardly workable")),
    (2, _("2 · difficult")),
    (3, _("3 · workable with effort")),
    (4, _("4 · workable")),
    (5, _("5 · easy to carry out")),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    executability = forms.TypedChoiceField(
        label=_("Executability in the field"),
        choices=EXECUTABILITY_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("How well your region can carry it out, as you see it."),
    )

    def __init__(self, *args, step: ApprovalStep, **kwargs):
        super().__init__(*args, **kwargs)
        kind = StepKind(step.kind)
        self.fields["decision"].choices = [(d.value, d.label) for d in STEP_DECISIONS[kind]]
        if kind == StepKind.CONSULTATION:
            self.fields["decision"].label = _("Your answer")
            self.fields["comment"].help_text = _("Required when you support it with changes or oppose it.")
        else:
            del self.fields["executability"]
            needs = [Decision(d).label for d in STEP_DECISIONS[kind] if d != Decision.APPROVE]
            self.fields["comment"].help_text = _("Required for: %(decisions)s.") % {
                "decisions": ", ".join(str(label).lower() for label in needs)
            }

    def focus_first_error(self) -> None:
        """Shown again with errors, the page opens at the first field to correct (on a phone the form is far below
        the top). Not an anchor in the form's action: the redirect after a decision would carry it to the inbox."""
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["autofocus"] = True
                return

    def decide_kwargs(self) -> dict:
        data = {"decision": self.cleaned_data["decision"], "comment": self.cleaned_data.get("comment", "")}
        if "executability" in self.fields:
            data["executability"] = self.cleaned_data.get("executability")
        return data


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
