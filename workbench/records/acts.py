"""Who did what, checked from the ledger alone: every act is signed by the person it names, with a key
the configuration in force pinned for them, and that person held the role the act needs then.

Each kind of signed entry declares once, where it is defined, who may make it: an :class:`Act` (the
field naming who acted, the roles one of which they hold, and any rule that reads the entry). The
recording code enforces it; ``workbench verify`` runs :func:`check_acts`, which re-applies it with the
configuration that was in force at that point of the ledger. A run's process role, the sign-off roles
and a record's acceptance and approval are re-applied from the run they are about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from workbench.signing import entry_problem

REGISTRARS = ("aims_manager", "system_owner")  # who registers AI systems and their items
UNSIGNED_KINDS = ("anchor",)  # proved by their own token, not by a person
ANONYMOUS_KINDS = ("concern",)  # unsigned only when anonymous: a signature would name who raised it


@dataclass(frozen=True)
class Act:
    """Who may make one kind of ledger entry.

    Parameters
    ----------
    actor : str
        The entry's field naming the person who acted; it must be the person who signed.
    roles : tuple of str
        Roles one of which the actor holds; empty when any person of the configuration may act.
    what : str
        The act in words, for findings ("registering a dataset").
    refusal : callable, optional
        ``refusal(config, entry, ledger) -> str or None``: why this entry breaks a rule that reads it (a
        measure recorded by someone other than who measures it, a risk accepted by its assessor), in
        words, under the configuration ``config`` in force then; ``ledger`` is the :class:`Ledger`.
    """

    actor: str
    roles: tuple[str, ...] = ()
    what: str = ""
    refusal: Callable[[Any, dict, "Ledger"], str | None] | None = None


def _assessor_refusal(config, entry: dict, ledger: "Ledger") -> str | None:
    """A person's run of a system whose RACI names assessors is by one of them (the roles: required_roles)."""
    from workbench.pipeline.request import raci_refusal
    from workbench.processes import processes

    process = processes().get(entry.get("process"))
    if entry.get("recalculates") or process is None or not isinstance(entry.get("system_id"), str):
        return None
    return raci_refusal(config, process, entry["system_id"], entry.get("assessor"))


RUN_ACTS = {"evidence": Act("assessor", refusal=_assessor_refusal),
            "failed-run": Act("assessor", refusal=_assessor_refusal)}  # their roles: see required_roles


@dataclass(frozen=True)
class Ledger:
    """What a rule reads of the ledger besides the entry: its runs, their confirmations and its AI systems (the
    first entry of each, by id), and a run's results."""

    evidence_dir: Path
    evidence: dict[str, dict]
    confirmations: dict[str, dict]
    systems: dict[str, dict]

    def run(self, run_id) -> dict | None:
        """The evidence entry of run ``run_id``; ``None`` when there is none (or the id is not even text)."""
        return self.evidence.get(run_id) if isinstance(run_id, str) else None

    def results(self, run_id) -> dict | None:
        """The archived results of run ``run_id``; ``None`` when it is not in the ledger or its file is unreadable
        (a missing or changed file is named by the hash check)."""
        evidence = self.run(run_id)
        return _results(self.evidence_dir, evidence) if evidence else None

    def owner(self, system_id) -> str:
        """The owner the AI system ``system_id`` was registered with ("" if it is not registered)."""
        return self.systems.get(system_id, {}).get("owner", "") if isinstance(system_id, str) else ""


