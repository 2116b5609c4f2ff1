"""Sign-off: a reviewer approves or rejects an evidence record, under segregation-of-duties rules.

A sign-off never edits the evidence. It is its own archived folder (``<system>/signoff/<id>/`` with
``approval.html`` and ``signoff.json``), its own ledger entry (kind ``signoff``, naming the evidence's
ledger hash) and a register row that sets the evidence's status to ``approved`` or ``rejected``; the
portfolio (``evidence/index.html``) is rewritten to show it, with a link to the approval record.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from workbench import __version__
from workbench.pipeline.archive import archive_locked, fault_point, ledger_entries, locked, sha256_file, write_atomic
from workbench.exceptions import InputError, UnknownRecordError
from workbench.records.acts import Act
from workbench.records.confirmation import confirmation_of
from workbench.records.identity import acting_person
from workbench.pipeline.indexing import RESULTS_FILE
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.recovery import index_entry, recover_locked
from workbench.resources import templates_dir
from workbench.validate import require_run_id
from workbench.workspace import Workspace

DECISIONS = {"approve": "approved", "reject": "rejected"}
SIGNING_ROLES = ("reviewer", "approver")
MAX_COMMENT = 5000
APPROVAL_FILE, SIGNOFF_FILE = "approval.html", "signoff.json"


@dataclass(frozen=True)
class SignOff:
    """What one sign-off left behind."""

    signoff_id: str
    folder: Path
    ledger_entry: dict

    @property
    def record(self) -> Path:
        return self.folder / APPROVAL_FILE


def sign_off(workspace: Workspace, run_id: str, decision: str, comment: str, person: str = "") -> SignOff:
    """Approve or reject the evidence ``run_id`` with a comment.

    Parameters
    ----------
    workspace : Workspace
        The workspace holding the evidence.
    run_id : str
        The evidence record's run id.
    decision : str
        ``approve`` or ``reject``.
    comment : str
        Why; required, at most 5,000 characters.
    person : str
        Which person signs, among those whose keys you hold (see
        :func:`~workbench.records.identity.acting_person`).

    Raises
    ------
    InputError
        Bad input, or a rule refuses the sign-off (the message names the rule); nothing is written.
    """
    run_id = require_run_id(run_id)
    if decision not in DECISIONS:
        raise InputError.single("decision", decision, f"must be one of {', '.join(DECISIONS)}")
    comment = _comment(comment)
    signer = acting_person(workspace, person)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        entries = ledger_entries(workspace.evidence_dir)
        evidence = evidence_entry(workspace, entries, run_id)
        results = json.loads((workspace.evidence_dir / evidence["path"] / RESULTS_FILE).read_text(encoding="utf-8"))
        check_rules(workspace, evidence, results["results"], signer, DECISIONS[decision], entries)
        now = datetime.now(timezone.utc)
        signoff_id = f"so-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        facts = {"kind": "signoff", "signoff_id": signoff_id, "run_id": run_id, "evidence_hash": evidence["hash"],
                 "process": evidence["process"], "system_id": evidence["system_id"],
                 "decision": DECISIONS[decision], "person": signer.id, "roles": list(signer.roles),
                 "comment": comment, "recorded_at": now.isoformat(timespec="seconds"),
                 "workbench_version": __version__}
        staging = workspace.staging_dir / signoff_id
        staging.mkdir(parents=True)
        relative = f"{evidence['system_id']}/signoff/{signoff_id}"
        try:
            write_atomic(staging / SIGNOFF_FILE, json.dumps(facts, indent=1, ensure_ascii=False).encode())
            write_atomic(staging / APPROVAL_FILE, approval_html(workspace, evidence, results, facts, signer,
                                                                confirmation_of(entries, run_id)).encode())
            entry = archive_locked(workspace.evidence_dir, staging, relative, facts, signer)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # archived: renamed away; failed: nothing half-written stays
        fault_point("archive-before-register")
        index_entry(workspace, entry)
    build_index(workspace)
    return SignOff(signoff_id, workspace.evidence_dir / relative, entry)


def own_assessment(evidence: dict, confirmation: dict | None, person: str) -> str | None:
    """Why ``person`` may not sign off the run ``evidence`` (its ledger entry), a recalculation confirmed by
    ``confirmation``, or ``None``: segregation of duties."""
    if person == (confirmation["person"] if confirmation else evidence.get("assessor")):
        return (f"segregation of duties: {person} {'confirmed' if confirmation else 'assessed'} "
                f"{evidence.get('run_id')}; nobody approves or rejects their own assessment")
    return None


def signoff_refusal(_config, entry: dict, ledger) -> str | None:
    """:func:`own_assessment` of the signer of a ``signoff`` entry, for the run it signs off."""
    evidence = ledger.run(entry.get("run_id"))
    if evidence is None:
        return f"signs off {entry.get('run_id')!r}, which is no archived evidence record of the ledger"
    return own_assessment(evidence, ledger.confirmations.get(entry["run_id"]), entry["signature"]["by"])


ACTS = {"signoff": Act("person", refusal=signoff_refusal)}  # its roles follow from the run: acts.required_roles


def check_rules(workspace: Workspace, evidence: dict, results: dict, signer, decision: str,
                entries: list[dict]) -> None:
    """Refuse a sign-off that breaks a rule, with an ``InputError`` naming the rule.

    - confirmation first: the scheduler's recalculation is signed off only once a person has confirmed it;
    - segregation of duties: nobody approves or rejects their own assessment, nor one they confirmed;
    - sign-off role: the signer holds the reviewer or approver role;
    - responsibilities: a system whose RACI names approvers has its records signed off by them alone;
    - acceptance: a record its process says needs a role's acceptance (residual risks above appetite)
      is approved only by someone holding that role;
    - approval: a record its process says this person may not approve (a model release whose acceptance
      criteria are not met, or that they verified) is not approved by them;
    - one decision per run: an approved or rejected record is not signed again (a new run is).
    """
    confirmation = confirmation_of(entries, evidence["run_id"])
    if evidence.get("status") == "recalculated" and confirmation is None:
        raise InputError.single("run_id", evidence["run_id"], "awaiting confirmation: it is the scheduler's "
                                "recalculation, which no person has confirmed; a person holding the assessor role "
                                "confirms it first ('workbench review confirm') or assesses it again")
    refused = own_assessment(evidence, confirmation, signer.id)
    if refused:
        raise InputError.single("person", signer.id, refused)
    if not set(SIGNING_ROLES) & set(signer.roles):
        allowed = ", ".join(p.id for p in workspace.config.people if set(SIGNING_ROLES) & set(p.roles))
        raise InputError.single("person", signer.id, "sign-off role: only a reviewer or approver signs off "
                                f"evidence; people who may: {allowed or 'nobody yet'}")
    approvers = workspace.config.responsible(evidence.get("system_id", ""), "approvers")
    if approvers is not None and signer.id not in approvers:
        raise InputError.single("person", signer.id, f"responsibilities: the RACI of {evidence['system_id']} names "
                                f"its approvers, who alone sign off its records: {', '.join(approvers)}")
    needed = acceptance(workspace, evidence["process"], results)
    if decision == "approved" and needed and needed[0] not in signer.roles:
        role, reason = needed
        allowed = ", ".join(p.id for p in workspace.config.people_with(role))
        raise InputError.single("person", signer.id, f"{reason}; only the {role} role accepts them; "
                                f"people who hold it: {allowed or 'nobody yet'}")
    refusal = refused_approval(workspace, evidence["process"], results, signer.id) if decision == "approved" else None
    if refusal:
        raise InputError.single("run_id", evidence["run_id"], refusal)
    earlier = [e for e in entries if e.get("kind") == "signoff" and e.get("run_id") == evidence["run_id"]]
    if earlier:
        last = earlier[-1]
        raise InputError.single("run_id", evidence["run_id"], f"one decision per run: already {last['decision']} by "
                                f"{last['person']} at {last['recorded_at']}; run the process again for a new decision")


def acceptance(workspace: Workspace, process: str, results: dict) -> tuple[str, str] | None:
    """The role a record needs for approval and why (``Process.acceptance``), or ``None``."""
    from workbench.processes import get_process

    hook = get_process(process).acceptance
    return hook(workspace, results) if hook else None


def refused_approval(workspace: Workspace, process: str, results: dict, person: str) -> str | None:
    """Why ``person`` may not approve a record of ``process`` (``Process.approval``), or ``None``."""
    from workbench.processes import get_process

    hook = get_process(process).approval
    return hook(workspace, results, person) if hook else None


def _comment(comment: object) -> str:
    if not isinstance(comment, str) or not comment.strip():
        raise InputError.single("comment", comment, "is required: say why you approve or reject")
    if len(comment) > MAX_COMMENT:
        raise InputError.single("comment", comment, f"must be at most {MAX_COMMENT} characters")
    return comment.strip()


def evidence_entry(workspace: Workspace, entries: list[dict], run_id: str) -> dict:
    """The ledger entry of the evidence ``run_id``, refused if it is a failed run or its files differ from the ledger."""
    found = [e for e in entries if e.get("run_id") == run_id and e.get("kind") in ("evidence", "failed-run")]
    if not found:
        raise UnknownRecordError.single("run_id", run_id, "is not an archived evidence record; see 'workbench evidence list'")
    entry = found[0]
    if entry["kind"] == "failed-run":
        raise InputError.single("run_id", run_id, "is a failed run: there is no evidence to sign off; run it again")
    folder = workspace.evidence_dir / entry["path"]
    for name, digest in entry["files"].items():
        if not (folder / name).is_file() or sha256_file(folder / name) != digest:
            raise InputError.single("run_id", run_id, f"integrity: {entry['path']}/{name} differs from the ledger; "
                                    "run 'workbench verify' before signing anything")
    return entry


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "approval")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("approval.html.j2")


def approval_html(workspace: Workspace, evidence: dict, results: dict, facts: dict, signer,
                  confirmation: dict | None = None) -> str:
    """The approval record: a small self-contained HTML page, every value escaped, no script
    (``confirmation``: the person's confirmation of a scheduler's recalculation)."""
    from workbench.processes import get_process

    config = workspace.config
    from workbench.systems import ORGANISATION

    system_name = (config.organisation.name if evidence["system_id"] == ORGANISATION  # an organisation-wide record
                   else workspace.register.system(evidence["system_id"]).name)
    names = {p.id: p.name for p in config.people}
    return _template().render(
        **facts, version=__version__, organisation=config.organisation.name,
        process_title=get_process(evidence["process"]).title, system_name=system_name,
        period=evidence["period"], assessor=evidence["assessor"],
        assessor_name=names.get(evidence["assessor"], evidence["assessor"]), confirmation=confirmation,
        confirmer_name=names.get(confirmation["person"], confirmation["person"]) if confirmation else "",
        person_name=signer.name, files=evidence["files"],
        acceptance=acceptance(workspace, evidence["process"], results["results"]))
