"""WARC / WARC.gz files -> PageRecord, one per HTML response (the optional extra ``warc``).

Reads with fastwarc when it is installed (fast), else warcio (``pip install 'block-classifier[warc]'``).
Only ``response`` records whose HTTP content type is HTML and whose status is 2xx are pages; request,
metadata, redirect and non-HTML records are skipped. A record's index is its 0-based position among all
records of the file, whichever library reads it, so keys stay the same for ``--resume``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .inputs import DEFAULT_READ, PageRecord, ReadOptions, over_limit

#: HTTP content types taken for HTML pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: The error of a WARC file when neither reader is installed.
MISSING = "reading WARC files needs fastwarc or warcio: pip install 'block-classifier[warc]'"


def warc_backend() -> str | None:
    """``"fastwarc"``, ``"warcio"`` or None (neither installed)."""
    for name in ("fastwarc", "warcio"):
        try:
            __import__(name)
        except ImportError:
            continue
        return name
    return None


def read_warc(
    path: Path, options: ReadOptions = DEFAULT_READ, relative: str = "", backend: str | None = None
) -> Iterator[PageRecord]:
    """One record per HTML response of a WARC file; a file that breaks off gives one error record."""
    source = str(path)
    backend = backend or warc_backend()
    if backend is None:
        yield PageRecord(source, 0, None, relative=f"{relative}/{0:06d}", error=f"{source}: {MISSING}")
        return
    reader = _fastwarc_records if backend == "fastwarc" else _warcio_records
    index = -1
    try:
        for index, fields in reader(path, options):
            if fields is None:
                continue
            record_id, url, status, content_type, charset, length, read = fields
            if not _is_page(status, content_type, options):
                continue
            record = PageRecord(
                source, index, None, id=record_id, url=url, encoding=charset, relative=f"{relative}/{index:06d}"
            )
            where = f"{source}, record {index} ({url})"
            payload = read(options.max_bytes + 1) if length <= options.max_bytes else None
            if payload is None or len(payload) > options.max_bytes:
                record.error = over_limit(where, max(length, len(payload or b"")), options.max_bytes)
            else:
                record.content = payload
            yield record
    except Exception as exc:  # any parser failure ends this file, not the batch
        yield PageRecord(
            source,
            index + 1,
            None,
            relative=f"{relative}/{index + 1:06d}",
            error=f"{source}: unreadable WARC after record {index} ({type(exc).__name__}: {_printable(exc)}); "
            "the rest of the file is skipped",
        )


def _printable(exc: Exception, limit: int = 160) -> str:
    """An exception's message on one line, without the binary junk some parsers quote."""
    text = " ".join(str(exc).split())
    return "".join(ch if ch.isprintable() and ord(ch) < 0x7F else "?" for ch in text)[:limit]


def _is_page(status: int | None, content_type: str | None, options: ReadOptions) -> bool:
    if not content_type or content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return False
    return options.warc_all_statuses or (status is not None and 200 <= status < 300)


def _fastwarc_records(path: Path, options: ReadOptions) -> Iterator[tuple[int, tuple | None]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with open(path, "rb") as handle:
        for index, record in enumerate(ArchiveIterator(handle, parse_http=True, auto_decode="all")):
            if record.record_type != WarcRecordType.response or not record.is_http:
                yield index, None
                continue
            headers = record.http_headers
            yield (
                index,
                (
                    record.record_id,
                    record.headers.get("WARC-Target-URI"),
                    headers.status_code,
                    headers.get("Content-Type"),
                    record.http_charset,
                    record.content_length,
                    record.reader.read,
                ),
            )


def _warcio_records(path: Path, options: ReadOptions) -> Iterator[tuple[int, tuple | None]]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as handle:
        for index, record in enumerate(ArchiveIterator(handle)):
            if record.rec_type != "response" or record.http_headers is None:
                yield index, None
                continue
            content_type = record.http_headers.get_header("Content-Type")
            status = record.http_headers.get_statuscode()
            yield (
                index,
                (
                    record.rec_headers.get_header("WARC-Record-ID"),
                    record.rec_headers.get_header("WARC-Target-URI"),
                    int(status) if status and status.isdigit() else None,
                    content_type,
                    _charset(content_type),
                    int(record.rec_headers.get_header("Content-Length") or 0),
                    record.content_stream().read,
                ),
            )


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
