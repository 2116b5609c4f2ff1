"""Keep the register an index of the ledger, and finish what a killed process left half done.

The ledger is the record; the register is rebuilt from it where they disagree. Every writer does,
under the archive's lock and before it writes: finish or roll back an interrupted archive
(:func:`archive.recover_locked`; only an intent signed by a person of the configuration in force is
finished, a forged one is dropped), remove the staging folders of killed writers, then index each
ledger entry the register lacks (an entry whose process died between the ledger line and the
register commit).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from workbench.pipeline import archive
from workbench.signing import entry_problem
from workbench.workspace import Workspace

HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE = "evidence.html", "notebook.ipynb", "results.json"


def recover(workspace: Workspace) -> list[dict]:
    """Take the archive's lock and run :func:`recover_locked`; returns the entries it indexed."""
    with archive.locked(workspace.evidence_dir):
        return recover_locked(workspace)


def recover_locked(workspace: Workspace) -> list[dict]:
    """Finish interrupted archives, remove killed writers' staging folders and index every ledger entry
    the register lacks; the caller holds the lock."""
    archive.recover_locked(workspace.evidence_dir, lambda entry: entry_problem(entry, workspace.config) is None)
    archive.sweep_staging(workspace.staging_dir)
    runs, signoffs = workspace.register.indexed()
    confirmed = workspace.register.confirmed()
    missing = [e for e in archive.ledger_entries(workspace.evidence_dir)
               if (e.get("kind") == "signoff" and e.get("signoff_id") not in signoffs)
               or (e.get("kind") == "confirmation" and e.get("run_id") not in confirmed)
               or (e.get("kind") in ("evidence", "failed-run") and e.get("run_id") not in runs)]
    for entry in missing:
        index_entry(workspace, entry)
    return missing


def index_entry(workspace: Workspace, entry: dict) -> None:
    """Add the register rows one ledger entry implies (evidence, failed run, confirmation or sign-off)."""
    from workbench.processes import get_process

    if entry["kind"] == "confirmation":
        workspace.register.record_confirmation(entry["run_id"], entry["person"])
        return
    if entry["kind"] == "signoff":
        workspace.register.record_signoff({
            "signoff_id": entry["signoff_id"], "run_id": entry["run_id"], "decision": entry["decision"],
            "person": entry["person"], "roles": entry["roles"], "comment": entry["comment"],
            "signed_at": datetime.fromisoformat(entry["recorded_at"]), "path": entry["path"],
            "record_sha256": entry["files"]["approval.html"], "ledger_hash": entry["hash"]})
        return
    files = entry.get("files", {})
    failed = entry["kind"] == "failed-run"
    rows, headline = None, ""
    if not failed:
        record = json.loads((workspace.evidence_dir / entry["path"] / RESULTS_FILE).read_text(encoding="utf-8"))
        process = get_process(entry["process"])
        rows = process.index(record["results"])
        headline = process.headline(record["results"]) if process.headline else ""
    workspace.register.record_evidence({
        "run_id": entry["run_id"], "process": entry["process"], "system_id": entry["system_id"],
        "item_id": entry.get("item_id", ""), "headline": headline,
        "period": entry["period"], "effective_date": date.fromisoformat(entry["effective_date"]),
        "assessor": entry["assessor"], "status": entry["status"],
        "recorded_at": datetime.fromisoformat(entry["recorded_at"]), "path": entry["path"],
        "html_sha256": files.get(HTML_FILE), "notebook_sha256": files.get(NOTEBOOK_FILE),
        "results_sha256": files.get(RESULTS_FILE), "answers_sha256": entry["answers_sha256"],
        "ledger_hash": entry["hash"], "workbench_version": entry["workbench_version"],
        "error": entry.get("error"), "review_round": entry.get("review_round")}, rows)
