"""Where batch runs execute: an interface, and a local process pool as the default.

A distributed engine can take batch runs later by implementing :class:`Executor`; the processes
and the review do not change.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

J = TypeVar("J")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` over jobs and yields each result as soon as it is ready (in any order)."""

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        ...


class LocalExecutor:
    """A pool of local worker processes; with one worker, runs in this process.

    Parameters
    ----------
    workers : int
        How many runs go on at once. Each run starts its own kernel, so more workers than cores
        mostly adds memory.
    """

    def __init__(self, workers: int = 1):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
        jobs = list(jobs)
        if self.workers == 1 or len(jobs) <= 1:
            for job in jobs:
                yield fn(job)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)), mp_context=context,
                                 initializer=_end_with, initargs=(os.getpid(),)) as pool:
            pending = {pool.submit(_run, fn, job) for job in jobs}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()


_orphaned = threading.Event()


def _end_with(parent: int) -> None:
    """Worker initializer: end the worker when the process that started it dies, even by SIGKILL.

    A watcher thread sees the worker orphaned and sends its main thread SIGTERM, raised there as
    ``SystemExit``: a run in progress unwinds (its kernel shut down, its staging removed), then
    :func:`_run` ends the worker; an idle worker ends at once.
    """
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    threading.Thread(target=_watch_parent, args=(parent, threading.main_thread().ident), daemon=True).start()


def _watch_parent(parent: int, main_thread: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    _orphaned.set()
    signal.pthread_kill(main_thread, signal.SIGTERM)


def _run(fn: Callable[[J], R], job: J) -> R:
    """Run one job in a worker; an orphaned worker exits once the job has unwound (the pool would
    catch the ``SystemExit`` and wait for more jobs)."""
    try:
        return fn(job)
    finally:
        if _orphaned.is_set():
            os._exit(128 + signal.SIGTERM)
