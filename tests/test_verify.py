"""``workbench verify`` against an archive built with the real archive functions, then attacked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from keys import KEYS
from workbench.pipeline.archive import (GENESIS, LEDGER_FILE, MANIFEST_FILE, append_entry, archive_locked,
                                        canonical_json, entry_hash, ledger_entries, locked)
from workbench.cli import main
from workbench.pipeline.verify import verify, verify_archive
from workbench.records.identity import acting_person
from workbench.workspace import Workspace, init_workspace


def stage(root: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = root / ".staging" / name
    folder.mkdir(parents=True)
    for file, data in files.items():
        (folder / file).write_bytes(data)
    return folder


REGISTER_BACKENDS = ("workspace",)
pytestmark = pytest.mark.both_registers  # every test runs on SQLite and on PostgreSQL


@pytest.fixture
def workspace(tmp_path: Path, register_backend) -> Workspace:
    """A workspace without systems: its ledger holds only what a test puts there."""
    from workbench.demo import demo_configuration

    return init_workspace(tmp_path / "ws", config=register_backend.config(demo_configuration(KEYS)))


@pytest.fixture
def archived(workspace) -> Path:
    """After the configuration ``init`` records, three archived folders and a ledger-only entry, through
    archive_locked and append_entry, signed by tomas.

    The kinds are not the pipeline's, so the register is not involved: this is the archive alone.
    """
    ev = workspace.evidence_dir
    tomas = acting_person(workspace, "tomas")
    for i in range(3):
        run_id = f"ra-2026112{i}T100000Z-00000{i}"
        with locked(ev):
            archive_locked(ev, stage(workspace.root, run_id, {"evidence.html": f"<p>{i}</p>".encode(),
                                                              "results.json": b"{}"}),
                           f"credit-scoring/risk-assessment/{run_id}", {"kind": "test-record", "run_id": run_id}, tomas)
    append_entry(ev, {"kind": "test-note", "run_id": "ra-20261120T100000Z-000000", "note": "closed"}, tomas)
    return ev


def kinds(report) -> list[tuple[str, str]]:
    return [(f.kind, f.item) for f in report.findings]


def rewrite_ledger(ev: Path, entries: list[dict]) -> None:
    (ev / LEDGER_FILE).write_bytes(b"".join(canonical_json(e) + b"\n" for e in entries))


def test_an_intact_archive_verifies(archived, workspace):
    report = verify(workspace)
    assert report.ok and report.entries == 5 and report.files == 7 and report.unsigned == 0
    assert subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST_FILE], cwd=archived).returncode == 0
    result = CliRunner().invoke(main, ["verify", "-w", str(workspace.root)])
    assert result.exit_code == 0 and "verify: ok, 5 ledger entries, 7 files" in result.output


def test_an_empty_workspace_verifies(workspace):
    assert verify(workspace).ok


def test_changed_missing_and_extra_files_are_named(archived, workspace):
    run0, run1 = [e["path"] for e in ledger_entries(archived)[1:3]]
    (archived / run0 / "evidence.html").write_bytes(b"<p>0 </p>")
    (archived / run1 / "results.json").unlink()
    (archived / run1 / "notes.txt").write_text("slipped in")
    (archived / "credit-scoring" / "stray.html").write_text("x")
    (archived / "README").write_text("top-level files count too")
    report = verify_archive(archived)
    assert kinds(report) == [("changed", f"{run0}/evidence.html"), ("missing", f"{run1}/results.json"),
                             ("extra", "README"), ("extra", f"{run1}/notes.txt"),
                             ("extra", "credit-scoring/stray.html")]
    result = CliRunner().invoke(main, ["verify", "-w", str(workspace.root)])
    assert result.exit_code == 1
    for line in (f"changed: {run0}/evidence.html", f"missing: {run1}/results.json", "extra: README",
                 "verify: 5 problem(s) in 5 ledger entries, 7 files"):
        assert line in result.output


def test_an_edited_entry_is_named(archived):
    entries = ledger_entries(archived)
    entries[2]["assessor"] = "someone-else"
    rewrite_ledger(archived, entries)
    assert kinds(verify_archive(archived)) == [
        ("tampered-entry", f"{LEDGER_FILE} line 3 (test-record {entries[2]['run_id']})"),
        ("signature", f"ledger seq 3 (test-record {entries[2]['run_id']})")]


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link_and_its_signature(archived):
    entries = ledger_entries(archived)
    entries[2]["assessor"] = "someone-else"
    entries[2]["hash"] = entry_hash(entries[2])
    rewrite_ledger(archived, entries)
    chain, signature = verify_archive(archived).findings
    assert chain.kind == "out-of-order" and chain.item.startswith(f"{LEDGER_FILE} line 4")
    assert "prev" in chain.detail
    assert signature.kind == "signature" and "changed after signing" in signature.detail


def test_reordered_and_deleted_entries_are_named(archived):
    config, *entries = ledger_entries(archived)
    rewrite_ledger(archived, [config, entries[0], entries[2], entries[1], entries[3]])
    found = kinds(verify_archive(archived))
    assert ("out-of-order", f"{LEDGER_FILE} line 3 (test-record {entries[2]['run_id']})") in found
    assert ("out-of-order", f"{LEDGER_FILE} line 4 (test-record {entries[1]['run_id']})") in found
    rewrite_ledger(archived, [config, entries[0], entries[2], entries[3]])
    report = verify_archive(archived)
    assert {k for k, _ in kinds(report)} == {"out-of-order", "extra", "manifest"}
    assert ("extra", f"{entries[1]['path']}/evidence.html") in kinds(report)


def test_garbage_in_the_ledger_and_a_changed_manifest_are_named(archived):
    with open(archived / LEDGER_FILE, "ab") as handle:
        handle.write(b"not json\n")
    (archived / MANIFEST_FILE).write_text((archived / MANIFEST_FILE).read_text().replace("a", "b", 1))
    assert kinds(verify_archive(archived)) == [("unreadable-entry", f"{LEDGER_FILE} line 6"),
                                               ("manifest", MANIFEST_FILE)]


def test_lock_intents_and_temporaries_are_not_extra(archived):
    (archived / ".SHA256SUMS.tmp-123").write_text("partial")
    assert verify_archive(archived).ok


def test_a_whole_last_entry_without_its_newline_is_kept_not_cut(archived, workspace):
    """Stripping the ledger's final newline made the next writer cut the last entry off as a torn write."""
    ledger = archived / LEDGER_FILE
    whole = ledger.read_bytes()
    ledger.write_bytes(whole.rstrip(b"\n"))
    report = verify(workspace)
    assert report.ok and report.entries == 5
    assert ledger.read_bytes() == whole


@pytest.mark.parametrize("line", ["edited", "unlinked", "half"])
def test_a_last_line_without_its_newline_that_does_not_chain_is_cut(archived, workspace, line):
    ledger = archived / LEDGER_FILE
    before = ledger.read_bytes()
    last = ledger_entries(archived)[-1]
    unlinked = {"kind": "note", "seq": 6, "prev": GENESIS}
    torn = {"edited": canonical_json({**last, "seq": 6, "prev": last["hash"], "note": "hash not recomputed"}),
            "unlinked": canonical_json({**unlinked, "hash": entry_hash(unlinked)}),
            "half": canonical_json({**last, "seq": 6, "prev": last["hash"]})[:40]}[line]
    ledger.write_bytes(before + torn)
    assert verify(workspace).ok
    assert ledger.read_bytes() == before
