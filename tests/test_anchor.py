"""``workbench anchor`` against a real local RFC 3161 TSA (``openssl ts``), and the attacks an anchor must answer.

Each attack test edits the workspace as an attacker with write access would, then expects ``verify``
to name what was done (or ``anchor`` to refuse).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509

from keys import KEYS, record
from workbench.cli import main
from workbench.exceptions import InputError, TimestampError, WorkspaceError
from workbench.pipeline.anchor import ANCHOR_DIR, anchor_head, request_timestamp
from workbench.pipeline.archive import (GENESIS, LEDGER_FILE, archive_locked, canonical_json, entry_hash, ledger_entries, locked,
                                        sha256_file, write_manifest)
from workbench.records.identity import acting_person
from workbench.pipeline.verify import verify
from workbench.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A workspace without systems: its ledger holds the configuration and what a test puts there."""
    from workbench.demo import demo_configuration
    from workbench.workspace import init_workspace

    return init_workspace(tmp_path / "ws", config=demo_configuration(KEYS))


def pin(workspace: Workspace, tsa, url: str | None = None) -> Workspace:
    """The workspace with an anchor section naming ``tsa`` (or ``url``) and pinning ``tsa``'s CA."""
    path = workspace.root / "workbench.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["anchor"] = {"tsa_url": url or tsa.url, "certificates": tsa.ca_pem}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return record(workspace.root)


def archive_run(evidence_dir: Path, staging: Path, relative: str, entry: dict) -> dict:
    """Archive a staged folder as tomas, the way the pipeline does."""
    with locked(evidence_dir):
        return archive_locked(evidence_dir, staging, relative, entry,
                              acting_person(Workspace(evidence_dir.parent), "tomas"))


def archive_three(workspace: Workspace) -> Path:
    """Three archived runs through archive_run (kinds not the pipeline's: the archive alone)."""
    ev = workspace.evidence_dir
    for i in range(3):
        run_id = f"ra-2026112{i}T100000Z-00000{i}"
        staging = workspace.root / ".staging" / run_id
        staging.mkdir(parents=True)
        (staging / "evidence.html").write_bytes(f"<p>{i}</p>".encode())
        (staging / "results.json").write_bytes(b"{}")
        archive_run(ev, staging, f"credit-scoring/risk-assessment/{run_id}", {"kind": "test-record", "run_id": run_id})
    return ev


@pytest.fixture
def anchored(workspace, tsa) -> Workspace:
    """Three archived runs, then an anchor over seq 5 (the anchor entry is seq 6, its token anchors/5.tsr)."""
    ws = pin(workspace, tsa)
    archive_three(ws)
    anchor_head(ws)
    return ws


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def findings(report) -> list[tuple[str, str]]:
    """What verify names about anchors and the chain (a rewritten record's broken signature is
    test_signed_acts.py's subject)."""
    return [(f.kind, f.item) for f in report.findings if f.kind != "signature"]


def write_ledger(ev: Path, entries: list[dict]) -> None:
    (ev / LEDGER_FILE).write_bytes(b"".join(canonical_json(e) + b"\n" for e in entries))


def rechain(ev: Path, entries: list[dict], follow_anchors: bool = False) -> None:
    """What a careful attacker's script does after editing: every file hash, every link and SHA256SUMS
    recomputed; with ``follow_anchors`` the anchor entries' ``anchored_hash`` too."""
    renamed, prev = {}, GENESIS
    for entry in entries:
        if entry.get("files"):
            entry["files"] = {name: sha256_file(ev / entry["path"] / name) for name in entry["files"]}
        if follow_anchors and entry["kind"] == "anchor":
            entry["anchored_hash"] = renamed[entry["anchored_hash"]]
        entry["prev"] = prev
        renamed[entry["hash"]] = entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
    write_ledger(ev, entries)
    write_manifest(ev)


def drop_last_entries(ev: Path, count: int) -> list[dict]:
    """Cut ``count`` entries off the ledger with their folders and manifest lines; returns the entries cut."""
    entries = ledger_entries(ev)
    kept, cut = entries[:-count], entries[-count:]
    for entry in cut:
        if entry.get("path"):
            shutil.rmtree(ev / entry["path"])
    write_ledger(ev, kept)
    write_manifest(ev)
    return cut


# anchoring and checking


