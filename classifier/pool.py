"""A process pool for streams of chunks: each worker has its own pipe and one chunk at a time.

Why not concurrent.futures or multiprocessing.Pool: when a worker dies (a native crash, the OOM
killer), those lose track of which work it held, or hang. Here the parent knows which chunk each
worker holds, so a death costs one page: the dead worker's chunk is rerun page by page, each alone,
and the page that kills again becomes an error. A worker still busy well past its deadline is killed
the same way (a page stuck in native code, where the in-worker alarm cannot reach). Workers exit by
themselves when the parent dies, even by SIGKILL: their pipe closes.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from .errors import BatchError

_READY = "ready"
#: Seconds between checks for workers past their deadline, when none is due sooner.
_POLL = 1.0


@dataclass
class _Task:
    seq: int
    items: list
    #: Position of the single item in its chunk, when a chunk is rerun item by item after a death.
    slot: int | None = None


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    task: _Task | None = None
    deadline: float | None = None


@dataclass
class ChunkPool:
    """``jobs`` worker processes running ``function(chunk) -> list`` (one result per item) on chunks.

    ``initializer(*initargs)`` runs once in each worker. ``lost(item, killed)`` makes the result of
    an item whose worker died (``killed``: stopped by the parent past ``deadline(len(chunk))`` seconds).
    """

    jobs: int
    function: Callable[[list], list]
    initializer: Callable[..., None]
    initargs: tuple
    lost: Callable[[Any, bool], Any]
    deadline: Callable[[int], float | None] = lambda size: None
    context: Any = None
    workers: list[_Worker] = field(default_factory=list)

    def map(self, chunks: Iterable[list], ordered: bool = True, window: int | None = None) -> Iterator[list]:
        """Results of each chunk, in input order (or as done), with at most ``window`` chunks taken ahead."""
        window = window or 2 * self.jobs + 1
        stream = iter(chunks)
        pending: deque[_Task] = deque()
        done: dict[int, list] = {}
        partial: dict[int, list] = {}
        taken = given = 0
        exhausted = False
        try:
            self.workers = [self._spawn() for _ in range(self.jobs)]
            while True:
                for worker in self.workers:
                    if not (worker.ready and worker.task is None):
                        continue
                    if not pending and not exhausted and taken - given < window:
                        chunk = next(stream, None)
                        if chunk is None:
                            exhausted = True
                        else:
                            pending.append(_Task(taken, chunk))
                            taken += 1
                    if pending:
                        self._send(worker, pending.popleft())
                while done and (not ordered or given in done):
                    yield done.pop(given if ordered else next(iter(done)))
                    given += 1
                if exhausted and given == taken:
                    return
                for worker, message in self._wait():
                    if message is _Died or message is _Killed:
                        self._replace(worker, message is _Killed, pending, done, partial)
                    elif message == _READY:
                        worker.ready = True
                    else:
                        task, worker.task, worker.deadline = worker.task, None, None
                        _complete(task, message, done, partial)
        finally:
            self.close()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to leave, busy ones are killed."""
        for worker in self.workers:
            try:
                if worker.task is None and worker.process.is_alive():
                    worker.conn.send(None)
                else:
                    worker.process.kill()
            except OSError:
                worker.process.kill()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []

    def _spawn(self) -> _Worker:
        context = self.context or multiprocessing.get_context()
        parent, child = context.Pipe(duplex=True)
        process = context.Process(
            target=_serve, args=(child, self.function, self.initializer, self.initargs), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _send(self, worker: _Worker, task: _Task) -> None:
        worker.task = task
        limit = self.deadline(len(task.items))
        worker.deadline = None if limit is None else time.monotonic() + limit
        with suppress(OSError):  # the worker is dead: _wait() sees its sentinel and reruns the task
            worker.conn.send(task.items)

    def _wait(self) -> list[tuple[_Worker, Any]]:
        """Block until a worker answers or dies, or one is past its deadline: (worker, message) pairs."""
        deadlines = [w.deadline for w in self.workers if w.deadline is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else _POLL
        by_object = {}
        for worker in self.workers:
            by_object[worker.conn] = worker
            by_object[worker.process.sentinel] = worker
        events: dict[int, tuple[_Worker, Any]] = {}
        for ready in wait(list(by_object), timeout):
            worker = by_object[ready]
            if id(worker) in events:
                continue
            if ready is worker.conn:
                try:
                    events[id(worker)] = (worker, worker.conn.recv())
                except (EOFError, OSError):
                    events[id(worker)] = (worker, _Died)
            elif not worker.conn.poll():
                events[id(worker)] = (worker, _Died)
        now = time.monotonic()
        for worker in self.workers:
            if id(worker) not in events and worker.deadline is not None and worker.deadline <= now:
                worker.process.kill()
                events[id(worker)] = (worker, _Killed)
        return list(events.values())

    def _replace(self, worker: _Worker, killed: bool, pending: deque, done: dict, partial: dict) -> None:
        """A worker died or was killed: start another; rerun its chunk item by item, or fail its one item."""
        worker.process.join()
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._spawn()
        task = worker.task
        if task is None:
            if not worker.ready:
                raise BatchError(
                    f"worker processes die as they start (exit code {worker.process.exitcode}; see the messages above)"
                )
            return
        if task.slot is None and len(task.items) > 1:
            partial[task.seq] = [None] * len(task.items)
            pending.extendleft(reversed([_Task(task.seq, [item], slot) for slot, item in enumerate(task.items)]))
            return
        _complete(task, [self.lost(task.items[0], killed)], done, partial)


class _Died:
    """Marker: the worker's process ended (or its pipe broke)."""


class _Killed:
    """Marker: the parent killed the worker, past its deadline."""


def _complete(task: _Task, results: list, done: dict, partial: dict) -> None:
    if task.slot is None:
        done[task.seq] = results
        return
    slots = partial[task.seq]
    slots[task.slot] = results[0]
    if all(slot is not None for slot in slots):
        done[task.seq] = partial.pop(task.seq)


def _serve(conn, function: Callable[[list], list], initializer: Callable[..., None], initargs: tuple) -> None:
    """A worker's life: initialize, say ready, then run chunks until told to stop or the parent is gone."""
    initializer(*initargs)
    try:
        conn.send(_READY)
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            conn.send(function(chunk))
    except (EOFError, OSError):
        return  # the parent is gone
