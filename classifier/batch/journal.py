"""Batch outputs that survive a crash: JSON Lines written a whole line at a time, and ``--resume``.

Each result is written as one complete line and flushed to the operating system before the next, so a
process killed at any moment (even with SIGKILL) leaves at most one partial line at the end of the
file. Resuming truncates that partial line, reads the keys ``(source, index)`` of the records already
written, and the batch skips them: every record ends up in the output exactly once.

With ``--output-dir``, each page's text goes to its own ``.txt`` file (written to a temporary name and
renamed, so never half-written), and ``manifest.jsonl`` in the same folder is the journal. Two records
that map to the same file name get distinct names (``a.txt``, ``a~2.txt``); the manifest's ``path`` says
which is which.

Every line is valid UTF-8 JSON whatever a page held: lone surrogates become U+FFFD, and no bare NaN.
An output that cannot be written (a missing folder, a full disk) stops the run with one BatchError line;
what was written before it stays, and ``--resume`` goes on from there.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import BatchError
from .records import SURROGATES, PageResult

MANIFEST = "manifest.jsonl"
#: Errors of the output device itself: every later write would fail the same way, so the run stops.
_FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EBADF}
#: How much of the end of a journal is read back to find its last complete line.
_TAIL = 64 * 1024


@dataclass
class DoneKeys:
    """The keys already written, compactly: per source, a count of leading indices plus the others."""

    prefix: dict[str, int] = field(default_factory=dict)
    others: dict[str, set[int]] = field(default_factory=dict)
    records: int = 0
    errors: int = 0
    #: ``--output-dir``: the text files the earlier run wrote (manifest ``path``), so none is reused.
    paths: set[str] = field(default_factory=set)

    def add(self, source: str, index: int) -> None:
        self.records += 1
        upto = self.prefix.get(source, 0)
        if index != upto:
            self.others.setdefault(source, set()).add(index)
            return
        extra = self.others.get(source, set())
        upto += 1
        while upto in extra:
            extra.discard(upto)
            upto += 1
        self.prefix[source] = upto

    def __contains__(self, key: tuple[str, int]) -> bool:
        source, index = key
        return index < self.prefix.get(source, 0) or index in self.others.get(source, ())


def truncate_partial_line(path: Path) -> int:
    """Cut a trailing line without its newline (left by a killed writer); returns the bytes removed."""
    with open(path, "rb+") as handle:
        end = handle.seek(0, os.SEEK_END)
        position = end
        while position > 0:
            start = max(0, position - _TAIL)
            handle.seek(start)
            chunk = handle.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            position = start
        else:
            keep = 0
        handle.truncate(keep)
        return end - keep


def read_done(path: Path) -> DoneKeys:
    """The keys and error count of the records of a journal written by an earlier run."""
    done = DoneKeys()
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break  # the partial line of a killed writer: cut by truncate_partial_line, redone
            try:
                record = json.loads(line)
                source, index = record["source"], record["index"]
                if not isinstance(source, str) or type(index) is not int or index < 0:
                    raise TypeError
            except (ValueError, KeyError, TypeError, RecursionError):
                raise BatchError(
                    f"{path}, line {number}: not a record written by classifier, so the run cannot be resumed "
                    "(write to a new output, or remove this one)"
                ) from None
            done.add(source, index)
            done.errors += "error" in record
            if isinstance(record.get("path"), str):
                done.paths.add(record["path"])
    return done


def encode_line(record: dict) -> bytes:
    """One JSON line, always valid UTF-8 and strict JSON (lone surrogates replaced, NaN and infinities as null)."""
    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(record), ensure_ascii=False, allow_nan=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (SURROGATES.sub("\ufffd", text) + "\n").encode("utf-8")


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def output_error(path: Path, exc: OSError) -> BatchError:
    """A one-line error for an output that cannot be written."""
    return BatchError(f"{path}: cannot write the output ({exc.strerror or exc})")


class JsonlSink:
    """Results as JSON Lines to a file (resumable) or to stdout."""

    def __init__(self, path: str | Path | None, resume: bool = False) -> None:
        self.path = Path(path) if path not in (None, "-") else None
        self.done = DoneKeys()
        if self.path is None:
            if resume:
                raise BatchError("--resume needs an output file (-o FILE) or --output-dir, not stdout")
            self._handle: BinaryIO = sys.stdout.buffer
            return
        try:
            if resume and self.path.exists():
                self.done = read_done(self.path)  # checked before anything is cut: a foreign file stays whole
                truncate_partial_line(self.path)
            self._handle = open(self.path, "ab" if resume else "wb")  # noqa: SIM115 - open until close()
        except OSError as exc:
            raise output_error(self.path, exc) from None

    def write(self, result: PageResult, record: dict | None = None) -> None:
        try:
            self._handle.write(encode_line(record or result.to_dict()))
            self._handle.flush()
        except OSError as exc:
            raise output_error(self.path or Path("<stdout>"), exc) from None

    def close(self) -> None:
        try:
            if self.path is not None:
                self._handle.close()
            else:
                self._handle.flush()
        except OSError as exc:
            raise output_error(self.path or Path("<stdout>"), exc) from None


class TextDirSink:
    """One ``.txt`` file per page under ``folder``, mirroring the inputs, and ``manifest.jsonl`` beside them."""

    def __init__(self, folder: str | Path, resume: bool = False) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"{self.folder}: cannot create the output folder ({exc.strerror or exc})") from None
        self.manifest = JsonlSink(self.folder / MANIFEST, resume)
        self.done = self.manifest.done
        self.taken = self.done.paths

    def write(self, result: PageResult) -> None:
        record = result.to_dict()
        if result.ok:
            markdown = result.markdown is not None
            relative = self._name(result.relative or f"{result.index:06d}", ".md" if markdown else ".txt")
            try:
                self._write_text(self.folder / relative, result.markdown if markdown else result.text)
            except OSError as exc:
                if exc.errno in _FATAL_ERRNOS:
                    raise output_error(self.folder / relative, exc) from None
                record["error"] = f"{relative}: cannot write the page's text ({exc.strerror or exc})"
            else:
                record["path"] = relative
            record.pop("text")
            record.pop("markdown", None)
        self.manifest.write(result, record)

    def _name(self, stem: str, suffix: str = ".txt") -> str:
        """``stem.txt``, or ``stem~N.txt`` if an earlier record of the run took that name."""
        stem = SURROGATES.sub("\ufffd", stem)
        name, number = f"{stem}{suffix}", 1
        while name in self.taken:
            number += 1
            name = f"{stem}~{number}{suffix}"
        self.taken.add(name)
        return name

    @staticmethod
    def _write_text(target: Path, text: str | None) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes((SURROGATES.sub("\ufffd", text) + "\n").encode("utf-8") if text else b"")
        partial.replace(target)

    def close(self) -> None:
        self.manifest.close()
