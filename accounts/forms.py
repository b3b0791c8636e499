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
