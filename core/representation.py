"""Hand-written representations for the hottest read paths.

DRF builds a serializer's fields and walks them per object; for lists of 20-100 rows that is most
of a request's time. The serializers below keep DRF for validation and the OpenAPI schema, and
write their output directly. Tests compare each against DRF's generic output so they cannot drift.
"""

import datetime

from django.utils import timezone


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """As DRF renders it: in the current time zone, with "Z" for UTC."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
