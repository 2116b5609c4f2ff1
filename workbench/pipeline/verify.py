"""``workbench verify``: re-hash every archived file the ledger lists, walk the hash chain, and compare
the register with the register the ledger implies.

Each problem is named: a changed or missing file, an extra file no entry lists, a ledger entry
whose hash, sequence number or link to the previous entry is wrong, a manifest (SHA256SUMS) that
does not say what the ledger says, and every register row or column that differs from what the
ledger and the archived results say (``register``).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from workbench.exceptions import WorkbenchError
from workbench.pipeline.archive import (GENESIS, LEDGER_FILE, MANIFEST_FILE, entry_hash, locked, manifest_text,
                                       sha256_file)
from workbench.pipeline.indexing import entry_name, implied_rows, label
from workbench.pipeline.portfolio import INDEX_FILE
from workbench.register import Register, key_columns, known_tables, local_columns

WORKERS = min(8, os.cpu_count() or 1)


@dataclass
class Finding:
    """One thing wrong with the archive or the register."""

    # changed, missing, extra, out-of-order, tampered-entry, unreadable-entry, manifest, duplicate, register
    kind: str
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.item}: {self.detail}"


@dataclass
class Report:
    """What ``verify`` checked and found."""

    entries: int = 0
    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_archive(evidence_dir: Path) -> Report:
    """Check the archive in ``evidence_dir`` against its ledger; never writes anything.

    Parameters
    ----------
    evidence_dir : Path
        The workspace's evidence folder.

    Returns
    -------
    Report
        Counts and every finding, in ledger order then path order.
    """
    report = Report()
    entries = _walk_chain(evidence_dir / LEDGER_FILE, report)
    _name_duplicates(entries, report)
    expected: dict[str, str] = {}
    for entry in entries:
        for name, digest in (entry.get("files") or {}).items():
            expected[f"{entry.get('path')}/{name}"] = digest
    report.files = len(expected)
    with ThreadPoolExecutor(WORKERS) as pool:
        actual = dict(zip(expected, pool.map(lambda rel: _hash_or_none(evidence_dir / rel), expected)))
    for rel, digest in expected.items():
        if actual[rel] is None:
            report.findings.append(Finding("missing", rel, "listed in the ledger, not on disk"))
        elif actual[rel] != digest:
            report.findings.append(Finding("changed", rel, f"SHA-256 {actual[rel]} differs from the ledger's {digest}"))
    for rel in _files_on_disk(evidence_dir):
        if rel not in expected:
            report.findings.append(Finding("extra", rel, "on disk, listed by no ledger entry"))
    manifest = evidence_dir / MANIFEST_FILE
    if expected or manifest.exists():  # none while no entry archives a file (write_manifest)
        text = manifest.read_text(encoding="utf-8") if manifest.exists() else None
        if text != manifest_text(entries):
            report.findings.append(Finding("manifest", MANIFEST_FILE, "missing" if text is None else
                                           "differs from the files the ledger lists"))
    return report


def _walk_chain(ledger: Path, report: Report) -> list[dict]:
    if not ledger.exists():
        return []
    entries = []
    prev = GENESIS
    for number, line in enumerate(ledger.read_bytes().split(b"\n"), start=1):
        if not line.strip():
            continue
        item = f"{LEDGER_FILE} line {number}"
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError as err:
            report.findings.append(Finding("unreadable-entry", item, f"not a JSON object ({err})"))
            continue
        report.entries += 1
        label = f"{item} ({entry.get('kind')} {entry_name(entry)})"
        if entry.get("hash") != entry_hash(entry):
            report.findings.append(Finding("tampered-entry", label, "its hash does not match its content"))
        if entry.get("seq") != len(entries) + 1:
            report.findings.append(Finding("out-of-order", label, f"seq {entry.get('seq')}, expected {len(entries) + 1}"))
        if entry.get("prev") != prev:
            report.findings.append(Finding("out-of-order", label, "prev does not name the hash of the entry before it"))
        prev = entry.get("hash")
        entries.append(entry)
    return entries


def _name_duplicates(entries: list[dict], report: Report) -> None:
    """Name each nonconformity id that more than one ledger entry records (writers of an earlier
    version chose ids outside the lock)."""
    seqs: dict[str, list] = {}
    for entry in entries:
        if entry.get("kind") == "nonconformity":
            seqs.setdefault(str(entry.get("id")), []).append(entry.get("seq"))
    for nc_id, found in seqs.items():
        if len(found) > 1:
            report.findings.append(Finding("duplicate", f"nonconformity {nc_id}", "recorded by ledger entries "
                                           + ", ".join(map(str, found[:-1])) + f" and {found[-1]}"))


def _hash_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _files_on_disk(evidence_dir: Path) -> list[str]:
    """Every file under ``evidence_dir`` except the ledger, the manifest, the portfolio index (rebuilt from
    the register at will, so not evidence) and top-level dot files (lock, intents, temporaries)."""
    found = []
    for folder, dirs, files in os.walk(evidence_dir):
        rel = os.path.relpath(folder, evidence_dir)
        if rel == ".":
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".") and f not in (LEDGER_FILE, MANIFEST_FILE, INDEX_FILE)]
            prefix = ""
        else:
            prefix = rel.replace(os.sep, "/") + "/"
        found.extend(prefix + f for f in files)
    return sorted(found)


def verify_register(workspace) -> list[Finding]:
    """Compare the workspace's register with the register its ledger implies; never writes the register.

    The implied register is built in memory with the same tables and the same indexing functions as
    the writers (:mod:`workbench.pipeline.indexing`), then compared table by table, row by row (by
    each table's key) and column by column. Columns the ledger does not record (an event's id) are
    left out; times are compared to the second, as the ledger records them. The caller holds the
    archive's lock, so no writer is between its ledger line and its register rows.

    Returns
    -------
    list of Finding
        Kind ``register``: a ledger entry that cannot be indexed, a column whose value differs, a row
        only in the register, a row missing from it.
    """
    entries = _walk_chain(workspace.evidence_dir / LEDGER_FILE, Report())
    batches, problems = implied_rows(workspace.evidence_dir, entries)
    findings = [Finding("register", label(entry), why) for entry, why in problems]
    implied = Register("sqlite://")
    try:
        implied.index(batches)
    except WorkbenchError as err:  # what implied_rows did not foresee: name it rather than compare with half
        return findings + [Finding("register", LEDGER_FILE, f"the register it implies cannot be built: {err}")]
    else:
        for name, model in known_tables().items():
            findings += _differences(name, model, workspace.register, implied)
    finally:
        implied.close()
    return findings


def _differences(name: str, model, register: Register, implied: Register) -> list[Finding]:
    keys, local = key_columns(model), local_columns(model)
    columns = [c for c in model.__table__.columns.keys() if c not in local]

    def by_key(rows: list[dict]) -> dict[tuple, dict]:
        return {tuple(r[k] for k in keys): {c: _plain(r[c]) for c in columns} for r in rows}

    actual, expected = by_key(register.rows(name)), by_key(implied.rows(name))
    findings = []
    for key in sorted(actual.keys() | expected.keys(), key=lambda k: tuple(map(str, k))):
        item = f"{name} {'/'.join(map(str, key))}"
        if key not in expected:
            findings.append(Finding("register", item, "is in the register; no ledger entry records it"))
        elif key not in actual:
            findings.append(Finding("register", item, "is recorded in the ledger; missing from the register"))
        else:
            findings += [Finding("register", item, f"{c} is {actual[key][c]!r}; the ledger says {expected[key][c]!r}")
                         for c in columns if actual[key][c] != expected[key][c]]
    return findings


def _plain(value):
    """A value as the ledger can say it: times to the second, dates and times as ISO text."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def verify(workspace) -> Report:
    """Finish any interrupted archive (see :mod:`workbench.pipeline.recovery`), compare the register with
    the one the ledger implies (under the archive's lock), then verify the archive."""
    from workbench.pipeline.recovery import recover_locked

    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        register = verify_register(workspace)
    report = verify_archive(workspace.evidence_dir)
    report.findings += register
    return report
