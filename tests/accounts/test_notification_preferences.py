"""Notification preferences: the service, /api/v1/notification-preferences/ and the settings page."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import NotificationKind, NotificationPreference
from accounts.notifications import notification_preferences_for, notification_preferences_save
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/notification-preferences/"
PAGE = "/accounts/notifications/settings/"


def _stored(user):
    return {p.kind: (p.email, p.chat) for p in NotificationPreference.objects.filter(user=user)}


# --- service -----------------------------------------------------------------------------------------------------


def test_defaults_are_every_kind_with_both_channels_on(user):
    preferences = notification_preferences_for(user=user)
    assert [p["kind"] for p in preferences] == NotificationKind.values
    assert all(p["email"] and p["chat"] for p in preferences)


def test_save_upserts_in_one_go_and_partial_choices_keep_the_rest(user, django_assert_num_queries):
    notification_preferences_save(
        user=user, choices=[{"kind": "alert", "email": False, "chat": True}, {"kind": "digest", "chat": False}]
    )
    assert _stored(user) == {"alert": (False, True), "digest": (True, False)}

    # savepoint, lock current rows, upsert, release, read back
    with django_assert_num_queries(5):
        result = notification_preferences_save(
            user=user, choices=[{"kind": "alert", "chat": False}, {"kind": "report_reminder", "email": False}]
        )
    assert _stored(user) == {"alert": (False, False), "digest": (True, False), "report_reminder": (False, True)}
    assert {p["kind"]: (p["email"], p["chat"]) for p in result}["alert"] == (False, False)


def test_unknown_or_repeated_kinds_are_refused_and_nothing_is_saved(user):
    with pytest.raises(ValidationError) as error:
        notification_preferences_save(user=user, choices=[{"kind": "alert", "email": False}, {"kind": "nope"}])
    assert error.value.message_dict == {"kind": ["Unknown kind of notification: nope."]}
    with pytest.raises(ValidationError) as error:
        notification_preferences_save(user=user, choices=[{"kind": "alert"}, {"kind": "alert"}])
    assert error.value.message_dict == {"kind": ["Each kind only once, please: alert."]}
    assert _stored(user) == {}


# --- API ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def me(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


def test_get_lists_every_kind_with_its_label(api_client, me):
    NotificationPreference.objects.create(user=me, kind="alert", email=False)
    NotificationPreference.objects.create(user=UserFactory(), kind="digest", chat=False)  # someone else's

    body = api_client.get(URL).json()

    assert len(body) == len(NotificationKind.values)
    by_kind = {row["kind"]: row for row in body}
    assert by_kind["alert"] == {"kind": "alert", "label": "Alert from the field", "email": False, "chat": True}
    assert by_kind["digest"]["chat"] is True


def test_labels_follow_the_callers_language(api_client, me):
    body = api_client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    with translation.override("zh-hans"):
        expected = str(NotificationKind.ALERT.label)
    assert {row["kind"]: row["label"] for row in body}["alert"] == expected


def test_put_a_list_and_patch_one(api_client, me):
    response = api_client.put(
        URL,
        [{"kind": "alert", "email": False, "chat": False}, {"kind": "digest", "email": True, "chat": False}],
        format="json",
    )
    assert response.status_code == 200
    assert len(response.json()) == len(NotificationKind.values)
    assert _stored(me) == {"alert": (False, False), "digest": (True, False)}

    response = api_client.patch(URL, {"kind": "alert", "chat": True}, format="json")
    assert response.status_code == 200
    assert {r["kind"]: (r["email"], r["chat"]) for r in response.json()}["alert"] == (False, True)
    assert _stored(me) == {"alert": (False, True), "digest": (True, False)}


@pytest.mark.parametrize(
    ("method", "payload", "expected"),
    [
        ("put", {"kind": "nope", "email": True, "chat": True}, {"kind": ['"nope" is not a valid choice.']}),
        ("patch", [{"kind": "alert"}, {"kind": "nope"}], {"1": {"kind": ['"nope" is not a valid choice.']}}),
        ("put", {"kind": "alert", "email": False}, {"chat": ["This field is required."]}),
        ("patch", {"kind": "alert", "email": "perhaps"}, {"email": ["Must be a valid boolean."]}),
        ("patch", [{"kind": "alert"}, {"kind": "alert"}], {"kind": ["Each kind only once, please: alert."]}),
        ("patch", "alert", {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
    ],
)
def test_bad_input_is_400_with_a_message_per_field(api_client, me, method, payload, expected):
    response = getattr(api_client, method)(URL, payload, format="json")
    assert (response.status_code, response.json()) == (400, expected)
    assert _stored(me) == {}


# --- page --------------------------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client):
    user = UserFactory()
    assert client.login(username=user.username, password=PASSWORD)
    return user


def test_page_needs_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_shows_every_kind_with_two_checkboxes_and_says_the_inbox_is_always_on(client, signed_in):
    NotificationPreference.objects.create(user=signed_in, kind="alert", email=False)

    page = client.get(PAGE).content.decode()

    assert 'data-testid="inbox-always"' in page
    for kind in NotificationKind.values:
        assert f'data-testid="kind-{kind}"' in page
    form = page[page.index('data-testid="notification-settings-form"') :]
    assert form.count('type="checkbox" name="email__') == len(NotificationKind.values)
    assert form.count('type="checkbox" name="chat__') == len(NotificationKind.values)
    assert form.count(" checked>") == 2 * len(NotificationKind.values) - 1
    assert 'name="email__alert" id="id_email__alert" aria-label="E-mail: Alert from the field">' in page


def test_page_saves_the_ticked_boxes(client, signed_in):
    ticked = {f"email__{kind}": "on" for kind in NotificationKind.values if kind != "report_reminder"}
    ticked |= {f"chat__{kind}": "on" for kind in NotificationKind.values if kind != "alert"}

    response = client.post(PAGE, ticked, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Your notification settings are saved." in response.content.decode()
    stored = _stored(signed_in)
    assert len(stored) == len(NotificationKind.values)
    assert stored["report_reminder"] == (False, True)
    assert stored["alert"] == (True, False)
    assert stored["digest"] == (True, True)


def test_page_in_chinese(client, signed_in):
    signed_in.language = "zh-hans"
    signed_in.save(update_fields=["language"])
    client.cookies["django_language"] = "zh-hans"

    page = client.get(PAGE).content.decode()

    with translation.override("zh-hans"):
        assert str(NotificationKind.APPROVAL_STEP.label) in page


def test_the_notifications_page_links_to_the_settings(client, signed_in):
    assert f'href="{PAGE}"' in client.get("/accounts/notifications/").content.decode()
