"""Forms of the intel feed page: marketing's answer, rating and a customer feedback's follow-up.

Each carries ``back``, the feed's query string, so the page comes back with the same filters after posting.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..models import FollowUp
from ..selectors.intel import IntelFilter
from ..services.intel import ANSWER_MAX_LENGTH

# What may travel back to the feed: its filters and page, nothing else.
BACK_PARAMETERS = (*IntelFilter.base_filters, "page")


def feed_query(back: str) -> str:
    """The feed's query string from a posted ``back``, keeping only the feed's own parameters."""
    source = QueryDict(back or "")
    kept = QueryDict(mutable=True)
    for name in BACK_PARAMETERS:
        values = [value for value in source.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


class _BackForm(forms.Form):
    back = forms.CharField(required=False, widget=forms.HiddenInput)


class IntelAnswerForm(_BackForm):
    answer = forms.CharField(
        label=_("Answer to the rep"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_MAX_LENGTH}),
    )


class IntelUsefulForm(_BackForm):
    useful = forms.TypedChoiceField(
        label=_("Useful"),
        choices=[("true", _("Useful")), ("false", _("Not useful"))],
        coerce=lambda value: value == "true",
    )


class IntelFollowUpForm(_BackForm):
    status = forms.ChoiceField(label=_("Follow-up"), choices=FollowUp.choices)
