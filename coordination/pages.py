"""Helpers every app's pages share (project infrastructure, like coordination.api for the API)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``queryset`` (two queries: a count and the slice); a page number past the end shows
    the last page. Render the links with templates/includes/pagination.html (it keeps the current filters)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def form_add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message on its field when the form has that field,
    otherwise at the top (Django's ``add_error(None, error)`` would raise for a field the form lacks)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
