import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.factories import RegionFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
REGIONS_URL = "/api/v1/regions/"


def test_token_for_a_username_and_password(api_client):
    user = UserFactory(username="rep.a")

    response = api_client.post(TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_asking_twice_returns_the_same_token(api_client):
    UserFactory(username="rep.a")
    first = api_client.post(TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json").json()
    second = api_client.post(TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json").json()

    assert first == second
    assert Token.objects.count() == 1


def test_wrong_password_is_a_400_with_a_message_and_no_token(api_client):
    UserFactory(username="rep.a")

    response = api_client.post(TOKEN_URL, {"username": "rep.a", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    assert not Token.objects.exists()


def test_password_guessing_is_throttled(api_client):
    UserFactory(username="rep.a")
    for attempt in range(20):  # a different account each time: the address is what is throttled here
        guess = {"username": f"user{attempt}", "password": "guess"}
        assert api_client.post(TOKEN_URL, guess, format="json").status_code == 400

    response = api_client.post(TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert not Token.objects.exists()


def test_forged_forwarded_for_headers_do_not_escape_the_throttle(api_client):
    UserFactory(username="rep.a")
    for attempt in range(20):
        api_client.post(
            TOKEN_URL,
            {"username": f"x{attempt}", "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )

    response = api_client.post(
        TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )

    assert response.status_code == 429


def test_the_account_lockout_applies_to_tokens_too(api_client, client):
    from accounts.services import SIGN_IN_MAX_FAILURES

    UserFactory(username="rep.a")
    for _ in range(SIGN_IN_MAX_FAILURES):  # failures on the sign-in page count for the API as well
        client.post("/accounts/login/", {"username": "rep.a", "password": "guess"})

    response = api_client.post(TOKEN_URL, {"username": "rep.a", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed sign-in attempts for this account. Try again in 15 minutes."}
    assert not Token.objects.exists()


def test_inactive_users_get_no_token(api_client):
    UserFactory(username="gone", is_active=False)

    response = api_client.post(TOKEN_URL, {"username": "gone", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_missing_fields_get_a_message_each(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_malformed_json_is_a_400_not_a_500(api_client):
    response = api_client.post(TOKEN_URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_me_with_a_token_names_roles_region_and_manager(api_client, regions):
    manager = UserFactory(
        username="mgr.x", first_name="涛", last_name="周", role=Role.SALES_MANAGER, region=regions.east
    )
    rep = UserFactory(
        username="rep.x",
        first_name="伟",
        last_name="张",
        role=Role.SALES_REP,
        region=regions.sh,
        manager=manager,
    )
    token = Token.objects.create(user=rep)

    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json() == {
        "id": rep.pk,
        "username": "rep.x",
        "full_name": "张伟",
        "email": "rep.x@example.com",
        "phone": "",
        "language": "en",
        "department": {"code": "sales", "name": "Sales"},
        "roles": [{"code": "sales_rep", "name": "Sales representative"}],
        "region": {"id": regions.sh.pk, "code": "SH", "name": "Shanghai"},
        "manager": {"id": manager.pk, "username": "mgr.x", "full_name": "周涛"},
    }


def test_me_for_a_user_without_organisation(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)

    body = api_client.get(ME_URL).json()

    assert (body["department"], body["region"], body["manager"], body["roles"]) == (None, None, None, [])


def test_a_bad_token_is_a_401(api_client):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION="Token nope")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize("url", [ME_URL, REGIONS_URL, "/api/v1/regions/1/"])
def test_anonymous_gets_401_with_a_challenge(api_client, url):
    response = api_client.get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_regions_list_is_in_tree_order(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP, region=regions.sh))

    body = api_client.get(REGIONS_URL).json()

    assert body["count"] == 10
    assert [r["code"] for r in body["results"]][:4] == ["CN", "EAST", "HZ", "SH"]
    assert body["results"][3] == {
        "id": regions.sh.pk,
        "code": "SH",
        "name": "上海",
        "name_en": "Shanghai",
        "kind": "city",
        "parent": regions.east.pk,
        "path": "CN/EAST/SH/",
        "depth": 2,
    }


def test_regions_within_a_subtree(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP))

    body = api_client.get(REGIONS_URL, {"within": regions.south.pk}).json()

    assert [r["code"] for r in body["results"]] == ["SOUTH", "GZ", "SZ"]


def test_regions_bad_filters_answer_400_per_field(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP))

    response = api_client.get(REGIONS_URL, {"within": "abc", "kind": "planet"})

    assert response.status_code == 400
    assert set(response.json()) == {"within", "kind"}


def test_region_detail_and_unknown_id(api_client, regions):
    api_client.force_authenticate(UserFactory(role=Role.HR))

    assert api_client.get(f"{REGIONS_URL}{regions.bj.pk}/").json()["code"] == "BJ"
    missing = api_client.get(f"{REGIONS_URL}999999/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No Region matches the given query."}


def test_a_user_without_a_role_may_not_list_regions(api_client, regions):
    api_client.force_authenticate(UserFactory())

    assert api_client.get(REGIONS_URL).status_code == 403
    assert api_client.get(f"{REGIONS_URL}{regions.sh.pk}/").status_code == 403


@pytest.mark.parametrize("extra_regions", [5, 150])
def test_regions_list_query_count_does_not_grow_with_rows(
    api_client, regions, extra_regions, django_assert_max_num_queries
):
    for _ in range(extra_regions):
        RegionFactory(parent=regions.sh.parent)
    api_client.force_authenticate(UserFactory(role=Role.SALES_REP))

    # session-less force_authenticate: permission lookup (2) + count + page
    with django_assert_max_num_queries(4):
        response = api_client.get(REGIONS_URL, {"page_size": 500})
    assert response.json()["count"] == 10 + extra_regions


def test_me_query_count_is_constant(api_client, regions, django_assert_max_num_queries):
    rep = UserFactory(role=Role.SALES_REP, region=regions.sh, manager=UserFactory(role=Role.SALES_MANAGER))
    api_client.force_authenticate(rep)

    with django_assert_max_num_queries(2):
        api_client.get(ME_URL)


def test_api_urls_are_namespaced():
    assert reverse("api:me") == ME_URL
    assert reverse("api:region-list") == REGIONS_URL
