"""Sign-off: the rules (unit), then real runs approved and rejected through the library, the CLI and the widget."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from evidence_checks import offline
from keys import KEYS
from workbench.pipeline.archive import MANIFEST_FILE, ledger_entries
from workbench.cli import main
from workbench.config import Person
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.exceptions import InputError, UnknownRecordError
from workbench.pipeline.run import run_process
from workbench.records.signoff import check_rules, sign_off
from workbench.ui.signoff_form import SignoffForm
from workbench.pipeline.verify import verify
from workbench.workspace import init_workspace

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} =HYPERLINK("http://x")'
RUN = "ra-20261127T174501Z-3f9a1c"


def person(pid: str, *roles: str) -> Person:
    return Person(id=pid, name=pid.title(), roles=list(roles))


def evidence(assessor: str = "amara", status: str = "submitted") -> dict:
    return {"run_id": RUN, "assessor": assessor, "kind": "evidence", "process": "risk-assessment", "status": status}


def confirmation(person: str) -> dict:
    return {"kind": "confirmation", "run_id": RUN, "person": person, "recorded_at": "2026-11-28T09:00:00+00:00",
            "comment": "checked"}


# the rules, one by one -----------------------------------------------------------------------


def test_nobody_signs_off_their_own_assessment(workspace):
    with pytest.raises(InputError) as caught:
        check_rules(workspace, evidence("amara"), {}, person("amara", "assessor", "reviewer"), "approved", [])
    assert str(caught.value).startswith(f"person: segregation of duties: amara assessed {RUN}; nobody approves")
    with pytest.raises(InputError, match="segregation of duties"):
        check_rules(workspace, evidence("amara"), {}, person("amara", "approver", "top_management"), "rejected", [])


def test_only_reviewers_and_approvers_sign_off(workspace):
    for roles in (("assessor",), ("auditor",), ("system_owner", "aims_manager"), ("top_management",)):
        with pytest.raises(InputError, match="sign-off role: only a reviewer or approver.*priya, david"):
            check_rules(workspace, evidence(), {}, person("x", *roles), "approved", [])
    check_rules(workspace, evidence(), {}, person("x", "reviewer"), "approved", [])
    check_rules(workspace, evidence(), {}, person("x", "approver"), "rejected", [])


def test_risk_above_appetite_is_accepted_only_by_the_configured_role(workspace):
    results = {"above_appetite": ["R3", "R7"]}
    with pytest.raises(InputError) as caught:
        check_rules(workspace, evidence(), results, person("priya", "reviewer"), "approved", [])
    assert "risk acceptance: residual risks R3, R7 are above the appetite (Medium); only the top_management role" in str(caught.value)
    assert "people who hold it: david" in str(caught.value)
    check_rules(workspace, evidence(), results, person("priya", "reviewer"), "rejected", [])  # rejecting is no acceptance
    check_rules(workspace, evidence(), results, person("david", "approver", "top_management"), "approved", [])


def test_acceptance_role_comes_from_the_configuration(tmp_path):
    config = demo_configuration(KEYS)
    config["risk_criteria"]["acceptance_role"] = "aims_manager"
    ws = init_workspace(tmp_path / "ws", config=config)
    check_rules(ws, evidence(), {"above_appetite": ["R1"]}, person("priya", "aims_manager", "reviewer"), "approved", [])
    with pytest.raises(InputError, match="only the aims_manager role"):
        check_rules(ws, evidence(), {"above_appetite": ["R1"]}, person("david", "approver", "top_management"),
                    "approved", [])


def test_an_unconfirmed_recalculation_is_not_signed_off(workspace):
    for decision in ("approved", "rejected"):
        with pytest.raises(InputError, match="run_id: awaiting confirmation: it is the scheduler's recalculation"):
            check_rules(workspace, evidence("scheduler", "recalculated"), {}, person("david", "approver"), decision, [])
    check_rules(workspace, evidence("scheduler", "recalculated"), {}, person("david", "approver"), "approved",
                [confirmation("amara")])


def test_whoever_confirmed_a_recalculation_does_not_sign_it_off(workspace):
    with pytest.raises(InputError, match=f"segregation of duties: x confirmed {RUN}; nobody approves"):
        check_rules(workspace, evidence("scheduler", "recalculated"), {}, person("x", "assessor", "approver"),
                    "approved", [confirmation("x")])


def test_one_decision_per_run(workspace):
    earlier = [{"kind": "signoff", "run_id": RUN, "decision": "rejected", "person": "priya",
                "recorded_at": "2026-11-27T18:00:00+00:00"}]
    with pytest.raises(InputError, match="one decision per run: already rejected by priya"):
        check_rules(workspace, evidence(), {}, person("david", "approver"), "approved", earlier)


@pytest.mark.parametrize("run_id", ["../../etc/passwd", "ra-x", "RA-20261127T174501Z-3f9a1c", "", 7,
                                    "ra-20261127T174501Z-3f9a1c/../x"])
def test_bad_run_ids_are_refused_before_anything_is_read(workspace, run_id):
    with pytest.raises(InputError, match="run_id: must be a run id such as"):
        sign_off(workspace, run_id, "approve", "ok", person="david")


def test_unknown_run_and_bad_decision_and_comment(workspace):
    with pytest.raises(UnknownRecordError, match="is not an archived evidence record"):
        sign_off(workspace, RUN, "approve", "ok", person="david")
    with pytest.raises(InputError, match="decision: must be one of approve, reject"):
        sign_off(workspace, RUN, "accept", "ok", person="david")
    with pytest.raises(InputError, match="comment: is required"):
        sign_off(workspace, RUN, "approve", "   ", person="david")
    with pytest.raises(InputError, match="comment: must be at most 5000 characters"):
        sign_off(workspace, RUN, "approve", "x" * 1_000_000, person="david")
    assert [e["kind"] for e in ledger_entries(workspace.evidence_dir)] == ["configuration"] + ["system"] * 3


# real runs ------------------------------------------------------------------------------------


def portfolio_row(ws, system_id: str) -> dict:
    """A system's risk-assessment row of ``evidence/index.html`` as a reviewer reads it: cell texts by column
    heading, and the links of its evidence and sign-off cells (every link resolves offline)."""
    soup = offline(ws.evidence_dir / "index.html")
    table = soup.find("h2", id="systems").find_next("table")
    headings = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    for tr in table.tbody.find_all("tr"):
        cells = dict(zip(headings, tr.find_all("td")))
        if (cells["AI system or item"].code.get_text(), tr.get("class"), cells["Process"].get_text(strip=True)) == (
                system_id, None, "AI risk assessment"):  # the process by its title, not its slug
            return {**{h: " ".join(td.get_text(" ").split()) for h, td in cells.items()},
                    "evidence_links": [a["href"] for a in cells["Latest evidence"].find_all("a")],
                    "signoff_links": [a["href"] for a in cells["Sign-off"].find_all("a")]}
    raise AssertionError(f"no row for {system_id}")


def cover_status(run) -> str:
    """The Status line of an evidence file's cover."""
    soup = BeautifulSoup(run.html.read_text(encoding="utf-8"), "html.parser")
    dt = next(dt for dt in soup.select("header.cover dt") if dt.get_text(strip=True) == "Status")
    return " ".join(dt.find_next_sibling("dd").get_text().split())


