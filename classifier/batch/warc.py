"""WARC / WARC.gz files -> PageRecord, one per HTML response (the optional extra ``warc``).

Reads with fastwarc (the ``warc`` extra: fast, and it reports a gzip member cut short), else warcio.
Only ``response`` records whose HTTP content type is HTML and whose status is 2xx are pages; request,
metadata, redirect and non-HTML records are skipped. A record's index is its 0-based position among all
records of the file, whichever library reads it, so keys stay the same for ``--resume``. A response whose
body is shorter than its headers promise (a file cut in the middle) is an error record, not a shorter page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .records import DEFAULT_READ, PageRecord, ReadOptions, display_path, size_error

#: HTTP content types taken for HTML pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: The error of a WARC file when neither reader is installed.
MISSING = "reading WARC files needs fastwarc or warcio: pip install '.[warc]' (in the checkout)"


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
    source = display_path(path)
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
            record_id, url, status, content_type, charset, length, read, missing = fields
            record = PageRecord(
                source, index, None, id=record_id, url=url, encoding=charset, relative=f"{relative}/{index:06d}"
            )
            if status is _BROKEN:
                yield record.failed(
                    f"{record.where}: a response without a readable HTTP message (the file is cut off?)"
                )
                continue
            if not _is_page(status, content_type, options):
                continue
            record.format = "html"
            error = size_error(record.where, length, options.max_bytes)
            payload = b"" if error else read(options.max_bytes + 1)
            if not error and (len(payload) < length or missing()):
                error = f"{record.where}: cut off after {len(payload):,} bytes of its body (a truncated file)"
            yield record.failed(error) if error else _with_content(record, payload)
    except Exception as exc:  # any parser failure ends this file, not the batch
        yield PageRecord(
            source,
            index + 1,
            None,
            relative=f"{relative}/{index + 1:06d}",
            error=f"{source}: unreadable WARC after record {index} ({type(exc).__name__}: {_printable(exc)}); "
            "the rest of the file is skipped",
        )


def _with_content(record: PageRecord, payload: bytes) -> PageRecord:
    record.content = payload
    return record


class _BROKEN:
    """Marker status: a response record whose HTTP message could not be parsed."""


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
            if record.record_type != WarcRecordType.response:
                yield index, None
                continue
            uri = record.headers.get("WARC-Target-URI") or ""
            if not record.is_http:
                # fastwarc reports a gzip member cut short as a response with no HTTP message
                broken = uri.lower().startswith(("http:", "https:"))
                yield index, (record.record_id, uri, _BROKEN, None, None, 0, None, None) if broken else None
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
                    lambda: False,
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
                    0,  # warcio's content length counts the HTTP headers: a cut is seen by `missing`
                    record.content_stream().read,
                    lambda record=record: getattr(record.raw_stream, "limit", 0) > 0,
                ),
            )


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
