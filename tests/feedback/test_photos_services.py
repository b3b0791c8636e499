"""photo_upload and photo_thumbnail_make: real images only, EXIF evidence, re-use across days, idempotency."""

import datetime
import hashlib
import io
import random
import struct
import uuid
import zlib
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import ExifTags, Image, ImageFile

from accounts.roles import Role
from feedback.models import Photo
from feedback.services import photos as photo_services
from feedback.services.photos import dhash, photo_thumbnail_make, photo_upload
from tests.factories import PhotoFactory, UserFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def encode(image: Image.Image, image_format: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def picture(*, seed: int = 1, size=(720, 480)) -> Image.Image:
    """A picture with structure (a 9×8 grid of blocks of random grey levels): what a dHash sees in a real photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    block_w, block_h = size[0] / 9, size[1] / 8
    for row in range(8):
        level = rng.randrange(0, 256)
        for column in range(9):
            level = (level + rng.choice([-1, 1]) * rng.randrange(40, 90)) % 256
            box = (
                round(column * block_w),
                round(row * block_h),
                round((column + 1) * block_w),
                round((row + 1) * block_h),
            )
            image.paste((level, level // 2, 255 - level), box)
    return image


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def rep(regions):
    return UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)


def days_ago(photo: Photo, days: int) -> None:
    Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


# --- accepted and refused ----------------------------------------------------------------------------------------


def test_a_real_jpeg_is_stored_under_a_server_name(rep, regions, django_capture_on_commit_callbacks):
    data = jpeg_bytes(size=(64, 48))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        photo, created = photo_upload(user=rep, file=upload(data, name="../../etc/passwd.php"))

    photo.refresh_from_db()
    assert created is True
    assert (photo.content_type, photo.extension, photo.size) == ("image/jpeg", "jpg", len(data))
    assert (photo.width, photo.height) == (64, 48)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert len(photo.dhash) == 16
    assert int(photo.dhash, 16) >= 0
    assert photo.file.name == f"photos/{photo.created_at:%Y/%m}/{photo.uuid.hex}.jpg"
    assert photo.file.storage.open(photo.file.name).read() == data
    assert (photo.uploaded_by, photo.region) == (rep, regions.sh)
    assert (photo.taken_at, photo.gps_latitude, photo.gps_longitude, photo.reused_from) == (None, None, None, None)
    assert len(callbacks) == 1  # the thumbnail task, after the commit
    assert photo.thumbnail.name == f"photos/{photo.created_at:%Y/%m}/{photo.uuid.hex}_thumb.jpg"


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"), [("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")]
)
def test_png_and_webp_are_accepted_by_what_the_bytes_are(rep, image_format, content_type, extension):
    data = encode(picture(size=(90, 80)), image_format)
    photo, _created = photo_upload(user=rep, file=upload(data, name="camera.jpg", content_type="image/jpeg"))
    assert (photo.content_type, photo.extension) == (content_type, extension)
    assert photo.file.name.endswith(f".{extension}")


def test_a_text_file_named_jpg_is_refused(rep):
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(b"just some text pretending to be a photo\n" * 10))
    assert caught.value.message_dict == {"file": ["This file is not a photo. Upload a JPEG, PNG or WebP image."]}
    assert not Photo.objects.exists()


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_types_are_refused(rep, image_format):
    data = encode(Image.new("RGB", (20, 20), (1, 2, 3)), image_format)
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(data))
    assert caught.value.message_dict == {
        "file": [f"{image_format} images are not accepted. Upload a JPEG, PNG or WebP photo."]
    }
    assert not Photo.objects.exists()


def test_a_truncated_jpeg_is_refused(rep):
    data = encode(picture(), quality=95)
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(data[: len(data) // 2]))
    assert list(caught.value.message_dict) == ["file"]
    assert not Photo.objects.exists()


def test_an_empty_file_is_refused(rep):
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(b""))
    assert caught.value.message_dict == {"file": ["The file is empty."]}


def test_too_big_is_refused(rep, settings):
    data = jpeg_bytes(size=(200, 200))
    settings.PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(data))
    assert caught.value.message_dict == {"file": [f"The photo is larger than {filesizeformat(len(data) - 1)}."]}
    settings.PHOTO_MAX_BYTES = len(data)
    assert photo_upload(user=rep, file=upload(data))[1] is True


@pytest.mark.parametrize("limit", [2000, 1000])  # 64×48 = 3072 pixels: over the limit, and over twice the limit
def test_too_many_pixels_is_refused_before_decoding(rep, monkeypatch, limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(jpeg_bytes(size=(64, 48))))
    assert caught.value.message_dict == {"file": ["The picture has too many pixels."]}


@pytest.mark.parametrize("role", [Role.HR, Role.MARKETING_STAFF, Role.SALES_DIRECTOR])
def test_roles_that_file_no_reports_may_not_upload(regions, role):
    with pytest.raises(PermissionDenied):
        photo_upload(user=UserFactory(role=role, region=regions.cn), file=upload(jpeg_bytes()))
    assert not Photo.objects.exists()


# --- EXIF --------------------------------------------------------------------------------------------------------


def exif_jpeg(*, taken="2026:03:02 14:05:09", offset=None, gps=None, orientation=None, size=(80, 60)) -> bytes:
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        details[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    return encode(picture(size=size), exif=exif)


def test_exif_time_with_its_offset_and_gps(rep):
    gps = {1: "N", 2: (31.0, 14.0, 9.36), 3: "E", 4: (121.0, 28.0, 38.0)}
    photo, _created = photo_upload(user=rep, file=upload(exif_jpeg(offset="+09:00", gps=gps)))

    photo.refresh_from_db()
    assert photo.taken_at == datetime.datetime(2026, 3, 2, 5, 5, 9, tzinfo=datetime.UTC)
    assert (photo.gps_latitude, photo.gps_longitude) == (Decimal("31.235933"), Decimal("121.477222"))


def test_exif_time_without_offset_is_company_time_and_south_west_are_negative(rep):
    gps = {1: "S", 2: (33.0, 52.0, 4.0), 3: "W", 4: (151.0, 12.0, 36.0)}
    photo, _created = photo_upload(user=rep, file=upload(exif_jpeg(gps=gps)))

    photo.refresh_from_db()
    assert photo.taken_at == datetime.datetime(2026, 3, 2, 6, 5, 9, tzinfo=datetime.UTC)  # 14:05 in Shanghai
    assert (photo.gps_latitude, photo.gps_longitude) == (Decimal("-33.867778"), Decimal("-151.210000"))


def test_garbled_exif_is_ignored_not_refused(rep):
    gps = {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)}  # latitude out of range
    photo, _created = photo_upload(user=rep, file=upload(exif_jpeg(taken="0000:00:00 00:00:00", gps=gps)))
    assert (photo.taken_at, photo.gps_latitude, photo.gps_longitude) == (None, None, None)


# --- re-use ------------------------------------------------------------------------------------------------------


def test_the_same_bytes_on_another_day_are_flagged(rep, regions):
    data = encode(picture(seed=3))
    first, _created = photo_upload(user=rep, file=upload(data))
    days_ago(first, 1)
    other_rep = UserFactory(role=Role.SALES_REP, region=regions.hz)

    second, _created = photo_upload(user=other_rep, file=upload(data))

    assert second.reused_from == first


def test_the_same_bytes_on_the_same_day_are_not_flagged(rep):
    data = encode(picture(seed=3))
    photo_upload(user=rep, file=upload(data))
    second, created = photo_upload(user=rep, file=upload(data))
    assert created is True
    assert second.reused_from is None
    assert Photo.objects.count() == 2


def test_a_resized_recompressed_copy_is_caught_by_the_difference_hash(rep):
    original = picture(seed=5, size=(1200, 900))
    first, _created = photo_upload(user=rep, file=upload(encode(original, quality=92)))
    days_ago(first, 3)
    copy = encode(original.resize((400, 300), Image.Resampling.BILINEAR), quality=55)

    second, _created = photo_upload(user=rep, file=upload(copy))

    assert second.sha256 != first.sha256
    assert second.dhash == first.dhash
    assert second.reused_from == first


def test_the_earliest_copy_is_named_and_a_different_picture_is_not_flagged(rep):
    data = encode(picture(seed=7))
    oldest, _created = photo_upload(user=rep, file=upload(data))
    days_ago(oldest, 5)
    newer, _created = photo_upload(user=rep, file=upload(data))
    days_ago(newer, 2)

    again, _created = photo_upload(user=rep, file=upload(data))
    different, _created = photo_upload(user=rep, file=upload(encode(picture(seed=8))))

    assert newer.reused_from == oldest
    assert again.reused_from == oldest
    assert different.reused_from is None


def test_flat_pictures_do_not_match_by_their_difference_hash(rep):
    first, _created = photo_upload(user=rep, file=upload(encode(Image.new("RGB", (50, 50), (255, 255, 255)))))
    days_ago(first, 1)
    second, _created = photo_upload(user=rep, file=upload(encode(Image.new("RGB", (60, 40), (20, 20, 20)))))
    assert first.dhash == second.dhash == "0" * 16
    assert second.reused_from is None


def test_dhash_compares_right_hand_neighbours():
    image = Image.new("L", (9, 8), 0)
    for row in range(8):
        image.putpixel((8, row), 255)  # only the last pixel of each row is brighter than its left neighbour
    assert dhash(image) == "0101010101010101"


# --- idempotency -------------------------------------------------------------------------------------------------


def test_the_same_client_uuid_returns_the_same_photo(rep):
    key = uuid.uuid4()
    first, created = photo_upload(user=rep, file=upload(jpeg_bytes()), client_uuid=key)
    again, created_again = photo_upload(user=rep, file=upload(jpeg_bytes(pattern=2)), client_uuid=key)

    assert (created, created_again) == (True, False)
    assert again == first
    assert Photo.objects.count() == 1


def test_another_users_client_uuid_is_refused(rep, regions):
    key = uuid.uuid4()
    photo_upload(user=rep, file=upload(jpeg_bytes()), client_uuid=key)
    other = UserFactory(role=Role.SALES_REP, region=regions.sh)

    with pytest.raises(ValidationError) as caught:
        photo_upload(user=other, file=upload(jpeg_bytes()), client_uuid=key)

    assert caught.value.message_dict == {"client_uuid": ["This client UUID was already used for another upload."]}
    assert Photo.objects.count() == 1


def test_a_concurrent_upload_with_the_same_client_uuid_gives_one_photo(rep):
    """The other request committed between our look-up and our insert: the unique constraint answers, and we return
    the photo it stored (and drop our file)."""
    key = uuid.uuid4()
    theirs = PhotoFactory(uploaded_by=rep, client_uuid=key)
    real_lookup = photo_services._existing_by_client_uuid
    calls = []

    def lookup_before_they_committed(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_lookup(**kwargs)

    with mock.patch.object(photo_services, "_existing_by_client_uuid", side_effect=lookup_before_they_committed):
        photo, created = photo_upload(user=rep, file=upload(jpeg_bytes(pattern=3)), client_uuid=key)

    assert (photo, created) == (theirs, False)
    assert len(calls) == 2
    assert Photo.objects.count() == 1


# --- thumbnail ---------------------------------------------------------------------------------------------------


def test_thumbnail_is_made_once_with_the_longest_side_set(rep, settings):
    settings.PHOTO_THUMBNAIL_SIZE = 100
    photo, _created = photo_upload(user=rep, file=upload(encode(picture(size=(400, 300)))))

    assert photo_thumbnail_make(photo_id=photo.pk) is True
    assert photo_thumbnail_make(photo_id=photo.pk) is False

    photo.refresh_from_db()
    with Image.open(photo.thumbnail.open("rb")) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (100, 75))
    assert photo.thumbnail.name == f"photos/{photo.created_at:%Y/%m}/{photo.uuid.hex}_thumb.jpg"


def test_thumbnail_follows_the_exif_orientation(rep, settings):
    settings.PHOTO_THUMBNAIL_SIZE = 100
    photo, _created = photo_upload(user=rep, file=upload(exif_jpeg(orientation=6, size=(400, 300))))

    assert photo_thumbnail_make(photo_id=photo.pk) is True

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (400, 300)  # the stored original is untouched
    with Image.open(photo.thumbnail.open("rb")) as thumbnail:
        assert thumbnail.size == (75, 100)  # turned upright


def test_thumbnail_of_a_transparent_png(rep, settings):
    settings.PHOTO_THUMBNAIL_SIZE = 50
    photo, _created = photo_upload(user=rep, file=upload(encode(Image.new("RGBA", (200, 100), (0, 0, 0, 0)), "PNG")))

    assert photo_thumbnail_make(photo_id=photo.pk) is True

    photo.refresh_from_db()
    with Image.open(photo.thumbnail.open("rb")) as thumbnail:
        assert (thumbnail.format, thumbnail.size, thumbnail.getpixel((10, 10))) == ("JPEG", (50, 25), (255, 255, 255))


def test_thumbnail_of_a_missing_photo_does_nothing():
    assert photo_thumbnail_make(photo_id=987654) is False


# --- hostile inputs ----------------------------------------------------------------------------------------------


def bomb_png(width: int = 9400, height: int = 9400) -> bytes:
    """A transparent RGBA PNG of ``width`` × ``height`` written chunk by chunk (never held in memory decoded):
    9400 × 9400 is about 340 KB of file and 350 MB of pixels — under Pillow's own limit of about 89 MP."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 4)  # filter byte, then RGBA
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def never_decode(monkeypatch) -> None:
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"decoded a {self.size} picture")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_small_file_with_too_many_pixels_is_refused_before_decoding(rep, monkeypatch, settings):
    data = bomb_png()
    assert len(data) < settings.PHOTO_MAX_BYTES
    assert settings.PHOTO_MAX_PIXELS == 40_000_000
    never_decode(monkeypatch)

    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(data, name="shelf.png", content_type="image/png"))

    assert caught.value.message_dict == {
        "file": ["The picture is 9400 × 9400 pixels; at most 40 megapixels are accepted."]
    }
    assert not Photo.objects.exists()


