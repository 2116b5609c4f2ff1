"""The one pipeline every run goes through, for a person and a scheduler alike:

answers -> validate -> run (papermill) -> render (nbconvert) -> archive -> register.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import nbformat

from workbench import __version__
from workbench.pipeline.archive import archive_locked, fault_point, locked, sha256_file, staged, write_atomic
from workbench.pipeline.compare import changes, compared_record
from workbench.exceptions import AlreadyRecordedError, InputError, RunError
from workbench.pipeline.render import render_html
from workbench.pipeline.request import RunRequest, build_request, subject, subject_item
from workbench.pipeline.execute import ExecutionFailed, execute, extract_results, prepare
from workbench.pipeline.portfolio import build_index
from workbench.processes import get_process
from workbench.pipeline.recovery import index_entry, recover_locked
from workbench.workspace import Workspace

HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE = "evidence.html", "notebook.ipynb", "results.json"
Review = Literal["", "once", "forced"]


@dataclass(frozen=True)
class Evidence:
    """What one archived run left behind."""

    run_id: str
    folder: Path
    ledger_entry: dict

    @property
    def html(self) -> Path:
        return self.folder / HTML_FILE

    @property
    def notebook(self) -> Path:
        return self.folder / NOTEBOOK_FILE

    @property
    def results(self) -> Path:
        return self.folder / RESULTS_FILE


def new_run_id(code: str, now: datetime) -> str:
    """A unique, sortable run id such as ``ra-20261127T174501Z-3f9a1c``."""
    return f"{code}-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def run_process(workspace: Workspace, process: str, system_id: str, answers: Any, period: str = "",
                assessor: str = "", effective_date: str = "", timeout: int | None = None,
                refresh_index: bool = True, item_id: str = "", review: Review = "") -> Evidence:
    """Validate, run, render, archive and register one process run.

    Parameters
    ----------
    workspace : Workspace
        Where the run is archived and registered.
    process : str
        Process name, e.g. ``risk-assessment``.
    system_id : str
        Registered AI system the run is about.
    answers : dict, str or Path
        The answers: a dict, a JSON string, or a YAML/JSON file.
    period, assessor, effective_date : str
        Review period (default: the quarter of the effective date), assessor's person id
        (default: the current user), and the date the assessment speaks for (default: today).
    timeout : int, optional
        Seconds a single cell may run.
    refresh_index : bool
        Rebuild the portfolio index afterwards (a batch review rebuilds it once at the end instead).
    item_id : str
        The item of the system (a dataset, a supplier) that a process about items is run for.
    review : {"", "once", "forced"}
        A periodic review's run: ``once`` is refused if the subject already has a record for the
        period, ``forced`` is another round; empty for any other run.

    Raises
    ------
    InputError
        Bad input; nothing was run or written.
    AlreadyRecordedError
        A ``once`` review found the period already recorded (by a concurrent review); nothing was archived.
    RunError
        The run failed; its partial notebook and error are archived as a failed-run record.
    """
    request = build_request(workspace, process, system_id, answers, period, assessor, effective_date, item_id)
    return execute_request(workspace, request, timeout=timeout, refresh_index=refresh_index, review=review)


@dataclass(frozen=True)
class Started:
    """A run's identity, fixed by the coordinator before it computes anywhere: its id, its provenance
    (the notebook's metadata) and its folder under ``evidence/``."""

    run_id: str
    provenance: dict
    relative: str


def start_run(workspace: Workspace, request: RunRequest) -> Started:
    """Give a validated request its run id and provenance."""
    now = datetime.now(timezone.utc)
    run_id = new_run_id(request.process.code, now)
    return Started(run_id, _provenance(workspace, request, run_id, now), f"{request.subject_path}/{run_id}")


def execute_request(workspace: Workspace, request: RunRequest, timeout: int | None = None,
                    refresh_index: bool = True, review: Review = "") -> Evidence:
    """Run an already validated request through the rest of the pipeline (``review``: see :func:`run_process`).

    The run computes in this process on the workspace itself; a periodic review computes each run from
    a bundle, possibly on another machine (:mod:`workbench.pipeline.compute`), and commits it here.
    """
    check_timeout(timeout)
    started = start_run(workspace, request)
    with staged(workspace.staging_dir, started.run_id) as staging:  # archived: renamed away; else removed
        try:
            nb, results, previous = compute_in(workspace, request, started, staging, timeout, str(workspace.root))
        except (ExecutionFailed, OSError) as err:  # OSError: the disk filled up or a file limit was hit
            fail(workspace, request, started, staging, err)
        return commit_staged(workspace, request, started, staging, nb, results, previous, refresh_index, review)


def check_timeout(timeout: int | None) -> None:
    if timeout is not None and (not isinstance(timeout, int) or timeout < 1):
        raise InputError.single("timeout", timeout, "must be at least 1 second, or left out for no limit")


def compute_in(workspace: Workspace, request: RunRequest, started: Started, staging: Path, timeout: int | None,
               shown_workspace: str, env: dict | None = None):
    """The compute half of a run: execute the template on a clean kernel in ``workspace`` and stage its
    evidence files in ``staging``; return the executed notebook, its results and the previous version's
    run id. ``shown_workspace`` is the ``workspace`` parameter the notebook records; ``env`` the kernel's."""
    nb = execute(request.process.template, staging / NOTEBOOK_FILE,
                 _parameters(shown_workspace, request, started.run_id), cwd=workspace.root, timeout=timeout, env=env)
    results = extract_results(nb)
    previous = _stage_evidence(workspace, request, started.provenance, started.relative, nb, results, staging)
    return nb, results, previous


def fail(workspace: Workspace, request: RunRequest, started: Started, staging: Path, err: Exception):
    """Archive a failed run (its partial notebook, if any, and its error) and raise ``RunError``."""
    failure = err if isinstance(err, ExecutionFailed) else ExecutionFailed(type(err).__name__, str(err))
    _record_failure(workspace, request, started.provenance, staging, failure)
    raise RunError(started.run_id, str(workspace.evidence_dir / started.relative / NOTEBOOK_FILE), failure.ename,
                   failure.evalue) from None


def commit_staged(workspace: Workspace, request: RunRequest, started: Started, staging: Path, nb, results: dict,
                  previous: str | None, refresh_index: bool = True, review: Review = "") -> Evidence:
    """The commit half of a run, in the process that holds the workspace: archive the staged files under
    the archive's lock, write the ledger entry and the register rows."""
    relative = started.relative

    def decide() -> dict:
        """Under the lock: the review round, and the previous version if another run archived one meanwhile."""
        facts = _review_round(workspace, request, review)
        if _previous_version(workspace, request) != previous:
            _stage_evidence(workspace, request, started.provenance, relative, nb, results, staging)
        return facts

    entry = _archive(workspace, staging, relative, {
        "kind": "evidence", **_facts(request, started.run_id),
        "status": "recalculated" if request.recalculates else "submitted",
        "answers_sha256": request.answers_sha256, "recorded_at": started.provenance["recorded_at"],
        "workbench_version": __version__}, request.signer, decide)
    evidence = Evidence(started.run_id, workspace.evidence_dir / relative, entry)
    if request.process.archived is not None:
        request.process.archived(workspace, evidence, results)
    if refresh_index:
        build_index(workspace)
    return evidence


def _stage_evidence(workspace: Workspace, request: RunRequest, provenance: dict, relative: str, nb, results: dict,
                    staging: Path) -> str | None:
    """Write the run's files into ``staging``: the notebook with provenance, results.json (with the
    changes since the previous version), the process's attachments made from it, the HTML (whose cover
    lists the others' hashes); return the previous version's run id."""
    nb.metadata["workbench"] = provenance
    nb.metadata["papermill"]["output_path"] = f"evidence/{relative}/{NOTEBOOK_FILE}"
    nb.metadata["title"] = f"{request.process.title}: {request.system.name}" + (f", {request.item.name}" if request.item else "")
    write_atomic(staging / NOTEBOOK_FILE, nbformat.writes(nb).encode())
    record = {**_facts(request, provenance["run_id"]), "answers": request.answers_json, "results": results}
    record.update(_comparison(workspace, request, record))
    write_atomic(staging / RESULTS_FILE, json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False).encode())
    for name, make in request.process.attachments.items():
        write_atomic(staging / name, make(record).encode())
    hashes = {name: sha256_file(staging / name)
              for name in (NOTEBOOK_FILE, RESULTS_FILE, *request.process.attachments)}
    write_atomic(staging / HTML_FILE, render_html(nb, hashes, record.get("previous"), record.get("changes"),
                                                   workspace.config.evidence_charts).encode())
    return record["previous"]["run_id"] if "previous" in record else None


