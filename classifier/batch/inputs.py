"""Batch inputs: paths, folders, JSON Lines and WARC files -> a stream of PageRecord, one per page.

Records are read lazily, one at a time: a folder of a million pages is never listed in memory as
pages, and a JSON Lines file is read in large chunks, never held whole. Whatever an input holds, it
comes out as records: a line that is not JSON, a missing content field, a page over the size limit,
an unreadable file or folder, a file that breaks off: each becomes one record with ``error`` set, so
that it becomes one error record downstream, and the stream goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from .records import (
    DEFAULT_READ,
    JSONL_SUFFIXES,
    WARC_SUFFIXES,
    PageRecord,
    ReadOptions,
    display_path,
    fill_from_mapping,
    format_from_name,
    input_kind,
    size_error,
    strip_suffix,
)

#: Bytes read from a JSON Lines file at a time: large enough that a file of blank lines is read at disk
#: speed (one regex search per chunk), small enough to be nothing next to a worker's memory.
READ_CHUNK = 1024 * 1024
_NON_BLANK = re.compile(rb"\S")
_GZIP_MAGIC = b"\x1f\x8b"


class InputFile(NamedTuple):
    """A file found among the inputs, with its path relative to the argument it came from, or why not."""

    path: Path
    relative: str
    error: str | None = None


def is_batch_input(path: str | Path) -> bool:
    """True for inputs that hold many pages: a folder, a JSON Lines file or a WARC file."""
    return str(path) != "-" and (Path(path).is_dir() or input_kind(path) != "page")


def expand(
    paths: Iterable[str | Path], globs: tuple[str, ...] = (), exclude: Iterable[Path] = ()
) -> Iterator[InputFile]:
    """Each file to read, in a stable order; folders are walked recursively in sorted order.

    Hidden files and folders are skipped, and so are the ``exclude`` paths (the run's own outputs). A
    symbolic link is followed at most once per real folder or file (a link back up the tree is no loop),
    and a folder that cannot be listed comes out as an InputFile with ``error``.
    """
    skipped = {_real(path) for path in exclude}
    for argument in paths:
        root = Path(argument)
        if not root.is_dir():
            yield InputFile(root, display_path(root.name))
            continue
        walk = _Walk(root, skipped)
        for path, error in walk.files(root):
            relative = display_path(path.relative_to(root).as_posix())
            if error or not globs or any(path.match(pattern) or Path(relative).match(pattern) for pattern in globs):
                yield InputFile(path, relative, error)


class _Walk:
    """One folder argument walked: the real folders entered so far, against loops through links."""

    def __init__(self, root: Path, skipped: set[str]) -> None:
        self.root = _real(root)
        self.skipped = skipped
        self.entered: set[tuple[int, int]] = set()
        self.linked_files: set[str] = set()

    def files(self, folder: Path) -> Iterator[tuple[Path, str | None]]:
        """Files in sorted order, depth first, without recursion (a stack of folder listings)."""
        stack = [iter(self._listing(folder))]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            path, kind, error = item
            if error or kind == "file":
                yield path, error
            elif kind == "folder":
                stack.append(iter(self._listing(path)))

    def _listing(self, folder: Path) -> list[tuple[Path, str, str | None]]:
        """A folder's entries as (path, "file" | "folder", None), sorted; or its one error; [] if seen."""
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in self.entered:
                return []
            self.entered.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda entry: os.fsencode(entry.name))
        except OSError as exc:
            return [(folder, "error", f"{display_path(folder)}: cannot list this folder ({exc.strerror or exc})")]
        listing = []
        for entry in entries:
            if entry.name.startswith(".") or _real(entry.path) in self.skipped:
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                is_dir, is_file = False, True  # unreadable entry: reading it will say why
            if is_dir:
                listing.append((Path(entry.path), "folder", None))
            elif is_file and self._first_visit(entry):
                listing.append((Path(entry.path), "file", None))
        return listing

    def _first_visit(self, entry: os.DirEntry) -> bool:
        """A file reached through a link is read once, and not at all if the walk reaches it anyway."""
        if not entry.is_symlink():
            return True
        real = _real(entry.path)
        if real.startswith(self.root + os.sep) or real in self.linked_files:
            return False
        self.linked_files.add(real)
        return True


def _real(path: str | Path) -> str:
    return os.path.realpath(path)


def count_records(paths: Iterable[str | Path], options: ReadOptions = DEFAULT_READ) -> int | None:
    """How many records ``read_records`` will give (for a progress bar), or None if that needs a WARC read."""
    total = 0
    for found in expand(paths, options.globs, options.exclude):
        kind = input_kind(found.path)
        if kind == "warc" and not found.error:
            return None
        if kind == "jsonl" and not found.error:
            try:
                with _open_maybe_gzip(found.path) as handle:
                    total += sum(1 for _ in numbered_lines(handle, options.max_bytes))
            except (OSError, EOFError, zlib.error):
                total += 1  # read_jsonl gives one error record for what it cannot read
        else:
            total += 1
    return total


def read_records(paths: Iterable[str | Path], options: ReadOptions = DEFAULT_READ) -> Iterator[PageRecord]:
    """Every page of every input, lazily, in order; never raises for what an input holds."""
    for found in expand(paths, options.globs, options.exclude):
        source = display_path(found.path)
        if found.error:
            yield PageRecord(source, 0, None, relative=found.relative, error=found.error)
        else:
            yield from guarded(read_file(found.path, found.relative, options), source, found.relative)


