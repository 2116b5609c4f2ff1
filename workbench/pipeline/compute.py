"""A run split in two, so that it can compute on a machine that has no access to the workspace.

The coordinator (the process that holds the workspace) validates a request, gives it its run id and
packs a :class:`Bundle`: plain, picklable data holding everything the run reads: the configuration
in force, the workspace's content pack, a snapshot of the register, the results of the archived
records (a comparison reads the previous version's; a system card or a management review reads
others'), and the data files the process says the run reads (``Process.files``). A worker
(:func:`compute`) lays the bundle out as a scratch workspace in a folder of its own, executes the
template there on a clean kernel and stages the evidence, and returns the files as :class:`Computed`.
Nothing it does is recorded: only the coordinator hashes, archives, writes the ledger and the
register (:func:`commit`), so a run computed twice (a worker lost and its task retried) is
archived once.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workbench.pipeline.archive import staged, write_atomic
from workbench.pipeline.execute import ExecutionFailed
from workbench.pipeline.request import RunRequest, build_request
from workbench.pipeline.run import (HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE, Evidence, Review, Started, commit_staged,
                                    compute_in, fail, start_run)
from workbench.workspace import CONFIG_FILE, REGISTER_FILE, Workspace

REGISTER_URL_VARIABLE = "WORKBENCH_REGISTER_URL"
# papermill runs a kernel in its working folder by changing this process's: one run at a time here
_ONE_RUN_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Bundle:
    """What one run needs, as plain data: the request's parameters, the identity the coordinator gave
    it, and the workspace files it reads (``files``: relative POSIX path to bytes)."""

    process: str
    system_id: str
    item_id: str
    answers: dict
    period: str
    assessor: str
    effective_date: str
    started: Started
    timeout: int | None
    files: dict[str, bytes] = field(repr=False)

    @property
    def size(self) -> int:
        """The bytes of the files it carries."""
        return sum(len(data) for data in self.files.values())


@dataclass(frozen=True)
class Computed:
    """What a worker returns: the staged evidence files (or the partial notebook of a failed run),
    the results, the previous version's run id it compared with, and the error of a failed run."""

    run_id: str
    files: dict[str, bytes] = field(repr=False)
    results: dict | None = None
    previous: str | None = None
    error: tuple[str, str] | None = None


def bundle(workspace: Workspace, request: RunRequest, timeout: int | None = None,
           shared: dict[str, bytes] | None = None) -> Bundle:
    """Pack what ``request`` reads, under a new run id; ``shared`` is :func:`shared_files` when a review
    packs many runs of one unchanged workspace, so the register is copied once, not once per run."""
    files = dict(shared_files(workspace) if shared is None else shared)
    for name in request.process.reads(workspace, request) if request.process.reads else ():
        relative = workspace.inside(workspace.root / name).relative_to(workspace.root).as_posix()
        files[relative] = (workspace.root / relative).read_bytes()
    return Bundle(request.process.name, request.system.id, request.item_id, request.answers_json, request.period,
                  request.assessor, request.effective_date.isoformat(), start_run(workspace, request), timeout, files)


def shared_files(workspace: Workspace) -> dict[str, bytes]:
    """What every run of the workspace reads: the configuration in force, a copy of the register, the
    content pack and the archived results."""
    files = {CONFIG_FILE: configuration_in_force(workspace), REGISTER_FILE: register_snapshot(workspace)}
    content = workspace.root / "content"
    if content.is_dir():
        for path in sorted(content.rglob("*")):
            if path.is_file():
                files[path.relative_to(workspace.root).as_posix()] = path.read_bytes()
    for row in workspace.register.evidence_list():
        if row["status"] != "failed":
            relative = f"evidence/{row['path']}/{RESULTS_FILE}"
            files[relative] = (workspace.root / relative).read_bytes()
    return files


def configuration_in_force(workspace: Workspace) -> bytes:
    """The configuration a run uses: the last one the ledger records, else ``workbench.yaml``."""
    recorded = workspace.recorded_configuration
    return (recorded[0] if recorded else workspace.root / CONFIG_FILE).read_bytes()


