"""Open an uploaded history file: check it whole before any job starts (size, ZIP safety, text, every header it
will read), tell which service it comes from, count its rows, and then stream them, from any row on.

A ZIP is never extracted: its members are read in memory through a guard that counts the bytes really unpacked
(a member's header can lie about its size) and refuses NUL bytes."""

import codecs
import contextlib
import csv
import io
import itertools
import json
import re
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, TextIO

from imports.history import readers
from imports.history.readers import flixreview, imdb, letterboxd, trakt
from imports.history.readers.common import FormatError, csv_records
from imports.history.rows import HistoryRow, Source

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

MB = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHECK_CHUNK = 1024 * 1024
DRIVE_RE = re.compile(r"^[A-Za-z]:")
SOURCE_NAMES = {
    Source.LETTERBOXD: "Letterboxd",
    Source.IMDB: "IMDb",
    Source.TRAKT: "Trakt",
    Source.FLIXREVIEW: "FlixReview",
}


class UploadRefused(Exception):
    """The upload cannot be imported. ``message`` says why in a sentence naming the file or member; ``code`` is a
    short slug (``too_large``, ``zip_bomb``, ``unsafe_path``, ``too_many_members``, ``binary``, ``unknown_headers``,
    ``unknown_format``, ``ambiguous_file``, ``empty``, ``bad_zip``, ``encrypted``, ``bad_csv``, ``mixed_sources``,
    ``source_mismatch``, ``unknown_source``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class HistoryFile:
    name: str  # the member's path inside the export (without a top folder), or the uploaded file's name
    kind: str  # a key of readers.KINDS: "ratings", "diary", "imdb_ratings", "trakt_history", "export_json", ...
    rows: int


@dataclass(frozen=True)
class _Member:
    name: str  # as rows name it
    path: str | None  # the ZIP entry to open; None: the upload is this one file
    kind: str


class Upload:
    """A checked upload: its source, the files that will be read (in reading order) with their row counts, and
    the members skipped on purpose."""

    def __init__(self, name: str, source: Source, data: bytes, members: Sequence[_Member], ignored: list[str]):
        self.name = name
        self.source = source
        self.ignored = ignored
        self._data = data
        self._members = list(members)
        with _Opened(data) as opened:
            self.files = [HistoryFile(m.name, m.kind, sum(1 for _ in opened.rows(m))) for m in self._members]

    def __repr__(self) -> str:
        return f"<Upload {self.name} {self.source}: {self.total_rows} rows in {len(self.files)} files>"

    @property
    def total_rows(self) -> int:
        return sum(file.rows for file in self.files)

    def rows(self, start: int = 0) -> Iterator[HistoryRow]:
        """Every row of every file in reading order, after the first ``start`` (a job's checkpoint)."""
        start = max(start, 0)
        with _Opened(self._data) as opened:
            for member, file in zip(self._members, self.files, strict=True):
                if start >= file.rows:
                    start -= file.rows
                    continue
                yield from itertools.islice(opened.rows(member), start, None)
                start = 0


def open_upload(data: bytes, name: str, source: Source | None = None) -> Upload:
    """Check an upload whole and open it; :class:`UploadRefused` says what is wrong with it."""
    given = _given_source(source)
    name = PurePosixPath(name.replace("\\", "/")).name or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        message = f"{name} is {_size(len(data))}; uploads are limited to {_size(MAX_UPLOAD_BYTES)}"
        raise UploadRefused("too_large", message)
    if not data.strip():
        raise UploadRefused("empty", f"{name} is empty")
    if data[:4] in ZIP_MAGIC:
        detected, members, ignored = _plan_zip(data, name, given)
    else:
        detected, members, ignored = _plan_file(data, name, given)
    return Upload(name, detected, data, members, ignored)


def _given_source(source: Source | str | None) -> Source | None:
    if source is None or source == "":
        return None
    try:
        return Source(source)
    except ValueError:
        choices = ", ".join(s.value for s in Source)
        raise UploadRefused("unknown_source", f"unknown source {source!r}; choose one of {choices}") from None


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size} bytes"


# Reading, guarded ---------------------------------------------------------------------------------------------


class _Budget:
    """The bytes an upload may still unpack: the limit holds for what is really read, whatever headers declare."""

    def __init__(self) -> None:
        self.left = MAX_UNCOMPRESSED_BYTES

    def spend(self, size: int, file: str) -> None:
        self.left -= size
        if self.left < 0:
            raise UploadRefused(
                "zip_bomb", f"{file}: the upload unpacks to more than {_size(MAX_UNCOMPRESSED_BYTES)}; refused"
            )


