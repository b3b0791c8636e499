"""Forms of the joint-meeting pages (the rules are checked by coordination.services.meetings)."""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

_DATE = {"type": "date"}


def people() -> QuerySet[User]:
    """Active people who may attend a meeting or own an action item, by department then name."""
    return (
        User.objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__code", "last_name", "first_name", "pk")
    )


def _label(person: User) -> str:
    return f"{person.display_name} · {person.department}" if person.department_id else person.display_name


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class AttendeesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, person: User) -> str:
        return _label(person)


class MeetingForm(forms.Form):
    month = MonthField(label=_("Month reviewed"), help_text=_("One joint meeting per month."))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = AttendeesField(
        label=_("Attendees"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("People from both marketing and sales; each is invited."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people()


class MeetingEditForm(MeetingForm):
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["month"]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed and decided. Recording them marks the meeting as held."),
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("The owner's"),
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()
        self.fields["owner"].label_from_instance = _label


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), required=False, max_length=2000)


class DigestBuildForm(forms.Form):
    """Build a month's digest by hand (organisers); the month must be over."""

    month = MonthField(label=_("Month"))
    rebuild = forms.BooleanField(
        label=_("Rebuild it if it exists (a new version, mailed to everyone again)"), required=False
    )

    def clean_month(self):
        from django.utils import timezone

        from .selectors.digest import month_bounds

        month = self.cleaned_data["month"]
        if month_bounds(month)[1] >= timezone.localdate():
            raise forms.ValidationError(_("A month's digest can be built once the month is over."))
        return month
