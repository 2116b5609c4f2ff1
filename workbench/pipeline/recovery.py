"""Keep the register an index of the ledger, finish what a killed process left half done, and rebuild
the register from the ledger.

The ledger is the record; the register is rebuilt from it where they disagree. Every writer does,
under the archive's lock and before it appends: finish or roll back an interrupted archive
(:func:`archive.recover_locked`; only an intent signed by a person of the configuration in force is
finished, a forged one is dropped), remove the staging folders of killed writers, then index the
ledger entries after the register's head (the last entry it indexed): those whose writer died
between the ledger line and the register commit. A row missing further back was not left by a
crash; ``workbench verify`` names it and :func:`rebuild` restores it.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.exceptions import InputError, WorkbenchError
from workbench.pipeline import archive
from workbench.pipeline.indexing import (entry_key, entry_rows, event_facts, implied_rows, iso,
                                         item_facts, label, system_facts, upgraded)
from workbench.register import Register
from workbench.signing import entry_problem
from workbench.systems import AISystem, Item
from workbench.workspace import Workspace

# what makes an archive untrustworthy to rebuild from (an extra file or a stale manifest does not)
UNTRUSTED = ("changed", "missing", "tampered-entry", "unreadable-entry", "out-of-order")


def recover_locked(workspace: Workspace) -> list[dict]:
    """Finish interrupted archives, remove killed writers' staging folders and index the ledger entries
    after the register's head that it lacks; the caller holds the lock.

    A register made by an earlier version has no head: what that version kept only in the register
    is recorded in the ledger once (:func:`adopt_locked`), then every entry it lacks is indexed.
    An entry that cannot be indexed is skipped (``verify`` names it). Returns the entries indexed.
    """
    archive.recover_locked(workspace.evidence_dir, lambda entry: entry_problem(entry, workspace.config) is None)
    archive.sweep_staging(workspace.staging_dir)
    register = workspace.register
    head = register.head()
    last = archive.last_entry(workspace.evidence_dir)
    if head is not None and (last is None or head["seq"] >= last["seq"]):
        if foreign_head(head, [last] if last else []):
            raise foreign_register(workspace, head)
        return []
    entries = upgraded(archive.ledger_entries(workspace.evidence_dir))
    if head is not None and foreign_head(head, entries):
        raise foreign_register(workspace, head)
    if head is None:
        adopt_locked(workspace, entries)
        last = archive.last_entry(workspace.evidence_dir)
    missing = _unindexed(register, [e for e in entries if head is None or e["seq"] > head["seq"]])
    last = last or {"seq": 0, "hash": archive.GENESIS}
    try:
        index_entries(workspace, missing, head=last)
        return missing
    except (KeyError, TypeError, ValueError, OSError, WorkbenchError):
        indexed = []
        for entry in missing:  # one at a time, to skip those that cannot be indexed
            try:
                index_entries(workspace, [entry])
                indexed.append(entry)
            except (KeyError, TypeError, ValueError, OSError, WorkbenchError):
                continue
        register.index([], head=last)
        return indexed


def foreign_head(head: dict, entries: list[dict]) -> bool:
    """Whether the register's head is another entry than this ledger's of the same number (``entries``
    holds it, if any): the register indexes another workspace's ledger. A head past the ledger's end
    is not judged here: a ledger cut short is the anchors' to name (see :mod:`workbench.pipeline.verify`)."""
    at = next((e for e in entries if e["seq"] == head["seq"]), None)
    return head["seq"] > 0 and at is not None and at["hash"] != head["hash"]


def foreign_register(workspace: Workspace, head: dict) -> InputError:
    """The error for a register that indexes another ledger: nothing is written to it."""
    from workbench.register import shown

    return InputError.single("register_url", shown(workspace.register_url), f"the register's last indexed ledger "
                             f"entry ({head['seq']}, {head['hash'][:12]}) is not in this workspace's ledger: it is "
                             "another workspace's register (give each workspace a database of its own), or this "
                             "ledger was rewritten (run 'workbench verify')")


def _unindexed(register: Register, entries: list[dict]) -> list[dict]:
    """The entries among ``entries`` whose first row the register lacks (and that have rows at all)."""
    keys: dict[str, set] = {}
    missing = []
    for entry in entries:
        try:
            found = entry_key(entry)
        except (KeyError, TypeError, ValueError):
            found = ("", ())  # it cannot be indexed: try, so that it is skipped the same way
        if found is None:
            continue
        name, key = found
        if name and name not in keys:
            keys[name] = register.keys(name)
        if key not in keys.get(name, ()):
            missing.append(entry)
    return missing


def index_entry(workspace: Workspace, entry: dict) -> None:
    """Add the register rows one ledger entry implies (:func:`workbench.pipeline.indexing.entry_rows`)
    and make it the register's head; the caller holds the archive's lock."""
    index_entries(workspace, [entry], head=entry)


def index_entries(workspace: Workspace, entries: list[dict], head: dict | None = None) -> None:
    """Add the rows of several ledger entries in one transaction; ``head`` (default: the last of them)
    becomes the register's head."""
    if not entries and head is None:
        return
    rows = [entry_rows(e, workspace.evidence_dir) for e in entries]
    workspace.register.index(rows, head=head or entries[-1])


