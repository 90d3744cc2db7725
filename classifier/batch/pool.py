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
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from ..errors import BatchError

_READY = "ready"
#: Seconds between checks for workers past their deadline, when none is due sooner.
_POLL = 1.0
#: Chunks sent to a worker ahead of its results: one running and one waiting in the worker, so that it
#: never idles while the parent (perhaps descheduled on a busy machine) gets round to sending the next.
DEPTH = 2


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
    #: Chunks sent and not yet answered, oldest (the one running) first.
    tasks: deque[_Task] = field(default_factory=deque)
    #: When the running chunk is overdue.
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
        window = window or (DEPTH + 1) * self.jobs
        stream = iter(chunks)
        pending: deque[_Task] = deque()
        done: dict[int, list] = {}
        partial: dict[int, list] = {}
        taken = given = 0
        exhausted = False
        try:
            self.workers = []
            for _ in range(self.jobs):
                self.workers.append(self._spawn())
            while True:
                for worker in self.workers:
                    while worker.ready and len(worker.tasks) < DEPTH:
                        if not pending and not exhausted and taken - given < window:
                            chunk = next(stream, None)
                            if chunk is None:
                                exhausted = True
                            else:
                                pending.append(_Task(taken, chunk))
                                taken += 1
                        if not pending:
                            break
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
                        _complete(worker.tasks.popleft(), message, done, partial)
                        worker.deadline = self._deadline(worker)
        finally:
            self.close()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to leave, busy ones are killed."""
        for worker in self.workers:
            try:
                if not worker.tasks and worker.process.is_alive():
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
        # A forked child inherits the parent's end of its own pipe and of the other workers' pipes; it must
        # close them, or it would never see its pipe close when the parent dies (nor let the others see theirs).
        inherited = [parent, *(w.conn for w in self.workers)] if context.get_start_method() == "fork" else []
        process = context.Process(
            target=_serve, args=(child, inherited, self.function, self.initializer, self.initargs), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _send(self, worker: _Worker, task: _Task) -> None:
        worker.tasks.append(task)
        if len(worker.tasks) == 1:
            worker.deadline = self._deadline(worker)
        with suppress(OSError):  # the worker is dead: _wait() sees its sentinel and reruns the task
            worker.conn.send(task.items)

    def _deadline(self, worker: _Worker) -> float | None:
        """When the worker's running chunk (its oldest) is overdue, counted from now."""
        if not worker.tasks:
            return None
        limit = self.deadline(len(worker.tasks[0].items))
        return None if limit is None else time.monotonic() + limit

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
            elif not _has_data(worker.conn):
                events[id(worker)] = (worker, _Died)
        now = time.monotonic()
        for worker in self.workers:
            if id(worker) not in events and worker.deadline is not None and worker.deadline <= now:
                worker.process.kill()
                events[id(worker)] = (worker, _Killed)
        return list(events.values())

    def _replace(self, worker: _Worker, killed: bool, pending: deque, done: dict, partial: dict) -> None:
        """A worker died or was killed: start another. Its running chunk is rerun item by item (or, a single
        item, fails); the chunks queued behind it never started and go back to the front of the queue."""
        worker.process.join()
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._spawn()
        if not worker.tasks:
            if not worker.ready:
                raise BatchError(
                    f"worker processes die as they start (exit code {worker.process.exitcode}; see the messages above)"
                )
            return
        running, *queued = worker.tasks
        if running.slot is None and len(running.items) > 1:
            partial[running.seq] = [None] * len(running.items)
            retry = [_Task(running.seq, [item], slot) for slot, item in enumerate(running.items)]
        else:
            _complete(running, [self.lost(running.items[0], killed)], done, partial)
            retry = []
        pending.extendleft(reversed(retry + queued))


class _Died:
    """Marker: the worker's process ended (or its pipe broke)."""


class _Killed:
    """Marker: the parent killed the worker, past its deadline."""


def _has_data(conn) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def _complete(task: _Task, results: list, done: dict, partial: dict) -> None:
    if task.slot is None:
        done[task.seq] = results
        return
    slots = partial[task.seq]
    slots[task.slot] = results[0]
    if all(slot is not None for slot in slots):
        done[task.seq] = partial.pop(task.seq)


def _serve(
    conn, inherited: list, function: Callable[[list], list], initializer: Callable[..., None], initargs: tuple
) -> None:
    """A worker's life: initialize, say ready, then run chunks until told to stop or the parent is gone.

    A reader thread takes chunks off the pipe as soon as they come, so the parent never blocks sending
    (and a worker blocked sending a large result can never deadlock with a parent blocked sending a chunk).
    """
    for other in inherited:
        other.close()
    initializer(*initargs)
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        try:
            while (chunk := conn.recv()) is not None:
                inbox.put(chunk)
        except (EOFError, OSError):
            pass  # the parent is gone
        inbox.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        conn.send(_READY)
        while (chunk := inbox.get()) is not None:
            conn.send(function(chunk))
    except (EOFError, OSError):
        return  # the parent is gone
