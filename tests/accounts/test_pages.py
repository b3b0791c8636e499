"""Sign-in, sign-out, password change, the language switch and the admin door — through real form posts."""

import pytest
from django.conf import settings

from accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_anonymous_is_sent_to_login_from_home(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_with_a_wrong_password_shows_an_error_and_stays_signed_out(client):
    UserFactory(username="rep.a")

    response = client.post(LOGIN, {"username": "rep.a", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_with_empty_fields_shows_a_message_per_field(client):
    response = client.post(LOGIN, {"username": "", "password": ""})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username", "password"]


def test_login_goes_home_and_applies_the_users_language(client):
    user = UserFactory(username="rep.a", language="zh-hans")

    response = client.post(LOGIN, {"username": "rep.a", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    home = client.get("/")
    assert '<html lang="zh-hans">' in home.content.decode()


def test_login_keeps_the_browser_language_when_the_user_has_no_preference(client):
    UserFactory(username="rep.a", language="")

    response = client.post(LOGIN, {"username": "rep.a", "password": PASSWORD})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_login_follows_next_but_not_to_another_site(client):
    UserFactory(username="rep.a")

    inside = client.post(f"{LOGIN}?next=/api/docs/", {"username": "rep.a", "password": PASSWORD, "next": "/api/docs/"})
    client.logout()
    outside = client.post(LOGIN, {"username": "rep.a", "password": PASSWORD, "next": "https://evil.example/"})

    assert inside["Location"] == "/api/docs/"
    assert outside["Location"] == "/"


def test_signed_in_user_visiting_login_goes_home(client):
    client.force_login(UserFactory())

    assert client.get(LOGIN)["Location"] == "/"


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Another-long-pass-42",
            "new_password2": "Another-long-pass-42",
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_rejects_a_weak_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )

    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_works_and_keeps_the_user_signed_in(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-42",
            "new_password2": "Another-long-pass-42",
        },
    )

    assert response["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password("Another-long-pass-42")
    assert client.get("/").status_code == 200


def test_language_switch_sets_the_cookie_and_the_users_preference(client):
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})

    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert user.language == "zh-hans"
    page = client.get("/").content.decode()
    assert "今天需要我处理的事" in page


@pytest.mark.parametrize("language", ["xx", "fr", ""])
def test_language_switch_ignores_a_language_we_do_not_offer(client, language):
    # "fr" matters: Django itself ships French, so its own switch would accept it.
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post("/accounts/language/", {"language": language, "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_does_not_redirect_to_another_site(client):
    response = client.post("/accounts/language/", {"language": "xx", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_password_change_needs_sign_in(client):
    response = client.get("/accounts/password/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


def test_language_switch_works_before_sign_in(client):
    response = client.post("/accounts/language/", {"language": "zh-hans", "next": LOGIN})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "登录" in client.get(LOGIN).content.decode()


def test_a_rep_cannot_open_the_admin(client):
    client.force_login(UserFactory(role=Role.SALES_REP))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_can_open_the_admin_pages(client, regions):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/region/",
        f"/admin/accounts/region/{regions.sh.pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_region_form_shows_tree_errors_on_the_field(client, regions):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/accounts/region/add/",
        {"code": "PD", "name": "浦东", "name_en": "", "kind": "city", "parent": regions.sh.pk},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"parent": ["A city cannot have regions below it."]}


def test_admin_region_form_creates_with_the_right_path(client, regions):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/accounts/region/add/",
        {"code": "PD", "name": "浦东", "name_en": "Pudong", "kind": "city", "parent": regions.east.pk},
    )

    assert response.status_code == 302
    assert regions.east.children.get(code="PD").path == "CN/EAST/PD/"


def test_admin_is_branded_and_translated(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    english = client.get("/admin/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/admin/").content.decode()

    assert "Coordination administration" in english
    assert "市场销售协同 · 系统管理" in chinese


def test_sign_in_is_locked_for_an_account_after_ten_wrong_passwords(client):
    from accounts.services import SIGN_IN_MAX_FAILURES

    UserFactory(username="rep.a")
    for _ in range(SIGN_IN_MAX_FAILURES):
        assert client.post(LOGIN, {"username": "rep.a", "password": "guess"}).status_code == 200

    # Even the right password is refused now, with a message that says why.
    response = client.post(LOGIN, {"username": "REP.A ", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-in attempts for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_resets_the_failure_count(client):
    from accounts.services import SIGN_IN_MAX_FAILURES

    UserFactory(username="rep.a")
    for _ in range(SIGN_IN_MAX_FAILURES - 1):
        client.post(LOGIN, {"username": "rep.a", "password": "guess"})
    client.post(LOGIN, {"username": "rep.a", "password": PASSWORD})
    client.logout()

    for _ in range(SIGN_IN_MAX_FAILURES - 1):
        client.post(LOGIN, {"username": "rep.a", "password": "guess"})
    assert client.post(LOGIN, {"username": "rep.a", "password": PASSWORD}).status_code == 302
