import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import Role
from accounts.selectors import user_with_profile

from .selectors import home_promises, home_sections

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role-aware home page: what needs me today."""
    user = user_with_profile(user_id=request.user.pk)
    return render(
        request,
        "home.html",
        {
            "profile": user,
            "today": timezone.localdate(),
            "sections": home_sections(user=user),
            "promises": home_promises(user=user),
            "roles": [Role(role).label for role in sorted(user.role_names)]
            + ([_("Administrator")] if user.is_superuser else []),
        },
    )


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers and compose: the database, and the broker when one is configured."""
    checks = {"database": _check_database}
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        checks["broker"] = _check_broker
    results, healthy = {}, True
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = "error"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Something went wrong on our side. It has been logged.")}, status=500)
    return render(request, "500.html", status=500)