def test_anchor_timestamps_the_head_and_verify_checks_the_token(workspace, tsa):
    ws = pin(workspace, tsa)
    ev = archive_three(ws)
    head = ledger_entries(ev)[-1]
    result = cli("anchor", "-w", ws.root)
    assert result.exit_code == 0, result.output
    token = ev / ANCHOR_DIR / "5.tsr"
    assert f"anchored ledger seq 5 (hash {head['hash']})" in result.output
    assert f"token: {token}" in result.output and "copy the token out of the workspace" in result.output
    entry = ledger_entries(ev)[-1]
    assert entry["kind"] == "anchor" and entry["seq"] == 6 and entry["prev"] == head["hash"]
    assert (entry["anchored_seq"], entry["anchored_hash"], entry["tsa_url"]) == (5, head["hash"], tsa.url)
    assert base64.b64decode(entry["token"]) == token.read_bytes()
    # the imprint is the entry's own hash, so openssl checks the token by hand
    done = subprocess.run(["openssl", "ts", "-verify", "-digest", head["hash"], "-in", str(token),
                           "-CAfile", str(tsa.folder / "ca.crt")], capture_output=True, text=True)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr
    result = cli("verify", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert (f"verify: ok, 6 ledger entries, 8 files, 1 anchor(s) checked, last covers seq 5 at {entry['gen_time']}"
            in result.output)


def test_later_anchors_are_counted_and_the_last_is_named(anchored):
    anchor_head(anchored)
    report = verify(anchored)
    assert report.ok and [a.seq for a in report.anchors] == [5, 6]
    assert {p.name for p in (anchored.evidence_dir / ANCHOR_DIR).iterdir()} == {"5.tsr", "6.tsr"}


def test_a_stray_file_among_the_tokens_is_extra(anchored):
    (anchored.evidence_dir / ANCHOR_DIR / "notes.txt").write_text("slipped in")
    assert findings(verify(anchored)) == [("extra", f"{ANCHOR_DIR}/notes.txt")]


# attack 1: truncation


def test_cutting_the_anchored_entries_off_the_ledger_is_named(anchored):
    """Today's 'verify: ok' attack: the last run and the anchor entry after it go, with the run's folder and
    manifest lines; the token file in anchors/ is forgotten."""
    ev = anchored.evidence_dir
    run3 = ledger_entries(ev)[4]
    drop_last_entries(ev, 2)
    [finding] = verify(anchored).findings
    assert (finding.kind, finding.item) == ("truncated", f"{ANCHOR_DIR}/5.tsr")
    assert finding.detail.startswith("the anchor of 20") and finding.detail.endswith(
        f"covers seq 5 with hash {run3['hash']}; the ledger ends at seq 4")


def test_entries_after_the_last_anchor_are_not_covered(anchored):
    """The honest limit: what was appended after the last anchor can be cut without a trace."""
    ev = anchored.evidence_dir
    staging = anchored.root / ".staging" / "late"
    staging.mkdir(parents=True)
    (staging / "evidence.html").write_text("late")
    archive_run(ev, staging, "credit-scoring/risk-assessment/late", {"kind": "test-record"})
    drop_last_entries(ev, 1)
    assert verify(anchored).ok


# attack 2: rewriting with every hash recomputed


def test_a_rewritten_file_with_every_hash_and_link_recomputed_is_named(anchored):
    ev = anchored.evidence_dir
    entries = ledger_entries(ev)
    original = entries[4]["hash"]
    (ev / entries[2]["path"] / "evidence.html").write_text("<p>forged</p>")
    rechain(ev, entries)
    report = verify(anchored)
    assert findings(report) == [("rewritten", f"{LEDGER_FILE} seq 6 (anchor)"), ("rewritten", f"{ANCHOR_DIR}/5.tsr")]
    assert [f for f in report.findings if f.kind != "signature"][0].detail.endswith(
        f"covers seq 5 with hash {original}; the ledger's seq 5 has hash {ledger_entries(ev)[4]['hash']}")


def test_a_rewrite_that_also_renames_the_anchored_hash_is_named(anchored):
    ev = anchored.evidence_dir
    entries = ledger_entries(ev)
    (ev / entries[2]["path"] / "evidence.html").write_text("<p>forged</p>")
    rechain(ev, entries, follow_anchors=True)
    report = verify(anchored)
    assert findings(report) == [("anchor", f"{LEDGER_FILE} seq 6 (anchor)"), ("rewritten", f"{ANCHOR_DIR}/5.tsr")]
    assert "its token covers" in [f for f in report.findings if f.kind != "signature"][0].detail


# attack 3: forged tokens


def test_a_token_with_a_changed_byte_is_named(anchored):
    ev = anchored.evidence_dir
    token = ev / ANCHOR_DIR / "5.tsr"
    data = token.read_bytes()
    imprint = bytes.fromhex(ledger_entries(ev)[4]["hash"])
    at = data.index(imprint)
    token.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    [finding] = verify(anchored).findings
    assert (finding.kind, finding.item) == ("anchor", f"{ANCHOR_DIR}/5.tsr")
    assert finding.detail.startswith("not a valid timestamp token: its signature does not verify")


def test_a_rewrite_re_anchored_by_another_tsa_is_named(anchored, rogue_tsa):
    """The attacker rewrites a record, recomputes everything and timestamps the new head with a TSA of
    their own that bears the same names: its tokens do not chain to the pinned CA."""
    ev = anchored.evidence_dir
    entries = ledger_entries(ev)
    (ev / entries[2]["path"] / "evidence.html").write_text("<p>forged</p>")
    rechain(ev, entries, follow_anchors=True)
    entries = ledger_entries(ev)
    content = canonical_json({k: v for k, v in entries[4].items() if k != "hash"})
    forged = request_timestamp(rogue_tsa.url, content, x509.load_pem_x509_certificates(rogue_tsa.ca_pem.encode()))
    forged = forged.as_bytes()
    entries[5]["token"] = base64.b64encode(forged).decode()
    (ev / ANCHOR_DIR / "5.tsr").write_bytes(forged)
    rechain(ev, entries)
    report = verify(anchored)
    assert findings(report) == [("anchor", f"{LEDGER_FILE} seq 6 (anchor)"), ("anchor", f"{ANCHOR_DIR}/5.tsr")]
    assert all("does not verify against anchor.certificates" in f.detail for f in report.findings if f.kind == "anchor")


def test_anchor_refuses_a_reply_from_a_tsa_that_is_not_pinned(workspace, tsa, rogue_tsa):
    ws = pin(workspace, tsa, url=rogue_tsa.url)
    ev = archive_three(ws)
    before = (ev / LEDGER_FILE).read_bytes()
    with pytest.raises(TimestampError, match=f"time-stamping authority {rogue_tsa.url}: its reply does not verify "
                                             "against anchor.certificates"):
        anchor_head(ws)
    assert (ev / LEDGER_FILE).read_bytes() == before and not (ev / ANCHOR_DIR).exists()


def test_removing_the_anchor_section_does_not_silence_the_anchors(anchored):
    path = anchored.root / "workbench.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["anchor"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    report = verify(record(anchored.root))
    assert findings(report) == [("anchor", f"{LEDGER_FILE} seq 6 (anchor)"), ("anchor", f"{ANCHOR_DIR}/5.tsr")]
    assert [f for f in report.findings if f.kind != "signature"][0].detail.startswith("cannot be checked")


# attack 5: every anchor in the workspace removed too; the team's copy outside it


def test_a_kept_copy_names_a_truncation_that_removed_every_anchor(anchored, tmp_path):
    ev = anchored.evidence_dir
    copy = tmp_path / "kept-elsewhere" / "5.tsr"
    copy.parent.mkdir()
    shutil.copy(ev / ANCHOR_DIR / "5.tsr", copy)
    shutil.rmtree(ev / ANCHOR_DIR)
    drop_last_entries(ev, 2)
    assert verify(anchored).ok  # nothing in the workspace can tell
    result = cli("verify", "-w", anchored.root, "--anchor", copy)
    assert result.exit_code == 1
    assert f"truncated: {copy}: the anchor of " in result.output and "the ledger ends at seq 4" in result.output


def test_a_kept_copy_names_a_rewrite_that_removed_every_anchor(anchored, tmp_path):
    ev = anchored.evidence_dir
    copy = tmp_path / "ledger-head.tsr"  # renamed: the copy no longer says which seq it covers
    shutil.copy(ev / ANCHOR_DIR / "5.tsr", copy)
    original = ledger_entries(ev)[4]["hash"]
    shutil.rmtree(ev / ANCHOR_DIR)
    entries = ledger_entries(ev)[:5]
    (ev / entries[3]["path"] / "results.json").write_text('{"forged": true}')
    rechain(ev, entries)
    assert {f.kind for f in verify(anchored).findings} == {"signature"}  # tomas's signature no longer matches
    [finding] = [f for f in verify(anchored, [copy]).findings if f.kind != "signature"]
    assert (finding.kind, finding.item) == ("rewritten", str(copy))
    assert finding.detail.endswith(f"covers hash {original}, which no ledger entry has; the ledger ends at seq 5")


def test_a_kept_copy_names_a_rewrite_re_anchored_under_a_repinned_tsa(anchored, rogue_tsa, tmp_path):
    """The attacker controls the whole workspace: rewrites a record, pins their own TSA in the configuration
    and anchors the new head with it. The workspace verifies; the team's copy from the real TSA does not."""
    ev = anchored.evidence_dir
    copy = tmp_path / "5.tsr"
    shutil.copy(ev / ANCHOR_DIR / "5.tsr", copy)
    shutil.rmtree(ev / ANCHOR_DIR)
    entries = ledger_entries(ev)[:5]
    (ev / entries[4]["path"] / "evidence.html").write_text("<p>forged</p>")
    rechain(ev, entries)
    anchored.register.index([], head=ledger_entries(ev)[-1])  # and the register's head: writers refuse another's
    forged = pin(anchored, rogue_tsa)
    anchor_head(forged)
    assert {f.kind for f in verify(forged).findings} == {"signature"}
    [finding] = [f for f in verify(forged, [copy]).findings if f.kind != "signature"]
    assert (finding.kind, finding.item) == ("anchor", str(copy))
    assert "does not verify against anchor.certificates" in finding.detail


def test_a_kept_copy_of_an_intact_ledger_verifies(anchored, tmp_path):
    copy = tmp_path / "5.tsr"
    shutil.copy(anchored.evidence_dir / ANCHOR_DIR / "5.tsr", copy)
    result = cli("verify", "-w", anchored.root, "--anchor", copy)
    assert result.exit_code == 0 and "1 anchor(s) checked, last covers seq 5" in result.output


# what anchor refuses


@pytest.mark.parametrize("answer, problem", [
    ("http-error", "answered HTTP 500 TSA is down"),
    ("not-a-timestamp", "answered something that is not an RFC 3161 timestamp reply"),
    ("refused", "refused the request (status REJECTION: Message digest algorithm is not supported.)"),
    ("stale", "its reply does not verify against anchor.certificates and this request (Nonce mismatch)"),
])
def test_a_tsa_that_fails_or_answers_wrong_records_nothing(anchored, tsa, answer, problem):
    ev = anchored.evidence_dir
    before = (ev / LEDGER_FILE).read_bytes()
    with tsa.answering(answer):
        result = cli("anchor", "-w", anchored.root)
    assert result.exit_code == 1
    assert f"error: time-stamping authority {tsa.url}: {problem}; nothing was recorded" in result.output
    assert (ev / LEDGER_FILE).read_bytes() == before and sorted(p.name for p in (ev / ANCHOR_DIR).iterdir()) == ["5.tsr"]


def test_an_unreachable_tsa_is_named(workspace, tsa):
    ws = pin(workspace, tsa, url="http://127.0.0.1:9/tsr")
    archive_three(ws)
    with pytest.raises(TimestampError, match=r"time-stamping authority http://127.0.0.1:9/tsr: cannot be reached"):
        anchor_head(ws)


def test_anchor_needs_a_configured_tsa(workspace, tsa):
    queries = tsa.queries
    with pytest.raises(InputError, match="anchor: the configuration needs an anchor section"):
        anchor_head(workspace)
    assert tsa.queries == queries


@pytest.mark.parametrize("section, message", [
    ({"tsa_url": "ftp://tsa.example/", "certificates": "x"}, "anchor.tsa_url"),
    ({"tsa_url": "https://tsa.example/", "certificates": "not a certificate"},
     "anchor.certificates: must be one or more PEM certificates"),
])
def test_a_bad_anchor_section_is_refused(workspace, section, message):
    path = workspace.root / "workbench.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["anchor"] = section
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkspaceError, match=message):
        record(workspace.root)
