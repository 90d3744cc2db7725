"""Batch inputs: paths, folders, JSON Lines and WARC files -> a stream of PageRecord, one per page.

Every record carries its key, ``(source, index)``: the file it came from and its place in that file
(0 for a page file, the 0-based line number in a JSON Lines file, the 0-based record number in a
WARC file). Keys are stable from run to run, which is what ``--resume`` relies on. Records are read
lazily, one at a time: a folder of a million pages is never listed in memory as pages.

A record that cannot be read (a line that is not JSON, a missing content field, a page over the
size limit) still comes out, with ``error`` set, so that it becomes one error record downstream.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: File name endings read as JSON Lines (one page per line), with or without ``.gz``.
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
#: File name endings read as web archives (HTML responses only).
WARC_SUFFIXES = (".warc", ".warc.gz")
#: Default fields of a JSON Lines record: the first content field present is the page.
CONTENT_FIELDS = ("html", "text")
ID_FIELD = "id"
URL_FIELD = "url"
#: Default size limit of one page. Article pages are tens of kilobytes of HTML; 5 MiB is a hundred
#: times that, so anything larger is a dump, a binary or a trap, and is refused rather than parsed.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: The source of pages handed over in memory (clean_many of strings, bytes or dicts).
IN_MEMORY = "<records>"
#: How much of an over-long JSON line is read at a time while skipping it.
_SKIP_CHUNK = 1024 * 1024


@dataclass(slots=True)
class PageRecord:
    """One input page, with its key ``(source, index)`` and, if it could not be read, ``error``."""

    source: str
    index: int
    content: str | bytes | None
    id: str | int | None = None
    url: str | None = None
    #: Character set declared by the transport (a WARC response's HTTP header), tried first.
    encoding: str | None = None
    #: Where a text file of this record goes under ``--output-dir``, relative to it, without suffix.
    relative: str = ""
    error: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.index)

    @property
    def where(self) -> str:
        """The record named for a message: the file, or the file and the line or WARC record."""
        kind = input_kind(self.source)
        if kind == "jsonl":
            return f"{self.source}, line {self.index + 1}"
        if kind == "warc":
            return f"{self.source}, record {self.index}" + (f" ({self.url})" if self.url else "")
        return f"record {self.index}" if self.source == IN_MEMORY else self.source


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are found and read."""

    #: File-name patterns a folder's files must match (any of them); empty: every file.
    globs: tuple[str, ...] = ()
    content_fields: tuple[str, ...] = CONTENT_FIELDS
    id_field: str = ID_FIELD
    url_field: str = URL_FIELD
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Also keep non-2xx HTML responses from WARC files (redirect and error pages).
    warc_all_statuses: bool = field(default=False)


#: The default ReadOptions (one shared, immutable instance).
DEFAULT_READ = ReadOptions()


def input_kind(path: str | Path) -> str:
    """``"jsonl"``, ``"warc"`` or ``"page"`` from a file's name."""
    name = str(path).lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    return "page"


def is_batch_input(path: str | Path) -> bool:
    """True for inputs that hold many pages: a folder, a JSON Lines file or a WARC file."""
    return str(path) != "-" and (Path(path).is_dir() or input_kind(path) != "page")


def expand(paths: Iterable[str | Path], globs: tuple[str, ...] = ()) -> Iterator[tuple[Path, str]]:
    """Each file to read, with its path relative to the argument it came from, in a stable order.

    Folders are walked recursively in sorted order; their hidden files and folders are skipped.
    """
    for argument in paths:
        root = Path(argument)
        if not root.is_dir():
            yield root, root.name
            continue
        for path in _walk(root):
            relative = path.relative_to(root)
            if not globs or any(path.match(pattern) or relative.match(pattern) for pattern in globs):
                yield path, relative.as_posix()


def _walk(folder: Path) -> Iterator[Path]:
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


def read_records(paths: Iterable[str | Path], options: ReadOptions = DEFAULT_READ) -> Iterator[PageRecord]:
    """Every page of every input, lazily, in order."""
    for path, relative in expand(paths, options.globs):
        yield from read_file(path, relative, options)


def read_file(path: Path, relative: str = "", options: ReadOptions = DEFAULT_READ) -> Iterator[PageRecord]:
    """The pages of one file: a page file, a JSON Lines file or a WARC file (by its name)."""
    path = Path(path)
    relative = relative or path.name
    kind = input_kind(path)
    if kind == "jsonl":
        yield from read_jsonl(path, options, _strip_suffix(relative, JSONL_SUFFIXES))
    elif kind == "warc":
        from .warc import read_warc

        yield from read_warc(path, options, _strip_suffix(relative, WARC_SUFFIXES))
    else:
        yield read_page_file(path, options, _strip_suffix(relative, (Path(relative).suffix,)))


