"""CSV files people open in spreadsheets: every text cell is neutralised against formula injection.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab or carriage return, which
some applications strip before looking) as a formula, e.g. ``=HYPERLINK("https://evil.example", "click")``.
Following OWASP's CSV injection guidance, such a text cell gets a leading ``'``, which makes it plain text; the
csv module quotes every cell that holds a separator, a quote or a line break, so no cell can start inside
another. Numbers we write ourselves (a rating, a year, an id) are left as they are.
"""

import csv
import io
from collections.abc import Iterable, Iterator

# OWASP's list, plus the full-width forms that some spreadsheet locales read as the ASCII ones.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Applications may trim these before reading a cell, so a trigger after them counts as the first character.
LEADING_BLANKS = " \t\r\n\u00a0\u3000"
BOM = "\ufeff"

Cell = str | int | float | None


def safe_cell(value: Cell) -> str:
    """The cell's text: ``None`` is empty, numbers as Python writes them, text with a ``'`` before a formula start."""
    if value is None:
        return ""
    if isinstance(value, bool):
        # A bool is an int to Python; a spreadsheet cell gets the words.
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip(LEADING_BLANKS)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def safe_row(values: Iterable[Cell]) -> list[str]:
    return [safe_cell(value) for value in values]


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> Iterator[str]:
    """The CSV text, one record at a time (lines end in ``\\r\\n``, as the csv module writes them): for a
    streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _with_header(header, rows):
        writer.writerow(safe_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> Iterator[Iterable[Cell]]:
    yield header
    yield from rows


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Cell]], *, bom: bool = False) -> bytes:
    """The whole CSV file, UTF-8 (with a byte order mark when ``bom``: spreadsheets then read it as UTF-8)."""
    text = "".join(csv_lines(header, rows))
    return ((BOM if bom else "") + text).encode("utf-8")