class _Guarded(io.RawIOBase):
    """A member's bytes, counted against the budget as they are unpacked, refused at the first NUL byte."""

    def __init__(self, raw: IO[bytes], file: str, budget: _Budget) -> None:
        super().__init__()
        self._raw = raw
        self._file = file
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(len(view))
        self._budget.spend(len(data), self._file)
        if b"\0" in data:
            raise _binary(self._file)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _binary(file: str) -> UploadRefused:
    return UploadRefused(
        "binary", f"{file} is not a text file (it holds NUL bytes); upload the export's ZIP, CSV or JSON as it is"
    )


class _Opened:
    """The upload's bytes opened for one pass: a ZIP or one file, with its own budget."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._budget = _Budget()
        self._zip = zipfile.ZipFile(io.BytesIO(data)) if data[:4] in ZIP_MAGIC else None

    def __enter__(self) -> "_Opened":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def text(self, name: str, path: str | None) -> TextIO:
        """A member (or the file) as UTF-8 text, with or without a BOM, lines as they are (for quoted newlines)."""
        raw = io.BytesIO(self._data) if self._zip is None or path is None else self._zip.open(path)
        guarded = io.BufferedReader(_Guarded(raw, name, self._budget))
        return io.TextIOWrapper(guarded, encoding="utf-8-sig", newline="")

    def rows(self, member: _Member) -> Iterator[HistoryRow]:
        with _refusing(member.name), self.text(member.name, member.path) as stream:
            yield from readers.read(member.kind, stream, member.name)

    def first_record(self, name: str, path: str | None) -> list[str] | None:
        """A CSV's first record, or None when it cannot be read as text."""
        try:
            with self.text(name, path) as stream:
                return next(csv_records(stream), (0, []))[1]
        except UploadRefused as refused:
            if refused.code != "binary":
                raise
        except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            pass
        return None


@contextlib.contextmanager
def _refusing(file: str) -> Iterator[None]:
    """Say what went wrong reading ``file`` as an :class:`UploadRefused`."""
    try:
        yield
    except FormatError as error:
        raise UploadRefused(error.code, error.message) from error
    except UnicodeDecodeError as error:
        message = f"{file} is not UTF-8 text (byte {error.start}); upload it as exported"
        raise UploadRefused("binary", message) from error
    except json.JSONDecodeError as error:
        message = f"{file}: not valid JSON ({error.msg}, line {error.lineno})"
        raise UploadRefused("unknown_format", message) from error
    except RecursionError as error:
        raise UploadRefused("unknown_format", f"{file}: JSON nested too deeply") from error
    except csv.Error as error:
        raise UploadRefused("bad_csv", f"{file}: not a readable CSV file ({error})") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        message = f"{file}: the ZIP member cannot be read (damaged, or not what its header declares: {error})"
        raise UploadRefused("bad_zip", message) from error


# A ZIP --------------------------------------------------------------------------------------------------------


def _plan_zip(data: bytes, name: str, given: Source | None) -> tuple[Source, list[_Member], list[str]]:
    """The source of a ZIP, the members to read in reading order, and those skipped."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise UploadRefused("bad_zip", f"{name} is not a readable ZIP file ({error})") from error
    _check_entries(infos, name)
    entries = [info for info in infos if not info.is_dir()]
    names = _display_names([info.filename for info in entries])
    found: list[_Member] = []
    ignored: list[str] = []
    with _Opened(data) as opened:
        for info in entries:
            kind = _member_kind(opened, names[info.filename], info)
            if kind is None:
                ignored.append(names[info.filename])
            else:
                found.append(_Member(names[info.filename], info.filename, kind))
    source = _zip_source(found, name, given)
    chosen = [member for member in found if readers.source_of(member.kind) == source]
    ignored += [member.name for member in found if member not in chosen]
    _check_readable(chosen, {info.filename: info for info in entries})
    chosen.sort(key=lambda member: (readers.reading_order(member.kind), member.name.lower()))
    return source, chosen, ignored


def _check_entries(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a ZIP too big to unpack, with too many members, or with a member that could escape a folder."""
    if len(infos) > MAX_ZIP_MEMBERS:
        message = f"{name} holds {len(infos)} files; at most {MAX_ZIP_MEMBERS} are accepted"
        raise UploadRefused("too_many_members", message)
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        message = f"{name} unpacks to {_size(declared)}; at most {_size(MAX_UNCOMPRESSED_BYTES)} are accepted"
        raise UploadRefused("zip_bomb", message)
    for info in infos:
        _check_path(info)
    repeated = [path for path, count in Counter(info.filename for info in infos).items() if count > 1]
    if repeated:
        raise UploadRefused("unsafe_path", f"{name} holds {repeated[0]} more than once")
    if not any(not info.is_dir() for info in infos):
        raise UploadRefused("empty", f"{name} is an empty ZIP")