def test_the_pixel_limit_is_the_setting(rep, settings):
    data = jpeg_bytes(size=(64, 48))
    settings.PHOTO_MAX_PIXELS = 64 * 48 - 1
    with pytest.raises(ValidationError) as caught:
        photo_upload(user=rep, file=upload(data))
    assert caught.value.message_dict == {
        "file": ["The picture is 64 × 48 pixels; at most 0.003071 megapixels are accepted."]
    }

    settings.PHOTO_MAX_PIXELS = 64 * 48
    assert photo_upload(user=rep, file=upload(data))[1] is True


def test_the_difference_hash_is_taken_on_a_reduced_copy(rep, monkeypatch):
    """A PNG is decoded once and reduced in place before the hash (and the EXIF turn) work on it."""
    sizes = []
    real_dhash = photo_services.dhash
    monkeypatch.setattr(photo_services, "dhash", lambda image: sizes.append(image.size) or real_dhash(image))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"  # Pillow writes no EXIF chunk into a PNG without a tag of its own
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:03:02 14:05:09"

    photo, _created = photo_upload(user=rep, file=upload(encode(picture(size=(2000, 1500)), "PNG", exif=exif)))

    assert sizes == [(256, 192)]
    assert photo.taken_at == datetime.datetime(2026, 3, 2, 6, 5, 9, tzinfo=datetime.UTC)
    assert (photo.width, photo.height) == (2000, 1500)


