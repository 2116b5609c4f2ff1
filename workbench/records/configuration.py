"""The configuration in the ledger: people, roles, keys and criteria change only by a signed act.

``workbench.yaml`` is where an AIMS manager edits; the configuration in force is the last one
recorded: an archived copy (``evidence/configuration/cfg-NNNN/workbench.yaml``) with a ledger entry
of kind ``configuration``, signed by someone who held the ``aims_manager`` role in the configuration
before it (the first, made by ``workbench init``, by an AIMS manager it names). Editing the file
changes nothing until it is recorded, so giving oneself a role in the file gives nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from workbench import __version__
from workbench.exceptions import InputError
from workbench.exceptions import WorkspaceError
from workbench.records.acts import Act
from workbench.pipeline.archive import (LEDGER_FILE, archive_locked, ledger_entries, locked, sha256_file, staged,
                                        write_atomic)
from workbench.records.identity import acting_person
from workbench.signing import entry_problem
from workbench.workspace import CONFIG_FILE, CONFIGURATION_DIR, Workspace, parse_configuration

MANAGER = "aims_manager"
MAX_COMMENT = 2000
ACTS = {"configuration": Act("person", (MANAGER,), "changing the configuration")}


def record_configuration(workspace: Workspace, comment: str, person: str = "") -> dict:
    """Record ``workbench.yaml`` as the configuration in force, signed by an AIMS manager.

    Parameters
    ----------
    workspace : Workspace
        The workspace whose ``workbench.yaml`` is recorded.
    comment : str
        Why the configuration changes.
    person : str
        Which of the keys you hold signs (default: the only person whose key you hold).

    Returns
    -------
    dict
        The ledger entry.

    Raises
    ------
    InputError
        The file is invalid or unchanged, the signer is no AIMS manager in the configuration in
        force, or the new configuration leaves no AIMS manager with a key; nothing is written.
    """
    if not isinstance(comment, str) or not comment.strip() or len(comment) > MAX_COMMENT:
        raise InputError.single("comment", comment, f"is required: say why the configuration changes "
                                f"(at most {MAX_COMMENT} characters)")
    text = (workspace.root / CONFIG_FILE).read_bytes()
    new = parse_configuration(text, str(workspace.root / CONFIG_FILE))
    recorded = workspace.recorded_configuration
    in_force = workspace.config if recorded else new  # the first record is made by a manager it names
    signer = acting_person(workspace, person, config=in_force)
    if MANAGER not in signer.roles:
        allowed = ", ".join(p.id for p in in_force.people_with(MANAGER)) or "nobody"
        raise InputError.single("person", signer.id, f"only an AIMS manager ({MANAGER}) of the configuration in "
                                f"force changes it; people who may: {allowed}")
    granted = self_granted(in_force, new, signer.id) if recorded else ""
    if granted:
        raise InputError.single("person", signer.id, f"segregation of duties: this change gives {signer.id} {granted}; "
                                "another AIMS manager records it")
    if not [p for p in new.people_with(MANAGER) if p.keys]:
        raise InputError.single("people", "", f"the new configuration must keep an AIMS manager ({MANAGER}) "
                                "with a pinned key, or nobody could change it again")
    if new.responsibilities:
        _check_systems(workspace, new)
    if recorded and hashlib.sha256(text).hexdigest() == recorded[1]:
        raise InputError.single(CONFIG_FILE, str(workspace.root / CONFIG_FILE),
                                "is the configuration in force already: nothing to record")
    before = workspace.config.model_dump(mode="json") if recorded else {}
    with locked(workspace.evidence_dir):
        from workbench.pipeline.recovery import recover_locked

        recover_locked(workspace)
        number = 1 + sum(1 for e in ledger_entries(workspace.evidence_dir) if e.get("kind") == "configuration")
        name = f"cfg-{number:04d}"
        with staged(workspace.staging_dir, name) as staging:  # archived: renamed away; else removed
            write_atomic(staging / CONFIG_FILE, text)
            now = datetime.now(timezone.utc)
            entry = archive_locked(workspace.evidence_dir, staging, f"{CONFIGURATION_DIR}/{name}", {
                "kind": "configuration", "number": number, "person": signer.id, "comment": comment.strip(),
                "changes": changes(before, new.model_dump(mode="json")),
                "recorded_at": now.isoformat(timespec="seconds"), "workbench_version": __version__}, signer)
        if not any(workspace.staging_dir.iterdir()):
            workspace.staging_dir.rmdir()  # a new workspace holds no staging folder
    workspace.forget_configuration()
    return entry


def _check_systems(workspace: Workspace, config) -> None:
    """A RACI is for a registered AI system, and its owner is the one the register names."""
    systems = {s.id: s for s in workspace.register.systems()}
    for system_id, raci in config.responsibilities.items():
        if system_id not in systems:
            raise InputError.single(f"responsibilities.{system_id}", system_id, "is not a registered AI system; "
                                    f"allowed: {', '.join(systems) or 'none registered yet'}")
        if raci.owner != systems[system_id].owner:
            raise InputError.single(f"responsibilities.{system_id}.owner", raci.owner, f"the register names "
                                    f"{systems[system_id].owner} as the owner of {system_id}; the RACI names the same")


def configuration_chain(evidence_dir: Path) -> tuple[list[tuple[dict, object]], list[tuple[dict, str]]]:
    """Walk the recorded configurations in ledger order and keep those that are trustworthy.

    Each must be signed, with a key the configuration before it pins (the first: one it pins
    itself), by someone who holds the ``aims_manager`` role there, and its archived file must be
    the one the entry hashes. The walk stops at the first that is not: what follows it is not trusted.

    Returns
    -------
    (list of (entry, Configuration), list of (entry, problem))
        The trusted configurations, oldest first, and the first problem, if any.
    """
    ledger = evidence_dir / LEDGER_FILE
    chain: list = []
    if not ledger.exists():
        return chain, []
    for line in ledger.read_bytes().splitlines():
        if b'"kind":"configuration"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("kind") != "configuration":
            continue
        problem, config = _check_configuration(evidence_dir, entry, chain[-1][1] if chain else None)
        if problem:
            return chain, [(entry, problem)]
        chain.append((entry, config))
    return chain, []


def _check_configuration(evidence_dir: Path, entry: dict, in_force) -> tuple[str, object]:
    try:
        path = evidence_dir / entry["path"] / CONFIG_FILE
        if sha256_file(path) != entry["files"][CONFIG_FILE]:
            return f"{entry['path']}/{CONFIG_FILE} differs from the file the entry records", None
        config = parse_configuration(path.read_bytes(), str(path))
    except (KeyError, TypeError, OSError) as err:
        return f"its configuration file cannot be read ({type(err).__name__}: {err})", None
    except WorkspaceError as err:
        return str(err), None
    signers = in_force or config
    problem = entry_problem(entry, signers)
    if problem:
        return problem, None
    by = entry["signature"]["by"]
    if MANAGER not in signers.person(by).roles:
        return f"is signed by {by}, who is no AIMS manager ({MANAGER}) in the configuration before it", None
    granted = self_granted(in_force, config, by) if in_force else ""
    if granted:
        return f"gives its signer {by} {granted} (segregation of duties: another AIMS manager records that)", None
    if entry.get("person") != by:
        return f"names {entry.get('person')!r} but is signed by {by}", None
    return "", config


def self_granted(before, after, person: str) -> str:
    """What a configuration change gives the person who records it (roles, keys), in words; ``""`` if nothing."""
    old = {p.id: p for p in before.people}.get(person)
    new = {p.id: p for p in after.people}.get(person)
    if new is None:
        return ""
    roles = sorted(set(new.roles) - set(old.roles if old else []))
    keys = set(new.keys) - set(old.keys if old else [])
    return " and ".join(filter(None, [f"the role(s) {', '.join(roles)}" if roles else "",
                                      f"{len(keys)} new key(s)" if keys else ""]))


def changes(before: dict, after: dict) -> list[str]:
    """What changed between two configurations, in words: people, roles, keys, then other sections."""
    if not before:
        return ["first configuration: " + ", ".join(f"{p['id']} ({', '.join(p['roles'])})" for p in after["people"])]
    found = []
    old = {p["id"]: p for p in before.get("people", [])}
    new = {p["id"]: p for p in after.get("people", [])}
    for pid in sorted(set(old) | set(new)):
        if pid not in new:
            found.append(f"removed person {pid}")
        elif pid not in old:
            found.append(f"added person {pid} ({', '.join(new[pid]['roles'])})")
        else:
            gained = [r for r in new[pid]["roles"] if r not in old[pid]["roles"]]
            lost = [r for r in old[pid]["roles"] if r not in new[pid]["roles"]]
            if gained or lost:
                found.append(f"{pid}: roles " + ", ".join([f"+{r}" for r in gained] + [f"-{r}" for r in lost]))
            if set(new[pid].get("keys", [])) != set(old[pid].get("keys", [])):
                found.append(f"{pid}: keys changed")
            other = [k for k in set(old[pid]) | set(new[pid]) if k not in ("roles", "keys", "id")
                     and old[pid].get(k) != new[pid].get(k)]
            if other:
                found.append(f"{pid}: {', '.join(sorted(other))} changed")
    found.extend(f"{key} changed" for key in sorted(set(before) | set(after))
                 if key != "people" and before.get(key) != after.get(key))
    return found


def history(workspace: Workspace) -> list[dict]:
    """Every recorded configuration, oldest first: number, when, who, why and what changed."""
    return [{"number": e["number"], "recorded_at": e["recorded_at"], "person": e["person"], "comment": e["comment"],
             "changes": e["changes"], "seq": e["seq"], "path": f"{e['path']}/{CONFIG_FILE}"}
            for e in ledger_entries(workspace.evidence_dir) if e.get("kind") == "configuration"]
