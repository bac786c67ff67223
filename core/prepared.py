"""Hot-path queries compiled to SQL once per database connection, then only executed.

Django compiles a queryset to SQL every time it is evaluated. For the small lookups that nearly every request
makes (the authenticated user, a user's reviews) that compilation costs several times the query itself. A
PreparedQuery builds its queryset once per connection with placeholder values, keeps the SQL and Django's
converters for its columns, and from then on substitutes the real values and executes; rows come back exactly as
the queryset would give them.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per SQL parameter: (value name, position in that list value or None), or None for a constant of the queryset.
    slots: tuple[tuple[str, int | None] | None, ...]
    constants: tuple[Any, ...]
    columns: tuple[str, ...]
    compiler: Any
    converters: dict


class PreparedQuery:
    """``build(**values)`` -> a queryset (model rows without select_related, or values_list()), run for new values
    without compiling it again.

    ``placeholders`` gives each value a sample of its type that appears nowhere else in the query; it is how a
    parameter of the compiled SQL is recognised as that value. A list sample (``ids=[-1]``, for ``pk__in=ids``)
    stands for a list of integers: the query is compiled once per list length, with samples counting down from it.
    """

    def __init__(self, build: Callable[..., QuerySet], *, using: str = "default", **placeholders: Any) -> None:
        self.build = build
        self.using = using
        self.placeholders = placeholders
        self._local = threading.local()

    def _samples(self, lengths: dict[str, int]) -> dict[str, Any]:
        return {
            name: [sample[0] - index for index in range(lengths[name])] if isinstance(sample, list) else sample
            for name, sample in self.placeholders.items()
        }

    def _compiled(self, values: dict[str, Any]) -> _Compiled:
        """The compiled form for these values' list lengths, on this thread's connection."""
        # Per thread, as connections are: a compiler and its converters belong to one connection.
        connection = connections[self.using]
        if getattr(self._local, "connection", None) is not connection:
            self._local.connection, self._local.compiled = connection, {}
        lengths = {name: len(values[name]) for name, sample in self.placeholders.items() if isinstance(sample, list)}
        shape = tuple(sorted(lengths.items()))
        if shape not in self._local.compiled:
            self._local.compiled[shape] = self._compile(self._samples(lengths))
        return self._local.compiled[shape]

    def _compile(self, samples: dict[str, Any]) -> _Compiled:
        queryset = self.build(**samples)
        compiler = queryset.query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        if compiler.klass_info and compiler.klass_info.get("related_klass_infos"):
            raise ValueError("PreparedQuery does not support select_related()")
        names: dict[tuple[type, Any], tuple[str, int | None]] = {}
        for name, sample in samples.items():
            if isinstance(sample, list):
                names.update({_key(value): (name, index) for index, value in enumerate(sample)})
            else:
                names[_key(sample)] = (name, None)
        slots = tuple(names.get(_key(param)) if _hashable(param) else None for param in params)
        if sorted(filter(None, slots)) != sorted(names.values()):
            raise ValueError(f"each placeholder must appear exactly once among the parameters {params!r}")
        expressions = [column for column, _, _ in compiler.select]
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=tuple(params),
            columns=tuple(getattr(getattr(column, "target", None), "attname", "") for column in expressions),
            compiler=compiler,
            converters=compiler.get_converters(expressions),
        )

    def rows(self, **values: Any) -> list[list]:
        """The query's rows for ``values``, as lists of converted column values."""
        compiled = self._compiled(values)
        params = [
            constant if slot is None else values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]]
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        ]
        with connections[self.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return [list(row) for row in rows]

    def first(self, model: type[Model], **values: Any) -> Model | None:
        """The first row as a ``model`` instance (the queryset must select model rows), or None."""
        rows = self.rows(**values)
        if not rows:
            return None
        return model.from_db(self.using, list(self._compiled(values).columns), rows[0])


def _key(value: Any) -> tuple[type, Any]:
    # 1 == True == 1.0 in Python; a placeholder only matches a parameter of its own type.
    return type(value), value


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