REGISTER_BACKENDS = ("signed", "workspace")
pytestmark = pytest.mark.both_registers  # every test runs on SQLite and on PostgreSQL


@pytest.fixture(scope="module")
def signed(tmp_path_factory, register_backend):
    """Three real runs: credit-scoring (R3 above appetite) by amara, support-assistant by tomas, cv-screening by tomas."""
    ws = init_workspace(tmp_path_factory.mktemp("signoff") / "ws",
                        config=register_backend.config(demo_configuration(KEYS)))
    ws.add_systems(SYSTEMS)
    runs = {s: run_process(ws, "risk-assessment", s, copy.deepcopy(ANSWERS[s]), assessor=a)
            for s, a in (("credit-scoring", "amara"), ("support-assistant", "tomas"), ("cv-screening", "tomas"))}
    return ws, runs


@pytest.mark.kernel
def test_approval_is_archived_chained_and_indexed(signed):
    ws, runs = signed
    run = runs["credit-scoring"]
    before = {p: p.read_bytes() for p in run.folder.iterdir()}
    row = portfolio_row(ws, "credit-scoring")
    assert row["Sign-off"] == "awaiting approval" and row["signoff_links"] == []
    effective = ws.register.evidence(run.run_id)["effective_date"]
    assert row["Latest evidence"] == f"AI risk assessment, {effective} {run.run_id}"  # the run id second
    assert row["evidence_links"] == [f"credit-scoring/risk-assessment/{run.run_id}/evidence.html"]
    # the evidence never changes, so its cover states nothing a decision makes false, and says where it is
    status = cover_status(run)
    assert "awaiting" not in status and status.startswith("submitted for approval")
    assert "in the portfolio (index.html of the evidence folder) and in credit-scoring/signoff/" in status
    with pytest.raises(InputError, match="risk acceptance"):
        sign_off(ws, run.run_id, "approve", "fine", person="priya")
    done = sign_off(ws, run.run_id, "approve", "Accepting R3 until the retraining lands. " + HOSTILE, person="david")

    # the evidence is untouched; the sign-off is its own folder, ledger entry and manifest lines
    assert {p: p.read_bytes() for p in run.folder.iterdir()} == before
    assert done.folder == ws.evidence_dir / "credit-scoring" / "signoff" / done.signoff_id
    assert sorted(p.name for p in done.folder.iterdir()) == ["approval.html", "signoff.json"]
    entry = ledger_entries(ws.evidence_dir)[-1]
    assert entry == done.ledger_entry
    assert entry["kind"] == "signoff" and entry["decision"] == "approved" and entry["person"] == "david"
    assert entry["evidence_hash"] == run.ledger_entry["hash"] and entry["run_id"] == run.run_id
    # the portfolio shows the decision at once, next to the status, with its record (no 'workbench index')
    row = portfolio_row(ws, "credit-scoring")
    assert row["Sign-off"] == f"approved approval record by David Chen, {entry['recorded_at'][:10]}"
    assert row["signoff_links"] == [f"credit-scoring/signoff/{done.signoff_id}/approval.html"]
    manifest = (ws.evidence_dir / MANIFEST_FILE).read_text()
    assert f"{entry['path']}/approval.html" in manifest
    assert subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST_FILE], cwd=ws.evidence_dir).returncode == 0
    assert verify(ws).ok

    # the register: status approved, one signoffs row
    assert ws.register.evidence(run.run_id)["status"] == "approved"
    [row] = ws.register.signoffs(run.run_id)
    assert row["person"] == "david" and row["decision"] == "approved" and row["ledger_hash"] == entry["hash"]
    assert list(ws.frame("signoffs").signoff_id) == [done.signoff_id]

    # the approval record: escaped, no script, strict CSP, names what was signed
    html = done.record.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == []
    assert "script-src 'none'" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert HOSTILE in soup.find("blockquote").get_text()
    assert "{{ 7*7 }}" in html and "&lt;script&gt;" in html
    text = soup.get_text(" ")
    for fact in (run.run_id, "David Chen", "Amara Okafor", "R3", *run.ledger_entry["files"].values()):
        assert fact in text

    # one decision per run
    with pytest.raises(InputError, match="one decision per run: already approved by david"):
        sign_off(ws, run.run_id, "reject", "changed my mind", person="david")
    assert len([e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "signoff"]) == 1


