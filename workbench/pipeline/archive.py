"""The append-only evidence archive: atomic writes, SHA-256 of every file, a hash-chained ledger."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

GENESIS = "0" * 64
LEDGER_FILE = "ledger.jsonl"
MANIFEST_FILE = "SHA256SUMS"
LOCK_FILE = ".lock"
PENDING_DIR = ".pending"
FAULT_VAR = "WORKBENCH_FAULT"


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
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:  # a full disk: say which file could not be written
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(evidence_dir: Path) -> Iterator[None]:
    """Hold the archive's exclusive lock (one writer at a time, across processes)."""
    evidence_dir.mkdir(parents=True, exist_ok=True)
    with open(evidence_dir / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def staged(staging_dir: Path, name: str) -> Iterator[Path]:
    """A staging folder for one writer outside the archive's lock, removed when the writer is done.

    The writer holds a lock on ``<name>.lock`` while it lives, so :func:`sweep_staging` removes
    only what a killed writer left.
    """
    staging_dir.mkdir(parents=True, exist_ok=True)
    claim = staging_dir / f"{name}.lock"
    with open(claim, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = staging_dir / name
        folder.mkdir()
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            claim.unlink(missing_ok=True)


def sweep_staging(staging_dir: Path) -> list[str]:
    """Remove the staging folders of killed writers; the caller holds :func:`locked`.

    A folder whose ``.lock`` no live writer holds is left over, and so is one without a ``.lock``
    (a writer under the archive's lock needs none: none is alive while the caller holds it).

    Returns
    -------
    list of str
        The names of the folders removed.
    """
    removed = []
    for folder in sorted(staging_dir.iterdir()) if staging_dir.is_dir() else []:
        if not folder.is_dir():
            continue
        claim = staging_dir / f"{folder.name}.lock"
        if claim.exists():
            with open(claim, "a") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its writer is alive
                shutil.rmtree(folder, ignore_errors=True)
                claim.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


def fault_point(name: str) -> None:
    """Fault injection for the crash tests: SIGKILL this process here if ``WORKBENCH_FAULT`` names this point."""
    if os.environ.get(FAULT_VAR) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def ledger_entries(evidence_dir: Path) -> list[dict]:
    """Every ledger entry, oldest first."""
    path = evidence_dir / LEDGER_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def entry_hash(entry: dict) -> str:
    """The hash of a ledger entry: SHA-256 over its canonical JSON without the ``hash`` key."""
    return hashlib.sha256(canonical_json({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def append_entry(evidence_dir: Path, entry: dict, signer=None) -> dict:
    """Append a ledger entry that archives no files, signed by ``signer`` (a :class:`~workbench.signing.Signer`);
    ``seq``, ``prev`` and ``hash`` are added under the lock."""
    with locked(evidence_dir):
        return append_locked(evidence_dir, entry, signer)


def append_locked(evidence_dir: Path, entry: dict, signer=None) -> dict:
    """:func:`append_entry` for a caller that holds :func:`locked` and decides more under it."""
    recover_locked(evidence_dir, signer.trusts if signer else None)
    return _chain(evidence_dir, signer.sign(entry) if signer else entry)


def last_entry(evidence_dir: Path) -> dict | None:
    """The ledger's last entry, read from the end of the file (the ledger is not read whole)."""
    path = evidence_dir / LEDGER_FILE
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        tail, position = b"", end
        while position > 0:
            step = min(1 << 16, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            if tail.rstrip(b"\n").count(b"\n") >= 1:
                break
    lines = [line for line in tail.split(b"\n") if line.strip()]
    return json.loads(lines[-1]) if lines else None


def _chain(evidence_dir: Path, entry: dict) -> dict:
    last = last_entry(evidence_dir)
    entry = {**entry, "seq": last["seq"] + 1 if last else 1, "prev": last["hash"] if last else GENESIS}
    entry["hash"] = entry_hash(entry)
    _append(evidence_dir / LEDGER_FILE, canonical_json(entry) + b"\n")
    return entry


def archive_locked(evidence_dir: Path, staging: Path, relative: str, entry: dict, signer=None) -> dict:
    """Move a staged run into the archive and append its ledger entry; the caller holds :func:`locked`.

    The steps, each durable before the next: an intent file naming the entry and its file hashes
    (``.pending/``), the staging folder renamed into place, the ledger line, the manifest lines,
    the intent removed. :func:`recover_locked` finishes any step a killed process left.

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
    signer : Signer, optional
        Who signs the entry (see :mod:`workbench.signing`); the intent carries the signature, so
        recovery completes only what its signer signed.

    Returns
    -------
    dict
        The ledger entry as written.
    """
    target = evidence_dir / relative
    if target.exists():
        raise FileExistsError(f"evidence {relative} already exists; archived runs are never overwritten")
    files = {}
    for path in sorted(staging.iterdir()):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            files[path.name] = sha256_file(path)
    entry = {**entry, "path": relative, "files": files}
    if signer is not None:
        entry = signer.sign(entry)
    pending = evidence_dir / PENDING_DIR
    pending.mkdir(exist_ok=True)
    intent = pending / f"{Path(relative).name}.json"
    write_atomic(intent, canonical_json(entry))
    fault_point("archive-before-rename")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staging, target)
    try:
        _fsync_dir(target.parent)
        fault_point("archive-after-rename")
        entry = _chain(evidence_dir, entry)
    except BaseException:
        os.rename(target, staging)
        intent.unlink()
        raise
    fault_point("archive-after-ledger")
    _append(evidence_dir / MANIFEST_FILE, manifest_text([entry]).encode())
    intent.unlink()
    _fsync_dir(pending)
    return entry


def write_manifest(evidence_dir: Path) -> None:
    """Rewrite SHA256SUMS (``sha256sum -c`` format) from the ledger, atomically; none while nothing is archived."""
    text = manifest_text(ledger_entries(evidence_dir))
    if text:
        write_atomic(evidence_dir / MANIFEST_FILE, text.encode())
    else:
        (evidence_dir / MANIFEST_FILE).unlink(missing_ok=True)


def manifest_text(entries: list[dict]) -> str:
    """The manifest the ledger implies: one ``digest  path`` line per archived file."""
    return "".join(f"{digest}  {e['path']}/{name}\n" for e in entries for name, digest in e.get("files", {}).items())


def recover_locked(evidence_dir: Path, trusted: Callable[[dict], bool] | None = None) -> list[dict]:
    """Finish or roll back archives a killed process left half done; the caller holds :func:`locked`.

    - A last ledger line without its newline is given it if it is a whole entry that chains, else removed
      (a write cut short).
    - An intent whose entry is in the ledger: the manifest is rewritten, the intent removed.
    - An intent whose folder is in place with the hashes it names, and whose signature ``trusted``
      accepts: the ledger entry is appended. An intent it does not accept (a forged one) is dropped,
      and its folder is left for ``verify`` to name; without ``trusted``, intents wait.
    - An intent whose folder never arrived: the intent is dropped (the run was not archived).

    Returns
    -------
    list of dict
        Ledger entries appended while recovering.
    """
    _drop_torn_line(evidence_dir / LEDGER_FILE)
    pending = evidence_dir / PENDING_DIR
    intents = sorted(pending.glob("*.json")) if pending.is_dir() else []
    finished = []
    for intent in intents if trusted is not None else []:
        try:
            entry = json.loads(intent.read_text(encoding="utf-8"))
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except (ValueError, OSError):
            intent.unlink()
            continue
        archived = {e.get("path") for e in ledger_entries(evidence_dir)}
        target = evidence_dir / str(entry.get("path"))
        if entry.get("path") not in archived and trusted(entry) and target.is_dir() and all(
                (target / n).is_file() and sha256_file(target / n) == d for n, d in entry["files"].items()):
            finished.append(_chain(evidence_dir, entry))
        write_manifest(evidence_dir)
        intent.unlink()
    return finished


def _drop_torn_line(ledger: Path) -> None:
    """End a last line that lacks its newline: with the newline if it is a whole entry that chains (its hash
    matches its content and its ``prev`` names the entry before it), else by cutting it off (a write cut short)."""
    if not ledger.exists():
        return
    data = ledger.read_bytes()
    if not data or data.endswith(b"\n"):
        return
    cut = data.rfind(b"\n") + 1
    before = data[:cut].rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        entry = json.loads(data[cut:])
        prev = json.loads(before)["hash"] if before.strip() else GENESIS
        whole = isinstance(entry, dict) and entry.get("hash") == entry_hash(entry) and entry.get("prev") == prev
    except (ValueError, TypeError, KeyError):
        whole = False
    if whole:
        _append(ledger, b"\n")
    else:
        write_atomic(ledger, data[:cut])


def _append(path: Path, line: bytes) -> None:
    """Append one line durably; a write cut short (disk full, file too large) is cut back off."""
    with open(path, "ab") as handle:
        size = handle.tell()
        try:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as err:  # a full disk: say which file could not be written
            handle.truncate(size)
            raise OSError(err.errno, err.strerror, str(path)) from err
        except BaseException:
            handle.truncate(size)
            raise