def prepare_notebook(workspace: Workspace, process: str, system_id: str = "", item_id: str = "") -> Path:
    """Copy a process template into ``drafts/`` with the workspace and subject filled in.

    The copy is where a person opens the form, and the launcher runs it: an existing copy is kept
    only while its code is the template's (what the person types is kept in ``drafts/<process>/``),
    and ``drafts/`` must be a folder of the workspace, not a link out of it. Without a system, the
    person chooses the subject in the form. The copy folds its code and leaves out the template's
    note on setting parameters by hand (cells tagged ``notebook-only``): the form is what it is for.
    """
    proc = get_process(process)
    if item_id and not system_id:
        raise InputError.single("item", item_id, "names an item of a system: give the system too")
    system = subject(workspace, proc, system_id) if system_id or proc.subject == "organisation" else None
    item = subject_item(workspace, proc, system, item_id) if system else None
    parameters = ({"workspace": str(workspace.root)} | ({"system_id": system.id} if system else {})
                  | ({"item_id": item.id} if item else {}))
    drafts = workspace.drafts_dir
    target = drafts / f"{'-'.join([proc.name] + [p.id for p in (system, item) if p])}.ipynb"
    for path in (drafts, target):
        if path.is_symlink():
            raise InputError.single("drafts", str(path), f"is a link to {path.resolve()}; drafts must be plain "
                                    "files in a folder of the workspace")
    drafts.mkdir(exist_ok=True)
    fresh = drafts / f".{target.stem}.tmp-{os.getpid()}.ipynb"
    try:
        prepare(proc.template, fresh, parameters)
        _for_the_form(fresh)
        if not target.exists():
            os.replace(fresh, target)
        elif notebook_code(target) != notebook_code(fresh):
            raise InputError.single("drafts", str(target), f"holds code that is not the {proc.name} template's; "
                                    "move it away and open the form again for a fresh copy")
    finally:
        fresh.unlink(missing_ok=True)
    return target


