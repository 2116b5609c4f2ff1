"""The reviewer's portfolio: one offline index page linking every subject's latest evidence.

``evidence/index.html`` lists each AI system, with its items under it, the latest evidence per
process by its title and effective date (by relative link, so the evidence folder can be zipped and
handed over), the process's one-line summary of it, its review status (a review whose scheduler's
recalculation waits for a person is "due, awaiting confirmation"), its approval status with a link
to the record of the decision, the flagged documented information, and charts of the portfolio
drawn as inline SVG by the processes (no script at all). The page is a Jinja template with
autoescape. Every run, sign-off and confirmation rewrites it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from functools import lru_cache

from markupsafe import Markup

from workbench import __version__
from workbench.pipeline.archive import write_atomic
from workbench.processes import processes
from workbench.resources import templates_dir
from workbench.scheduling.cadence import review_states
from workbench.ui.svg import bars
from workbench.workspace import Workspace

INDEX_FILE = "index.html"
RECORD_STATUS = {"submitted": "awaiting approval", "recalculated": "awaiting confirmation", "approved": "approved",
                 "rejected": "rejected", "failed": "failed", None: "no record"}
REVIEW_COLOURS = {"current": "#2e7d32", "due": "#f9a825", "overdue": "#c62828"}


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "portfolio")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("index.html.j2")


def latest_records(workspace: Workspace) -> dict[tuple[str, str, str], dict]:
    """The latest evidence record that did not fail, per (system, item, process)."""
    latest: dict[tuple[str, str, str], dict] = {}
    for record in workspace.register.evidence_list():  # newest first
        key = (record["system_id"], record["item_id"], record["process"])
        if record["status"] != "failed" and key not in latest:
            latest[key] = record
    return latest


def process_title(name: str) -> str:
    """A process's title as a reviewer reads it (its name, if it is no longer installed)."""
    process = processes().get(name)
    return process.title if process else name


def decisions(workspace: Workspace) -> dict[str, dict]:
    """The sign-off of each signed evidence record (one decision per run), by run id: the register's row,
    with the signer's ``name`` and the ``href`` of its approval record relative to the evidence folder."""
    from workbench.records.signoff import APPROVAL_FILE

    names = {p.id: p.name for p in workspace.config.people}
    return {row["run_id"]: {**row, "name": names.get(row["person"], row["person"]),
                            "href": f"{row['path']}/{APPROVAL_FILE}"}
            for row in workspace.register.rows("signoffs")}


def portfolio_rows(workspace: Workspace, latest: dict, open_actions: list[dict],
                   today: date | None = None) -> list[dict]:
    """One entry per AI system: the system, its open nonconformities (from ``open_actions``), and one
    row per (subject, process) with its ``latest`` record and the record's sign-off, its items' rows
    after the system's own."""
    signed = decisions(workspace)
    items = {(i["system_id"], i["id"]): i for i in workspace.register.item_rows()}
    open_ncs = Counter(a["system_id"] for a in open_actions)
    overdue_ncs = Counter(a["system_id"] for a in open_actions if a["overdue"])
    by_system: dict[str, list[dict]] = {}
    for state in review_states(workspace, today):
        record = latest.get((state.system_id, state.item_id, state.process))
        by_system.setdefault(state.system_id, []).append({
            "state": state, "record": record, "item": items.get((state.system_id, state.item_id)),
            "title": process_title(state.process), "signoff": signed.get(record["run_id"]) if record else None,
            "review_status": state.status + (", awaiting confirmation" if state.awaiting_confirmation else ""),
            "record_status": RECORD_STATUS.get(state.last_status, state.last_status)})
    return [{"system": system, "rows": sorted(by_system.get(system.id, []), key=lambda r: bool(r["item"])),
             "open_ncs": open_ncs.get(system.id, 0), "overdue_ncs": overdue_ncs.get(system.id, 0)}
            for system in workspace.register.systems()]


def portfolio_charts(workspace: Workspace, latest: dict, systems: list[dict]) -> list[Markup]:
    """Each process's charts of its ``latest`` records, then the reviews by status."""
    charts = []
    for name, process in processes().items():
        if process.portfolio:
            charts += process.portfolio(workspace, [r for (_s, _i, p), r in latest.items() if p == name])
    states = Counter(row["state"].status for system in systems for row in system["rows"])
    charts.append(bars("Reviews by status", list(REVIEW_COLOURS), [states.get(k, 0) for k in REVIEW_COLOURS],
                       list(REVIEW_COLOURS.values())))
    return [Markup(chart) for chart in charts]  # SVG drawn by Canvas, every text in it escaped


def build_index(workspace: Workspace, today: date | None = None) -> str:
    """Write ``evidence/index.html`` and return its path."""
    from workbench.records.documented_information import flags
    from workbench.records.nonconformity import actions

    open_actions = actions(workspace, today)
    latest = latest_records(workspace)
    systems = portfolio_rows(workspace, latest, open_actions, today)
    signed = decisions(workspace)
    organisation = [{**record, "record_status": RECORD_STATUS.get(record["status"], record["status"]),
                     "title": process_title(record["process"]), "signoff": signed.get(record["run_id"])}
                    for (system_id, _item, _p), record in sorted(latest.items())
                    if system_id == "organisation"]
    html = _template().render(
        organisation_name=workspace.config.organisation.name, organisation=organisation,
        systems=systems, charts=portfolio_charts(workspace, latest, systems),
        documents=flags(workspace, today) + [f for p in processes().values() if p.flags for f in p.flags(workspace)],
        organisation_ncs=sum(1 for a in open_actions if a["system_id"] == "organisation"),
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"), version=__version__)
    path = workspace.evidence_dir / INDEX_FILE
    workspace.evidence_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html.encode())
    return str(path)
