"""What a process template calls: one object per template run, in form mode or headless.

A template's parameters cell names the workspace, the system and the answers. With answers
(a headless run, papermill) the run validates them and draws the evidence sections; without
answers (a person in JupyterLab) it shows the process's widget form instead.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from markupsafe import Markup

from workbench.pipeline.request import RunRequest, build_request
from workbench.pipeline.execute import RESULTS_MIMETYPE
from workbench.workspace import Workspace, find_workspace


def parameter(value: Any) -> Any:
    """Accept a parameter as given, or as a quoted Python literal or JSON string.

    jupyter-scheduler pastes parameters as raw source, so ``"'2026-Q4'"`` may arrive for
    ``2026-Q4``; this undoes one such level of quoting.
    """
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            inner = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            try:
                inner = json.loads(value)
            except ValueError:
                return value
        return inner if isinstance(inner, str) else value
    return value


class TemplateRun:
    """One run of a template: validated request, computed results, and the sections to draw."""

    def __init__(self, workspace: Workspace, request: RunRequest | None = None, results: Any = None,
                 run_id: str = "", form: Any = None):
        self.workspace = workspace
        self.request = request
        self.results = results
        self.run_id = run_id
        self.form = form

    @property
    def settings(self):
        """The process's section of the configuration (its ``Process.settings``), if it has one."""
        section = self.request.process.settings
        return getattr(self.workspace.config, section[0]) if section else None

    def show(self, section: str) -> None:
        """Draw one evidence section; in form mode, draw nothing (the form is above)."""
        if self.request is None:
            return
        report = self.request.process.load(self.request.process.report)
        getattr(report, section)(self)

    def record(self) -> None:
        """Emit the computed results so the archive can store them as ``results.json``."""
        if self.request is None:
            return
        from IPython.display import display

        display({RESULTS_MIMETYPE: self.results.model_dump(mode="json"),
                 "text/plain": f"results recorded for run {self.run_id}"}, raw=True)


def start(process: str, workspace: str = "", system_id: str = "", answers: Any = "", period: str = "",
          assessor: str = "", effective_date: str = "", run_id: str = "", item_id: str = "") -> TemplateRun:
    """Begin a template run; show the form when no answers are given.

    ``item_id`` names the item of the system (a dataset, a supplier) for a process about items.
    """
    workspace, system_id, answers, period, assessor, effective_date, run_id, item_id = (
        parameter(v) for v in (workspace, system_id, answers, period, assessor, effective_date, run_id, item_id))
    ws = find_workspace(workspace or None)
    if not answers:
        from workbench.ui.form import process_form

        form = process_form(ws, process, system_id=system_id, item_id=item_id, period=period, assessor=assessor)
        form.show()
        return TemplateRun(ws, form=form)
    # a run the workbench started (run_id given) is signed by its caller; one run by hand or a scheduler
    # archives itself below, so its assessor signs here
    request = build_request(ws, process, system_id, answers, period, assessor, effective_date, item_id,
                            signed=not run_id)
    results = request.process.results(request, ws)
    if not run_id:
        # Run by a scheduler or by hand, not by the workbench: submit a clean run to the archive.
        from workbench.pipeline.run import execute_request

        evidence = execute_request(ws, request)
        print(f"archived as {evidence.run_id}: {evidence.html}")
        run_id = evidence.run_id
    return TemplateRun(ws, request, results, run_id)


def periodic_review(workspace: str = "", mode: str = "due", system_id: str = "", period: str = "",
                    workers: Any = 1, force: Any = False, timeout: Any = 600, executor: str = "local",
                    scheduler: str = ""):
    """Run the periodic review from a scheduled notebook; raise if anything failed or is overdue.

    ``executor`` names where the runs compute (``local``, ``dask``); ``scheduler`` is a Dask scheduler's
    address (``tcp://host:8786``).

    Raising makes the scheduler (jupyter-scheduler, cron around papermill) report the job as failed.
    The recalculations it records stay due until a person confirms them, so a review that was
    overdue stays overdue.
    """
    from workbench.scheduling.executor import get_executor
    from workbench.scheduling.review import plan_review, run_review

    workspace, mode, system_id, period, workers, force, timeout, executor, scheduler = (
        parameter(v) for v in (workspace, mode, system_id, period, workers, force, timeout, executor, scheduler))
    ws = find_workspace(workspace or None)
    jobs, known = plan_review(ws, mode, system_id or None, period, _flag(force), int(timeout))
    pool = get_executor(executor or "local", int(workers), scheduler)
    try:
        summary = run_review(ws, jobs, known, pool, progress=False, system_id=system_id or None)
    finally:
        pool.close()
    from workbench.ui.display import show_html, table

    show_html(Markup("<h2>Periodic review {}</h2>").format(summary.period) + table(
        ("System", "Process", "Outcome", "Run", "Detail"),
        [(o.system_id, o.process, o.status, o.run_id, o.evidence or o.error) for o in summary.outcomes])
        + table(("System", "Process", "Due"), [(i["system_id"], i["process"], i["due_on"]) for i in summary.overdue],
                caption="Still overdue")
        + table(("System", "Item", "Process", "Recalculation", "Review"),
                [(i["system_id"], i["item_id"], i["process"], i["awaiting_confirmation"], i["status"])
                 for i in summary.awaiting],
                caption="Due, awaiting confirmation by a person (workbench review confirm RUN_ID)"))
    if not summary.ok:
        raise RuntimeError(f"periodic review {summary.period}: {summary.counts()}, {len(summary.overdue)} overdue")
    return summary


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes")