def adopt_locked(workspace: Workspace, entries: list[dict]) -> list[dict]:
    """Record in the ledger, once, what a workspace made by an earlier version kept only in its register;
    the caller holds the lock. Returns the entries appended (each marked ``adopted``).

    - its AI systems, their items and events, while the ledger records none of these (afterwards a
      system row without its entry is named by ``verify`` and dropped by a rebuild, never adopted);
    - the first state of each corrective action whose nonconformity's entry does not hold it.

    The register's rows are then indexed again from the new entries, so they name them.
    """
    register = workspace.register
    facts, replaced = [], []
    if not any(e.get("kind") in ("system", "item", "event") for e in entries):
        systems, items, events = register.rows("systems"), register.item_rows(), register.rows("events")
        facts += [system_facts(AISystem.model_validate({k: r[k] for k in AISystem.model_fields}), r["registered_at"])
                  for r in systems]
        facts += [item_facts(r["system_id"], Item.model_validate({k: r[k] for k in Item.model_fields}),
                             r["registered_at"]) for r in items]
        facts += [event_facts(r["system_id"], r["kind"], r["occurred_on"], r["note"], r["recorded_at"]) for r in events]
        replaced += [("events", r) for r in events] + [("items", r) for r in items] + [("systems", r) for r in systems]
    opened = [e.get("id") for e in entries if e.get("kind") == "nonconformity" and "action" not in e]
    ledgered = {e.get("nc_id") for e in entries if e.get("kind") == "action-update" and e.get("update_seq") == 1}
    firsts = [r for nc_id in opened if nc_id not in ledgered for r in register.rows("action_updates", nc_id=nc_id, seq=1)]
    for row in firsts:
        facts.append({"kind": "action-update", "nc_id": row["nc_id"], "update_seq": 1,
                      **{k: row[k] for k in ("status", "root_cause", "correction", "corrective_action", "owner",
                                             "effectiveness_check", "note", "updated_by", "consequences", "similar",
                                             "aims_changes", "effectiveness_evidence")},
                      "due_date": row["due_date"].isoformat(), "recorded_at": iso(row["updated_at"])})
        replaced.append(("action_updates", row))
    adopted = [archive.append_locked(workspace.evidence_dir, {**f, "adopted": True}) for f in facts]
    if adopted:
        register.index([entry_rows(e, workspace.evidence_dir) for e in adopted], head=adopted[-1], replacing=replaced)
    return adopted


@dataclass
class Rebuilt:
    """What :func:`rebuild` wrote: rows per table, from how many ledger entries, and the entries it could not index."""

    entries: int
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)


def rebuild(workspace: Workspace) -> Rebuilt:
    """Replace the workspace's register with the one its ledger and archived results imply.

    Under the archive's lock: recovery first (so what an earlier version kept only in the register is
    in the ledger), then the archive is verified, the register is built in a new file next to the
    old one (a PostgreSQL register: in the staging folder) in one transaction and copied over it in one
    more (SQLite's backup: schema, rows and all, so nothing of the old file stays; on PostgreSQL
    :func:`workbench.register_copy.copy_register`, every table replaced and checked).

    Raises
    ------
    InputError
        The register is an in-memory one, or the archive does not verify (a changed or missing file,
        a tampered or reordered ledger entry): nothing is replaced.
    """
    from workbench.pipeline.verify import verify_archive
    from workbench.register import known_tables

    from workbench.register_copy import copy_register

    url = make_url(workspace.register_url)
    server = url.get_backend_name() != "sqlite"
    if not server and url.database in (None, "", ":memory:"):
        raise InputError.single("register_url", url.render_as_string(hide_password=True),
                                "a rebuild replaces a register file or a database server's register; an "
                                "in-memory register is not rebuilt")
    path = workspace.staging_dir / "register.db" if server else Path(url.database)
    if not server and not path.exists():  # a deleted register file is made again, then filled from the ledger
        workspace.new_register()
    with archive.locked(workspace.evidence_dir):
        try:
            recover_locked(workspace)
        except InputError as err:  # another ledger's register: the rebuild replaces it
            if err.problems[0].field != "register_url":
                raise
        untrusted = [str(f) for f in verify_archive(workspace.evidence_dir).findings if f.kind in UNTRUSTED]
        if untrusted:
            raise InputError.single("archive", untrusted[:3], f"{len(untrusted)} problem(s): the register is "
                                    "rebuilt only from an archive that verifies; run 'workbench verify' and restore "
                                    "these first")
        entries = archive.ledger_entries(workspace.evidence_dir)
        batches, problems = implied_rows(workspace.evidence_dir, entries)
        fresh = path.with_name(f".{path.name}.rebuild-{os.getpid()}")
        fresh.parent.mkdir(parents=True, exist_ok=True)
        fresh.unlink(missing_ok=True)
        try:
            built = Register(f"sqlite:///{fresh}")
            built.index(batches, head=entries[-1] if entries else None)
            counts = {name: built.count(name) for name in known_tables()}
            if server:
                copy_register(built, workspace.register_url, replace=True)
                built.close()
                return Rebuilt(len(entries), counts, [f"{label(e)}: {why}" for e, why in problems])
            built.close()
            # SQLite's backup copies the new file over the register in one write transaction: every open
            # connection (a JupyterLab server's) reads the new register at its next query
            with closing(sqlite3.connect(fresh)) as source, closing(sqlite3.connect(path, timeout=30)) as target:
                source.backup(target)
        finally:
            fresh.unlink(missing_ok=True)
    return Rebuilt(len(entries), counts, [f"{label(e)}: {why}" for e, why in problems])

