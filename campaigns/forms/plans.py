"""Forms of the plan pages. Validation that is a business rule lives in campaigns.services.plans."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User

from ..models import Briefing, MarketingPlan, PlanSection


class PlanForm(forms.ModelForm):
    class Meta:
        model = MarketingPlan
        fields = ["title", "kind", "year", "quarter", "month", "region", "summary"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "quarter": forms.Select(choices=[("", "—"), *[(q, f"Q{q}") for q in range(1, 5)]]),
            "month": forms.Select(choices=[("", "—"), *[(m, str(m)) for m in range(1, 13)]]),
        }
        help_texts = {"quarter": _("Quarterly plans only."), "month": _("Monthly plans only.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["region"].label_from_instance = lambda region: "\u2003" * region.depth + region.display_name
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)


class SectionForm(forms.ModelForm):
    """One of the five sections; each gets the section kind as its prefix."""

    class Meta:
        model = PlanSection
        fields = ["goals", "rationale", "body"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 8, "data-formatted": "true"}),
        }


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed (for sales)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required from the second version on: sales see it above the plan."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your question or answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BriefingForm(forms.ModelForm):
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invite"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Briefing
        fields = ["title", "starts_at", "duration_minutes", "location", "notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, invitable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = invitable if invitable is not None else User.objects.none()
        self.fields["invitees"].label_from_instance = lambda user: (
            f"{user.display_name} · {user.region.display_name}" if user.region else user.display_name
        )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, attendance=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(row.user_id), row.user.display_name) for row in attendance]
        self.initial.setdefault("attended", [str(row.user_id) for row in attendance if row.attended])