def declared_acts() -> dict[str, Act]:
    """Every kind of signed entry's :class:`Act`: the core's and each installed process's (``Process.acts``)."""
    from workbench import workspace
    from workbench.processes import processes
    from workbench.records import configuration, confirmation, documented_information, nonconformity, signoff

    found = {**RUN_ACTS, **signoff.ACTS, **confirmation.ACTS, **configuration.ACTS, **workspace.ACTS,
             **nonconformity.ACTS, **documented_information.ACTS}
    for process in processes().values():
        found.update(process.acts)
    return found


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
    acts = declared_acts()
    ledger = Ledger(evidence_dir, {}, {}, {})
    first = {"evidence": (ledger.evidence, "run_id"), "confirmation": (ledger.confirmations, "run_id"),
             "system": (ledger.systems, "system_id")}
    for entry in entries:  # the first entry of each id: a later one reusing it changes nothing
        by_id, key = first.get(entry.get("kind"), ({}, ""))
        if isinstance(entry.get(key), str):
            by_id.setdefault(entry[key], entry)
    for entry in entries:
        kind = entry.get("kind")
        if kind == "configuration" and entry.get("hash") in trusted:
            if in_force is not None:
                problems += _check_one(entry, in_force, digest, ledger, acts)
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
        problems += _check_one(entry, in_force, digest, ledger, acts)
    return problems, legacy


def _check_one(entry: dict, config, digest: str, ledger: Ledger, acts: dict[str, Act]) -> list[tuple[str, dict, str]]:
    problem = entry_problem(entry, config)
    if problem:
        return [("signature", entry, problem)]
    by = entry["signature"]["by"]
    kind = entry.get("kind")
    found = []
    act = acts.get(kind)
    if act and entry.get(act.actor) != by:
        found.append(("signature", entry, f"names {entry.get(act.actor)!r} as {act.actor} but is signed by {by}"))
    if entry.get("configuration") != digest:
        found.append(("configuration", entry, "was made under a configuration that is not the one in force then"))
    approvers = config.responsible(entry.get("system_id", ""), "approvers") if kind == "signoff" else None
    if approvers is not None and by not in approvers:
        found.append(("role", entry, f"{by} is not among the approvers the RACI of {entry['system_id']} named then "
                      f"({', '.join(approvers)})"))
    needed = (list(act.roles), act.what) if act and act.roles else required_roles(entry, config, ledger)
    roles = set(config.person(by).roles)
    if needed and not roles & set(needed[0]):
        found.append(("role", entry, f"{by} held {', '.join(sorted(roles))} then; {needed[1]} needs "
                      f"{' or '.join(needed[0])}"))
    refusal = act.refusal(config, entry, ledger) if act and act.refusal else None
    if refusal:
        found.append(("role", entry, refusal))
    if kind == "signoff" and entry.get("decision") == "approved" and ledger.run(entry.get("run_id")):
        refusal = _approval(ledger, entry["run_id"], config, by)
        if refusal:
            found.append(("role", entry, f"approved by {by} although {refusal}"))
    return found


def required_roles(entry: dict, config, ledger: Ledger) -> tuple[list[str], str] | None:
    """The roles one of which the signer of an entry about a run must hold, and the act's name; ``None`` if
    any person may."""
    from workbench.config import SCHEDULER
    from workbench.processes import processes
    from workbench.records.signoff import SIGNING_ROLES

    kind = entry.get("kind")
    if kind in ("evidence", "failed-run") and entry.get("recalculates"):
        return [SCHEDULER], "a scheduler's recalculation"
    if kind in ("evidence", "failed-run", "confirmation") and entry.get("process") in processes():
        return [processes()[entry["process"]].role], f"a {entry['process']} {'confirmation' if kind == 'confirmation' else 'run'}"
    if kind == "signoff":
        if entry.get("decision") == "approved" and ledger.run(entry.get("run_id")):
            accepted = _acceptance(ledger, entry["run_id"], config)
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
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or changed file is named by the hash check


def _acceptance(ledger: Ledger, run_id: str, config) -> tuple[str, str] | None:
    from workbench.processes import processes

    process = processes().get(ledger.evidence[run_id].get("process"))
    if process is None or process.acceptance is None:
        return None
    results = ledger.results(run_id)
    return process.acceptance(_AsConfigured(config), results) if results is not None else None


def _approval(ledger: Ledger, run_id: str, config, person: str) -> str | None:
    """Why ``person`` could not approve the run (``Process.approval``), or ``None``."""
    from workbench.processes import processes

    process = processes().get(ledger.evidence[run_id].get("process"))
    if process is None or process.approval is None:
        return None
    results = ledger.results(run_id)
    return process.approval(_AsConfigured(config), results, person) if results is not None else None
