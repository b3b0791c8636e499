"""Forms of the effect page: book a cost, rate executability, mark the promotion evaluated. They shape the input;
the rules live in the services (``campaigns.services.costs``, ``approvals.services.ratings``, ``flows``)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import CostCategory

from .forms import EXECUTABILITY_CHOICES


class CostForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *CostCategory.choices])
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("A negative amount corrects an earlier booking."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    spent_on = forms.DateField(label=_("Spent on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=300,
        help_text=_("What was paid for; for a correction, what it corrects and why."),
    )
    # Made once per rendered form: submitting the same form twice books once.
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, window=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("client_uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        if window is not None:
            first, last = window
            self.fields["spent_on"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())
            self.fields["spent_on"].initial = last


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How workable was it for the field?"),
        # The consultation's scale in the same words, best first: the two ratings are compared on the page.
        choices=list(reversed(EXECUTABILITY_CHOICES)),
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What made it easy or hard in the stores."),
    )


class EvaluateForm(forms.Form):
    comment = forms.CharField(
        label=_("Conclusion"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked, what did not, and what to do next time."),
    )
