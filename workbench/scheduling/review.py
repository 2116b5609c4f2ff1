"""The periodic review: recalculate every due process of every due system, headless, in parallel.

Each run carries forward the answers a person last stood behind (the last approved, else the latest
submitted) and is compared with that previous version in its evidence. It is recorded as the
scheduler's recalculation, under the scheduler's own identity (``review.scheduler``) and status
``recalculated``: no person is named as its assessor, and it resets no review clock. The subject
stays due until a person confirms the recalculation (:func:`workbench.records.confirmation.confirm`)
or assesses it again. Runs are idempotent per (system, process, period): a second review of the same
period archives nothing new unless forced. A failed run is recorded with its partial notebook, and
the other runs go on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from workbench.pipeline.archive import write_atomic
from workbench.scheduling.cadence import review_states
from workbench.exceptions import AlreadyRecordedError, InputError, WorkbenchError
from workbench.scheduling.executor import Executor, LocalExecutor
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.request import PERIOD, PERIOD_RULE, quarter_of
from workbench.validate import require_slug
from workbench.workspace import Workspace

MODES = ("due", "all")


@dataclass(frozen=True)
class ReviewJob:
    """One run a review will make; plain data so that it can travel to a worker process."""

    workspace: str
    process: str
    system_id: str
    item_id: str
    answers: dict
    period: str
    assessor: str
    effective_date: str
    timeout: int | None
    carried_from: str
    force: bool = False


@dataclass
class Outcome:
    """What happened to one (subject, process) in a review."""

    system_id: str
    process: str
    period: str
    status: str  # recalculated | skipped | failed | needs-answers
    item_id: str = ""
    run_id: str = ""
    evidence: str = ""
    carried_from: str = ""
    error: str = ""
    breaches: list[str] = field(default_factory=list)
    nonconformities: list[str] = field(default_factory=list)


@dataclass
class ReviewSummary:
    """The review's outcomes, and the states after it (what is overdue, what awaits a person's
    confirmation); ``ok`` is what the exit status says."""

    period: str
    outcomes: list[Outcome]
    overdue: list[dict]
    awaiting: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.overdue and all(o.status in ("recalculated", "skipped") for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for o in self.outcomes:
            found[o.status] = found.get(o.status, 0) + 1
        return found

    def as_dict(self) -> dict:
        return {"period": self.period, "ok": self.ok, "counts": self.counts(),
                "outcomes": [asdict(o) for o in self.outcomes], "overdue": self.overdue, "awaiting": self.awaiting,
                "notes": self.notes}


def plan_review(workspace: Workspace, mode: str = "due", system_id: str | None = None, period: str = "",
                force: bool = False, timeout: int | None = None, today: date | None = None
                ) -> tuple[list[ReviewJob], list[Outcome]]:
    """Decide what a review runs: the jobs, and the outcomes already known (skipped, no answers).

    Parameters
    ----------
    mode : {"due", "all"}
        Only due and overdue reviews, or every system and process.
    system_id : str, optional
        Review this system only (whatever its state).
    period : str
        The period the runs speak for (default: this quarter).
    force : bool
        Run even if the period already has evidence, or the subject's last recalculation awaits confirmation.

    Raises
    ------
    InputError
        Bad input, or the configuration has no scheduler identity.
    """
    today = today or date.today()
    scheduler = workspace.config.scheduler()
    if mode not in MODES:
        raise InputError.single("mode", mode, f"allowed: {', '.join(MODES)}")
    period = period or quarter_of(today)
    if not PERIOD.fullmatch(period):
        raise InputError.single("period", period, f"must be {PERIOD_RULE}")
    if system_id:
        workspace.register.system(require_slug("system", system_id))
    states = [s for s in review_states(workspace, today)
              if (s.system_id == system_id if system_id else mode == "all" or s.status in ("due", "overdue"))]
    evidence = workspace.register.evidence_list()
    jobs, known = [], []
    for state in states:
        done = [r for r in evidence if r["system_id"] == state.system_id and r["process"] == state.process
                and r["item_id"] == state.item_id and r["period"] == period and r["status"] != "failed"]
        if done and not force:
            known.append(Outcome(state.system_id, state.process, period, "skipped", state.item_id,
                                 run_id=done[0]["run_id"], error=f"already reviewed for {period}; use --force to run again"))
            continue
        if state.awaiting_confirmation and not force:
            known.append(Outcome(state.system_id, state.process, period, "skipped", state.item_id,
                                 run_id=state.awaiting_confirmation,
                                 error=f"awaiting confirmation of {state.awaiting_confirmation} by a person; "
                                       "use --force to recalculate again"))
            continue
        previous = workspace.register.latest_evidence(state.system_id, state.process, state.item_id, assessed=True)
        if previous is None:
            known.append(Outcome(state.system_id, state.process, period, "needs-answers", state.item_id,
                                 error="no earlier answers to carry forward: submit a first assessment"))
            continue
        from workbench.pipeline.run import read_record

        record = read_record(workspace, previous)
        jobs.append(ReviewJob(str(workspace.root), state.process, state.system_id, state.item_id, record["answers"], period,
                              scheduler.id, today.isoformat(),
                              timeout, previous["run_id"], force))
    return jobs, known


def run_job(job: ReviewJob) -> Outcome:
    """Run one review job through the pipeline in this process: prepare, compute, commit."""
    from workbench.pipeline.compute import compute

    workspace = Workspace(job.workspace)
    prepared = prepare_job(workspace, job)
    if isinstance(prepared, Outcome):
        return prepared
    request, packed = prepared
    try:
        computed = compute(packed)
    except Exception as err:  # recorded as a failed run; the other runs go on
        computed = err
    return finish_job(workspace, job, request, packed, computed)


def prepare_job(workspace: Workspace, job: ReviewJob, shared: dict[str, bytes] | None = None):
    """Validate a job as the scheduler and pack what its run reads (``(request, bundle)``), or the
    outcome of a job that cannot run (nothing was written); ``shared``: see :func:`bundle`."""
    from workbench.pipeline.compute import bundle
    from workbench.pipeline.request import build_request
    from workbench.pipeline.run import check_timeout

    try:
        check_timeout(job.timeout)
        request = build_request(workspace, job.process, job.system_id, job.answers, job.period, job.assessor,
                                job.effective_date, job.item_id)
        return request, bundle(workspace, request, job.timeout, shared)
    except Exception as err:  # recorded in the summary; the other runs go on
        return Outcome(job.system_id, job.process, job.period, "failed", job.item_id, carried_from=job.carried_from,
                       error=str(err) if isinstance(err, WorkbenchError) else repr(err))


def finish_job(workspace: Workspace, job: ReviewJob, request, packed, computed) -> Outcome:
    """Commit what a worker computed for a job (or the exception that lost it) and say what happened."""
    from workbench.pipeline.compute import commit
    from workbench.processes import get_process

    outcome = Outcome(job.system_id, job.process, job.period, "recalculated", job.item_id, carried_from=job.carried_from)
    try:
        evidence = commit(workspace, request, packed, computed, review="forced" if job.force else "once")
    except AlreadyRecordedError as err:  # a concurrent review of the same period archived first
        outcome.status, outcome.error = "skipped", str(err)
        return outcome
    except Exception as err:  # recorded in the summary; the other runs go on
        outcome.status, outcome.error = "failed", str(err) if isinstance(err, WorkbenchError) else repr(err)
        outcome.run_id = getattr(err, "run_id", "")
        return outcome
    outcome.run_id, outcome.evidence = evidence.run_id, str(evidence.html)
    results = json.loads(evidence.results.read_text(encoding="utf-8"))["results"]
    outcome.breaches = get_process(job.process).breaches(results)
    return outcome


def run_review(workspace: Workspace, jobs: list[ReviewJob], known: list[Outcome], executor: Executor | None = None,
               progress: bool = True, today: date | None = None, system_id: str | None = None) -> ReviewSummary:
    """Run the planned jobs, then report every outcome, what is still overdue and what awaits confirmation
    (of every system, or of ``system_id``'s alone when the review was of that system).

    This process packs each run's bundle, the executor computes them (here or on other machines), and
    this process commits each result as it arrives: it alone archives, writes the ledger and the
    register, and opens nonconformities.
    """
    from workbench.pipeline.compute import compute, shared_files

    executor = executor or LocalExecutor()
    outcomes = list(known)
    bar = _progress(len(jobs)) if progress and jobs else None
    prepared = {}

    def done(outcome: Outcome) -> None:
        outcome.nonconformities = open_nonconformities(workspace, outcome)
        outcomes.append(outcome)
        if bar:
            bar.set_postfix_str(f"{outcome.system_id}/{outcome.item_id + '/' if outcome.item_id else ''}"
                                f"{outcome.process}: {outcome.status}")
            bar.update(1)

    try:  # nothing is archived before every job is packed: one copy of the register serves them all
        shared = shared_files(workspace) if jobs else None
    except Exception:  # each job then meets the error itself and records it as its outcome
        shared = None
    for job in jobs:
        found = prepare_job(workspace, job, shared)
        if isinstance(found, Outcome):
            done(found)
        else:
            prepared[found[1].started.run_id] = (job, *found)
    for packed, computed in executor.map_unordered(compute, [p[2] for p in prepared.values()]):
        job, request, _ = prepared[packed.started.run_id]
        done(finish_job(workspace, job, request, packed, computed))
    if bar:
        bar.close()
    outcomes.sort(key=lambda o: (o.system_id, o.item_id, o.process))
    notes = review_tasks(workspace, today or date.today())
    build_index(workspace, today)
    period = jobs[0].period if jobs else (known[0].period if known else quarter_of(today or date.today()))
    states = [s for s in review_states(workspace, today) if system_id is None or s.system_id == system_id]
    return ReviewSummary(period, outcomes, [s.as_dict() for s in states if s.status == "overdue"],
                         [s.as_dict() for s in states if s.awaiting_confirmation], notes)


def review_tasks(workspace: Workspace, today: date) -> list[str]:
    """What each process does on every review besides its runs (``Process.on_review``), as the scheduler;
    a task that fails is reported, and the others go on."""
    from workbench.processes import processes

    scheduler = workspace.config.scheduler().id
    notes = []
    for name, process in processes().items():
        if process.on_review:
            try:
                notes += process.on_review(workspace, today, scheduler)
            except WorkbenchError as err:
                notes.append(f"{name}: failed: {err}")
    return notes


def open_nonconformities(workspace: Workspace, outcome: Outcome) -> list[str]:
    """Open a nonconformity for a failed run and for each threshold the results breach.

    A failed run is not evidence, so its nonconformity cites the version it carried forward and
    names the failed run. The scheduler records them: no person found them.
    """
    from workbench.records.nonconformity import open_nonconformity

    scheduler = workspace.config.scheduler().id
    opened = []
    what = outcome.process + (f" of {outcome.item_id}" if outcome.item_id else "")
    if outcome.status == "failed" and outcome.carried_from:
        opened.append(open_nonconformity(
            workspace, "review", outcome.system_id,
            f"The periodic review run of {what} for {outcome.period} failed: {outcome.error}",
            outcome.carried_from, opened_by=scheduler, source_ref=outcome.run_id or outcome.period))
    for breach in outcome.breaches:
        opened.append(open_nonconformity(
            workspace, "review", outcome.system_id,
            f"{what} for {outcome.period}: {breach}", outcome.run_id, opened_by=scheduler, source_ref=outcome.period))
    return opened


def write_summary(summary: ReviewSummary, path: Path) -> None:
    """Write the summary as JSON for cron, CI or a dashboard."""
    write_atomic(path, json.dumps(summary.as_dict(), indent=1, default=str).encode())


def _progress(total: int):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="review", unit="run")

