"""Names for the few explicit SQL statements that hot selectors run instead of an ORM query."""

from django.db import connection, connections, router
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field_name: str, *, qualified: bool = False) -> str:
    """The field's column, as ``"table"."column"`` when ``qualified`` (for joins)."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{field_name} is not a column")
    name = connection.ops.quote_name(field.column)
    return f"{table(model)}.{name}" if qualified else name


def columns(model: type[Model]) -> str:
    """Every concrete column, in field order, as Model.from_db and raw() expect them."""
    return ", ".join(column(model, field.name) for field in model._meta.concrete_fields)


def reading(model: type[Model]) -> CursorWrapper:
    """A cursor on the database Django reads ``model`` from: the replica when one is routed (core.replica), as the
    ORM's own reads do."""
    return connections[router.db_for_read(model)].cursor()
