"""Helpers every app's pages share (project infrastructure, like coordination.api for the API)."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page of ``queryset`` (two queries: a count and the slice) and the query string of the
    current filters without ``page``, for the pagination links. A page number past the end shows the last page."""
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.get_page(request.GET.get("page"))
    except InvalidPage as error:  # pragma: no cover - get_page already clamps; kept for custom paginators
        raise Http404(_("No such page.")) from error
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
