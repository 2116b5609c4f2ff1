"""Who did what, checked from the ledger alone: every act is signed by the person it names, with a key
the configuration in force pinned for them, and that person held the role the act needs then.

``workbench verify`` runs :func:`check_acts`; the rules are those enforced when the act was
recorded (a run's process role, the sign-off roles, acceptance and approval, an AIMS manager for
the configuration), re-applied with the configuration that was in force at that point of the ledger.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.signing import entry_problem

# the field of each kind of entry that names the person who acted
ACTOR = {"configuration": "person", "evidence": "assessor", "failed-run": "assessor", "signoff": "person",
         "nonconformity": "opened_by", "action-update": "updated_by", "documented-information": "recorded_by",
         "competence": "recorded_by", "audit-plan": "planned_by", "confirmation": "person",
         "system": "recorded_by", "item": "recorded_by", "event": "recorded_by", "incident": "recorded_by",
         "incident-update": "updated_by", "concern": "raised_by", "concern-reveal": "person",
         "treatment-update": "updated_by", "risk-acceptance": "person",
         "policy-acknowledgement": "person", "supplier": "recorded_by", "customer-obligations": "recorded_by"}
UNSIGNED_KINDS = ("anchor",)  # proved by their own token, not by a person
ANONYMOUS_KINDS = ("concern",)  # unsigned only when anonymous: a signature would name who raised it


def check_acts(evidence_dir: Path, entries: list[dict]) -> tuple[list[tuple[str, dict, str]], int]:
    """Check the signature, signer and role of every entry.

    Entries before the first recorded configuration were made by an earlier version, without
    signatures; they are counted, not judged.

    Returns
    -------
    (list of (kind, entry, detail), int)
        Each problem (kinds ``configuration``, ``signature``, ``role``), and the number of unsigned
        entries that predate the first recorded configuration.
    """
    from workbench.records.configuration import configuration_chain

    chain, broken = configuration_chain(evidence_dir)
    trusted = {entry["hash"]: config for entry, config in chain}
    problems = [("configuration", entry, problem) for entry, problem in broken]
    in_force, digest, legacy = None, "", 0
    evidence = {e.get("run_id"): e for e in entries if e.get("kind") == "evidence"}
    for entry in entries:
        kind = entry.get("kind")
        if kind == "configuration" and entry.get("hash") in trusted:
            if in_force is not None:
                problems += _check_one(evidence_dir, entry, in_force, digest, evidence)
            in_force, digest = trusted[entry["hash"]], entry["files"]["workbench.yaml"]
            continue
        if kind in UNSIGNED_KINDS:
            continue
        if kind in ANONYMOUS_KINDS and "signature" not in entry:
            problem = _anonymous_problem(entry)
            if problem:
                problems.append(("signature", entry, problem))
            continue
        if in_force is None:
            legacy += 1
            continue
        problems += _check_one(evidence_dir, entry, in_force, digest, evidence)
    return problems, legacy


def _check_one(evidence_dir: Path, entry: dict, config, digest: str, evidence: dict) -> list[tuple[str, dict, str]]:
    problem = entry_problem(entry, config)
    if problem:
        return [("signature", entry, problem)]
    by = entry["signature"]["by"]
    kind = entry.get("kind")
    found = []
    actor = ACTOR.get(kind)
    if actor and entry.get(actor) != by:
        found.append(("signature", entry, f"names {entry.get(actor)!r} as {actor} but is signed by {by}"))
    if entry.get("configuration") != digest:
        found.append(("configuration", entry, "was made under a configuration that is not the one in force then"))
    approvers = config.responsible(entry.get("system_id", ""), "approvers") if kind == "signoff" else None
    if approvers is not None and by not in approvers:
        found.append(("role", entry, f"{by} is not among the approvers the RACI of {entry['system_id']} named then "
                      f"({', '.join(approvers)})"))
    needed = required_roles(evidence_dir, entry, config, evidence)
    roles = set(config.person(by).roles)
    if needed and not roles & set(needed[0]):
        found.append(("role", entry, f"{by} held {', '.join(sorted(roles))} then; {needed[1]} needs "
                      f"{' or '.join(needed[0])}"))
    if kind == "signoff" and entry.get("decision") == "approved" and entry.get("run_id") in evidence:
        refusal = _approval(evidence_dir, evidence[entry["run_id"]], config, by)
        if refusal:
            found.append(("role", entry, f"approved by {by} although {refusal}"))
    return found


def required_roles(evidence_dir: Path, entry: dict, config, evidence: dict) -> tuple[list[str], str] | None:
    """The roles one of which the signer of ``entry`` must hold, and the act's name; ``None`` if any person may."""
    from workbench.config import SCHEDULER
    from workbench.processes import processes
    from workbench.records.signoff import SIGNING_ROLES

    kind = entry.get("kind")
    if kind == "configuration":
        return ["aims_manager"], "changing the configuration"
    if kind in ("incident", "incident-update"):
        from workbench.workspace import REGISTRARS

        return list(REGISTRARS), "recording an incident"
    if kind == "concern-reveal":
        return ["aims_manager"], "seeing who raised an anonymous concern"
    if kind == "risk-acceptance" and getattr(config, "risk_criteria", None) is not None:
        return [config.risk_criteria.acceptance_role], "accepting a residual risk above appetite"
    if kind in ("system", "item"):
        from workbench.workspace import REGISTRARS

        return list(REGISTRARS), f"registering an AI system's {kind}" if kind == "item" else "registering an AI system"
    if kind in ("evidence", "failed-run") and entry.get("recalculates"):
        return [SCHEDULER], "a scheduler's recalculation"
    if kind in ("evidence", "failed-run", "confirmation") and entry.get("process") in processes():
        return [processes()[entry["process"]].role], f"a {entry['process']} {'confirmation' if kind == 'confirmation' else 'run'}"
    if kind == "signoff":
        if entry.get("decision") == "approved" and entry.get("run_id") in evidence:
            accepted = _acceptance(evidence_dir, evidence[entry["run_id"]], config)
            if accepted:
                return [accepted[0]], f"approving it ({accepted[1]})"
        return list(SIGNING_ROLES), "a sign-off"
    return None


