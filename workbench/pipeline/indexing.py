"""How a ledger entry becomes register rows: one function per kind.

Every writer appends its entry and indexes it with these functions (through
:func:`workbench.pipeline.recovery.index_entry`); recovery indexes what a killed writer left;
``workbench verify`` and ``workbench register rebuild`` build the whole register the ledger implies
with :func:`implied_rows`. Sharing them is what keeps the register an index of the ledger.

A kind without rows (a note, an anchor, a kind a later version added) indexes nothing. A process
that appends entries of its own declares how they are indexed (``Process.records``). Entries an
earlier version wrote lack a few facts this version records; :func:`upgraded` fills them in.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from workbench.register import key_columns, subject_rows, table
from workbench.systems import AISystem, Item

Rows = dict[str, list[dict]]
EVIDENCE_KINDS = ("evidence", "failed-run")
HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE = "evidence.html", "notebook.ipynb", "results.json"
SYSTEM_FIELDS = tuple(f for f in AISystem.model_fields if f != "id")
ACTION_STATE = ("status", "root_cause", "correction", "corrective_action", "owner", "due_date",
                "effectiveness_check", "note")
# fields of an action's state that entries of an earlier version lack, with the value they mean
ACTION_ADDED = {"consequences": "", "similar": "", "aims_changes": "", "effectiveness_evidence": []}
DOCUMENT_FIELDS = ("title", "requirement", "owner", "version", "location", "location_sha256", "last_review",
                   "next_review", "recorded_by")
COMPETENCE_FIELDS = ("id", "person", "role", "competence", "evidence", "evidence_sha256", "expires", "recorded_by")


def iso(moment: datetime) -> str:
    """A time as the ledger records it: ISO 8601 to the second, in UTC when none is given."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds")


# what the entries of the core's own records hold

def system_facts(system: AISystem, at: datetime) -> dict:
    """The ledger entry that registers an AI system."""
    return {"kind": "system", "system_id": system.id, **system.model_dump(mode="json", exclude={"id"}),
            "recorded_at": iso(at)}


def item_facts(system_id: str, item: Item, at: datetime) -> dict:
    """The ledger entry that registers an item of an AI system."""
    return {"kind": "item", "system_id": system_id, "item_id": item.id, "item_kind": item.kind, "name": item.name,
            "description": item.description, "recorded_at": iso(at)}


def event_facts(system_id: str, kind: str, occurred_on: date, note: str, at: datetime) -> dict:
    """The ledger entry that records an event (a new model version, an incident) of an AI system."""
    return {"kind": "event", "system_id": system_id, "event_kind": kind, "occurred_on": occurred_on.isoformat(),
            "note": note, "recorded_at": iso(at)}


# the rows each kind adds

def evidence_rows(entry: dict, evidence_dir: Path) -> Rows:
    """An evidence or failed-run entry: its evidence row, and the process's rows from its archived results."""
    from workbench.processes import get_process

    files = entry.get("files", {})
    rows, headline = {}, ""
    if entry["kind"] == "evidence":
        record = json.loads((evidence_dir / entry["path"] / RESULTS_FILE).read_text(encoding="utf-8"))
        process = get_process(entry["process"])
        rows = process.index(record["results"])
        headline = process.headline(record["results"]) if process.headline else ""
    evidence = {
        "run_id": entry["run_id"], "process": entry["process"], "system_id": entry["system_id"],
        "item_id": entry.get("item_id", ""), "headline": headline, "period": entry["period"],
        "effective_date": entry["effective_date"], "assessor": entry["assessor"], "status": entry["status"],
        "recorded_at": entry["recorded_at"], "path": entry["path"], "html_sha256": files.get(HTML_FILE),
        "notebook_sha256": files.get(NOTEBOOK_FILE), "results_sha256": files.get(RESULTS_FILE),
        "answers_sha256": entry["answers_sha256"], "ledger_hash": entry["hash"],
        "workbench_version": entry["workbench_version"], "error": entry.get("error"),
        "review_round": entry.get("review_round")}
    return {"evidence": [evidence], **subject_rows(evidence, rows)}


def _signoff(entry: dict) -> Rows:
    return {"signoffs": [{
        "signoff_id": entry["signoff_id"], "run_id": entry["run_id"], "decision": entry["decision"],
        "person": entry["person"], "roles": entry["roles"], "comment": entry["comment"],
        "signed_at": entry["recorded_at"], "path": entry["path"], "record_sha256": entry["files"]["approval.html"],
        "ledger_hash": entry["hash"]}]}


