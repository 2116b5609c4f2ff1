"""``workbench verify``: re-hash every archived file the ledger lists and walk the hash chain.

Each problem is named: a changed or missing file, an extra file no entry lists, a ledger entry
whose hash, sequence number or link to the previous entry is wrong, and a manifest (SHA256SUMS)
that does not say what the ledger says.

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
from datetime import datetime
from pathlib import Path
from typing import Sequence

from cryptography import x509

from workbench.pipeline.anchor import ANCHOR_DIR, TOKEN_SUFFIX, read_token
from workbench.pipeline.archive import GENESIS, LEDGER_FILE, MANIFEST_FILE, entry_hash, manifest_text, sha256_file
from workbench.pipeline.portfolio import INDEX_FILE
from workbench.records.acts import check_acts

WORKERS = min(8, os.cpu_count() or 1)


@dataclass
class Finding:
    """One thing wrong with the archive."""

    kind: str  # changed, missing, extra, out-of-order, tampered-entry, unreadable-entry, manifest, duplicate,
    # configuration, signature, role, anchor (a token that does not verify), truncated, rewritten
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
    if entries or manifest.exists():
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


def verify(workspace, external: Sequence[Path] = ()) -> Report:
    """Finish any interrupted archive (see :mod:`workbench.pipeline.recovery`), then verify the workspace's archive
    and its anchors, with the tokens in ``external`` (kept outside the workspace)."""
    from workbench.pipeline.recovery import recover

    recover(workspace)
    anchoring = workspace.config.anchor
    return verify_archive(workspace.evidence_dir, anchoring.trusted() if anchoring else None, external)
