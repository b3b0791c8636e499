"""The API's error format and the OpenAPI schema."""

import re

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _RaisesServiceError(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error: ValidationError | None = None

    def post(self, request):
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ValidationError({"budget": ["Must be positive."], "__all__": ["Dates overlap."]}),
            {"budget": ["Must be positive."], "non_field_errors": ["Dates overlap."]},
        ),
        (ValidationError("Not allowed now."), {"non_field_errors": ["Not allowed now."]}),
    ],
)
def test_a_service_validation_error_is_a_400_with_messages_per_field(error, expected):
    view = _RaisesServiceError.as_view(error=error)

    response = view(APIRequestFactory().post("/api/v1/x/", {}, format="json"))

    assert response.status_code == 400
    assert response.data == expected


def test_unknown_api_url_is_a_json_404(client, settings):
    settings.DEBUG = False

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_schema_documents_the_foundation_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/auth/token/", "/api/v1/me/", "/api/v1/regions/", "/api/v1/regions/{id}/"} <= set(schema["paths"])
    region_params = {p["name"] for p in schema["paths"]["/api/v1/regions/"]["get"]["parameters"]}
    assert {"kind", "parent", "within", "code", "q", "page", "page_size"} <= region_params
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)
    assert external == []
    # The assets it names are served by this app.
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page):
        response = client.get(asset)
        response.close()  # a streamed file response
        assert response.status_code == 200, asset


def test_session_auth_works_for_the_browser(client):
    client.force_login(UserFactory(role=Role.SALES_REP))

    assert client.get("/api/v1/me/").status_code == 200


def test_session_writes_need_csrf(regions):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.SALES_REP))

    # Any unsafe method through session auth without the CSRF token is refused (here: an unsupported POST).
    response = client.post("/api/v1/regions/", {}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