def test_the_thumbnail_task_refuses_a_stored_picture_above_the_limit(rep, monkeypatch, settings):
    photo, _created = photo_upload(user=rep, file=upload(jpeg_bytes(size=(64, 48))))
    settings.PHOTO_MAX_PIXELS = 1000  # an original stored before the limit was lowered
    never_decode(monkeypatch)

    assert photo_thumbnail_make(photo_id=photo.pk) is False

    photo.refresh_from_db()
    assert not photo.thumbnail


@pytest.mark.parametrize(
    ("taken", "offset"),
    [
        ("0001:01:01 00:00:00", None),
        ("0001:01:01 00:00:00", "+08:00"),
        ("9999:12:31 23:59:59", "-08:00"),
        ("9999:12:31 23:59:59", None),
        ("1989:12:31 23:59:59", "+08:00"),  # before digital phone cameras: a reset clock
    ],
)
def test_an_implausible_exif_date_is_dropped_not_a_crash(rep, taken, offset):
    photo, created = photo_upload(user=rep, file=upload(exif_jpeg(taken=taken, offset=offset)))

    photo.refresh_from_db()
    assert created is True
    assert photo.taken_at is None


def test_exif_dates_from_1990_to_a_day_ahead_are_kept(rep):
    tomorrow = timezone.localtime() + datetime.timedelta(hours=23)
    earliest, _created = photo_upload(user=rep, file=upload(exif_jpeg(taken="1990:01:01 00:00:00", offset="+00:00")))
    soon, _created = photo_upload(user=rep, file=upload(exif_jpeg(taken=f"{tomorrow:%Y:%m:%d %H:%M:%S}")))
    later = timezone.localtime() + datetime.timedelta(days=2)
    too_late, _created = photo_upload(user=rep, file=upload(exif_jpeg(taken=f"{later:%Y:%m:%d %H:%M:%S}")))

    assert earliest.taken_at == datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC)
    assert soon.taken_at == tomorrow.replace(microsecond=0)
    assert too_late.taken_at is None


def test_a_failed_save_removes_the_stored_file_and_reraises(rep):
    stored = []

    def failing_save(self, *args, **kwargs):
        stored.append(self.file.name)
        raise OverflowError("date value out of range")

    with mock.patch.object(Photo, "save", failing_save), pytest.raises(OverflowError):
        photo_upload(user=rep, file=upload(jpeg_bytes()))

    [name] = stored
    assert name.startswith("photos/")
    assert not default_storage.exists(name)
    assert not Photo.objects.exists()
