"""run_batch(): inputs -> clean_many -> a resumable output, with progress. What ``classifier clean DIR`` runs."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .batch import DEFAULT_TIMEOUT, clean_many, resolve_model
from .errors import BatchError
from .inputs import DEFAULT_READ, ReadOptions, read_records
from .journal import JsonlSink, TextDirSink
from .labels import Label
from .progress import Progress

if TYPE_CHECKING:
    from .model import BlockModel


def run_batch(
    paths: Iterable[str | Path],
    *,
    output: str | Path | None = None,
    output_dir: str | Path | None = None,
    resume: bool = False,
    jobs: int | None = None,
    model: BlockModel | str | Path | None = None,
    input_format: str = "auto",
    keep: tuple[Label, ...] = (Label.EDITORIAL,),
    blocks: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    read: ReadOptions = DEFAULT_READ,
    ordered: bool = True,
    progress_stream: TextIO | None = None,
) -> Progress:
    """Clean every page of ``paths`` into JSON Lines (``output``, default stdout) or ``output_dir``.

    Returns the counts; ``progress.failed`` is the number of error records in the whole output.
    Raises BatchError (output unusable, journal not resumable) or ModelError before any page is read.
    """
    if output is not None and output_dir is not None:
        raise BatchError("give -o FILE or --output-dir DIR, not both")
    resolve_model(model)  # a bad model is reported before the output is opened (and truncated)
    sink = TextDirSink(output_dir, resume) if output_dir is not None else JsonlSink(output, resume)
    done = sink.done
    progress = Progress(progress_stream or sys.stderr, skipped=done.records, skipped_errors=done.errors)
    pending = (record for record in read_records(paths, read) if record.key not in done)
    try:
        results = clean_many(
            pending,
            jobs,
            model=model,
            input_format=input_format,
            keep=keep,
            blocks=blocks,
            max_bytes=read.max_bytes,
            timeout=timeout,
            ordered=ordered,
            fields=read,
        )
        for result in results:
            sink.write(result)
            progress.add(result.ok)
    finally:
        sink.close()
        progress.finish()
    return progress