def read_page_file(path: Path, options: ReadOptions = DEFAULT_READ, relative: str = "") -> PageRecord:
    """One page file as one record (its size checked before it is read)."""
    if str(path) == "-":
        return PageRecord("<stdin>", 0, sys.stdin.buffer.read(), id="stdin", relative="stdin")
    record = PageRecord(str(path), 0, None, id=path.stem, relative=relative or path.stem)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            record.error = over_limit(str(path), size, options.max_bytes)
        else:
            record.content = path.read_bytes()
    except OSError as exc:
        record.error = f"{path}: cannot read it ({exc.strerror or exc})"
    return record


def read_jsonl(path: Path, options: ReadOptions = DEFAULT_READ, relative: str = "") -> Iterator[PageRecord]:
    """One record per non-blank line of a JSON Lines file (``.gz`` read transparently)."""
    source = str(path)
    index = -1
    try:
        with _open_maybe_gzip(path) as handle:
            for index, line in enumerate(_lines(handle, options.max_bytes)):
                if line is None:
                    yield PageRecord(
                        source,
                        index,
                        None,
                        relative=f"{relative}/{index:06d}",
                        error=over_limit_line(source, index, options),
                    )
                elif line.strip():
                    yield record_from_json_line(line, source, index, options, relative)
    except (OSError, EOFError, zlib.error) as exc:
        where = f"unreadable after line {index + 1}" if index >= 0 else "cannot read it"
        yield PageRecord(
            source,
            index + 1,
            None,
            relative=f"{relative}/{index + 1:06d}",
            error=f"{source}: {where} ({exc}); the rest of the file is skipped",
        )


def record_from_json_line(
    line: bytes | str, source: str, index: int, options: ReadOptions = DEFAULT_READ, relative: str = ""
) -> PageRecord:
    """A record from one JSON Lines line; a line that is not a page object gives a record with ``error``."""
    record = PageRecord(source, index, None, relative=f"{relative}/{index:06d}")
    try:
        value = json.loads(line)
    except ValueError as exc:
        record.error = f"{source}, line {index + 1}: not valid JSON ({exc})"
        return record
    if not isinstance(value, Mapping):
        record.error = f"{source}, line {index + 1}: a JSON {type(value).__name__}, not an object"
        return record
    return fill_from_mapping(record, value, options, f"{source}, line {index + 1}")


def fill_from_mapping(record: PageRecord, value: Mapping, options: ReadOptions, where: str) -> PageRecord:
    """Set a record's content, id and url from a mapping (a JSON object, a dataframe row, a Spark Row dict)."""
    record.id = value.get(options.id_field)
    url = value.get(options.url_field)
    record.url = url if isinstance(url, str) else None
    name = next((name for name in options.content_fields if value.get(name) is not None), None)
    if name is None:
        record.error = f"{where}: no content field (looked for {', '.join(options.content_fields)})"
        return record
    content = value[name]
    if not isinstance(content, (str, bytes)):
        record.error = f"{where}: field {name!r} is a {type(content).__name__}, not a string"
        return record
    size = len(content) if isinstance(content, bytes) else utf8_size(content, options.max_bytes)
    if size > options.max_bytes:
        record.error = over_limit(where, size, options.max_bytes)
        return record
    record.content = content
    return record


def utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, computed only when it might be over ``limit`` (4 bytes a character at most)."""
    return len(text) if len(text) * 4 <= limit else len(text.encode("utf-8", "surrogatepass"))


def over_limit(where: str, size: int, limit: int) -> str:
    return f"{where}: the page is {size:,} bytes, over the limit of {limit:,} (--max-bytes)"


def over_limit_line(source: str, index: int, options: ReadOptions) -> str:
    return f"{source}, line {index + 1}: the line is over the limit of {options.max_bytes:,} bytes (--max-bytes)"


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _lines(handle, max_bytes: int) -> Iterator[bytes | None]:
    """Lines of a binary file; a line longer than ``max_bytes`` is skipped without holding it, as None."""
    limit = max_bytes + 1
    while True:
        line = handle.readline(limit)
        if not line:
            return
        if len(line) < limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(_SKIP_CHUNK)
        yield None


def _strip_suffix(relative: str, suffixes: tuple[str, ...]) -> str:
    lower = relative.lower()
    for suffix in sorted(suffixes, key=len, reverse=True):
        if suffix and lower.endswith(suffix.lower()):
            return relative[: -len(suffix)]
    return relative
