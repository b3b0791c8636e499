"""/api/v1/photos/ (upload, read) and the pages serving a photo's bytes: who sees which photo, and how it is served."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token

from feedback.models import Photo
from feedback.services.photos import photo_thumbnail_make
from tests.campaigns.plan_setup import build_people
from tests.factories import PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/photos/"


@pytest.fixture
def people(regions):
    return build_people(regions)


def upload(data: bytes | None = None, **extra) -> dict:
    return {"file": SimpleUploadedFile("IMG_0001.JPG", data or jpeg_bytes(), content_type="image/jpeg"), **extra}


def test_url_names():
    assert reverse("api:photo-list") == URL
    assert reverse("api:photo-detail", args=[7]) == "/api/v1/photos/7/"
    assert reverse("api:photo-file", args=[7]) == "/api/v1/photos/7/file/"
    assert reverse("api:photo-thumbnail", args=[7]) == "/api/v1/photos/7/thumbnail/"
    assert reverse("feedback:photo_file", args=[7]) == "/photos/7/"
    assert reverse("feedback:photo_thumbnail", args=[7]) == "/photos/7/thumbnail/"


def test_anonymous_gets_401(api_client):
    assert api_client.post(URL, upload(), format="multipart").status_code == 401


def test_upload_answers_201_then_200_on_a_retry(api_client, people, django_capture_on_commit_callbacks):
    api_client.force_authenticate(people.rep_sh)
    key = str(uuid.uuid4())
    data = jpeg_bytes(size=(64, 48))

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, upload(data, client_uuid=key), format="multipart")
    retry = api_client.post(URL, upload(data, client_uuid=key), format="multipart")

    photo = Photo.objects.get()
    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": photo.pk,
        "uuid": str(photo.uuid),
        "url": f"http://testserver/api/v1/photos/{photo.pk}/file/",
        "thumbnail_url": f"http://testserver/api/v1/photos/{photo.pk}/thumbnail/",
        "width": 64,
        "height": 48,
        "content_type": "image/jpeg",
        "size": len(data),
        "taken_at": None,
        "gps_latitude": None,
        "gps_longitude": None,
        "reused_from": None,
        "created_at": response.json()["created_at"],
    }
    assert retry.status_code == 200
    assert retry.json() == response.json()
    assert bool(photo.thumbnail)


def test_upload_of_a_non_image_is_400_on_file(api_client, people):
    api_client.force_authenticate(people.rep_sh)
    response = api_client.post(URL, upload(b"%PDF-1.4 not a photo"), format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["This file is not a photo. Upload a JPEG, PNG or WebP image."]}
    assert not Photo.objects.exists()


def test_upload_without_file_or_with_a_bad_uuid_is_400(api_client, people):
    api_client.force_authenticate(people.rep_sh)
    assert list(api_client.post(URL, {}, format="multipart").json()) == ["file"]
    assert list(api_client.post(URL, upload(client_uuid="nope"), format="multipart").json()) == ["client_uuid"]


def test_another_users_client_uuid_is_400(api_client, people):
    key = str(uuid.uuid4())
    api_client.force_authenticate(people.rep_sh)
    assert api_client.post(URL, upload(client_uuid=key), format="multipart").status_code == 201
    api_client.force_authenticate(people.rep_hz)
    response = api_client.post(URL, upload(client_uuid=key), format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["client_uuid"]


@pytest.mark.parametrize("viewer", ["hr", "mkt_staff", "director"])
def test_roles_that_file_no_reports_get_403(api_client, people, viewer):
    api_client.force_authenticate(getattr(people, viewer))
    assert api_client.post(URL, upload(), format="multipart").status_code == 403
    assert not Photo.objects.exists()


# --- who sees a photo --------------------------------------------------------------------------------------------

# A photo uploaded by the Shanghai rep.
SEES_IT = {
    "rep_sh": True,  # the uploader
    "mgr_east": True,  # their sales manager (Shanghai is in East)
    "mgr_north": False,  # another region's manager
    "rep_hz": False,  # another rep, even in the same manager's team
    "rep_bj": False,
    "mkt_staff": True,
    "mkt_manager": True,
    "director": True,
    "gm": True,
    "hr": False,  # HR never sees raw photos
}


@pytest.fixture
def photo(people):
    return PhotoFactory(uploaded_by=people.rep_sh)  # a 64×48 JPEG, in Shanghai


@pytest.mark.parametrize(("viewer", "sees"), sorted(SEES_IT.items()))
def test_photo_visibility_matrix(client, api_client, people, photo, viewer, sees):
    user = getattr(people, viewer)
    client.force_login(user)
    api_client.force_authenticate(user)
    expected = 200 if sees else 404

    assert api_client.get(f"{URL}{photo.pk}/").status_code == expected
    assert api_client.get(f"{URL}{photo.pk}/file/").status_code == expected
    assert api_client.get(f"{URL}{photo.pk}/thumbnail/").status_code == expected
    assert client.get(f"/photos/{photo.pk}/").status_code == expected
    assert client.get(f"/photos/{photo.pk}/thumbnail/").status_code == expected


def test_the_file_is_served_with_its_stored_type_and_safe_headers(client, people, photo):
    client.force_login(people.mgr_east)

    response = client.get(f"/photos/{photo.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo.file.storage.open(photo.file.name).read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["Content-Disposition"] == f'inline; filename="{photo.uuid.hex}.jpg"'


def test_a_token_client_fetches_the_file_and_thumbnail_the_api_links_to(api_client, people, photo, settings):
    """The mobile app signs in with a token: the addresses in the API's answers must work for it (the pages under
    /photos/ send it to the sign-in page)."""
    settings.PHOTO_THUMBNAIL_SIZE = 16
    token = Token.objects.create(user=people.mgr_east)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with photo.file.storage.open(photo.file.name) as handle:
        stored = handle.read()
    details = api_client.get(f"{URL}{photo.pk}/").json()

    original = api_client.get(details["url"], HTTP_ACCEPT="image/webp,image/*,*/*;q=0.8")
    original_bytes = b"".join(original.streaming_content)
    before = b"".join(api_client.get(details["thumbnail_url"], HTTP_ACCEPT="image/*").streaming_content)
    photo_thumbnail_make(photo_id=photo.pk)
    after = api_client.get(details["thumbnail_url"])

    assert details["url"] == f"http://testserver/api/v1/photos/{photo.pk}/file/"
    assert original.status_code == 200
    assert original_bytes == stored
    assert original["Content-Type"] == "image/jpeg"
    assert original["X-Content-Type-Options"] == "nosniff"
    assert original["Cache-Control"] == "private, max-age=86400"
    assert original["Content-Disposition"] == f'inline; filename="{photo.uuid.hex}.jpg"'
    assert before == stored  # the original until the thumbnail is made
    assert after.status_code == 200
    assert after["Content-Disposition"] == f'inline; filename="{photo.uuid.hex}_thumb.jpg"'
    assert after["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(after.streaming_content))) as image:
        assert (image.format, image.size) == ("JPEG", (16, 12))
    assert api_client.get(f"/photos/{photo.pk}/").status_code == 302  # the page still needs a session


def test_the_api_bytes_refuse_the_anonymous_and_unknown_photos(api_client, people, photo):
    assert api_client.get(f"{URL}{photo.pk}/file/").status_code == 401
    assert api_client.get(f"{URL}{photo.pk}/thumbnail/").status_code == 401
    api_client.force_authenticate(people.hr)
    hidden = api_client.get(f"{URL}{photo.pk}/file/", HTTP_ACCEPT="image/*")
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == "application/json"
    assert api_client.get(f"{URL}999999/thumbnail/").status_code == 404


def test_the_thumbnail_falls_back_to_the_original_until_it_is_made(client, people, photo, settings):
    settings.PHOTO_THUMBNAIL_SIZE = 16
    client.force_login(people.rep_sh)

    before = b"".join(client.get(f"/photos/{photo.pk}/thumbnail/").streaming_content)
    photo_thumbnail_make(photo_id=photo.pk)
    after = client.get(f"/photos/{photo.pk}/thumbnail/")

    with Image.open(io.BytesIO(before)) as image:
        assert image.size == (64, 48)
    with Image.open(io.BytesIO(b"".join(after.streaming_content))) as image:
        assert image.size == (16, 12)
    assert after["Content-Type"] == "image/jpeg"
    assert after["X-Content-Type-Options"] == "nosniff"


def test_unknown_photo_is_404_and_anonymous_is_sent_to_sign_in(client, people, photo):
    assert client.get(f"/photos/{photo.pk}/")["Location"] == f"/accounts/login/?next=/photos/{photo.pk}/"
    client.force_login(people.mkt_staff)
    assert client.get("/photos/999999/").status_code == 404


def test_the_thumb_include_links_the_photo_and_flags_a_reuse(people, photo):
    reuse = PhotoFactory(uploaded_by=people.rep_sh, reused_from=photo)
    template = Template('{% include "feedback/photo_thumb.html" %}')

    plain = template.render(Context({"photo": photo}))
    flagged = template.render(Context({"photo": reuse}))

    assert f'href="/photos/{photo.pk}/"' in plain
    assert f'src="/photos/{photo.pk}/thumbnail/"' in plain
    assert 'loading="lazy"' in plain
    assert "re-used photo" not in plain
    assert "re-used photo" in flagged
