"""Nonconformities and their corrective actions (ISO/IEC 42001 10.2).

A nonconformity is recorded once; its corrective action changes only by appended updates, each
one a row in ``action_updates`` and an entry in the hash-chained ledger, so the history stays.
Any source opens one through :func:`open_nonconformity` (an audit finding, a periodic review, an
incident, a complaint, monitoring, an external party).

An action is ``done`` only once it states the reaction (how the nonconformity was controlled and
corrected, and how its consequences were dealt with), the root cause, whether similar
nonconformities exist or could occur elsewhere, the corrective action and the changes to the AIMS
(or why none are needed). It is ``verified effective`` only by someone other than its owner, who
says how and cites the evidence. A due date never lies before the day the nonconformity was opened.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from pydantic import Field, field_validator

from workbench.pipeline.archive import append_locked, canonical_json, ledger_entries, locked
from workbench.exceptions import InputError, UnknownRecordError
from workbench.records.acts import Act
from workbench.systems import ORGANISATION
from workbench.validate import Strict, check_planned, known_person, model_from

STATUSES = ("open", "in progress", "done", "verified effective")
OPEN_STATUSES = STATUSES[:3]
OVERDUE_STATUSES = STATUSES[:2]
SOURCES = ("audit", "review", "incident", "complaint", "monitoring", "external")
ACTION_FIELDS = ("root_cause", "correction", "consequences", "similar", "corrective_action", "aims_changes", "owner",
                 "due_date", "effectiveness_check", "effectiveness_evidence")
# what 10.2 asks before an action is done, in the order it asks
DONE_NEEDS = {"correction": "the reaction: how the nonconformity was controlled and corrected",
              "consequences": "how its consequences were dealt with",
              "root_cause": "the root cause",
              "similar": "whether similar nonconformities exist or could occur elsewhere",
              "corrective_action": "the corrective action that removes the cause",
              "aims_changes": "the changes made to the AIMS, or why none are needed"}


class ActionState(Strict):
    """The state of a corrective action after an update: every field, not only the changed ones."""

    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    root_cause: str = Field(default="", max_length=5000)
    correction: str = Field(default="", max_length=5000,
                            description="the reaction: how the nonconformity was controlled and corrected")
    consequences: str = Field(default="", max_length=5000, description="how its consequences were dealt with")
    similar: str = Field(default="", max_length=5000,
                         description="whether similar nonconformities exist or could occur elsewhere")
    corrective_action: str = Field(default="", max_length=5000, description="what removes the cause")
    aims_changes: str = Field(default="", max_length=5000,
                              description="changes made to the AIMS, or why none are needed")
    owner: str = Field(min_length=1, max_length=64, description="person id of the action owner")
    due_date: date
    effectiveness_check: str = Field(default="", max_length=5000,
                                     description="how effectiveness was checked; required to verify")
    effectiveness_evidence: list[str] = Field(default_factory=list, max_length=50,
                                              description="citations of the evidence that shows it works; "
                                                          "required to verify")
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
                       corrective_action: str = "", opened_on: date | str | None = None) -> str:
    """Record a nonconformity with its corrective action, status ``open``; return its id.

    The same finding (source, system, source reference and description) is recorded once: opening
    it again returns the first one's id. The id and that check are decided under the archive's lock.

    Parameters
    ----------
    workspace : Workspace
        Where it is registered and ledgered.
    source : str
        Where it was found: one of ``SOURCES`` (audit, review, incident, complaint, monitoring, external).
    system_id : str
        The AI system concerned, or ``organisation``.
    description : str
        What does not conform, as the finder wrote it.
    evidence_ref : str
        The evidence that shows it: a citation (:mod:`workbench.records.citations`), a run id
        optionally with ``#item``.
    grade : str
        ``major nonconformity`` or ``minor nonconformity``.
    owner, due_date : str
        Who carries the corrective action, and by when (default: the system owner, in 30 days).
    opened_by : str
        Person id recording it (default: the owner).
    source_ref, root_cause, correction, corrective_action : str
        Where in the source it was found, and what is known of the action so far.
    opened_on : date, optional
        The day it was found (an audit's date; default today, never later). The due date may not precede it.
    """
    from datetime import timedelta

    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    if system_id != ORGANISATION:
        system = workspace.register.system(system_id)
        owner = owner or system.owner
    if not description or not description.strip():
        raise InputError.single("description", description, "must say what does not conform")
    if source not in SOURCES:
        raise InputError.single("source", source, f"is not a source of nonconformities; allowed: {', '.join(SOURCES)}")
    if grade not in ("major nonconformity", "minor nonconformity"):
        raise InputError.single("grade", grade, "allowed: major nonconformity, minor nonconformity")
    from workbench.records.citations import cite

    today = date.today()
    try:
        found_on = date.fromisoformat(opened_on) if isinstance(opened_on, str) else (opened_on or today)
    except ValueError:
        raise InputError.single("opened_on", opened_on, "must be a date YYYY-MM-DD") from None
    if found_on > today:
        raise InputError.single("opened_on", found_on.isoformat(), f"is after today {today.isoformat()}; "
                                "a nonconformity is opened on the day it was found or later")
    cite(workspace, "evidence_ref", evidence_ref)
    if owner:
        _person(workspace, "owner", owner)
    signer = acting_person(workspace, opened_by, "opened_by")
    opened_by = signer.id
    state = model_from(ActionState, {"status": "open", "owner": owner or opened_by,
                                     "due_date": due_date or date.today() + timedelta(days=30),
                                     "root_cause": root_cause, "correction": correction,
                                     "corrective_action": corrective_action,
                                     "note": "opened"}, workspace.validation_context(), what="action")
    _check_dates(state, found_on)
    if state.status != "open":
        raise InputError.single("status", state.status, "a nonconformity opens with status 'open'")
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
            "finding_key": key, "opened_on": found_on.isoformat(), "action": state.model_dump(mode="json"),
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
        data.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in changes.items()
                     if v not in (None, "", (), [])})
        data["note"] = changes.get("note") or ""
        state = model_from(ActionState, data, workspace.validation_context(), what=f"action {nc_id}")
        nc = workspace.register.rows("nonconformities", id=nc_id)[0]
        _check_dates(state, nc["opened_on"] or nc["opened_at"].date())
        _check_closing(workspace, state, signer.id)
        entry = append_locked(workspace.evidence_dir, {
            "kind": "action-update", "nc_id": nc_id, "update_seq": last["seq"] + 1, **state.model_dump(mode="json"),
            "updated_by": signer.id, "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return workspace.register.rows("action_updates", nc_id=nc_id, seq=last["seq"] + 1)[0]


def _check_dates(state: ActionState, opened_on: date) -> None:
    if state.due_date < opened_on:
        raise InputError.single("due_date", state.due_date.isoformat(),
                                f"is before the nonconformity was opened on {opened_on.isoformat()}; "
                                "allowed: that day or later")
    check_planned("due_date", state.due_date, date.today())


def _check_closing(workspace, state: ActionState, acting: str) -> None:
    """Refuse 'done' without what 10.2 asks, and 'verified effective' by the owner or without evidence."""
    if state.status not in ("done", "verified effective"):
        return
    missing = [name for name in DONE_NEEDS if not getattr(state, name).strip()]
    if missing:
        raise InputError.single(missing[0], "", f"is required to set the status {state.status!r}: say "
                                + "; ".join(DONE_NEEDS[m] for m in missing))
    if state.status == "verified effective":
        check_effectiveness(workspace, state, acting, "action")


def check_effectiveness(workspace, state, acting: str, what: str) -> None:
    """Refuse a verification of effectiveness by the owner of what is verified, without saying how, or
    without citing evidence that existed by today (a corrective action, a risk treatment: ``what``)."""
    from workbench.records.citations import cite

    refused = self_verified(what, state.owner, acting)
    if refused:
        raise InputError.single("updated_by", acting, refused)
    if not state.effectiveness_check.strip():
        raise InputError.single("effectiveness_check", "", "is required to set the status 'verified effective': "
                                f"say how the {what} was shown to work")
    if not state.effectiveness_evidence:
        raise InputError.single("effectiveness_evidence", [], "is required to set the status 'verified effective': "
                                f"cite the evidence that shows the {what} works")
    for i, ref in enumerate(state.effectiveness_evidence):
        cite(workspace, f"effectiveness_evidence[{i}]", ref, not_after=date.today(), what="today")


def self_verified(what: str, owner: str, acting: str) -> str | None:
    """Why ``acting`` may not verify the effectiveness of the ``what`` (an action, a treatment) that
    ``owner`` owns, or ``None``: nobody verifies their own."""
    if acting == owner:
        return f"is the {what}'s owner; effectiveness is verified by someone other than {owner}"
    return None


def effectiveness_rule(what: str):
    """The rule of an update entry of a ``what`` (an action, a treatment) that ``workbench verify`` re-applies:
    a status 'verified effective' is never set by the owner (:func:`self_verified`)."""
    def refusal(_config, entry: dict, _ledger) -> str | None:
        if entry.get("status") != "verified effective":
            return None
        refused = self_verified(what, entry.get("owner"), entry.get("updated_by"))
        return f"{entry.get('updated_by')} {refused}" if refused else None
    return refusal


ACTS = {"nonconformity": Act("opened_by", (), "opening a nonconformity"),
        "action-update": Act("updated_by", (), "updating a corrective action", effectiveness_rule("action"))}


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
