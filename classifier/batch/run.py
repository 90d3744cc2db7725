"""run_batch(): inputs -> clean_records -> a resumable output, with progress. What ``classifier clean DIR`` runs.

Inputs are never harmed: an output that is an input, or a folder that holds an input, is refused
before anything is opened, and an output inside an input folder is left out of the walk.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from ..errors import BatchError
from .inputs import count_records, read_records
from .journal import JsonlSink, TextDirSink
from .many import CleanOptions, clean_records, default_jobs, resolve_model
from .progress import Progress
from .records import DEFAULT_READ, ReadOptions


@dataclass(frozen=True, slots=True)
class Output:
    """Where a batch goes: JSON Lines to ``path`` (None or ``-``: stdout), or text files in ``folder``."""

    path: str | Path | None = None
    folder: str | Path | None = None
    #: Finish a killed run: skip the records already in the output.
    resume: bool = False


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch reads, cleans and schedules its pages."""

    read: ReadOptions = DEFAULT_READ
    clean: CleanOptions = field(default_factory=CleanOptions)
    #: Model directory (None: the shipped model).
    model: str | Path | None = None
    #: Worker processes (None: every core).
    jobs: int | None = None
    #: Write results in input order (False: as they finish).
    ordered: bool = True


def run_batch(
    paths: Iterable[str | Path],
    output: Output = Output(),
    options: BatchOptions = BatchOptions(),
    progress_stream: TextIO | None = None,
) -> Progress:
    """Clean every page of ``paths`` into the ``output``; returns the counts (``.failed``: error records).

    Raises BatchError (output unusable or an input, journal not resumable) or ModelError before any page is read.
    """
    paths = list(paths)
    if output.path not in (None, "-") and output.folder is not None:
        raise BatchError("give -o FILE or --output-dir DIR, not both")
    excluded = guard_inputs(paths, output)
    resolve_model(options.model)  # a bad model is reported before the output is opened (and truncated)
    sink = (
        TextDirSink(output.folder, output.resume)
        if output.folder is not None
        else JsonlSink(output.path, output.resume)
    )
    done = sink.done
    progress = Progress(progress_stream or sys.stderr, skipped=done.records, skipped_errors=done.errors)
    read = replace(options.read, exclude=options.read.exclude + excluded)
    progress.count_total(lambda: count_records(paths, read))
    pending = (record for record in read_records(paths, read) if record.key not in done)
    jobs = options.jobs or default_jobs()
    try:
        for result in clean_records(pending, jobs, options.clean, options.model, options.ordered):
            sink.write(result)
            progress.add(result.ok)
    finally:
        try:
            sink.close()
        finally:
            progress.finish()
    return progress


def guard_inputs(paths: list[str | Path], output: Output) -> tuple[Path, ...]:
    """Refuse outputs that would overwrite an input; return the outputs that a folder walk must skip."""
    inputs = [Path(p) for p in paths if str(p) != "-"]
    excluded = []
    for target, kind in ((output.path, "output file"), (output.folder, "output folder")):
        if target in (None, "-"):
            continue
        target = Path(target)
        for source in inputs:
            if same_or_inside(target, source) and not source.is_dir():
                raise BatchError(f"{target}: the {kind} is the input {source}; choose another output")
            if kind == "output folder" and same_or_inside(source, target):
                raise BatchError(f"{target}: the output folder holds the input {source}; its files could be replaced")
            if source.is_dir() and same_or_inside(target, source):
                excluded.append(target)
    return tuple(excluded)


def same_or_inside(path: Path, other: Path) -> bool:
    """True if ``path`` is ``other`` or lies inside it (links resolved; the path need not exist)."""
    real, container = os.path.realpath(path), os.path.realpath(other)
    return real == container or real.startswith(container.rstrip(os.sep) + os.sep)
