"""Writes for field photos: the upload (validated, hashed, its EXIF evidence kept, re-use across days flagged) and
the thumbnail made afterwards by a Celery task.

Nothing of what the client says about the file is trusted: the type and extension are what Pillow finds in the
bytes, the stored name is generated (``feedback.models.photo_upload_to``), and only JPEG, PNG and WebP are kept.
"""

import datetime
import hashlib
import io
import logging
import struct
import uuid
import warnings
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from accounts.models import User

from ..models import Photo
from ..permissions import can_upload_photos

logger = logging.getLogger(__name__)

# Pillow's format name → (content type, extension). Anything else is refused.
ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
# Hashes of pictures with no structure at all (a flat colour, a plain gradient): every such picture has them, so they
# say nothing about re-use.
DEGENERATE_DHASHES = frozenset({"0" * 16, "f" * 16})
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_OFFSET_TIME_ORIGINAL = 0x9011
_GPS_LATITUDE_REF, _GPS_LATITUDE, _GPS_LONGITUDE_REF, _GPS_LONGITUDE = 1, 2, 3, 4
_MICRODEGREE = Decimal("0.000001")


# --- reading the image -------------------------------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _read_upload(file) -> bytes:
    limit = settings.PHOTO_MAX_BYTES
    too_big = _("The photo is larger than %(size)s.") % {"size": filesizeformat(limit)}
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _refuse(too_big)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _refuse(too_big)
    if not data:
        raise _refuse(_("The file is empty."))
    return data


def _not_an_image() -> ValidationError:
    return _refuse(_("This file is not a photo. Upload a JPEG, PNG or WebP image."))


def _too_many_pixels(width: int, height: int) -> ValidationError:
    limit = settings.PHOTO_MAX_PIXELS
    return _refuse(
        _("The picture is %(width)s × %(height)s pixels; at most %(megapixels)s megapixels are accepted.")
        % {"width": width, "height": height, "megapixels": f"{limit / 1_000_000:g}"}
    )


def _open(data: bytes) -> Image.Image:
    """Open ``data`` as an image of an allowed format and size; only the header is read, the pixels are not
    decoded yet. Every path that decodes an upload or a stored original goes through here."""
    try:
        with warnings.catch_warnings():
            # Between Pillow's limit and twice it, Image.open only warns; the size checks below refuse those.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise _refuse(_("The picture has too many pixels.")) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise _not_an_image() from error
    if image.format not in ALLOWED_FORMATS:
        image.close()
        raise _refuse(
            _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP photo.") % {"format": image.format}
        )
    # Refused before the pixels are decoded: a "decompression bomb" is a small file that takes gigabytes of memory
    # (a 9400 × 9400 RGBA PNG of 370 KB decodes to 350 MB, and every copy made while working on it as much again).
    # PHOTO_MAX_PIXELS (40 MP) is above phone cameras; Pillow's own limit (about 89 MP) stays as a backstop.
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise _not_an_image()
    if width * height > settings.PHOTO_MAX_PIXELS:
        image.close()
        raise _too_many_pixels(width, height)
    pillow_limit = Image.MAX_IMAGE_PIXELS
    if pillow_limit is not None and width * height > pillow_limit:
        image.close()
        raise _refuse(_("The picture has too many pixels."))
    return image


def _check(data: bytes) -> tuple[str, int, int]:
    """The Pillow format, width and height of ``data`` after checking it is a whole image of an allowed type."""
    image = _open(data)
    try:
        image_format, (width, height) = image.format, image.size
        image.verify()  # the file's structure (checksums, chunks), without decoding the pixels
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _not_an_image() from error
    finally:
        image.close()
    return image_format, width, height


