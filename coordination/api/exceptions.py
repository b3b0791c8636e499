"""One error format for the whole API.

- Validation errors: ``{"field": ["message", ...], "non_field_errors": [...]}`` (DRF's shape; nested for nested input).
- A state conflict (``coordination.errors.Conflict``, e.g. a step already decided): 409 ``{"detail": ...}``.
- Every other error: ``{"detail": "message"}`` with the right status.
A Django ``ValidationError`` raised by a service becomes a 400 in the same shape, never a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from coordination.errors import Conflict


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"


def _as_drf_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf_validation_error(exc)
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    return drf_exception_handler(exc, context)
