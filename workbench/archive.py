"""The append-only evidence archive: atomic writes, SHA-256 of every file, a hash-chained ledger."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

GENESIS = "0" * 64
LEDGER_FILE = "ledger.jsonl"
MANIFEST_FILE = "SHA256SUMS"


def canonical_json(data: dict) -> bytes:
    """The one byte form of ``data`` that hashes are taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(evidence_dir: Path) -> Iterator[None]:
    with open(evidence_dir / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ledger_entries(evidence_dir: Path) -> list[dict]:
    """Every ledger entry, oldest first."""
    path = evidence_dir / LEDGER_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def entry_hash(entry: dict) -> str:
    """The hash of a ledger entry: SHA-256 over its canonical JSON without the ``hash`` key."""
    return hashlib.sha256(canonical_json({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def append_entry(evidence_dir: Path, entry: dict) -> dict:
    """Append a ledger entry that archives no files (a sign-off, an action update, a failed run).

    ``seq``, ``prev`` and ``hash`` are added here, under the archive's lock.
    """
    evidence_dir.mkdir(parents=True, exist_ok=True)
    with _locked(evidence_dir):
        return _chain(evidence_dir, entry)


def _chain(evidence_dir: Path, entry: dict) -> dict:
    previous = ledger_entries(evidence_dir)
    entry = {**entry, "seq": len(previous) + 1, "prev": previous[-1]["hash"] if previous else GENESIS}
    entry["hash"] = entry_hash(entry)
    _append(evidence_dir / LEDGER_FILE, canonical_json(entry) + b"\n")
    return entry


def archive_run(evidence_dir: Path, staging: Path, relative: str, entry: dict) -> dict:
    """Move a staged run into the archive and append its ledger entry.

    Parameters
    ----------
    evidence_dir : Path
        The workspace's evidence folder.
    staging : Path
        Folder holding the run's finished files; it is renamed into place, never copied.
    relative : str
        Where the run goes, relative to ``evidence_dir`` (``system/process/run_id``).
    entry : dict
        The ledger entry's facts; ``path``, ``files``, ``seq``, ``prev`` and ``hash`` are added here.

    Returns
    -------
    dict
        The ledger entry as written.
    """
    target = evidence_dir / relative
    files = {p.name: sha256_file(p) for p in sorted(staging.iterdir()) if p.is_file()}
    with _locked(evidence_dir):
        if target.exists():
            raise FileExistsError(f"evidence {relative} already exists; archived runs are never overwritten")
        target.parent.mkdir(parents=True, exist_ok=True)
        for name in files:
            with open(staging / name, "rb") as handle:
                os.fsync(handle.fileno())
        os.rename(staging, target)
        _fsync_dir(target.parent)
        entry = _chain(evidence_dir, {**entry, "path": relative, "files": files})
        manifest = "".join(f"{digest}  {relative}/{name}\n" for name, digest in files.items())
        _append(evidence_dir / MANIFEST_FILE, manifest.encode())
    return entry


def _append(path: Path, line: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def keep_failed(failed_dir: Path, staging: Path, run_id: str) -> Path:
    """Move a failed run's staging folder (partial notebook, error) to ``failed_dir``."""
    failed_dir.mkdir(parents=True, exist_ok=True)
    target = failed_dir / run_id
    if staging.exists():
        shutil.move(str(staging), target)
    return target
