"""Fast output for read-heavy serializers, derived from each serializer's own fields.

DRF builds a serializer's fields anew for every serializer instance and walks them for every object; on a page of
20-100 rows that is most of a read's time. A serializer with ``FastRepresentationMixin`` renders through the same
fields, built once per class: values of the plain field types (numbers, text, ISO dates and times, primary keys,
nested serializers of the same kind) are converted directly, and every other field goes through its own
``get_attribute`` and ``to_representation``. Tests hold the output equal to DRF's for every such serializer.

Only for serializers whose fields do not depend on the request or the context.
"""

import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

Render = Callable[[Any], Any]
Step = tuple[str, Render, Render]  # field name, read the value, convert a value that is not None
SerializerClass = type[serializers.Serializer]

_PLAIN: dict[type[serializers.Field], Render] = {
    serializers.IntegerField: int,
    serializers.FloatField: float,
    serializers.CharField: str,
    serializers.SlugField: str,
    serializers.URLField: str,
}


class FastRepresentationMixin:
    def to_representation(self, instance: Any) -> dict[str, Any]:
        return _render(type(self), instance)  # type: ignore[arg-type]  # mixed into serializers only


def _render(serializer_class: SerializerClass, instance: Any) -> dict[str, Any]:
    """As DRF's Serializer.to_representation: a field whose reading raises SkipField is left out; None stays None."""
    rendered = {}
    for name, read, convert in _steps(serializer_class):
        try:
            value = read(instance)
        except SkipField:
            continue
        rendered[name] = None if value is None else convert(value)
    return rendered


@functools.cache
def _steps(serializer_class: SerializerClass) -> list[Step]:
    fields = [field for field in serializer_class().fields.values() if not field.write_only]
    for field in fields:
        if isinstance(field, serializers.SerializerMethodField):
            # Its method would run on a serializer made without the request's context.
            raise ImproperlyConfigured(f"{serializer_class.__name__}.{field.field_name}: method fields cannot be fast")
    return [(str(field.field_name), _reader(field), _converter(field)) for field in fields]


def _reader(field: serializers.Field) -> Callable[[Any], Any]:
    if isinstance(field, serializers.PrimaryKeyRelatedField) or field.source == "*":
        return _drf_reader(field)
    attribute = operator.attrgetter(str(field.source))
    drf_read = _drf_reader(field)

    def read(instance: Any) -> Any:
        try:
            value = instance[field.source] if isinstance(instance, Mapping) else attribute(instance)
        except Exception:  # a mapping, a missing attribute, a related object that does not exist: DRF decides
            return drf_read(instance)
        return drf_read(instance) if callable(value) and not isinstance(value, BaseManager) else value

    return read


def _drf_reader(field: serializers.Field) -> Callable[[Any], Any]:
    def read(instance: Any) -> Any:
        value = field.get_attribute(instance)
        return value.pk if isinstance(value, PKOnlyObject) and value.pk is None else value

    return read


def _converter(field: serializers.Field) -> Render:
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, FastRepresentationMixin):
        child_class = type(field.child)
        return lambda items: [_render(child_class, item) for item in _iterable(items)]
    if isinstance(field, FastRepresentationMixin):
        return functools.partial(_render, type(field))  # type: ignore[arg-type]
    if type(field) is serializers.DateTimeField and _iso(field, api_settings.DATETIME_FORMAT) and _local_time(field):
        return functools.partial(_iso_datetime, field)
    if type(field) is serializers.DateField and _iso(field, api_settings.DATE_FORMAT):
        return _iso_date
    return _PLAIN.get(type(field), field.to_representation)


def _iterable(items: Any) -> Any:
    return items.all() if isinstance(items, BaseManager) else items


def _iso(field: serializers.Field, default: str | None) -> bool:
    output_format = getattr(field, "format", default)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _local_time(field: serializers.Field) -> bool:
    """DRF writes the field's datetimes in the current time zone."""
    return settings.USE_TZ and getattr(field, "timezone", None) is None


def _iso_datetime(field: serializers.Field, value: Any) -> Any:
    if isinstance(value, str) or not timezone.is_aware(value):
        return field.to_representation(value)
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _iso_date(value: Any) -> Any:
    return value if isinstance(value, str) else value.isoformat()