def dhash(image: Image.Image) -> str:
    """A 64-bit difference hash: the picture in grey, 9×8 pixels; each bit says whether a pixel is darker than its
    right-hand neighbour. A resized or re-compressed copy keeps (almost always) the same hash. 16 hex digits."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = [small.getpixel((x, y)) for y in range(8) for x in range(9)]
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (1 if left < right else 0)
    return f"{bits:016x}"


_HASH_SIZE = 256  # the hash is taken on a copy this small at most: plenty for a 9×8 grid
_ORIENTATION = 0x0112
# EXIF orientation → the turn that shows the picture upright (what ImageOps.exif_transpose does).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _read_exif(image: Image.Image) -> Image.Exif | None:
    """The EXIF of a decoded image (a PNG's EXIF chunk may follow the pixels, hence after ``load``)."""
    try:
        return image.getexif()
    except (OSError, ValueError, KeyError, TypeError, SyntaxError, struct.error):
        return None  # garbled EXIF is no evidence, and no reason to refuse the photo


def _reduced_upright(image: Image.Image, *, size: int, exif: Image.Exif | None) -> Image.Image:
    """The decoded ``image`` reduced in place to fit ``size`` × ``size`` (so the full size is let go before any
    other work), then turned upright as its EXIF orientation says. Palette, 1-bit, 16-bit and CMYK pictures are
    converted first (keeping transparency): they do not resample smoothly as they are."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    orientation = exif.get(_ORIENTATION) if exif is not None else None
    method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _picture_evidence(data: bytes) -> tuple[str, Image.Exif | None]:
    """The dHash of the picture as it is shown (EXIF orientation applied) and its EXIF, from one opening of the
    file (size-checked by ``_open``). A JPEG is decoded at a reduced scale; a PNG or WebP is decoded once, within
    PHOTO_MAX_PIXELS, and reduced before anything else is done with it. A truncated file that passed ``verify``
    is refused here, when its pixels are decoded."""
    image = _open(data)
    try:
        image.draft("L", (_HASH_SIZE, _HASH_SIZE))  # JPEG: decode at 1/2 … 1/8 scale, fast even for a 40 MP photo
        image.load()
        exif = _read_exif(image)
        return dhash(_reduced_upright(image, size=_HASH_SIZE, exif=exif)), exif
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _not_an_image() from error
    finally:
        image.close()


# --- EXIF evidence -----------------------------------------------------------------------------------------------


def _exif_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip("\x00 ")


_EARLIEST_TAKEN = datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC)
_CLOCK_AHEAD = datetime.timedelta(days=1)


def exif_taken_at(exif: Image.Exif) -> datetime.datetime | None:
    """When the picture was taken, if the camera says so plausibly; else None."""
    # A camera with a reset or garbled clock says 0001-01-01 or 9999-12-31: that is no evidence of a time (and
    # such a date cannot even be stored, nor compared, once moved by its offset to UTC).
    try:
        taken = _exif_datetime(exif)
        plausible = taken is not None and _EARLIEST_TAKEN <= taken <= timezone.now() + _CLOCK_AHEAD
    except (OverflowError, ValueError):
        return None
    return taken if plausible else None


def _exif_datetime(exif: Image.Exif) -> datetime.datetime | None:
    """DateTimeOriginal with OffsetTimeOriginal when the camera wrote it, else in the company's time zone."""
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except (KeyError, ValueError, TypeError, OSError):
        return None
    text = _exif_text(details.get(_EXIF_DATETIME_ORIGINAL))
    try:
        # EXIF keeps the wall-clock time; its zone is in OffsetTimeOriginal, applied below.
        taken = datetime.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    offset = _exif_text(details.get(_EXIF_OFFSET_TIME_ORIGINAL))  # "+08:00"
    try:
        if offset[0] not in "+-":
            raise ValueError(offset)
        hours, minutes = offset[1:].split(":")
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes))
        return taken.replace(tzinfo=datetime.timezone(-delta if offset[0] == "-" else delta))
    except (IndexError, ValueError):  # no offset (or a garbled one): the camera's clock was on company time
        return timezone.make_aware(taken, timezone.get_default_timezone())


def _degrees(value, reference, *, negative: str, limit: int) -> Decimal | None:
    try:
        degrees, minutes, seconds = (
            Fraction(part.numerator, part.denominator) if hasattr(part, "denominator") else Fraction(part)
            for part in value
        )
        number = degrees + minutes / 60 + seconds / 3600
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    result = Decimal(number.numerator) / Decimal(number.denominator)
    if _exif_text(reference).upper() == negative:
        result = -result
    if not -limit <= result <= limit:
        return None
    return result.quantize(_MICRODEGREE, rounding=ROUND_HALF_UP)


