"""clean_many(): clean a stream of pages on all cores, one result per page, in input order.

Pages are sent to worker processes in small chunks, with a bounded number of chunks in flight, so
memory stays flat however long the stream is. Each worker loads the model once (the pool's
initializer). A page that fails (undecodable, unparsable, over ``max_bytes``, over ``timeout``
seconds, or one that kills its worker process) becomes a result with ``error`` set, and the stream
goes on. ``jobs=1`` cleans in the calling process, with no pool at all.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BatchError, ClassifierError, PageLimitError
from ..export import editorial_text, thresholds_for
from ..labels import Label
from .pool import ChunkPool
from .records import DEFAULT_MAX_BYTES, PageRecord, PageResult, ReadOptions, as_record

if TYPE_CHECKING:  # for annotations only: the batch modules load the model through pipeline.load_model
    from ..model import BlockModel

#: Per-page time limit in seconds. A page takes milliseconds (bench/batch_bench.py); a page still
#: running after a minute is pathological (a parser trap), and holding a worker longer stalls the batch.
DEFAULT_TIMEOUT = 60.0
#: Pages per chunk sent to a worker: enough that inter-process overhead is a few per cent of the work
#: at ~4 ms a page (bench/batch_bench.py), few enough that work spreads over the workers evenly.
CHUNK_PAGES = 8
#: A chunk is closed early once its pages hold this many bytes, which bounds memory in flight.
CHUNK_BYTES = 256 * 1024
#: Chunks taken from the stream ahead of the output, per worker: the pool.DEPTH sent to the worker and as
#: many again, so that one slow page does not idle the other workers while the output waits for it in order.
CHUNKS_PER_WORKER = 4
#: Seconds a worker may run past a chunk's time limit before the parent kills it. The worker's own alarm
#: stops a slow page at its limit; this is for a page stuck in native code, which the alarm cannot reach.
KILL_GRACE = 10.0
WORKER_DIED = "the worker process died while cleaning this page (a crash in a native library, or out of memory)"


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """What a worker does with each page."""

    input_format: str = "auto"
    #: Labels kept besides editorial (the same meaning as ``--keep``).
    keep: tuple[Label, ...] = ()
    #: Also return the page's labeled blocks.
    blocks: bool = False
    #: Seconds a page may take; None: no limit. Enforced with SIGALRM in worker processes (and with
    #: ``jobs=1`` when called from the main thread); elsewhere it is not enforced.
    timeout: float | None = DEFAULT_TIMEOUT
    #: ``--favor``: balanced, precision or recall (export.FAVOR).
    favor: str = "balanced"
    #: ``--format``: text; markdown (records also carry ``markdown``); json (``markdown`` and ``metadata``).
    output_format: str = "text"
    #: Markdown with the page's links.
    links: bool = False


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def clean_many(
    records: Iterable[PageRecord | str | bytes | Mapping],
    jobs: int | None = None,
    *,
    model: BlockModel | str | Path | None = None,
    input_format: str = "auto",
    keep: tuple[Label, ...] = (),
    blocks: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = DEFAULT_TIMEOUT,
    ordered: bool = True,
    fields: ReadOptions | None = None,
    favor: str = "balanced",
) -> Iterator[PageResult]:
    """Clean pages on ``jobs`` processes (default: every core), yielding one PageResult per record.

    ``records`` may hold pages (str or bytes), dicts (content in ``html`` or ``text``, with ``id`` and
    ``url``; ``fields`` names other fields) or PageRecord. It is read lazily, a bounded window at a time.
    Results come in input order unless ``ordered=False`` (then as they are done).

    Example: ``for result in clean_many(pages, jobs=4): print(result.id, result.text or result.error)``
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise BatchError(f"jobs must be 1 or more, not {jobs}")
    thresholds_for(favor)  # an unknown setting fails here, before any page
    options = CleanOptions(input_format, tuple(keep), blocks, timeout, favor)
    read = replace(fields or ReadOptions(), max_bytes=max_bytes)
    pages = (as_record(item, position, read) for position, item in enumerate(records))
    return clean_records(pages, jobs, options, model, ordered)


def clean_records(
    pages: Iterable[PageRecord],
    jobs: int,
    options: CleanOptions,
    model: BlockModel | str | Path | None = None,
    ordered: bool = True,
) -> Iterator[PageResult]:
    """clean_many's engine, for records already read: in this process (``jobs=1``) or on a pool."""
    loaded = resolve_model(model)  # in this process too: a bad model fails here, once, not in every worker
    if jobs == 1:
        return (clean_record(page, loaded, options) for page in pages)
    spec = loaded if model is loaded else (None if model is None else str(model))
    return _run_pool(iter(pages), jobs, options, spec, ordered)