def guarded(records: Iterator[PageRecord], source: str, relative: str) -> Iterator[PageRecord]:
    """The records of one file; an exception while reading it ends that file with one error record."""
    index = -1
    try:
        for record in records:
            index = record.index
            yield record
    except Exception as exc:  # a reader's failure on one file must not end the batch
        where = f"unreadable after record {index}" if index >= 0 else "cannot read it"
        message = " ".join(str(exc).split())[:200]
        yield PageRecord(
            source,
            index + 1,
            None,
            relative=f"{relative}/{index + 1:06d}",
            error=f"{source}: {where} ({type(exc).__name__}: {message}); the rest of the file is skipped",
        )


def read_file(path: Path, relative: str = "", options: ReadOptions = DEFAULT_READ) -> Iterator[PageRecord]:
    """The pages of one file: a page file, a JSON Lines file or a WARC file (by its name)."""
    path = Path(path)
    relative = relative or display_path(path.name)
    kind = input_kind(path)
    if kind == "jsonl":
        yield from read_jsonl(path, options, strip_suffix(relative, JSONL_SUFFIXES))
    elif kind == "warc":
        from .warc import read_warc

        yield from read_warc(path, options, strip_suffix(relative, WARC_SUFFIXES))
    else:
        yield read_page_file(path, options, _page_relative(relative))


def _page_relative(relative: str) -> str:
    """``a/b.html`` -> ``a/b``; ``a/b.html.gz`` -> ``a/b``."""
    relative = strip_suffix(relative, (".gz",))
    return strip_suffix(relative, (Path(relative).suffix,))


def read_page_file(path: Path, options: ReadOptions = DEFAULT_READ, relative: str = "") -> PageRecord:
    """One page file as one record: never more than ``max_bytes`` read; gzip-compressed pages are unpacked."""
    if str(path) == "-":
        return _read_limited(sys.stdin.buffer, PageRecord("<stdin>", 0, None, id="stdin", relative="stdin"), options)
    source = display_path(path)
    name = path.name.lower()
    record = PageRecord(source, 0, None, id=display_path(path.stem), relative=relative or display_path(path.stem))
    record.format = format_from_name(name)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return record.failed(f"{source}: a folder, not a page")
        error = size_error(source, info.st_size, options.max_bytes) if stat.S_ISREG(info.st_mode) else None
        if error:
            return record.failed(error)
        with open(path, "rb") as handle:
            return _read_limited(handle, record, options)
    except OSError as exc:
        return record.failed(f"{source}: cannot read it ({exc.strerror or exc})")


def _read_limited(handle, record: PageRecord, options: ReadOptions) -> PageRecord:
    """Read at most ``max_bytes`` (a pipe or stdin has no size to check first), unpacking gzip."""
    content = handle.read(options.max_bytes + 1)
    if content.startswith(_GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content)) as unpacked:
                content = unpacked.read(options.max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            return record.failed(f"{record.where}: a broken gzip file ({exc})")
    error = size_error(record.where, len(content), options.max_bytes, exact=False)
    if error:
        return record.failed(error)
    record.content = content
    return record


def read_jsonl(path: Path, options: ReadOptions = DEFAULT_READ, relative: str = "") -> Iterator[PageRecord]:
    """One record per non-blank line of a JSON Lines file (``.gz`` read transparently)."""
    source = display_path(path)
    index = -1
    try:
        with _open_maybe_gzip(path) as handle:
            for index, line in numbered_lines(handle, options.max_bytes):
                if line is None:
                    where, limit = f"{source}, line {index + 1}", options.max_bytes
                    error = size_error(where, limit + 1, limit, what="line", exact=False)
                    yield PageRecord(source, index, None, relative=f"{relative}/{index:06d}", error=error)
                else:
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
        return record.failed(f"{record.where}: not valid JSON ({exc})")
    except RecursionError:
        return record.failed(f"{record.where}: JSON nested too deeply to be a page record")
    if not isinstance(value, dict):
        return record.failed(f"{record.where}: a JSON {type(value).__name__}, not an object")
    return fill_from_mapping(record, value, options)


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else open(path, "rb")


def numbered_lines(handle, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(0-based line number, line)`` for each non-blank line of a binary file (leading blanks cut), in chunks.

    Runs of blank lines are skipped by one regex search per chunk. A line longer than ``max_bytes``
    comes out as ``(number, None)`` and is skipped without being held in memory.
    """
    # read1: at most one read below, so a gzip file cut short still gives every line before the cut
    read = getattr(handle, "read1", handle.read)
    number = 0  # the number of the line that starts at ``pos``
    buffer, pos = b"", 0
    while True:
        found = _NON_BLANK.search(buffer, pos)
        if found is None:
            number += buffer.count(b"\n", pos)
            buffer, pos = read(READ_CHUNK), 0
            if not buffer:
                return
            continue
        start = found.start()
        number += buffer.count(b"\n", pos, start)
        end = buffer.find(b"\n", found.start())
        while end < 0 and len(buffer) - start <= max_bytes:
            more = read(READ_CHUNK)
            if not more:
                end = len(buffer)
                break
            buffer, start = buffer[start:] + more, 0
            end = buffer.find(b"\n", len(buffer) - len(more))
        if end < 0 or end - start > max_bytes:
            yield number, None
            while end < 0:  # skip the rest of the over-long line, a chunk at a time
                buffer = read(READ_CHUNK)
                if not buffer:
                    return
                end = buffer.find(b"\n")
        else:
            yield number, buffer[start:end]
        pos, number = end + 1, number + 1