def exif_gps(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    """The EXIF GPS position in decimal degrees (north and east positive), or (None, None)."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, ValueError, TypeError, OSError):
        return None, None
    if _GPS_LATITUDE not in gps or _GPS_LONGITUDE not in gps:
        return None, None
    latitude = _degrees(gps[_GPS_LATITUDE], gps.get(_GPS_LATITUDE_REF), negative="S", limit=90)
    longitude = _degrees(gps[_GPS_LONGITUDE], gps.get(_GPS_LONGITUDE_REF), negative="W", limit=180)
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


# --- upload ------------------------------------------------------------------------------------------------------


def _earlier_copy(*, sha256: str, picture_hash: str, now: datetime.datetime) -> Photo | None:
    """The earliest photo with the same bytes or the same picture uploaded before today (company time): a photo
    taken again on the same day is not a re-use."""
    company_time = timezone.get_default_timezone()
    start_of_today = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now, company_time), datetime.time.min), company_time
    )
    same = Q(sha256=sha256)
    if picture_hash not in DEGENERATE_DHASHES:
        same |= Q(dhash=picture_hash)
    return Photo.objects.filter(same, created_at__lt=start_of_today).order_by("created_at", "pk").first()


def _existing_by_client_uuid(*, user: User, client_uuid: uuid.UUID) -> Photo | None:
    photo = Photo.objects.filter(client_uuid=client_uuid).first()
    if photo is not None and photo.uploaded_by_id != user.pk:
        raise ValidationError({"client_uuid": _("This client UUID was already used for another upload.")})
    return photo


def photo_upload(*, user: User, file, client_uuid: uuid.UUID | None = None) -> tuple[Photo, bool]:
    """Store an uploaded photo; returns it and whether it was created.

    The same ``client_uuid`` sent again by the same user returns the photo stored the first time (``created`` is
    False), also when the two requests arrive at once. Raises ``PermissionDenied`` for users who file no reports
    and ``ValidationError`` keyed by "file" (or "client_uuid") for bad input. The thumbnail is made by
    ``feedback.tasks.photo_thumbnail_make`` once the transaction commits.
    """
    if not can_upload_photos(user):
        raise PermissionDenied(_("Your role does not upload field photos."))
    if client_uuid is not None:
        existing = _existing_by_client_uuid(user=user, client_uuid=client_uuid)
        if existing is not None:
            return existing, False

    data = _read_upload(file)
    image_format, width, height = _check(data)
    picture_hash, exif = _picture_evidence(data)
    content_type, extension = ALLOWED_FORMATS[image_format]
    taken_at = exif_taken_at(exif) if exif is not None else None
    latitude, longitude = exif_gps(exif) if exif is not None else (None, None)
    sha256 = hashlib.sha256(data).hexdigest()
    now = timezone.now()

    photo = Photo(
        uploaded_by=user,
        region_id=user.region_id,
        client_uuid=client_uuid,
        created_at=now,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=sha256,
        dhash=picture_hash,
        taken_at=taken_at,
        gps_latitude=latitude,
        gps_longitude=longitude,
        reused_from=_earlier_copy(sha256=sha256, picture_hash=picture_hash, now=now),
    )
    # The name passed here is ignored: upload_to builds it from the date and the photo's own uuid.
    photo.file.save(f"upload.{extension}", ContentFile(data), save=False)
    photo.width, photo.height = width, height  # as stored (the thumbnail turns the picture upright)
    try:
        with transaction.atomic():
            photo.save()
            _enqueue_thumbnail(photo.pk)
    except IntegrityError:
        photo.file.storage.delete(photo.file.name)  # the row was not kept: neither is its file
        if client_uuid is None:
            raise
        # The same client_uuid committed by a concurrent request meanwhile: that one is the upload.
        existing = _existing_by_client_uuid(user=user, client_uuid=client_uuid)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        photo.file.storage.delete(photo.file.name)  # whatever went wrong, the file of a row not kept goes too
        raise
    return photo, True


def _enqueue_thumbnail(photo_id: int) -> None:
    from ..tasks import photo_thumbnail_make as task

    task.delay_on_commit(photo_id)


# --- thumbnail ---------------------------------------------------------------------------------------------------


def _thumbnail_bytes(data: bytes, *, size: int) -> bytes:
    """The thumbnail JPEG. The original is size-checked like an upload (one stored before a lower limit is not
    decoded), decoded at a reduced scale when it is a JPEG, and reduced before it is turned upright and flattened
    onto white, so no full-size copy is made."""
    with _open(data) as image:
        image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale
        image.load()
        shown = _reduced_upright(image, size=size, exif=_read_exif(image))
        if shown.mode in ("RGBA", "LA"):
            rgba = shown.convert("RGBA")
            shown = Image.new("RGB", rgba.size, (255, 255, 255))
            shown.paste(rgba, mask=rgba.getchannel("A"))
        else:
            shown = shown.convert("RGB")
        buffer = io.BytesIO()
        shown.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


@transaction.atomic
def photo_thumbnail_make(*, photo_id: int) -> bool:
    """Make the photo's thumbnail: a JPEG whose longest side is ``PHOTO_THUMBNAIL_SIZE``, turned upright as the
    EXIF orientation says. Returns False (and does nothing) when the photo is gone or already has one; the row is
    locked, so two runs at once make one thumbnail."""
    photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return False
    try:
        with photo.file.open("rb") as original:
            data = original.read()
    except FileNotFoundError:
        logger.warning("Photo %s: the original file %s is missing; no thumbnail.", photo.pk, photo.file.name)
        return False
    try:
        thumbnail = _thumbnail_bytes(data, size=settings.PHOTO_THUMBNAIL_SIZE)
    except ValidationError as refusal:  # too many pixels (or no longer an accepted image)
        logger.warning("Photo %s: the original is refused (%s); no thumbnail.", photo.pk, refusal.messages[0])
        return False
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("Photo %s: the original cannot be decoded; no thumbnail.", photo.pk)
        return False
    photo.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
    photo.save(update_fields=["thumbnail"])
    return True
