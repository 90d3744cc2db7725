"""Batch outputs that survive a crash: JSON Lines written a whole line at a time, and ``--resume``.

Each result is written as one complete line and flushed to the operating system before the next, so a
process killed at any moment (even with SIGKILL) leaves at most one partial line at the end of the
file. Resuming truncates that partial line, reads the keys ``(source, index)`` of the records already
written, and the batch skips them: every record ends up in the output exactly once.

With ``--output-dir``, each page's text goes to its own ``.txt`` file (written to a temporary name and
renamed, so never half-written), and ``manifest.jsonl`` in the same folder is the journal.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .batch import PageResult
from .errors import BatchError

MANIFEST = "manifest.jsonl"
#: How much of the end of a journal is read back to find its last complete line.
_TAIL = 64 * 1024


@dataclass
class DoneKeys:
    """The keys already written, compactly: per source, a count of leading indices plus the others."""

    prefix: dict[str, int] = field(default_factory=dict)
    others: dict[str, set[int]] = field(default_factory=dict)
    records: int = 0
    errors: int = 0

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
            try:
                record = json.loads(line)
                source, index = record["source"], record["index"]
            except (ValueError, KeyError, TypeError):
                raise BatchError(
                    f"{path}, line {number}: not a record written by classifier, so the run cannot be resumed"
                ) from None
            done.add(source, index)
            done.errors += "error" in record
    return done


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
                truncate_partial_line(self.path)
                self.done = read_done(self.path)
            self._handle = open(self.path, "ab" if resume else "wb")  # noqa: SIM115 - open until close()
        except OSError as exc:
            raise BatchError(f"{self.path}: cannot write the output ({exc.strerror or exc})") from None

    def write(self, result: PageResult, record: dict | None = None) -> None:
        line = json.dumps(record or result.to_dict(), ensure_ascii=False) + "\n"
        self._handle.write(line.encode("utf-8"))
        self._handle.flush()

    def close(self) -> None:
        if self.path is not None:
            self._handle.close()
        else:
            self._handle.flush()


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

    def write(self, result: PageResult) -> None:
        record = result.to_dict()
        if result.ok:
            relative = Path((result.relative or f"{result.index:06d}") + ".txt")
            target = self.folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_text(result.text + "\n" if result.text else "", encoding="utf-8")
            partial.replace(target)
            record["path"] = relative.as_posix()
            del record["text"]
        self.manifest.write(result, record)

    def close(self) -> None:
        self.manifest.close()