def _check_path(info: zipfile.ZipInfo) -> None:
    path = info.filename
    if path.startswith("/") or "\\" in path or DRIVE_RE.match(path) or ".." in path.split("/"):
        message = f"{path}: unsafe path in the ZIP (absolute, with '..' or with backslashes); refused"
        raise UploadRefused("unsafe_path", message)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadRefused("unsafe_path", f"{path}: a symbolic link in the ZIP; refused")


def _display_names(paths: list[str]) -> dict[str, str]:
    """Each member's path without the one top folder every member is under, when there is one."""
    meaningful = [path for path in paths if not path.startswith("__MACOSX/")]
    tops = {path.split("/", 1)[0] for path in meaningful}
    if len(tops) != 1 or not all("/" in path for path in meaningful):
        return {path: path for path in paths}
    top = f"{tops.pop()}/"
    return {path: path.removeprefix(top) for path in paths}


def _member_kind(opened: _Opened, name: str, info: zipfile.ZipInfo) -> str | None:
    """What a member is read as, or None to skip it: by its name, and for CSVs that are not named, by columns."""
    lowered = name.lower()
    if PurePosixPath(lowered).name == flixreview.MEMBER:
        return "export_json"
    if lowered.endswith(".json"):
        return trakt.kind_for_member(name)
    if not lowered.endswith(".csv") or letterboxd.is_ignored_member(name):
        return None
    header = None if info.flag_bits & 0x1 else opened.first_record(name, info.filename)
    return imdb.kind_for(name, header) or letterboxd.kind_for_member(name, header)


def _zip_source(found: list[_Member], name: str, given: Source | None) -> Source:
    sources = {readers.source_of(member.kind) for member in found}
    if given is not None:
        if given in sources:
            return given
        looks = f" (its files are from {_names(sources)})" if sources else ""
        raise UploadRefused("source_mismatch", f"{name} holds no {SOURCE_NAMES[given]} export files{looks}")
    if Source.FLIXREVIEW in sources:
        return Source.FLIXREVIEW
    if len(sources) == 1:
        return sources.pop()
    if not sources:
        raise UploadRefused("unknown_format", f"{name} holds no Letterboxd, IMDb, Trakt or FlixReview export files")
    message = f"{name} mixes {_names(sources)} files; upload them separately or choose the source"
    raise UploadRefused("mixed_sources", message)


def _names(sources: set[Source]) -> str:
    return " and ".join(sorted(SOURCE_NAMES[source] for source in sources))


def _check_readable(members: list[_Member], infos: dict[str, zipfile.ZipInfo]) -> None:
    for member in members:
        if member.path is not None and infos[member.path].flag_bits & 0x1:
            raise UploadRefused("encrypted", f"{member.name} is encrypted (protected by a password); refused")


# One file -----------------------------------------------------------------------------------------------------


def _plan_file(data: bytes, name: str, given: Source | None) -> tuple[Source, list[_Member], list[str]]:
    """The source of a lone CSV or JSON file and the one member it is."""
    _check_text(data, name)
    with _refusing(name):
        kind = _json_kind(data, name) if _looks_like_json(data, name) else _csv_kind(data, name)
    source = readers.source_of(kind)
    if given is not None and given != source:
        message = f"{name} is a file from {SOURCE_NAMES[source]}, not from {SOURCE_NAMES[given]}"
        raise UploadRefused("source_mismatch", message)
    return source, [_Member(name, None, kind)], []


def _check_text(data: bytes, name: str) -> None:
    """Refuse a file that is not UTF-8 text, without decoding it whole."""
    if b"\0" in data:
        raise _binary(name)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), CHECK_CHUNK):
            decoder.decode(data[start : start + CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        message = f"{name} is not a text file in UTF-8; upload the export's ZIP, CSV or JSON as it is"
        raise UploadRefused("binary", message) from error


def _looks_like_json(data: bytes, name: str) -> bool:
    return name.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _json_kind(data: bytes, name: str) -> str:
    document = json.loads(data.decode("utf-8-sig"))
    if flixreview.is_export(document):
        return "export_json"
    kind = trakt.kind_for_document(name, document)
    if kind is None:
        raise FormatError("unknown_format", f"{name}: not a Trakt or FlixReview export file")
    return kind


def _csv_kind(data: bytes, name: str) -> str:
    with _Opened(data) as opened:
        header = opened.first_record(name, None) or []
    if not any(cell.strip() for cell in header):
        raise FormatError("empty", f"{name} has no header row")
    kind = imdb.kind_for(name, header) or letterboxd.kind_for_file(name, header)
    if kind is None:
        columns = ", ".join(cell.strip() for cell in header)
        raise FormatError(
            "unknown_headers",
            f"{name}: unknown columns: {columns}; expected a Letterboxd, IMDb or Trakt export file "
            f"(for example {','.join(letterboxd.RATINGS_COLUMNS)} or {','.join(imdb.RATINGS_COLUMNS[:4])},...)",
        )
    return kind
