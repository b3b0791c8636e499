from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import sign_in_blocked, sign_in_record_failure, sign_in_record_success

TOO_MANY_ATTEMPTS = _("Too many failed sign-in attempts for this account. Try again in 15 minutes.")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the per-account lockout that the token endpoint shares."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and sign_in_blocked(username=username):
            raise ValidationError(TOO_MANY_ATTEMPTS, code="too_many_attempts")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                sign_in_record_failure(username=username)
            raise
        if self.user_cache is not None:
            sign_in_record_success(username=username)
        return cleaned


class NotificationPreferencesForm(forms.Form):
    """One e-mail and one chat checkbox per kind of notification (``email__<kind>``, ``chat__<kind>``)."""

    def __init__(self, *args, preferences: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for preference in preferences:
            kind = preference["kind"]
            self.fields[f"email__{kind}"] = forms.BooleanField(
                required=False, initial=preference["email"], label=_("E-mail: %(kind)s") % {"kind": preference["label"]}
            )
            self.fields[f"chat__{kind}"] = forms.BooleanField(
                required=False,
                initial=preference["chat"],
                label=_("Enterprise chat: %(kind)s") % {"kind": preference["label"]},
            )
            self.rows.append(
                {
                    "kind": kind,
                    "label": preference["label"],
                    "email": self[f"email__{kind}"],
                    "chat": self[f"chat__{kind}"],
                }
            )

    def choices(self) -> list[dict]:
        """The cleaned choices, as ``notification_preferences_save`` takes them."""
        return [
            {
                "kind": row["kind"],
                "email": self.cleaned_data[f"email__{row['kind']}"],
                "chat": self.cleaned_data[f"chat__{row['kind']}"],
            }
            for row in self.rows
        ]
