"""Sign-in, sign-out, password change and the language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from coordination.pages import paginate

from .forms import NotificationPreferencesForm, SignInForm
from .notifications import notification_mark_read, notification_preferences_for, notification_preferences_save
from .selectors import notifications_for
from .services import user_set_language


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="too_many_attempts"):
            response.status_code = 429
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user's saved preference wins over the browser's language from the first page after sign-in.
        if form.get_user().language:
            _remember_language(response, form.get_user().language)
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in user also their saved preference (pages and e-mails).

    Only the languages we offer are accepted (Django itself knows many more); anything else changes nothing.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(_safe_next(request))
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The in-app inbox: newest first, unread marked."""
    page = paginate(request, notifications_for(user=request.user))
    return render(request, "accounts/notifications.html", {"page_obj": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (404 for someone else's notification)."""
    notification = notifications_for(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    return redirect(target or "accounts:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("accounts:notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which kinds of notification also reach me by e-mail and by enterprise chat (the inbox always has them)."""
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None, preferences=notification_preferences_for(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("accounts:notification_settings")
    return render(request, "accounts/notification_settings.html", {"form": form})