def clean_record(record: PageRecord, model: BlockModel, options: CleanOptions) -> PageResult:
    """Clean one record; never raises for a bad page: its failure becomes the result's ``error``."""
    from ..decode import decode
    from ..pipeline import classify, extract

    result = PageResult.of(record)
    if record.error is not None or record.content is None:
        result.error = record.error or f"{record.where}: no content"
        return result
    where = record.where
    input_format = options.input_format if options.input_format != "auto" else (record.format or "auto")
    try:
        with time_limit(options.timeout, where):
            content = record.content
            if isinstance(content, bytes):
                content = decode(content, where, transport=record.encoding)
            if options.output_format == "text":
                page_blocks = classify(content, input_format, model, where)
                result.text = editorial_text(page_blocks, options.keep, thresholds_for(options.favor))
            else:
                page = extract(
                    content, input_format, model, options.keep, where, options.favor, options.links, record.url
                )
                page_blocks, result.text, result.markdown = page.blocks, page.text, page.markdown
                result.metadata = page.metadata if options.output_format == "json" else None
    except ClassifierError as exc:
        result.error = str(exc)
    except Exception as exc:  # a bug or a parser failure on one page must not end the batch
        result.error = f"{where}: {type(exc).__name__}: {exc}"
    else:
        result.blocks = page_blocks if options.blocks else None
    return result


@contextmanager
def time_limit(seconds: float | None, where: str) -> Iterator[None]:
    """Raise PageLimitError in the body after ``seconds`` (SIGALRM: main thread of a POSIX process only)."""
    usable = (
        seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise PageLimitError(f"{where}: took longer than {seconds:g} s to clean (--timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def resolve_model(model: BlockModel | str | Path | None) -> BlockModel:
    """A model object as it is, else the model directory loaded (None: the shipped default)."""
    from ..model import BlockModel
    from ..pipeline import load_model

    return model if isinstance(model, BlockModel) else load_model(model)


# -- worker processes -------------------------------------------------------------------------------

_worker: dict = {}


def _init_worker(options: CleanOptions, spec: BlockModel | str | None) -> None:
    """Pool initializer: load the model once per worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    _one_thread_per_worker()
    _worker["model"] = resolve_model(spec)
    _worker["options"] = options


def _clean_chunk(chunk: list[PageRecord]) -> list[PageResult]:
    model, options = _worker["model"], _worker["options"]
    return [clean_record(record, model, options) for record in chunk]


def _one_thread_per_worker() -> None:
    """N workers on N cores: numerical libraries must not start threads of their own."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


def _context() -> multiprocessing.context.BaseContext:
    """How to start workers: fork where it is safe (Linux, and no other thread in this process): it starts in
    a tenth of a second and shares the loaded model; else forkserver (safe beside threads, as in a Dask
    worker or a web server), else spawn."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # workers fork from a process that has imported us
        return context
    return multiprocessing.get_context("spawn")


def _lost(record: PageRecord, killed: bool, timeout: float | None) -> PageResult:
    """The result of a page whose worker process died (or was killed, stuck past its time limit)."""
    reason = (
        f"still running {KILL_GRACE:g} s after its time limit of {timeout:g} s; its worker was stopped"
        if killed
        else WORKER_DIED
    )
    return PageResult.of(record, f"{record.where}: {reason}")


def _run_pool(
    pages: Iterator[PageRecord], jobs: int, options: CleanOptions, spec: BlockModel | str | None, ordered: bool
) -> Iterator[PageResult]:
    timeout = options.timeout
    pool = ChunkPool(
        jobs,
        _clean_chunk,
        _init_worker,
        (options, spec),
        lost=partial(_lost, timeout=timeout),
        deadline=lambda size: None if timeout is None else size * timeout + KILL_GRACE,
        context=_context(),
    )
    for results in pool.map(_chunks(pages), ordered, window=jobs * CHUNKS_PER_WORKER + 1):
        yield from results


def _chunks(pages: Iterator[PageRecord]) -> Iterator[list[PageRecord]]:
    chunk: list[PageRecord] = []
    size = 0
    for page in pages:
        chunk.append(page)
        size += len(page.content) if page.content is not None else 0
        if len(chunk) >= CHUNK_PAGES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
