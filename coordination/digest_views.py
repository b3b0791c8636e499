"""Pages of the monthly digest: the list, one month (its frozen HTML in the reader's language), its XLSX, and the
organisers' "build / rebuild" button. A digest one may not read is a 404, like a month never built."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import DigestBuildForm
from .pages import paginate
from .permissions import can_build_digest
from .selectors.digest import digest_get_for_user, digests_for
from .services.digest import XLSX_TYPE, DigestError, digest_build, digest_send_reporting, digest_xlsx, previous_month


def _language() -> str:
    language = translation.get_language() or "en"
    return "zh-hans" if language.lower().startswith("zh") else "en"


@login_required
def digest_list(request: HttpRequest) -> HttpResponse:
    can_build = can_build_digest(request.user)
    form = DigestBuildForm(initial={"month": f"{previous_month(timezone.localdate()):%Y-%m}"}) if can_build else None
    return render(
        request,
        "coordination/digest_list.html",
        {"page_obj": paginate(request, digests_for(user=request.user)), "can_build": can_build, "form": form},
    )


@login_required
def digest_detail(request: HttpRequest, month: str) -> HttpResponse:
    digest = digest_get_for_user(user=request.user, month=month)
    language = _language()
    html = digest.html.get(language) or next(iter(digest.html.values()), "")
    return render(
        request,
        "coordination/digest_detail.html",
        {"digest": digest, "digest_html": html, "can_build": can_build_digest(request.user)},
    )


@login_required
def digest_download(request: HttpRequest, month: str) -> HttpResponse:
    digest = digest_get_for_user(user=request.user, month=month)
    response = HttpResponse(digest_xlsx(digest, _language()), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="digest-{digest.month:%Y-%m}.xlsx"'
    return response


@login_required
@require_POST
def digest_build_view(request: HttpRequest) -> HttpResponse:
    if not can_build_digest(request.user):
        raise PermissionDenied(_("Only organisers of the joint meeting build digests."))
    form = DigestBuildForm(request.POST)
    if form.is_valid():
        try:
            digest = digest_build(form.cleaned_data["month"], rebuild=form.cleaned_data["rebuild"])
        except DigestError as error:
            form.add_error("month", str(error))
        else:
            sent, failed = digest_send_reporting(digest)
            if failed:
                messages.warning(
                    request,
                    _("%(failed)s e-mail(s) could not be sent; they will be tried again.") % {"failed": failed},
                )
            messages.success(
                request,
                _("Digest %(month)s, version %(version)s: %(sent)s e-mail(s) sent now.")
                % {"month": f"{digest.month:%Y-%m}", "version": digest.version, "sent": sent},
            )
            return redirect("coordination:digest_detail", f"{digest.month:%Y-%m}")
    return render(
        request,
        "coordination/digest_list.html",
        {"page_obj": paginate(request, digests_for(user=request.user)), "can_build": True, "form": form},
        status=400,
    )


urlpatterns = [
    path("digests/", digest_list, name="digest_list"),
    path("digests/build/", digest_build_view, name="digest_build"),
    path("digests/<str:month>/", digest_detail, name="digest_detail"),
    path("digests/<str:month>/xlsx/", digest_download, name="digest_xlsx"),
]