def _for_the_form(path: Path) -> None:
    """Fold the code cells of a prepared notebook and drop its ``notebook-only`` cells."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "notebook-only" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    nbformat.write(nb, path)


def notebook_code(path: Path) -> list[str] | None:
    """The sources of a notebook's code cells, or ``None`` if it is no notebook."""
    try:
        return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    except Exception:  # a file that is no notebook raises anything from a ValidationError to a TypeError
        return None


def read_record(workspace: Workspace, evidence: dict) -> dict:
    """The results.json of an archived evidence record."""
    return json.loads((workspace.evidence_dir / evidence["path"] / RESULTS_FILE).read_text(encoding="utf-8"))


def _previous_version(workspace: Workspace, request: RunRequest) -> str | None:
    previous = workspace.register.latest_evidence(request.system.id, request.process.name, request.item_id)
    return previous["run_id"] if previous else None


def _review_round(workspace: Workspace, request: RunRequest, review: Review) -> dict:
    """The facts a periodic review's run adds: its round for the subject and period (the register's
    unique index holds one record per round)."""
    if not review:
        return {}
    kept = [r for r in workspace.register.evidence_list(request.system.id, request.process.name, request.item_id)
            if r["period"] == request.period and r["status"] != "failed"]
    if kept and review != "forced":
        raise AlreadyRecordedError.single("period", request.period,
                                          f"{request.subject_path} is already reviewed for it by {kept[0]['run_id']}; "
                                          "use --force to run again")
    return {"review_round": max((r["review_round"] or 0 for r in kept), default=0) + 1}


