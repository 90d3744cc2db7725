"""What flows through a batch: a PageRecord in (one input page, or why it could not be read), a PageResult out.

Every record carries its key, ``(source, index)``: the file it came from and its place in that file
(0 for a page file, the 0-based line number in a JSON Lines file, the 0-based record number in a
WARC file). Keys are stable from run to run, which is what ``--resume`` relies on.

This module also holds the batch's one size check (:func:`size_error`) and the one place where an
arbitrary item (a str, bytes, a mapping from JSON or a dataframe) becomes a record (:func:`as_record`),
so that a page that breaks a rule becomes an error record the same way wherever it came from.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..blocks import Block

#: File name endings read as JSON Lines (one page per line), with or without ``.gz``.
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
#: File name endings read as web archives (HTML responses only).
WARC_SUFFIXES = (".warc", ".warc.gz")
#: Page files whose name says they are HTML: read as HTML whatever their first characters look like.
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
#: Default fields of a JSON Lines record: the first content field present is the page.
CONTENT_FIELDS = ("html", "text")
#: A record's content in this field is HTML (a ``text`` field, or another, is sniffed as usual).
HTML_FIELD = "html"
ID_FIELD = "id"
URL_FIELD = "url"
#: Default size limit of one page. Article pages are tens of kilobytes of HTML; 5 MiB is a hundred
#: times that, so anything larger is a dump, a binary or a trap, and is refused rather than parsed.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: The source of pages handed over in memory (clean_many of strings, bytes or dicts).
IN_MEMORY = "<records>"
#: Python prints at most 4,300 digits of an int (sys.int_info.default_max_str_digits); 14,000 bits is under that.
MAX_ID_BITS = 14_000
#: Lone UTF-16 surrogates: valid in a Python str (from JSON escapes, or file names), never in UTF-8 output.
SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class PageRecord:
    """One input page, with its key ``(source, index)`` and, if it could not be read, ``error``."""

    source: str
    index: int
    content: str | bytes | None
    id: str | int | float | None = None
    url: str | None = None
    #: Character set declared by the transport (a WARC response's HTTP header), tried first.
    encoding: str | None = None
    #: ``"html"`` when the input says so (an ``.html`` name, an ``html`` field); None: sniff the content.
    format: str | None = None
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
        if self.source.startswith("<") and self.source != "<stdin>":
            return f"{self.source.strip('<>')} record {self.index}"
        return self.source

    def failed(self, error: str) -> PageRecord:
        """This record as an error record (its content dropped)."""
        self.error, self.content = error, None
        return self


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
    warc_all_statuses: bool = False
    #: Files and folders a folder walk skips: the run's own outputs, when they lie inside an input folder.
    exclude: tuple[Path, ...] = field(default=())


#: The default ReadOptions (one shared, immutable instance).
DEFAULT_READ = ReadOptions()


@dataclass(slots=True)
class PageResult:
    """The outcome for one input record: its cleaned ``text`` (and ``blocks``), or its ``error``."""

    source: str
    index: int
    id: str | int | float | None = None
    url: str | None = None
    text: str | None = None
    blocks: list[Block] | None = None
    error: str | None = None
    relative: str = ""
    #: With ``--format markdown`` or ``json``: the kept blocks as Markdown.
    markdown: str | None = None
    #: With ``--format json``: the page's metadata (classifier.metadata.Metadata.to_dict()).
    metadata: dict | None = None

    @classmethod
    def of(cls, record: PageRecord, error: str | None = None) -> PageResult:
        """An empty result for ``record`` (with ``error``, or the record's own error)."""
        return cls(
            record.source, record.index, record.id, record.url, error=error or record.error, relative=record.relative
        )

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.index)

    def to_dict(self) -> dict:
        """``{"id", "source", "index", "url", "text"[, "markdown", "metadata", "blocks"]}``, or ``{..., "error"}``."""
        record: dict = {"id": self.id, "source": self.source, "index": self.index, "url": self.url}
        if self.error is not None:
            record["error"] = self.error
            return record
        record["text"] = self.text
        for name in ("markdown", "metadata"):
            if getattr(self, name) is not None:
                record[name] = getattr(self, name)
        if self.blocks is not None:
            record["blocks"] = [block.to_dict() for block in self.blocks]
        return record


def input_kind(path: str | Path) -> str:
    """``"jsonl"``, ``"warc"`` or ``"page"`` from a file's name."""
    name = str(path).lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    return "page"


