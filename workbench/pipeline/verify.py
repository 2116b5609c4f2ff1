"""``workbench verify``: re-hash every archived file the ledger lists, walk the hash chain, and compare
the register with the register the ledger implies.

Each problem is named: a changed or missing file, an extra file no entry lists, a ledger entry
whose hash, sequence number or link to the previous entry is wrong, a manifest (SHA256SUMS) that
does not say what the ledger says, every act whose signature, signer or role does not hold
(:mod:`workbench.records.acts`), and every register row or column that differs from what the
ledger and the archived results say (``register``).

Each RFC 3161 timestamp token (see :mod:`workbench.pipeline.anchor`), in an ``anchor`` entry, in
``evidence/anchors/`` or kept outside the workspace, must verify against the configuration's pinned
certificates, and the ledger must still hold the entry it covers with the hash it covers: a ledger
cut back or rewritten since the anchor is named.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Sequence

from cryptography import x509

from workbench.exceptions import InputError, WorkbenchError
from workbench.pipeline.anchor import ANCHOR_DIR, TOKEN_SUFFIX, read_token
from workbench.pipeline.archive import (GENESIS, LEDGER_FILE, MANIFEST_FILE, entry_hash, locked, manifest_text,
                                       sha256_file)
from workbench.pipeline.indexing import entry_name, implied_rows, label
from workbench.pipeline.portfolio import INDEX_FILE
from workbench.records.acts import check_acts
from workbench.register import Register, key_columns, known_tables, local_columns

WORKERS = min(8, os.cpu_count() or 1)


@dataclass
class Finding:
    """One thing wrong with the archive or the register."""

    kind: str  # changed, missing, extra, out-of-order, tampered-entry, unreadable-entry, manifest, duplicate,
    # configuration, signature, role, anchor (a token that does not verify), truncated, rewritten, register
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.item}: {self.detail}"


@dataclass(frozen=True)
class Anchored:
    """A timestamp token that verified, and the ledger entry it covers."""

    seq: int
    hash: str
    gen_time: datetime


@dataclass
class Report:
    """What ``verify`` checked and found."""

    entries: int = 0
    files: int = 0
    unsigned: int = 0  # entries an earlier version made before the configuration was recorded
    findings: list[Finding] = field(default_factory=list)
    anchors: list[Anchored] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_archive(evidence_dir: Path, trusted: list[x509.Certificate] | None = None,
                   external: Sequence[Path] = ()) -> Report:
    """Check the archive in ``evidence_dir`` against its ledger and its anchors; never writes anything.

    Parameters
    ----------
    evidence_dir : Path
        The workspace's evidence folder.
    trusted : list of Certificate, optional
        The TSA certificates the configuration pins; without them every token is named as unchecked.
    external : sequence of Path
        Timestamp tokens kept outside the workspace (``<seq>.tsr`` as ``workbench anchor`` wrote them).

    Returns
    -------
    Report
        Counts and every finding, in ledger order then path order.
    """
    report = Report()
    entries = _walk_chain(evidence_dir / LEDGER_FILE, report)
    _name_duplicates(entries, report)
    problems, report.unsigned = check_acts(evidence_dir, entries)
    for kind, entry, detail in problems:
        report.findings.append(Finding(kind, _label(entry), detail))
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
    _check_anchors(evidence_dir, entries, trusted, external, report)
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


def _label(entry: dict) -> str:
    return f"ledger seq {entry.get('seq')} ({entry.get('kind')} {entry_name(entry) or entry.get('number', '')})"


def _check_anchors(evidence_dir: Path, entries: list[dict], trusted: list[x509.Certificate] | None,
                   external: Sequence[Path], report: Report) -> None:
    """Check every token, from the ledger's anchor entries, ``evidence/anchors/`` and ``external``, and name
    each that does not verify or covers an entry the ledger no longer holds as it was."""
    tokens = []  # (item, token bytes or None, the seq it claims to cover, the hash its entry names)
    for entry in entries:
        if entry.get("kind") == "anchor":
            try:
                data = base64.b64decode(entry.get("token") or "", validate=True)
            except (binascii.Error, TypeError):
                data = None
            tokens.append((f"{LEDGER_FILE} seq {entry.get('seq')} (anchor)", data, entry.get("anchored_seq"),
                           entry.get("anchored_hash")))
    folder = evidence_dir / ANCHOR_DIR
    kept = sorted(folder.glob(f"*{TOKEN_SUFFIX}")) if folder.is_dir() else []
    for path in [*kept, *external]:
        item = f"{ANCHOR_DIR}/{path.name}" if path in kept else str(path)
        tokens.append((item, path.read_bytes(), int(path.stem) if path.stem.isdigit() else None, None))
    by_hash = {e.get("hash"): e for e in entries}
    by_seq = {e.get("seq"): e for e in entries}
    end = entries[-1].get("seq") if entries else 0
    seen = set()
    for item, data, claimed, named in tokens:
        if trusted is None:
            report.findings.append(Finding("anchor", item, "cannot be checked: the configuration has no anchor "
                                           "section pinning the TSA's certificates"))
            continue
        try:
            if data is None:
                raise ValueError("its token is not base64")
            covered, gen_time = read_token(data, trusted)
        except ValueError as err:
            report.findings.append(Finding("anchor", item, f"not a valid timestamp token: {err}"))
            continue
        when = gen_time.isoformat()
        if named is not None and named != covered:
            report.findings.append(Finding("anchor", item, f"the entry names hash {named}; its token covers {covered}"))
        elif covered in by_hash:
            if covered not in seen:
                seen.add(covered)
                report.anchors.append(Anchored(by_hash[covered].get("seq"), covered, gen_time))
        elif not isinstance(claimed, int):
            report.findings.append(Finding("rewritten", item, f"the anchor of {when} covers hash {covered}, which no "
                                           f"ledger entry has; the ledger ends at seq {end}"))
        elif claimed > end:
            report.findings.append(Finding("truncated", item, f"the anchor of {when} covers seq {claimed} with hash "
                                           f"{covered}; the ledger ends at seq {end}"))
        else:
            report.findings.append(Finding("rewritten", item, f"the anchor of {when} covers seq {claimed} with hash "
                                           f"{covered}; the ledger's seq {claimed} has hash "
                                           f"{by_seq.get(claimed, {}).get('hash')}"))
    report.anchors.sort(key=lambda a: a.seq)


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
    the register at will, so not evidence), top-level dot files (lock, intents, temporaries) and the
    timestamp tokens in ``anchors/`` (each checked as an anchor)."""
    found = []
    for folder, dirs, files in os.walk(evidence_dir):
        rel = os.path.relpath(folder, evidence_dir)
        if rel == ".":
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".") and f not in (LEDGER_FILE, MANIFEST_FILE, INDEX_FILE)]
            prefix = ""
        else:
            prefix = rel.replace(os.sep, "/") + "/"
            if rel == ANCHOR_DIR:
                files = [f for f in files if not f.endswith(TOKEN_SUFFIX)]
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

    try:
        actual = by_key(register.rows(name))
    except (ValueError, TypeError) as err:  # a value edited into something its column cannot hold
        return [Finding("register", name, f"holds a value that cannot be read ({err})")]
    expected = by_key(implied.rows(name))
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


def verify(workspace, external: Sequence[Path] = ()) -> Report:
    """Finish any interrupted archive (see :mod:`workbench.pipeline.recovery`), compare the register with
    the one the ledger implies (under the archive's lock), then verify the archive and its anchors, with
    the tokens in ``external`` (kept outside the workspace)."""
    from workbench.pipeline.recovery import recover_locked

    with locked(workspace.evidence_dir):
        try:
            recover_locked(workspace)
        except InputError as err:  # a register indexing another ledger (or a rewritten one): nothing is
            if err.problems[0].field != "register_url":  # indexed; its rows are compared row by row below
                raise
        register = verify_register(workspace)
    anchoring = workspace.config.anchor
    report = verify_archive(workspace.evidence_dir, anchoring.trusted() if anchoring else None, external)
    report.findings += register
    return report
