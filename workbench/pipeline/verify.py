"""``workbench verify``: re-hash every archived file the ledger lists and walk the hash chain.

Each problem is named: a changed or missing file, an extra file no entry lists, a ledger entry
whose hash, sequence number or link to the previous entry is wrong, and a manifest (SHA256SUMS)
that does not say what the ledger says.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from workbench.pipeline.archive import GENESIS, LEDGER_FILE, MANIFEST_FILE, entry_hash, manifest_text, sha256_file
from workbench.pipeline.portfolio import INDEX_FILE
from workbench.records.acts import check_acts

WORKERS = min(8, os.cpu_count() or 1)


@dataclass
class Finding:
    """One thing wrong with the archive."""

    kind: str  # changed, missing, extra, out-of-order, tampered-entry, unreadable-entry, manifest, duplicate,
    # configuration, signature, role
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.item}: {self.detail}"


@dataclass
class Report:
    """What ``verify`` checked and found."""

    entries: int = 0
    files: int = 0
    unsigned: int = 0  # entries an earlier version made before the configuration was recorded
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
    if entries or manifest.exists():
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
        label = f"{item} ({_what(entry)})"
        if entry.get("hash") != entry_hash(entry):
            report.findings.append(Finding("tampered-entry", label, "its hash does not match its content"))
        if entry.get("seq") != len(entries) + 1:
            report.findings.append(Finding("out-of-order", label, f"seq {entry.get('seq')}, expected {len(entries) + 1}"))
        if entry.get("prev") != prev:
            report.findings.append(Finding("out-of-order", label, "prev does not name the hash of the entry before it"))
        prev = entry.get("hash")
        entries.append(entry)
    return entries


def _what(entry: dict) -> str:
    return f"{entry.get('kind')} {entry.get('signoff_id') or entry.get('run_id') or entry.get('id') or entry.get('number', '')}"


def _label(entry: dict) -> str:
    return f"ledger seq {entry.get('seq')} ({_what(entry)})"


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


def verify(workspace) -> Report:
    """Finish any interrupted archive (see :mod:`workbench.pipeline.recovery`), then verify the workspace's archive."""
    from workbench.pipeline.recovery import recover

    recover(workspace)
    return verify_archive(workspace.evidence_dir)
