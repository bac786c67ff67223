"""What every reader shares: CSV records with their row numbers, column checks, and the field parsers that turn a
bad value into a skipped row rather than a failed import."""

import csv
import datetime
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from imports.history.rows import Fact, FilmRef, HistoryRow

Reader = Callable[[TextIO, str], Iterator[HistoryRow]]

YEAR_RE = re.compile(r"^\d{4}$")
YES = frozenset({"yes", "true", "y", "1"})


class FormatError(Exception):
    """The file is not in the format it claims (unknown columns, a broken structure): the whole upload is refused.
    ``code`` is a short slug, ``message`` a sentence naming the file."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SkipRow(Exception):
    """A value a row cannot be imported with: the row is kept, counted as skipped, with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def csv_records(stream: TextIO) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with its row number (the first record is row 1), however many lines its quoted fields span."""
    return enumerate(csv.reader(stream), start=1)


def is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def as_dict(header: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    """The record's cells by column; missing trailing cells read as empty."""
    return {column: (cells[index].strip() if index < len(cells) else "") for index, column in enumerate(header)}


def read_header(stream: TextIO) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The first record's column names (stripped) and the records after it; no columns for an empty file."""
    records = csv_records(stream)
    _, header = next(records, (0, []))
    return [column.strip() for column in header], records


def dict_rows(header: Sequence[str], records: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank record as a dict by column, with its row number."""
    for line, cells in records:
        if not is_blank(cells):
            yield line, as_dict(header, cells)


def checked_rows(
    stream: TextIO, file: str, columns: Sequence[str], required: Sequence[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file whose header must hold only ``columns`` and all of ``required`` (default: all)."""
    header, records = read_header(stream)
    if not header:
        return
    check_columns(file, header, columns, columns if required is None else required, columns)
    yield from dict_rows(header, records)


def check_columns(
    file: str, header: Sequence[str], known: Iterable[str], required: Iterable[str], expected: Sequence[str]
) -> None:
    """Refuse a header with columns the format does not have, or without the ones it needs."""
    known_set = set(known)
    unknown = [column for column in header if column not in known_set]
    missing = [column for column in required if column not in header]
    problems = []
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown) or '(empty)'}")
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if problems:
        raise FormatError("unknown_headers", f"{file}: {'; '.join(problems)}; expected {','.join(expected)}")


def guarded_row(file: str, line: int, fact: Fact, film: FilmRef, build: Callable[[], HistoryRow]) -> HistoryRow:
    """The row ``build`` makes, or the same row marked skipped when one of its values cannot be imported."""
    try:
        return build()
    except SkipRow as skip:
        return HistoryRow(file=file, line=line, fact=fact, film=film, skip_reason=skip.reason)


def parse_rating(raw: str | float | int | None, scale: float = 1.0) -> float | None:
    """A rating on the source's scale (``scale`` 2: out of ten) in half stars; empty means no rating."""
    if raw is None or raw == "":
        return None
    span = "1 to 10" if scale == 2 else "0.5 to 5 in half stars"
    try:
        value = float(raw) / scale
    except (TypeError, ValueError):
        raise SkipRow(f"rating {raw!r} is not a number") from None
    if isinstance(raw, bool) or not math.isfinite(value) or not 0.5 <= value <= 5 or not (value * 2).is_integer():
        raise SkipRow(f"rating {raw!r} is not {span}")
    return value


def parse_date(raw: str, what: str = "date") -> datetime.date | None:
    """An ISO date (``YYYY-MM-DD``); empty means none."""
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise SkipRow(f"bad {what} {raw!r}") from None


def parse_datetime(raw: object, what: str = "date") -> datetime.datetime | None:
    """An ISO 8601 date and time, made aware (UTC when it carries no offset); empty means none."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise SkipRow(f"bad {what} {raw!r}")
    try:
        moment = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise SkipRow(f"bad {what} {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def parse_year(raw: str | int | None) -> int | None:
    """A four-digit year, or None for anything else (a missing or odd year only makes matching harder)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1000 <= raw <= 9999 else None
    text = str(raw or "").strip()
    return int(text) if YEAR_RE.match(text) else None


def parse_int(raw: object) -> int | None:
    """A positive whole number (an id, a position), or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if raw > 0 else None
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def is_yes(raw: str | bool | None) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in YES


def split_tags(raw: str) -> tuple[str, ...]:
    return tuple(tag.strip() for tag in raw.split(",") if tag.strip())
