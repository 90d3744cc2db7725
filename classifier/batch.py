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
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .blocks import Block
from .errors import BatchError, ClassifierError, PageLimitError
from .export import editorial_text
from .inputs import (
    DEFAULT_MAX_BYTES,
    DEFAULT_READ,
    IN_MEMORY,
    PageRecord,
    ReadOptions,
    fill_from_mapping,
    over_limit,
    utf8_size,
)
from .labels import Label
from .pool import ChunkPool

if TYPE_CHECKING:  # the model module imports numpy: kept out of `classifier --help`
    from .model import BlockModel

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
    keep: tuple[Label, ...] = (Label.EDITORIAL,)
    #: Also return the page's labeled blocks.
    blocks: bool = False
    #: Seconds a page may take; None: no limit. Enforced with SIGALRM in worker processes (and with
    #: ``jobs=1`` when called from the main thread); elsewhere it is not enforced.
    timeout: float | None = DEFAULT_TIMEOUT


@dataclass(slots=True)
class PageResult:
    """The outcome for one input record: its cleaned ``text`` (and ``blocks``), or its ``error``."""

    source: str
    index: int
    id: str | int | None = None
    url: str | None = None
    text: str | None = None
    blocks: list[Block] | None = None
    error: str | None = None
    relative: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.index)

    def to_dict(self) -> dict:
        """``{"id", "source", "index", "url", "text"[, "blocks"]}``, or ``{..., "error"}``."""
        record: dict = {"id": self.id, "source": self.source, "index": self.index, "url": self.url}
        if self.error is not None:
            record["error"] = self.error
            return record
        record["text"] = self.text
        if self.blocks is not None:
            record["blocks"] = [block.to_dict() for block in self.blocks]
        return record


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
    keep: tuple[Label, ...] = (Label.EDITORIAL,),
    blocks: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = DEFAULT_TIMEOUT,
    ordered: bool = True,
    fields: ReadOptions | None = None,
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
    options = CleanOptions(input_format, tuple(keep), blocks, timeout)
    read = ReadOptions(max_bytes=max_bytes) if fields is None else _with_max_bytes(fields, max_bytes)
    pages = (as_record(item, position, read) for position, item in enumerate(records))
    loaded = resolve_model(model)  # in this process too: a bad model fails here, once, not in every worker
    if jobs == 1:
        return (clean_record(page, loaded, options) for page in pages)
    spec = loaded if model is loaded else (None if model is None else str(model))
    return _run_pool(pages, jobs, options, spec, ordered)


def as_record(item: PageRecord | str | bytes | Mapping, position: int, read: ReadOptions = DEFAULT_READ) -> PageRecord:
    """Any accepted input item as a PageRecord, its size checked against ``read.max_bytes``."""
    if isinstance(item, PageRecord):
        record = item
    elif isinstance(item, (str, bytes)):
        record = PageRecord(IN_MEMORY, position, item, id=position, relative=f"{position:06d}")
    elif isinstance(item, Mapping):
        record = PageRecord(IN_MEMORY, position, None, relative=f"{position:06d}")
        return fill_from_mapping(record, item, read, f"record {position}")
    else:
        raise TypeError(f"record {position}: expected a page (str or bytes), a dict or a PageRecord, not {type(item)}")
    content = record.content
    if record.error is None and content is not None:
        size = len(content) if isinstance(content, bytes) else utf8_size(content, read.max_bytes)
        if size > read.max_bytes:
            record.error = over_limit(record.where, size, read.max_bytes)
            record.content = None
    return record


def clean_record(record: PageRecord, model: BlockModel, options: CleanOptions) -> PageResult:
    """Clean one record; never raises for a bad page: its failure becomes the result's ``error``."""
    from .pipeline import classify

    result = PageResult(record.source, record.index, record.id, record.url, relative=record.relative)
    if record.error is not None or record.content is None:
        result.error = record.error or f"{record.where}: no content"
        return result
    where = record.where
    try:
        with time_limit(options.timeout, where):
            page_blocks = classify(_transport_decoded(record), options.input_format, model, where)
            result.text = editorial_text(page_blocks, options.keep)
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


def _transport_decoded(record: PageRecord) -> str | bytes:
    """Bytes decoded by the charset their transport declared (WARC HTTP header), if it fits; else as they are."""
    if record.encoding and isinstance(record.content, bytes):
        try:
            return record.content.decode(record.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return record.content


def _with_max_bytes(fields: ReadOptions, max_bytes: int) -> ReadOptions:
    from dataclasses import replace

    return replace(fields, max_bytes=max_bytes)


def resolve_model(model: BlockModel | str | Path | None) -> BlockModel:
    """A model object as it is, else the model directory loaded (None: the shipped default)."""
    from .model import BlockModel
    from .pipeline import load_model

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
    return PageResult(
        record.source, record.index, record.id, record.url, error=f"{record.where}: {reason}", relative=record.relative
    )


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
