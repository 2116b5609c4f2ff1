"""Nonconformities and their corrective actions (ISO/IEC 42001 10.2).

A nonconformity is recorded once; its corrective action changes only by appended updates, each
one a row in ``action_updates`` and an entry in the hash-chained ledger, so the history stays.
Any process opens one through :func:`open_nonconformity` (an audit finding, a periodic review).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from pydantic import Field, field_validator

from workbench.pipeline.archive import append_locked, canonical_json, ledger_entries, locked
from workbench.exceptions import InputError, UnknownRecordError
from workbench.systems import ORGANISATION
from workbench.validate import Strict, known_person, model_from

STATUSES = ("open", "in progress", "done", "verified effective")
OPEN_STATUSES = STATUSES[:3]
OVERDUE_STATUSES = STATUSES[:2]
ACTION_FIELDS = ("root_cause", "correction", "corrective_action", "owner", "due_date", "effectiveness_check")


class ActionState(Strict):
    """The state of a corrective action after an update: every field, not only the changed ones."""

    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    root_cause: str = Field(default="", max_length=5000)
    correction: str = Field(default="", max_length=5000, description="what fixes this occurrence")
    corrective_action: str = Field(default="", max_length=5000, description="what removes the cause")
    owner: str = Field(min_length=1, max_length=64, description="person id of the action owner")
    due_date: date
    effectiveness_check: str = Field(default="", max_length=5000,
                                     description="how effectiveness was checked; required to verify")
    note: str = Field(default="", max_length=5000)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"unknown status; allowed: {', '.join(STATUSES)}")
        return value

    _owner_known = field_validator("owner")(known_person)


def _person(workspace, field: str, person_id: str) -> str:
    people = [p.id for p in workspace.config.people]
    if person_id not in people:
        raise InputError.single(field, person_id, f"is not a person in the configuration; allowed: {', '.join(people)}")
    return person_id


def finding_key(source: str, system_id: str, source_ref: str, description: str) -> str:
    """What makes two nonconformities the same finding: SHA-256 of where it was found and what it says."""
    return hashlib.sha256(canonical_json({"source": source, "system_id": system_id, "source_ref": source_ref,
                                          "description": description.strip()})).hexdigest()


def open_nonconformity(workspace, source: str, system_id: str, description: str, evidence_ref: str,
                       grade: str = "minor nonconformity", owner: str = "", due_date: date | str | None = None,
                       opened_by: str = "", source_ref: str = "", root_cause: str = "", correction: str = "",
                       corrective_action: str = "") -> str:
    """Record a nonconformity with its corrective action, status ``open``; return its id.

    The same finding (source, system, source reference and description) is recorded once: opening
    it again returns the first one's id. The id and that check are decided under the archive's lock.

    Parameters
    ----------
    workspace : Workspace
        Where it is registered and ledgered.
    source : str
        The process that found it, e.g. ``internal-audit`` or ``periodic-review``.
    system_id : str
        The AI system concerned, or ``organisation``.
    description : str
        What does not conform, as the finder wrote it.
    evidence_ref : str
        The archived evidence that shows it (a run id, optionally ``run_id#item``).
    grade : str
        ``major nonconformity`` or ``minor nonconformity``.
    owner, due_date : str
        Who carries the corrective action, and by when (default: the system owner, in 30 days).
    opened_by : str
        Person id recording it (default: the owner).
    source_ref, root_cause, correction, corrective_action : str
        Where in the source it was found, and what is known of the action so far.
    """
    from datetime import timedelta

    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    if system_id != ORGANISATION:
        system = workspace.register.system(system_id)
        owner = owner or system.owner
    if not description or not description.strip():
        raise InputError.single("description", description, "must say what does not conform")
    if grade not in ("major nonconformity", "minor nonconformity"):
        raise InputError.single("grade", grade, "allowed: major nonconformity, minor nonconformity")
    run_id = evidence_ref.split("#")[0]
    from workbench.records.citations import resolve

    resolve(workspace, "evidence_ref", run_id)
    if owner:
        _person(workspace, "owner", owner)
    signer = acting_person(workspace, opened_by, "opened_by")
    opened_by = signer.id
    state = model_from(ActionState, {"status": "open", "owner": owner or opened_by,
                                     "due_date": due_date or date.today() + timedelta(days=30),
                                     "root_cause": root_cause, "correction": correction,
                                     "corrective_action": corrective_action,
                                     "note": "opened"}, workspace.validation_context(), what="action")
    key = finding_key(source, system_id, source_ref, description)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        known = workspace.register.rows("nonconformities", finding_key=key)
        if known:
            return known[0]["id"]
        nc_id = _next_id(workspace)
        entry = append_locked(workspace.evidence_dir, {
            "kind": "nonconformity", "id": nc_id, "source": source, "source_ref": source_ref, "system_id": system_id,
            "grade": grade, "description": description.strip(), "evidence_ref": evidence_ref, "opened_by": opened_by,
            "finding_key": key, "action": state.model_dump(mode="json"),
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return nc_id


def _next_id(workspace) -> str:
    """The next free id; the ledger counts too (a writer killed before its register row took its id)."""
    taken = {r["id"] for r in workspace.register.rows("nonconformities")}
    taken |= {e["id"] for e in ledger_entries(workspace.evidence_dir) if e.get("kind") == "nonconformity"}
    n = len(taken) + 1
    while f"nc-{n:04d}" in taken:
        n += 1
    return f"nc-{n:04d}"


def update_action(workspace, nc_id: str, updated_by: str = "", **changes) -> dict:
    """Append an update to a nonconformity's corrective action; return the new state.

    ``changes`` may set ``status``, ``note`` and any of root cause, correction, corrective
    action, owner, due date and effectiveness check; the rest carries over from the last update.
    """
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    action_history_rows(workspace, nc_id)
    unknown = sorted(set(changes) - set(ACTION_FIELDS) - {"status", "note"})
    if unknown:
        raise InputError.single(unknown[0], changes[unknown[0]],
                                f"is not an action field; allowed: status, note, {', '.join(ACTION_FIELDS)}")
    signer = acting_person(workspace, updated_by, "updated_by")
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        last = action_history_rows(workspace, nc_id)[-1]  # decided under the lock: two updates never take one number
        data = {k: last[k] for k in ("status",) + ACTION_FIELDS}
        data.update({k: v for k, v in changes.items() if v not in (None, "")})
        data["note"] = changes.get("note") or ""
        state = model_from(ActionState, data, workspace.validation_context(), what=f"action {nc_id}")
        if state.status == "verified effective" and not state.effectiveness_check:
            raise InputError.single("effectiveness_check", "", "is required to set the status 'verified effective': "
                                    "say how the action was shown to work")
        entry = append_locked(workspace.evidence_dir, {
            "kind": "action-update", "nc_id": nc_id, "update_seq": last["seq"] + 1, **state.model_dump(mode="json"),
            "updated_by": signer.id, "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return workspace.register.rows("action_updates", nc_id=nc_id, seq=last["seq"] + 1)[0]


def action_history_rows(workspace, nc_id: str) -> list[dict]:
    """Every update of one nonconformity's action, oldest first."""
    rows = sorted(workspace.register.rows("action_updates", nc_id=nc_id), key=lambda r: r["seq"])
    if not rows:
        known = ", ".join(sorted(r["id"] for r in workspace.register.rows("nonconformities"))[:20]) or "none yet"
        raise UnknownRecordError.single("nonconformity", nc_id, f"is not a nonconformity id; known: {known}")
    return rows


def action_history(workspace, nc_id: str):
    """The update history of one action as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(action_history_rows(workspace, nc_id))


def is_overdue(status: str, due_date: date, today: date) -> bool:
    """An action is overdue once its due date has passed and it is still open or in progress."""
    return status in OVERDUE_STATUSES and due_date < today


def actions(workspace, today: date | None = None, only_open: bool = True) -> list[dict]:
    """The current state of every action (the last update of each nonconformity), by due date."""
    today = today or date.today()
    latest: dict[str, dict] = {}
    for row in workspace.register.rows("action_updates"):
        if row["nc_id"] not in latest or row["seq"] > latest[row["nc_id"]]["seq"]:
            latest[row["nc_id"]] = row
    found = []
    for nc in workspace.register.rows("nonconformities"):
        state = latest[nc["id"]]
        if only_open and state["status"] not in OPEN_STATUSES:
            continue
        found.append({"nc_id": nc["id"], "source": nc["source"], "source_ref": nc["source_ref"],
                      "system_id": nc["system_id"], "grade": nc["grade"], "description": nc["description"],
                      "evidence_ref": nc["evidence_ref"], "opened_at": nc["opened_at"],
                      **{k: state[k] for k in ("status",) + ACTION_FIELDS},
                      "updates": state["seq"], "last_update": state["updated_at"],
                      "overdue": is_overdue(state["status"], state["due_date"], today)})
    return sorted(found, key=lambda a: (a["due_date"], a["nc_id"]))


def open_actions(workspace, today: date | None = None):
    """Every action not yet verified effective, as a pandas DataFrame with an ``overdue`` column."""
    import pandas as pd

    columns = ["nc_id", "source", "source_ref", "system_id", "grade", "description", "evidence_ref",
               "opened_at", "status", *ACTION_FIELDS, "updates", "last_update", "overdue"]
    return pd.DataFrame(actions(workspace, today), columns=columns)
