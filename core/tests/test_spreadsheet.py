"""CSV cells are neutralised against spreadsheet formula injection (OWASP's CSV injection guidance)."""

import csv
import io

import pytest

from core.spreadsheet import csv_bytes, csv_lines, safe_cell, safe_row


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example","click")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "=",
        "\uff1d1+1",  # a full-width equals sign
    ],
)
def test_text_starting_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", [" =1+1", "  +1", "\n@x", "\u00a0-1", " \t=cmd"])
def test_a_formula_after_leading_blanks_is_caught_too(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Heat", "3 Idiots", "tt0113277", "2024-05-01", "a = b", "e-mail me", "Wall-E", "'quoted"]
)
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(("value", "cell"), [(3.5, "3.5"), (1999, "1999"), (-1, "-1"), (-0.5, "-0.5"), (None, "")])
def test_numbers_we_write_stay_numbers_and_none_is_empty(value, cell):
    assert safe_cell(value) == cell


def test_bools_are_words():
    assert safe_row([True, False]) == ["true", "false"]


def read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_bytes_neutralises_every_cell_and_reads_back():
    rows = [["=cmd|' /C calc'!A0", 1999, None], ["Amélie", 2001, 'line one\nline two, "quoted"']]

    data = csv_bytes(["Title", "Year", "Review"], rows)

    assert read(data) == [
        ["Title", "Year", "Review"],
        ["'=cmd|' /C calc'!A0", "1999", ""],
        ["Amélie", "2001", 'line one\nline two, "quoted"'],
    ]
    assert data.endswith(b"\r\n")
    assert not data.startswith(b"\xef\xbb\xbf")


def test_a_separator_cannot_start_a_new_cell_with_a_formula():
    data = csv_bytes(["A"], [["harmless,=1+1"], ['x";=1+1']])

    assert read(data) == [["A"], ["harmless,=1+1"], ['x";=1+1']]


def test_the_bom_is_optional():
    data = csv_bytes(["A"], [["é"]], bom=True)

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "A\r\né\r\n"


def test_csv_lines_yields_one_record_at_a_time():
    lines = list(csv_lines(["A", "B"], iter([["+1", 2], ["x", None]])))

    assert lines == ["A,B\r\n", "'+1,2\r\n", "x,\r\n"]