def _comparison(workspace: Workspace, request: RunRequest, record: dict) -> dict:
    """The previous version of this subject's record and what changed since it."""
    previous = workspace.register.latest_evidence(request.system.id, request.process.name, request.item_id)
    if previous is None:
        return {}
    before = read_record(workspace, previous)
    return {"previous": {"run_id": previous["run_id"], "status": previous["status"],
                         "effective_date": previous["effective_date"].isoformat(),
                         "href": f"../{previous['run_id']}/{HTML_FILE}"},
            "changes": changes(compared_record(before), compared_record(record))}


def _facts(request: RunRequest, run_id: str) -> dict:
    return {"run_id": run_id, "process": request.process.name, "system_id": request.system.id,
            **({"item_id": request.item_id} if request.item else {}), "period": request.period, "assessor": request.assessor,
            "effective_date": request.effective_date.isoformat(),
            **({"recalculates": request.recalculates, "answers_by": request.answers_by} if request.recalculates else {})}


def _parameters(workspace: str, request: RunRequest, run_id: str) -> dict:
    return {"workspace": workspace, "system_id": request.system.id,
            "answers": json.dumps(request.answers_json, ensure_ascii=False), "period": request.period,
            "assessor": request.assessor, "effective_date": request.effective_date.isoformat(),
            "run_id": run_id} | ({"item_id": request.item_id} if request.item else {})


def _provenance(workspace: Workspace, request: RunRequest, run_id: str, now: datetime) -> dict:
    config = workspace.config
    return {**_facts(request, run_id), "process_title": request.process.title,
            "clauses": list(request.process.clauses), "system_name": request.system.name,
            **({"item_name": request.item.name, "item_kind": request.item.kind} if request.item else {}),
            "organisation": config.organisation.name, "assessor_name": config.person(request.assessor).name,
            **({"answers_by_name": {p.id: p.name for p in config.people}.get(request.answers_by, request.answers_by),
                "recalculates_href": f"../{request.recalculates}/{HTML_FILE}"} if request.recalculates else {}),
            "recorded_at": now.isoformat(timespec="seconds"),
            # what stays true once archived: the confirmation and the decision are records of their own
            "status": "recalculated by the scheduler, for a person to confirm" if request.recalculates
            else "submitted for approval",
            "signoff_folder": f"{request.system.id}/signoff/",
            "version": __version__, "answers_sha256": request.answers_sha256,
            "configuration_sha256": request.signer.configuration if request.signer else "",
            "template": f"{request.process.package}/template.ipynb"}


def _archive(workspace: Workspace, staging: Path, relative: str, facts: dict, signer, decide=None) -> dict:
    """Archive a staged folder signed by ``signer`` and index its ledger entry, under the archive's lock.

    Recovery runs first, so a run killed earlier is finished or rolled back before this one
    takes the next sequence number; then ``decide()`` returns the facts that depend on what is
    already archived. The register row is written under the same lock, so a concurrent recovery
    never indexes an entry twice.
    """
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        if decide is not None:
            facts = {**facts, **decide()}
        entry = archive_locked(workspace.evidence_dir, staging, relative, facts, signer)
        fault_point("archive-before-register")
        index_entry(workspace, entry)
    return entry


def _record_failure(workspace: Workspace, request: RunRequest, provenance: dict, staging: Path,
                    err: ExecutionFailed) -> None:
    error = f"{err.ename}: {err.evalue}"
    write_atomic(staging / "error.txt", (error + "\n").encode())
    relative = f"{request.subject_path}/{provenance['run_id']}"
    _archive(workspace, staging, relative, {
        "kind": "failed-run", **_facts(request, provenance["run_id"]), "status": "failed", "error": error,
        "answers_sha256": request.answers_sha256, "recorded_at": provenance["recorded_at"],
        "workbench_version": __version__}, request.signer)