@pytest.mark.kernel
def test_cli_reject_and_the_evidence_list_shows_the_status(signed):
    ws, runs = signed
    run = runs["support-assistant"]
    runner = CliRunner()
    refused = runner.invoke(main, ["signoff", "approve", run.run_id, "-w", str(ws.root), "--comment", "x",
                                   "--as", "tomas"])
    assert refused.exit_code == 2 and "segregation of duties: tomas assessed" in refused.output
    done = runner.invoke(main, ["signoff", "reject", run.run_id, "-w", str(ws.root), "--comment",
                                "Mitigations not evidenced", "--as", "priya"])
    assert done.exit_code == 0, done.output
    assert f"rejected {run.run_id} by priya" in done.output
    row = portfolio_row(ws, "support-assistant")
    assert row["Sign-off"].startswith("rejected rejection record by Priya")
    [link] = row["signoff_links"]
    assert link.startswith("support-assistant/signoff/so-") and link.endswith("/approval.html")
    listed = runner.invoke(main, ["evidence", "list", "-w", str(ws.root)])
    line = next(li for li in listed.output.splitlines() if run.run_id in li)
    assert "rejected" in line
    shown = json.loads(runner.invoke(main, ["evidence", "show", run.run_id, "-w", str(ws.root), "--json"]).output)
    assert shown["status"] == "rejected" and shown["signoffs"][0]["comment"] == "Mitigations not evidenced"
    traversal = runner.invoke(main, ["evidence", "show", "../../etc", "-w", str(ws.root)])
    assert traversal.exit_code == 2 and "run_id: must be a run id" in traversal.output
    assert runner.invoke(main, ["verify", "-w", str(ws.root)]).exit_code == 0


@pytest.mark.kernel
def test_tampered_evidence_is_not_signed(signed, tmp_path):
    ws, runs = signed
    run = runs["cv-screening"]
    html = run.html.read_bytes()
    run.html.write_bytes(html.replace(b"</main>", b"<p>added</p></main>"))
    try:
        with pytest.raises(InputError, match="integrity: .*evidence.html differs from the ledger"):
            sign_off(ws, run.run_id, "reject", "no", person="priya")
    finally:
        run.html.write_bytes(html)


@pytest.mark.kernel
def test_the_widget_signs_and_shows_refusals(signed):
    ws, runs = signed
    run = runs["cv-screening"]
    form = SignoffForm(ws, person="amara")
    assert run.run_id in [value for _label, value in form.record.options]
    assert [value for _label, value in form.person.options] == ["priya", "david"]  # who may sign, and whose key is held
    form.record.value = run.run_id
    form.comment.value = "Looks complete"
    form.person.value = "priya"
    assert form.decide("approve") is None
    assert "Not signed" in form.outcome.value and "only the top_management role accepts them" in form.outcome.value
    form.comment.value = HOSTILE
    results = json.loads((run.folder / "results.json").read_text())["results"]
    decision = "reject" if results["above_appetite"] else "approve"
    (form.approve_button if decision == "approve" else form.reject_button).click()
    assert "Approval record" in form.outcome.value and "<script>" not in form.outcome.value
    assert run.run_id not in [value for _label, value in form.record.options]
    assert ws.register.evidence(run.run_id)["status"] in ("approved", "rejected")
    assert verify(ws).ok