def format_from_name(name: str | Path) -> str | None:
    """``"html"`` for a file whose name says HTML; None: the content decides."""
    return "html" if str(name).lower().endswith(HTML_SUFFIXES) else None


def display_path(path: str | Path) -> str:
    """A path as text that is always valid UTF-8: bytes of a non-UTF-8 file name become ``\\xNN`` escapes.

    Distinct names stay distinct, and the same name gives the same text in every run (``--resume`` keys).
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def content_size(content: str | bytes, limit: int) -> int:
    """The UTF-8 size of a page, computed exactly only when it might be over ``limit`` (4 bytes a character)."""
    if isinstance(content, bytes):
        return len(content)
    return len(content) if len(content) * 4 <= limit else len(content.encode("utf-8", "surrogatepass"))


def size_error(where: str, size: int, limit: int, what: str = "page", exact: bool = True) -> str | None:
    """The batch's one size rule: the message for a ``what`` of ``size`` bytes over ``limit``, or None.

    ``exact=False``: reading stopped at the limit, so ``size`` is only known to be larger.
    """
    if size <= limit:
        return None
    stated = f"{size:,} bytes" if exact else "larger"
    return f"{where}: the {what} is {stated}, over the limit of {limit:,} bytes (--max-bytes)"


def as_record(item: object, position: int, read: ReadOptions = DEFAULT_READ, source: str = IN_MEMORY) -> PageRecord:
    """Any item of a stream as a PageRecord, never raising: what cannot be a page becomes an error record."""
    if isinstance(item, PageRecord):
        record = item
    elif isinstance(item, (str, bytes)):  # a subclass as the plain type: it is sent to worker processes
        record = PageRecord(source, position, item[:], id=position, relative=f"{position:06d}")
    else:
        record = PageRecord(source, position, None, relative=f"{position:06d}")
        if not isinstance(item, Mapping):
            return record.failed(
                f"{record.where}: a {type(item).__name__}, not a page (str or bytes), a mapping or a PageRecord"
            )
        return fill_from_mapping(record, item, read)
    if record.error is None and record.content is not None:
        error = size_error(record.where, content_size(record.content, read.max_bytes), read.max_bytes)
        if error:
            record.failed(error)
    return record


def fill_from_mapping(record: PageRecord, value: Mapping, options: ReadOptions) -> PageRecord:
    """Set a record's content, id and url from a mapping (a JSON object, a dataframe row, a Spark Row dict)."""
    where = record.where
    try:
        record.id, problem = _scalar_id(value.get(options.id_field), options.id_field)
        url = value.get(options.url_field)
        record.url = SURROGATES.sub("\ufffd", url) if isinstance(url, str) else None
        name = next((name for name in options.content_fields if value.get(name) is not None), None)
    except Exception as exc:  # a mapping-like object whose lookups fail: still one error record
        return record.failed(f"{where}: unreadable record ({type(exc).__name__}: {exc})")
    if problem:
        return record.failed(f"{where}: {problem}")
    if name is None:
        return record.failed(f"{where}: no content field (looked for {', '.join(options.content_fields)})")
    content = value[name]
    if not isinstance(content, (str, bytes)):
        return record.failed(f"{where}: field {name!r} is a {type(content).__name__}, not a string")
    error = size_error(where, content_size(content, options.max_bytes), options.max_bytes)
    if error:
        return record.failed(error)
    record.content = content[:]  # a str or bytes subclass as the plain type (sent to worker processes)
    record.format = "html" if name == HTML_FIELD else None
    return record


def _scalar_id(value: object, name: str) -> tuple[str | int | float | None, str | None]:
    """A record id as it may appear in JSON output: a string, a number or null; else the problem."""
    if value is None or isinstance(value, bool):
        return value, None
    if isinstance(value, str):  # a subclass becomes its plain type: it must pickle and print as UTF-8 JSON
        return SURROGATES.sub("\ufffd", value[:]), None
    if isinstance(value, int):
        if value.bit_length() > MAX_ID_BITS:
            return None, f"field {name!r} is a number too large to print"
        return int(value), None
    if isinstance(value, float) and math.isfinite(value):
        return float(value), None
    kind = "non-finite number" if isinstance(value, float) else type(value).__name__
    return None, f"field {name!r} is a {kind}, not a string or a number"


def strip_suffix(relative: str, suffixes: tuple[str, ...]) -> str:
    lower = relative.lower()
    for suffix in sorted(suffixes, key=len, reverse=True):
        if suffix and lower.endswith(suffix.lower()):
            return relative[: -len(suffix)]
    return relative