def register_snapshot(workspace: Workspace) -> bytes:
    """The register's tables copied into a new SQLite file, whatever database holds them."""
    from sqlalchemy import delete, insert, select

    from workbench.register import Register
    from workbench.register_copy import register_tables

    source = workspace.register
    with tempfile.TemporaryDirectory(prefix="workbench-register-") as folder:
        path = Path(folder) / REGISTER_FILE
        copy = Register(f"sqlite:///{path}")
        tables = [t for t in register_tables() if t.name in _tables(copy)]  # the installed processes' only
        with source.engine.connect() as reading, copy.engine.begin() as writing:
            for table in reversed(tables):
                writing.execute(delete(table))
            for table in tables:
                rows = [dict(row) for row in reading.execute(select(table)).mappings()]
                if rows:
                    writing.execute(insert(table), rows)
        copy.close()
        return path.read_bytes()


def _tables(register) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(register.engine).get_table_names())


def compute(job: Bundle) -> Computed:
    """Run one bundle in a scratch folder of this machine and return its files; never touches a workspace.

    A failed run (a cell raised, a timeout, a dead kernel) is returned with its partial notebook and
    error, for the coordinator to archive as a failed run.
    """
    with _ONE_RUN_AT_A_TIME, tempfile.TemporaryDirectory(prefix="workbench-run-") as folder:
        root = Path(folder) / "workspace"
        for name, data in job.files.items():
            target = root.joinpath(*_safe_parts(name))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (root / "evidence").mkdir(exist_ok=True)
        url = f"sqlite:///{root / REGISTER_FILE}"
        scratch = Workspace(root)
        from workbench.register import Register

        scratch.__dict__["register"] = Register(url)
        request = build_request(scratch, job.process, job.system_id, job.answers, job.period, job.assessor,
                                job.effective_date, job.item_id, signed=False)
        env = {**os.environ, REGISTER_URL_VARIABLE: url}
        with staged(Path(folder) / "staging", job.started.run_id) as staging:
            try:
                _nb, results, previous = compute_in(scratch, request, job.started, staging, job.timeout, ".", env)
            except (ExecutionFailed, OSError) as err:
                error = (err.ename, err.evalue) if isinstance(err, ExecutionFailed) else (type(err).__name__, str(err))
                return Computed(job.started.run_id, _read(staging), error=error)
            finally:
                scratch.register.close()
            return Computed(job.started.run_id, _read(staging), results, previous)


def _safe_parts(name: str) -> tuple[str, ...]:
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"a bundle names the file {name!r}, which is not a plain relative path")
    return parts


def _read(staging: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(staging.iterdir()) if p.is_file()}


def commit(workspace: Workspace, request: RunRequest, job: Bundle, computed: Computed | BaseException,
           review: Review = "") -> Evidence:
    """Archive what a worker computed for ``job``, in the coordinator: the evidence, or a failed run
    (its partial notebook and error; a lost worker's error alone).

    Raises
    ------
    RunError
        The run failed; it is archived as a failed run.
    """
    import nbformat

    with staged(workspace.staging_dir, job.started.run_id) as staging:
        if isinstance(computed, BaseException):
            fail(workspace, request, job.started, staging, ExecutionFailed(type(computed).__name__, str(computed)))
        allowed = {NOTEBOOK_FILE, RESULTS_FILE, HTML_FILE, *request.process.attachments}
        for name, data in computed.files.items():
            if name not in allowed:
                fail(workspace, request, job.started, staging, ExecutionFailed(
                    "UnexpectedFile", f"the worker returned {name!r}; a run returns only {', '.join(sorted(allowed))}"))
            write_atomic(staging / name, data)
        if computed.error is not None:
            fail(workspace, request, job.started, staging, ExecutionFailed(*computed.error))
        nb = nbformat.reads(computed.files[NOTEBOOK_FILE].decode("utf-8"), as_version=4)
        return commit_staged(workspace, request, job.started, staging, nb, computed.results, computed.previous,
                             refresh_index=False, review=review)
