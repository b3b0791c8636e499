"""The form to name a delegate while away (the rules are checked by accounts.services.delegation_create)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import delegate_candidates

_DATE = {"type": "date"}


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Who decides instead"),
        queryset=User.objects.none(),
        help_text=_("A colleague who decides approvals too, or one of your department."),
    )
    starts_on = forms.DateField(label=_("Away from"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label=_("Until (included)"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_("At most 90 days."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = delegate_candidates(user=user)
        self.fields["delegate"].label_from_instance = lambda person: (
            f"{person.display_name} · {person.department}" if person.department else person.display_name
        )
