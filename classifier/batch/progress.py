"""A batch's progress line (pages, pages/s, errors) on a terminal, and its one-line summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

#: Seconds between redraws of the progress line: often enough to look live, rarely enough to cost nothing.
REDRAW_EVERY = 0.25


@dataclass
class Progress:
    """Counts pages and errors; draws a live line on ``stream`` if it is a terminal."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    live: bool | None = None
    #: Records found already done in the output of an earlier run (``--resume``).
    skipped: int = 0
    skipped_errors: int = 0
    pages: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)
    _drawn: float = 0.0

    def __post_init__(self) -> None:
        if self.live is None:
            self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def add(self, ok: bool) -> None:
        self.pages += 1
        self.errors += not ok
        if self.live:
            now = time.monotonic()
            if now - self._drawn >= REDRAW_EVERY:
                self._drawn = now
                self.stream.write(f"\r{self._figures()}\x1b[K")
                self.stream.flush()

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0

    @property
    def failed(self) -> int:
        """Error records in the whole output, this run's and an earlier run's."""
        return self.errors + self.skipped_errors

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        line = f"classifier: {self.pages} pages, {self.pages - self.errors} cleaned, {self.errors} errors"
        line += f" in {elapsed:.1f} s ({self.rate:.1f} pages/s)"
        if self.skipped:
            line += f"; {self.skipped} records already done by an earlier run ({self.skipped_errors} errors)"
        return line

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
        self.stream.write(self.summary() + "\n")
        self.stream.flush()

    def _figures(self) -> str:
        return f"classifier: {self.pages} pages  {self.rate:.1f} pages/s  {self.errors} errors"