def _confirmation(entry: dict) -> Rows:
    return {"confirmations": [{"run_id": entry["run_id"], "person": entry["person"],
                               "confirmed_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def _system(entry: dict) -> Rows:
    return {"systems": [{"id": entry["system_id"], **{f: entry[f] for f in SYSTEM_FIELDS},
                         "registered_at": entry["recorded_at"]}]}


def _item(entry: dict) -> Rows:
    return {"items": [{"system_id": entry["system_id"], "id": entry["item_id"], "kind": entry["item_kind"],
                       "name": entry["name"], "description": entry["description"],
                       "registered_at": entry["recorded_at"]}]}


def _event(entry: dict) -> Rows:
    return {"events": [{"system_id": entry["system_id"], "kind": entry["event_kind"],
                        "occurred_on": entry["occurred_on"], "note": entry["note"],
                        "recorded_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def _nonconformity(entry: dict) -> Rows:
    """A nonconformity, and the first state of its corrective action (which an earlier version's entry
    lacks: see :func:`workbench.pipeline.recovery.adopt_locked`)."""
    rows = {"nonconformities": [{
        **{k: entry[k] for k in ("id", "source", "source_ref", "system_id", "grade", "description", "evidence_ref",
                                 "opened_by", "finding_key")}, "opened_at": entry["recorded_at"],
        "opened_on": entry.get("opened_on")}]}
    if "action" in entry:
        rows["action_updates"] = [{"nc_id": entry["id"], "seq": 1, **{k: entry["action"][k] for k in ACTION_STATE},
                                   **{k: entry["action"].get(k, v) for k, v in ACTION_ADDED.items()},
                                   "updated_by": entry["opened_by"], "updated_at": entry["recorded_at"],
                                   "ledger_hash": entry["hash"]}]
    return rows


def _action_update(entry: dict) -> Rows:
    return {"action_updates": [{"nc_id": entry["nc_id"], "seq": entry["update_seq"],
                                **{k: entry[k] for k in ACTION_STATE},
                                **{k: entry.get(k, v) for k, v in ACTION_ADDED.items()}, "updated_by": entry["updated_by"],
                                "updated_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def _document(entry: dict) -> Rows:
    return {"documented_information": [{"doc_id": entry["doc_id"], "seq": entry["doc_seq"],
                                        **{k: entry[k] for k in DOCUMENT_FIELDS},
                                        "recorded_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def _competence(entry: dict) -> Rows:
    return {"competence": [{**{k: entry[k] for k in COMPETENCE_FIELDS}, "recorded_at": entry["recorded_at"],
                            "ledger_hash": entry["hash"]}]}


CORE_KINDS: dict[str, Callable[[dict], Rows]] = {
    "signoff": _signoff, "confirmation": _confirmation, "system": _system, "item": _item, "event": _event, "nonconformity": _nonconformity,
    "action-update": _action_update, "documented-information": _document, "competence": _competence}


def record_kinds() -> dict[str, Callable[[dict], Rows]]:
    """Every kind of entry that archives no run and has rows: the core's, then those processes declare."""
    from workbench.processes import processes

    kinds = dict(CORE_KINDS)
    for process in processes().values():
        kinds.update(process.records)
    return kinds


def entry_rows(entry: dict, evidence_dir: Path) -> Rows:
    """The rows one ledger entry adds to the register, by table; ``{}`` for a kind without rows.

    Raises
    ------
    KeyError, ValueError, OSError
        The entry lacks a fact its rows need, or its archived results cannot be read.
    """
    kind = entry.get("kind")
    if kind in EVIDENCE_KINDS:
        return evidence_rows(entry, evidence_dir)
    index = record_kinds().get(kind)
    return index(entry) if index else {}


def entry_key(entry: dict) -> tuple[str, tuple] | None:
    """The table and key of the first row an entry adds (cheap: an evidence entry's results are not read)."""
    if entry.get("kind") in EVIDENCE_KINDS:
        return "evidence", (entry["run_id"],)
    rows = entry_rows(entry, Path())
    for name, items in rows.items():
        if items:
            return name, tuple(items[0].get(c) for c in key_columns(table(name)))
    return None


def entry_name(entry: dict) -> str:
    """The id a ledger entry records something under (a run id, a sign-off id, a system id, ...)."""
    return next((str(entry[k]) for k in ("signoff_id", "run_id", "id", "nc_id", "doc_id", "item_id", "dataset_id",
                                         "supplier_id", "incident_id", "concern_id", "system_id") if entry.get(k)), "")


def label(entry: dict) -> str:
    """How a finding names a ledger entry: its sequence number, kind and id."""
    name = entry_name(entry)
    return f"ledger entry {entry.get('seq')} ({entry.get('kind')}{' ' + name if name else ''})"


def upgraded(entries: Iterable[dict]) -> list[dict]:
    """The entries as this version writes them: what an earlier version's entries lack is filled in.

    - an action update's number (``update_seq``): the next after the one before it (the opening is 1);
    - a documented-information version's number (``doc_seq``): its place among the entry's versions;
    - a nonconformity's ``finding_key``: computed from its facts, and left empty when an earlier
      nonconformity already has it (an earlier version could open the same finding twice).
    """
    from workbench.records.nonconformity import finding_key

    updates: Counter = Counter()
    versions: Counter = Counter()
    findings: set[str] = set()
    found = []
    for entry in entries:
        kind = entry.get("kind")
        if kind == "action-update" and "update_seq" not in entry:
            updates[entry.get("nc_id")] += 1
            entry = {**entry, "update_seq": updates[entry.get("nc_id")] + 1}
        elif kind == "documented-information" and "doc_seq" not in entry:
            versions[entry.get("doc_id")] += 1
            entry = {**entry, "doc_seq": versions[entry.get("doc_id")]}
        elif kind == "nonconformity" and "finding_key" not in entry:
            key = finding_key(entry.get("source", ""), entry.get("system_id", ""), entry.get("source_ref", ""),
                              str(entry.get("description", "")))
            entry = {**entry, "finding_key": None if key in findings else key}
        if kind == "nonconformity" and entry.get("finding_key"):
            findings.add(entry["finding_key"])
        found.append(entry)
    return found


def implied_rows(evidence_dir: Path, entries: list[dict]) -> tuple[list[Rows], list[tuple[dict, str]]]:
    """The rows of every entry of the ledger, in order, and the entries that cannot be indexed, with why.

    An entry is left out, and named, when it lacks a fact its rows need, its results cannot be read,
    a row's key is already another entry's, or a row refers to a record no earlier entry made (a
    sign-off of unknown evidence, an item of an unknown system): what a database would refuse.
    """
    from workbench.exceptions import WorkbenchError

    batches, problems = [], []
    taken: dict[tuple[str, str], set] = defaultdict(set)
    for entry in upgraded(entries):
        try:
            rows = entry_rows(entry, evidence_dir)
        except (KeyError, TypeError, ValueError, OSError, WorkbenchError) as err:
            why = f"lacks {err}" if isinstance(err, KeyError) else str(err)
            problems.append((entry, f"cannot be indexed: {why}"))
            continue
        clash = _clash(rows, taken)
        if clash:
            problems.append((entry, f"cannot be indexed: {clash}"))
            continue
        for name, constraint, key in _unique_keys(rows):
            taken[name, constraint].add(key)
        if rows:
            batches.append(rows)
    return batches, problems


def _constraints(name: str) -> list[tuple[str, tuple[str, ...]]]:
    model = table(name)
    found = [("primary key", tuple(c.name for c in model.__table__.primary_key.columns))]
    found += [(index.name, tuple(c.name for c in index.columns)) for index in model.__table__.indexes if index.unique]
    return found


def _unique_keys(rows: Rows) -> list[tuple[str, str, tuple]]:
    keys = []
    for name, items in rows.items():
        for constraint, columns in _constraints(name):
            for item in items:
                key = tuple(item.get(c) for c in columns)
                if None not in key:  # an empty column never clashes (and an autoincrement id is given later)
                    keys.append((name, constraint, key))
    return keys


def _clash(rows: Rows, taken: dict[tuple[str, str], set]) -> str:
    """Why the register would refuse an entry's rows: a key already taken, or a reference to nothing."""
    own: dict[tuple[str, str], set] = defaultdict(set)
    for name, constraint, key in _unique_keys(rows):
        if key in taken[name, constraint] or key in own[name, constraint]:
            return f"{name} {'/'.join(map(str, key))} is already recorded ({constraint})"
        own[name, constraint].add(key)
    for name, items in rows.items():
        for foreign in table(name).__table__.foreign_keys:
            target = foreign.column.table.name
            for item in items:
                key = (item.get(foreign.parent.name),)
                if key not in taken[target, "primary key"] and key not in own[target, "primary key"]:
                    return f"{name} refers to {target} {key[0]}, which no earlier entry records"
    return ""

