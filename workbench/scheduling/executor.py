"""Where batch runs compute: an interface, a local process pool as the default, and the executors
installed under the ``workbench.executors`` entry point group, chosen by name (``local``, ``dask``).

An executor only computes: it maps :func:`workbench.pipeline.compute.compute` over bundles that carry
everything a run reads, so its workers need no access to the workspace; the review commits each result
in the process that holds the workspace.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from importlib.metadata import entry_points
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

from workbench.exceptions import InputError

J = TypeVar("J")
R = TypeVar("R")
ENTRY_POINT_GROUP = "workbench.executors"


class Executor(Protocol):
    """Runs ``fn`` over jobs and yields each job with its result as soon as it is ready (in any order),
    or with the exception that lost it (a worker that died): one lost job never stops the others."""

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | BaseException]]:
        ...

    def close(self) -> None:
        """Release the workers."""


def executor_names() -> list[str]:
    """The names of the installed executors."""
    return sorted({e.name for e in entry_points(group=ENTRY_POINT_GROUP)})


def get_executor(name: str = "local", workers: int = 1, scheduler: str = "") -> Executor:
    """The executor installed as ``name``, made with ``workers`` and ``scheduler`` (its address, for an
    executor that connects to one).

    Raises
    ------
    InputError
        An unknown name, or options the executor refuses (a scheduler that does not answer).
    """
    found = {e.name: e for e in entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        raise InputError.single("executor", name, f"allowed: {', '.join(sorted(found))}")
    return found[name].load()(workers=workers, scheduler=scheduler)


class LocalExecutor:
    """A pool of local worker processes; with one worker, runs in this process.

    Parameters
    ----------
    workers : int
        How many runs go on at once. Each run starts its own kernel, so more workers than cores
        mostly adds memory.
    scheduler : str
        Must be empty: the local executor has no scheduler.
    """

    def __init__(self, workers: int = 1, scheduler: str = ""):
        if not isinstance(workers, int) or workers < 1:
            raise InputError.single("workers", workers, "must be a whole number, at least 1")
        if scheduler:
            raise InputError.single("scheduler", scheduler, "is for the dask executor; the local executor runs "
                                    "on this machine: leave it out, or choose --executor dask")
        self.workers = workers

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | BaseException]]:
        jobs = list(jobs)
        if self.workers == 1 or len(jobs) <= 1:
            for job in jobs:
                try:
                    yield job, fn(job)
                except Exception as err:
                    yield job, err
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)), mp_context=context,
                                 initializer=_end_with, initargs=(os.getpid(),)) as pool:
            submitted = {pool.submit(_run, fn, job): job for job in jobs}
            pending = set(submitted)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    error = future.exception()
                    yield submitted[future], error if error is not None else future.result()


    def close(self) -> None:
        """Nothing to release: each review's pool ends with it."""


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
