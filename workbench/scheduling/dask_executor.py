"""Runs computed on a Dask distributed cluster: the ``dask`` executor.

The coordinator connects to a running scheduler (``tcp://host:8786``), or starts a cluster of
``workers`` local processes when given none. Each run's bundle travels to a worker, which computes it
in a scratch folder of its own and sends back the files; a worker needs workbench and a Jupyter
``python3`` kernel, never the workspace. A worker that dies mid-run loses its task: Dask gives the
task to another worker up to the scheduler's ``distributed.scheduler.allowed-failures`` times (a
computation has no side effect, so running it again is safe), then reports it lost, and the review
records that run as failed.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

from workbench.exceptions import InputError

J = TypeVar("J")
R = TypeVar("R")
CONNECT_TIMEOUT = 5  # seconds a scheduler has to answer


class DaskExecutor:
    """Computes runs on the workers of a Dask distributed scheduler.

    Parameters
    ----------
    workers : int
        Without a scheduler: how many local worker processes to start (one thread each).
    scheduler : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``; empty: a local cluster.

    Raises
    ------
    InputError
        The ``distributed`` package is missing, or the scheduler does not answer within
        :data:`CONNECT_TIMEOUT` seconds; nothing was run.
    """

    def __init__(self, workers: int = 1, scheduler: str = ""):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError.single("executor", "dask", "needs Dask distributed: pip install "
                                    "'aims-workbench[dask]'") from None
        if not isinstance(workers, int) or workers < 1:
            raise InputError.single("workers", workers, "must be a whole number, at least 1")
        self.cluster = None
        if not scheduler:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            scheduler = self.cluster.scheduler_address
        self.scheduler = scheduler
        try:
            self.client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError.single("scheduler", scheduler, (
                f"no Dask scheduler answered there within {CONNECT_TIMEOUT} s ({type(err).__name__}): start one "
                "('dask scheduler', then 'dask worker ADDRESS --nthreads 1' on each machine) or give its address "
                "as tcp://HOST:PORT")) from None

    def map_unordered(self, fn: Callable[[J], R], jobs: Iterable[J]) -> Iterator[tuple[J, R | BaseException]]:
        from distributed import as_completed

        jobs = list(jobs)
        if not jobs:
            return
        futures = self.client.map(fn, jobs, pure=False)
        submitted = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures, loop=self.client.loop):
            job = submitted[future.key]
            if future.status == "finished":
                yield job, future.result()
            else:
                error = future.exception()
                yield job, error if isinstance(error, BaseException) else RuntimeError(f"task {future.status}")
            future.release()

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