def _anonymous_problem(entry: dict) -> str | None:
    """An unsigned concern is accepted only when it is anonymous, with its commitment and sealed identity."""
    if not (entry.get("anonymous") is True and entry.get("raised_by") == "anonymous"
            and isinstance(entry.get("reporter_commitment"), str) and entry.get("sealed_reporter")):
        return "is not signed, and only an anonymous concern (with its commitment and sealed identity) may be"
    return None


class _AsConfigured:
    """What an acceptance rule reads of a workspace: the configuration (here, the one in force then)."""

    def __init__(self, config):
        self.config = config


def _results(evidence_dir: Path, evidence: dict) -> dict | None:
    try:
        return json.loads((evidence_dir / evidence["path"] / "results.json").read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return None  # a missing or changed file is named by the hash check


def _acceptance(evidence_dir: Path, evidence: dict, config) -> tuple[str, str] | None:
    from workbench.processes import processes

    process = processes().get(evidence.get("process"))
    if process is None or process.acceptance is None:
        return None
    results = _results(evidence_dir, evidence)
    return process.acceptance(_AsConfigured(config), results) if results is not None else None


def _approval(evidence_dir: Path, evidence: dict, config, person: str) -> str | None:
    """Why ``person`` could not approve the evidence (``Process.approval``), or ``None``."""
    from workbench.processes import processes

    process = processes().get(evidence.get("process"))
    if process is None or process.approval is None:
        return None
    results = _results(evidence_dir, evidence)
    return process.approval(_AsConfigured(config), results, person) if results is not None else None
