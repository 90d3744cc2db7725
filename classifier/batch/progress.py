"""A batch's progress bar on a terminal (pages, total, rate, ETA, errors; tqdm), and its one-line summary.

Off a terminal (a log file, a pipe, CI) nothing is drawn: only the summary line at the end. The total is
counted in a background thread while the batch runs (page files, JSON Lines lines); until it is known, or
when it cannot be known cheaply (WARC files), the bar shows the count and the rate without an ETA.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

#: Seconds between redraws of the bar: often enough to look live, rarely enough to cost nothing.
REDRAW_EVERY = 0.25


@dataclass
class Progress:
    """Counts pages and errors; draws a live bar on ``stream`` if it is a terminal."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    live: bool | None = None
    #: Records found already done in the output of an earlier run (``--resume``).
    skipped: int = 0
    skipped_errors: int = 0
    pages: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)
    _bar: Any = None

    def __post_init__(self) -> None:
        if self.live is None:
            self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        if self.live:
            from tqdm import tqdm

            self._bar = tqdm(
                file=self.stream, unit="page", desc="classifier", mininterval=REDRAW_EVERY, dynamic_ncols=True
            )

    def count_total(self, count: Callable[[], int | None]) -> None:
        """Count the records to do in a background thread, and give the bar its total (less those done)."""
        if self._bar is None:
            return

        def run() -> None:
            try:
                total = count()
            except Exception:  # the total is a nicety: reading errors are reported by the batch itself
                return
            if total is not None and self._bar is not None:
                self._bar.total = max(total - self.skipped, self.pages)
                self._bar.refresh()

        threading.Thread(target=run, daemon=True, name="classifier-count").start()

    def add(self, ok: bool) -> None:
        self.pages += 1
        self.errors += not ok
        if self._bar is not None:
            if not ok:
                self._bar.set_postfix_str(f"{self.errors} errors", refresh=False)
            self._bar.update(1)

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
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.close()
        self.stream.write(self.summary() + "\n")
        self.stream.flush()
