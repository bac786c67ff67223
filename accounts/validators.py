import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_AVATAR_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# A few kilobytes of PNG can declare a gigapixel image, which every browser showing it would have to decode.
AVATAR_MAX_SIDE = 4096
RESERVED_USERNAMES = {"me", "register", "login", "logout", "token", "profile", "admin", "api"}


def validate_avatar(file) -> None:
    if getattr(file, "_committed", False):
        # Already in storage (e.g. an admin edit of another field): it was checked on upload, and the
        # stored file may be gone or the limit may have changed since; neither should block the edit.
        return
    if file.size > settings.AVATAR_MAX_BYTES:
        limit = filesizeformat(settings.AVATAR_MAX_BYTES).replace("\xa0", " ")
        raise ValidationError(f"Avatar must be at most {limit}.")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format, sides = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError("Avatar must be a valid image file.") from None
    finally:
        file.seek(position)
    if max(sides) > AVATAR_MAX_SIDE:
        raise ValidationError(f"Avatar must be at most {AVATAR_MAX_SIDE} x {AVATAR_MAX_SIDE} pixels.")
    if image_format not in ALLOWED_AVATAR_FORMATS:
        allowed = ", ".join(sorted(ALLOWED_AVATAR_FORMATS))
        raise ValidationError(f"Avatar must be one of {allowed}, got {image_format}.")


def validate_username_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(f"'{value}' is reserved; choose another username.")


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in _time_zones():
        raise ValidationError("Unknown time zone: use an IANA name such as Europe/Paris.", code="invalid")
