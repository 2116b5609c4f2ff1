"""Confirmation: a person takes responsibility for the scheduler's recalculation of an assessment.

The periodic review records its runs as the scheduler's recalculations (status ``recalculated``),
which reset no review clock and cannot be signed off. A person holding the process's role (the
assessor role for an assessment) confirms one with a comment: their own act, a ledger entry of
kind ``confirmation`` naming the run and its ledger hash. The register then shows the record as
``submitted`` with ``confirmed_by``; from there it goes to sign-off like any submitted record, and
the confirming person counts as its assessor for segregation of duties; the portfolio is rewritten to
show it. A person who would change the assessment runs the process instead, which supersedes the
recalculation.
"""

from __future__ import annotations

from datetime import datetime, timezone

from workbench import __version__
from workbench.config import SCHEDULER
from workbench.exceptions import InputError
from workbench.pipeline.archive import append_locked, fault_point, ledger_entries, locked
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.recovery import index_entry, recover_locked
from workbench.records.acts import Act
from workbench.records.identity import acting_person
from workbench.validate import require_run_id
from workbench.workspace import Workspace

MAX_COMMENT = 5000


def confirm(workspace: Workspace, run_id: str, comment: str, person: str = "") -> dict:
    """Confirm the scheduler's recalculation ``run_id`` as ``person``'s assessment; return the ledger entry.

    Parameters
    ----------
    workspace : Workspace
        The workspace holding the recalculation.
    run_id : str
        The recalculation's run id.
    comment : str
        What the person checked and why the assessment stands; required, at most 5,000 characters.
    person : str
        Person id of the confirmer (default: the one whose key is held; under JupyterHub, the hub's user;
        see :func:`~workbench.records.identity.acting_person`).

    Raises
    ------
    InputError
        Bad input, or a rule refuses the confirmation (the message names the rule); nothing is written.
    """
    from workbench.processes import get_process
    from workbench.records.signoff import evidence_entry

    run_id = require_run_id(run_id)
    if not isinstance(comment, str) or not comment.strip():
        raise InputError.single("comment", comment, "is required: say what you checked and why the assessment stands")
    if len(comment) > MAX_COMMENT:
        raise InputError.single("comment", comment, f"must be at most {MAX_COMMENT} characters")
    confirmer = acting_person(workspace, person)
    refused = confirmer_refusal(confirmer)
    if refused:
        raise InputError.single("person", confirmer.id, refused)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        entries = ledger_entries(workspace.evidence_dir)
        evidence = evidence_entry(workspace, entries, run_id)
        role = get_process(evidence["process"]).role
        if role not in confirmer.roles:
            allowed = ", ".join(p.id for p in workspace.config.people_with(role)) or "nobody holds it yet"
            raise InputError.single("person", confirmer.id, f"does not hold the {role} role: confirming makes the "
                                    f"assessment theirs; people who do: {allowed}")
        _check_confirmable(evidence, entries)
        entry = append_locked(workspace.evidence_dir, {
            "kind": "confirmation", "run_id": run_id, "evidence_hash": evidence["hash"],
            "process": evidence["process"], "system_id": evidence["system_id"],
            **({"item_id": evidence["item_id"]} if evidence.get("item_id") else {}),
            "person": confirmer.id, "roles": list(confirmer.roles), "comment": comment.strip(),
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "workbench_version": __version__}, confirmer)
        fault_point("archive-before-register")
        index_entry(workspace, entry)
    build_index(workspace)
    return entry


def confirmer_refusal(person) -> str | None:
    """Why ``person`` may not confirm a recalculation whatever their roles, or ``None``: not the scheduler."""
    if SCHEDULER in person.roles:
        return "is the scheduler identity: it does not confirm its own recalculation; a person does"
    return None


def confirmation_refusal(config, entry: dict, _ledger) -> str | None:
    """:func:`confirmer_refusal` of the signer of a ``confirmation`` entry (its process's role is
    ``acts.required_roles``)."""
    by = entry["signature"]["by"]
    refused = confirmer_refusal(config.person(by))
    return f"{by} {refused}" if refused else None


ACTS = {"confirmation": Act("person", refusal=confirmation_refusal)}


def confirmation_of(entries: list[dict], run_id: str) -> dict | None:
    """The ledger entry confirming the recalculation ``run_id``, or ``None``."""
    return next((e for e in entries if e.get("kind") == "confirmation" and e.get("run_id") == run_id), None)


def _check_confirmable(evidence: dict, entries: list[dict]) -> None:
    """Refuse a record that is no recalculation, is confirmed already, or is superseded by a later record."""
    run_id = evidence["run_id"]
    if evidence["status"] != "recalculated":
        raise InputError.single("run_id", run_id, f"is not a recalculation: {evidence['assessor']} recorded it as "
                                "their own assessment; only the scheduler's recalculations are confirmed")
    earlier = confirmation_of(entries, run_id)
    if earlier:
        raise InputError.single("run_id", run_id, f"is already confirmed by {earlier['person']} at "
                                f"{earlier['recorded_at']}")
    subject = (evidence["system_id"], evidence["process"], evidence.get("item_id", ""))
    later = [e for e in entries if e.get("kind") == "evidence" and e["seq"] > evidence["seq"]
             and (e["system_id"], e["process"], e.get("item_id", "")) == subject]
    if later:
        raise InputError.single("run_id", run_id, f"is superseded by {later[-1]['run_id']}, recorded later for the "
                                "same subject; confirm or assess the latest record")
