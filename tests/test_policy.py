"""The AI policy (5.2, 5.3, 7.3): its answers and commitments, the Markdown rendered inert, real-kernel
records approved by top management, acknowledgements reset by a new version, and the roles and
responsibilities per AI system that the runs and the sign-off rules read."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from keys import KEYS, nothing_archived, record
from workbench.cli import main
from workbench.demo import ANSWERS
from workbench.demo.policy import RESPONSIBILITIES, answers as demo_answers
from workbench.exceptions import InputError, WorkspaceError
from workbench.pipeline.run import run_process
from workbench.pipeline.verify import verify
from workbench.processes.ai_policy.acknowledgements import acknowledge, acknowledgement_rows, policy_status, \
    portfolio_flags
from workbench.processes.ai_policy.policy import PolicyAnswers, policy_html
from workbench.records.signoff import sign_off
from workbench.signing import KEY_VAR
from workbench.validate import PLANNING_YEARS, model_from, planning_horizon
from workbench.workspace import CONFIG_FILE

TODAY = date.today()
HOSTILE = ('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) '
           '![logo](http://tracker.example/pixel.png)\n\n<a href="javascript:alert(2)">x</a>')


def policy_data(version: str = "1.0", **changes) -> dict:
    return {**copy.deepcopy(demo_answers(TODAY)), "version": version,
            "review_date": (TODAY + timedelta(days=365)).isoformat(), **changes}


def kinds(workspace, flags=None) -> list[tuple[str, str]]:
    return [(f.kind, f.key) for f in (flags if flags is not None else portfolio_flags(workspace))]


# the answers: every commitment 5.2 requires, each found in the text ----------------------------------------


@pytest.mark.parametrize("change, field, message", [
    (lambda d: d["commitments"].pop(3), "commitments",
     "makes no commitment that it commits to continually improving the AI management system (continual-improvement)"),
    (lambda d: d["commitments"].__setitem__(slice(None), d["commitments"][:1]), "commitments",
     "objectives-framework, requirements, continual-improvement"),
    (lambda d: d["commitments"][1].update(where="we never set objectives at all"), "commitments[1].where",
     "is not in the policy text"),
    (lambda d: d["commitments"].append(dict(d["commitments"][0])), "commitments", "purpose mapped more than once"),
    (lambda d: d["commitments"][0].update(commitment="profit"), "commitments[0].commitment", "purpose"),
    (lambda d: d.update(version="2.0/../x"), "version", "must be letters, digits, dots and hyphens"),
    (lambda d: d.update(text=""), "text", "must not be empty"),
])
def test_a_policy_without_its_commitments_is_refused_naming_them(workspace, change, field, message):
    data = policy_data()
    change(data)
    with pytest.raises(InputError) as caught:
        model_from(PolicyAnswers, data, workspace.validation_context())
    assert field in str(caught.value) and message in str(caught.value), str(caught.value)


def test_a_commitment_is_found_in_the_text_whatever_its_line_breaks():
    data = policy_data()
    data["commitments"][2]["where"] = "We meet the legal,\n  regulatory and contractual requirements that apply"
    answers = model_from(PolicyAnswers, data)
    assert answers.line_of(answers.commitments[2].where) == 13
    assert answers.line_of(answers.commitments[0].where) == 4


def test_the_markdown_is_rendered_with_every_tag_typed_in_it_inert():
    html = policy_html("# Title\n\nSome **bold** text.\n\n" + HOSTILE)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h3").text == "Title" and soup.find("strong").text == "bold"
    assert not soup.find_all(["script", "img", "iframe"])
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert all(not a["href"].lower().startswith("javascript") for a in soup.find_all("a"))
    assert "<script>alert(1)</script>" in soup.text and "[image: logo (http://tracker.example/pixel.png)]" in soup.text


# the record, on real kernels ------------------------------------------------------------------------------


@pytest.fixture
def policy_workspace(workspace, tmp_path):
    """The demo people and systems with the demo's RACI recorded."""
    path = workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["responsibilities"] = RESPONSIBILITIES
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return record(workspace.root)


def run_policy(workspace, version: str = "1.0", effective: date = TODAY, **changes):
    return run_process(workspace, "ai-policy", "", policy_data(version, **changes), assessor="priya",
                       effective_date=effective)


def test_a_policy_record_shows_its_text_escaped_its_commitments_and_the_responsibilities(policy_workspace):
    text = demo_answers(TODAY)["text"] + "\n" + HOSTILE
    evidence = run_policy(policy_workspace, text=text)
    assert evidence.run_id.startswith("pol-")
    soup = BeautifulSoup(evidence.html.read_text(), "html.parser")
    body = soup.find("main") or soup
    assert not body.find_all(["img", "iframe"]) and "alert(1)" not in "".join(s.text for s in body.find_all("script"))
    assert not [a for tag in body.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert "<script>alert(1)</script>" in body.text
    assert "We continually improve the AI management system" in body.text
    rows = [tr.find_all(["td", "th"]) for tr in body.find_all("tr")]
    assert any(r[0].text == "continual-improvement" and r[-1].text == "15" for r in rows if len(r) == 4)
    assert any(r[0].text == "credit-scoring" and "Lena Fischer (lena)" in r[1].text for r in rows)
    results = json.loads((evidence.folder / "results.json").read_text())["results"]
    assert results["people"] == ["priya", "tomas", "amara", "lena", "david", "sofia"]


def test_a_review_date_before_the_effective_date_is_refused_naming_both(policy_workspace):
    effective = TODAY - timedelta(days=10)
    with pytest.raises(InputError) as caught:
        run_policy(policy_workspace, effective=effective, review_date=(effective - timedelta(days=1)).isoformat())
    assert str(caught.value) == (f"review_date: is before the record's effective date {effective.isoformat()}: a "
                                 "policy is reviewed after it takes effect "
                                 f"(got '{(effective - timedelta(days=1)).isoformat()}')")
    assert nothing_archived(policy_workspace)


@pytest.mark.parametrize("review", ["9999-12-31", "2099-01-01"])
def test_a_review_date_decades_ahead_is_refused_as_it_would_silence_the_review(policy_workspace, review):
    with pytest.raises(InputError) as caught:
        run_policy(policy_workspace, review_date=review)
    assert str(caught.value) == (f"review_date: must be at most {PLANNING_YEARS} years after {TODAY}, or its "
                                 f"reminder stays silent: {planning_horizon(TODAY)} or earlier (got '{review}')")
    assert nothing_archived(policy_workspace)


def test_a_version_is_recorded_once_and_a_past_review_date_is_flagged(policy_workspace):
    effective = TODAY - timedelta(days=40)
    first = run_policy(policy_workspace, "1.0", effective, review_date=(TODAY - timedelta(days=1)).isoformat())
    assert "(overdue)" in policy_workspace.register.evidence_list(process="ai-policy")[0]["headline"]
    with pytest.raises(InputError, match=f"version: is the version of {first.run_id} already"):
        run_policy(policy_workspace, "1.0")
    sign_off(policy_workspace, first.run_id, "approve", "the board approved it", "david")
    assert ("overdue", first.run_id) in kinds(policy_workspace)


def test_only_top_management_approves_a_policy_and_an_unapproved_one_is_flagged(policy_workspace):
    path = policy_workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["people"][5]["roles"].append("reviewer")  # sofia signs off records, but is no top management
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    policy_workspace = record(policy_workspace.root)
    evidence = run_policy(policy_workspace)
    assert kinds(policy_workspace) == [("unapproved", evidence.run_id)]
    with pytest.raises(InputError, match="the AI policy 1.0 is approved by top management .5.2.; only the "
                                         "top_management role accepts them; people who hold it: david"):
        sign_off(policy_workspace, evidence.run_id, "approve", "fine by me", "sofia")
    sign_off(policy_workspace, evidence.run_id, "approve", "the board approved it", "david")
    assert ("unapproved", evidence.run_id) not in kinds(policy_workspace)
    index = (policy_workspace.evidence_dir / "index.html").read_text()
    assert "unacknowledged" in index and "AI policy 1.0: Sofia Marques" in index


def test_acknowledgements_follow_the_version_in_force_and_reset_with_a_new_one(policy_workspace):
    with pytest.raises(InputError, match="no version of the AI policy is approved by top management yet"):
        acknowledge(policy_workspace, "amara")
    first = run_policy(policy_workspace, "1.0", TODAY - timedelta(days=20))
    with pytest.raises(InputError, match="no version of the AI policy is approved"):
        acknowledge(policy_workspace, "amara", "1.0")
    sign_off(policy_workspace, first.run_id, "approve", "approved", "david")
    row = acknowledge(policy_workspace, "amara")
    assert (row["person"], row["version"], row["policy_run"]) == ("amara", "1.0", first.run_id)
    with pytest.raises(InputError, match="person: acknowledged version 1.0 already"):
        acknowledge(policy_workspace, "amara")
    with pytest.raises(InputError, match="version: is no AI policy version; recorded: 1.0"):
        acknowledge(policy_workspace, "tomas", "9.9")
    with pytest.raises(InputError, match="is the scheduler identity"):
        acknowledge(policy_workspace, "scheduler")
    assert policy_status(policy_workspace)["not_acknowledged"] == ["priya", "tomas", "lena", "david", "sofia"]

    second = run_policy(policy_workspace, "2.0", TODAY - timedelta(days=5))
    with pytest.raises(InputError, match="version: is not approved by top management .status submitted.; "
                                         "acknowledge the version in force, 1.0"):
        acknowledge(policy_workspace, "tomas", "2.0")
    acknowledge(policy_workspace, "tomas")  # 1.0 stays in force until 2.0 is approved
    assert kinds(policy_workspace)[0] == ("unapproved", second.run_id)
    sign_off(policy_workspace, second.run_id, "approve", "approved", "david")
    status = policy_status(policy_workspace)
    assert status["in_force"]["version"] == "2.0" and status["acknowledged"] == []
    assert status["not_acknowledged"] == ["priya", "tomas", "amara", "lena", "david", "sofia"]
    with pytest.raises(InputError, match="version: is superseded by version 2.0"):
        acknowledge(policy_workspace, "lena", "1.0")
    acknowledge(policy_workspace, "lena", "2.0")
    assert [(f.kind, f.key) for f in portfolio_flags(policy_workspace)] == [
        ("unacknowledged", p) for p in ("priya", "tomas", "amara", "david", "sofia")]
    report = verify(policy_workspace)
    assert report.ok, report.findings


def test_who_acknowledges_is_who_signs(policy_workspace, monkeypatch):
    evidence = run_policy(policy_workspace)
    sign_off(policy_workspace, evidence.run_id, "approve", "approved", "david")
    monkeypatch.setenv(KEY_VAR, str(KEYS["amara"]))
    with pytest.raises(InputError, match="who acts is who signs, and no key you hold is pinned for lena"):
        acknowledge(policy_workspace, "lena")
    entry = acknowledge(policy_workspace)
    assert entry["person"] == "amara"
    ledger = [json.loads(line) for line in (policy_workspace.evidence_dir / "ledger.jsonl").read_text().splitlines()]
    last = ledger[-1]
    assert last["kind"] == "policy-acknowledgement" and last["signature"]["by"] == "amara"
    assert acknowledgement_rows(last)["policy_acknowledgements"][0]["policy_hash"] == next(
        e["hash"] for e in ledger if e.get("run_id") == evidence.run_id and e["kind"] == "evidence")


def test_the_policy_commands(policy_workspace):
    evidence = run_policy(policy_workspace)
    runner = CliRunner()
    where = ["--workspace", str(policy_workspace.root)]
    refused = runner.invoke(main, ["policy", "acknowledge", *where, "--as", "lena"])
    assert refused.exit_code == 2 and "is not approved by top management" not in refused.output
    assert "no version of the AI policy is approved" in refused.output
    sign_off(policy_workspace, evidence.run_id, "approve", "approved", "david")
    done = runner.invoke(main, ["policy", "acknowledge", *where, "--as", "lena"])
    assert done.exit_code == 0, done.output
    assert done.output == f"lena acknowledged the AI policy 1.0 ({evidence.run_id})\n"
    status = runner.invoke(main, ["policy", "status", *where])
    assert f"in force: version 1.0 ({evidence.run_id})" in status.output
    assert "acknowledged      lena" in status.output and "not acknowledged  sofia" in status.output


# roles and responsibilities per AI system ---------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    (lambda r: r["credit-scoring"].update(assessors=["sofia"]),
     "responsibilities.credit-scoring.assessors: sofia holds auditor, and assessors needs assessor; "
     "people who may: tomas, amara"),
    (lambda r: r["cv-screening"].update(approvers=["mallory"]),
     "responsibilities.cv-screening.approvers: 'mallory' is not a person"),
    (lambda r: r["cv-screening"].update(monitoring=["scheduler"]),
     "responsibilities.cv-screening.monitoring: 'scheduler' is not a person"),
    (lambda r: r["support-assistant"].update(incident_contacts=["tomas"]),
     "incident contacts needs AIMS manager or system owner; people who may: priya, amara, lena"),
    (lambda r: r["credit-scoring"].update(approvers=["david", "david"]), "approvers: names david twice"),
    (lambda r: r["credit-scoring"].update(owner="tomas"), "owner: tomas holds assessor, and owner needs system owner"),
])
def test_every_person_of_a_raci_exists_and_holds_a_role_that_allows_it(workspace, change, message):
    path = workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["responsibilities"] = copy.deepcopy(RESPONSIBILITIES)
    change(config["responsibilities"])
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    with pytest.raises(WorkspaceError) as caught:
        record(workspace.root)
    assert message in str(caught.value), str(caught.value)


@pytest.mark.parametrize("change, field, message", [
    (lambda r: r.update({"chatbot": copy.deepcopy(r["support-assistant"])}), "responsibilities.chatbot",
     "is not a registered AI system; allowed: credit-scoring, cv-screening, support-assistant"),
    (lambda r: r["cv-screening"].update(owner="lena"), "responsibilities.cv-screening.owner",
     "the register names amara as the owner of cv-screening"),
])
def test_a_raci_is_for_a_registered_system_and_its_registered_owner(workspace, change, field, message):
    path = workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["responsibilities"] = copy.deepcopy(RESPONSIBILITIES)
    change(config["responsibilities"])
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    with pytest.raises(InputError) as caught:
        record(workspace.root)
    assert str(caught.value).startswith(field) and message in str(caught.value), str(caught.value)


def narrow(workspace, system_id: str, **responsibilities):
    path = workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["responsibilities"] = {system_id: {"owner": workspace.register.system(system_id).owner,
                                              **responsibilities}}
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return record(workspace.root)


def test_only_a_systems_raci_approvers_sign_off_its_records(workspace):
    ws = narrow(workspace, "credit-scoring", approvers=["david"])
    evidence = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")
    with pytest.raises(InputError) as caught:
        sign_off(ws, evidence.run_id, "approve", "fine", "priya")
    assert str(caught.value) == ("person: responsibilities: the RACI of credit-scoring names its approvers, "
                                 "who alone sign off its records: david (got 'priya')")
    other = run_process(ws, "risk-assessment", "support-assistant", ANSWERS["support-assistant"], assessor="amara")
    sign_off(ws, other.run_id, "reject", "no RACI for this system: the role rules alone", "priya")
    done = sign_off(ws, evidence.run_id, "reject", "R3 has no owner", "david")
    assert done.ledger_entry["person"] == "david"
    report = verify(ws)
    assert report.ok, report.findings


def test_only_a_systems_raci_assessors_run_its_assessments_and_the_form_offers_them_alone(workspace):
    from workbench.ui.form import ProcessForm

    ws = narrow(workspace, "credit-scoring", assessors=["amara"])
    with pytest.raises(InputError, match="assessor: responsibilities: the RACI of credit-scoring names who "
                                         "assesses it: amara"):
        run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="tomas")
    assert nothing_archived(ws)
    form = ProcessForm(ws, process="risk-assessment")
    offered = lambda: [v for _, v in form.header["assessor"].widget.options if v]  # noqa: E731
    assert offered() == ["tomas", "amara"]
    form.header["system"].value = "credit-scoring"
    form._system_changed()
    assert offered() == ["amara"] and form.header["assessor"].value == "amara"
    form.header["system"].value = "cv-screening"
    form._system_changed()
    assert offered() == ["tomas", "amara"]


def test_the_demo_policy_is_approved_overdue_for_review_and_not_acknowledged_by_lena(copy_of_demo):
    ws = copy_of_demo
    status = policy_status(ws)
    record = status["in_force"]
    assert (record["version"], record["status"], status["review_overdue"]) == ("2", "approved", True)
    assert record["effective_date"] == TODAY - timedelta(days=400)
    assert status["not_acknowledged"] == ["lena"]
    assert kinds(ws) == [("overdue", record["run_id"]), ("unacknowledged", "lena")]
    index = BeautifulSoup((ws.evidence_dir / "index.html").read_text(), "html.parser")
    documents = index.find("section", attrs={"aria-labelledby": "documents"}).get_text(" ", strip=True)
    assert "lena has not acknowledged version 2" in documents and "priya has not" not in documents
    assert ws.config.responsible("cv-screening", "assessors") == ["tomas", "amara"]
    report = verify(ws)
    assert report.ok, report.findings


def test_verify_names_a_sign_off_that_bypassed_the_raci(workspace, monkeypatch):
    import workbench.records.signoff as signoff

    ws = narrow(workspace, "credit-scoring", approvers=["david"])
    evidence = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")
    monkeypatch.setattr(signoff, "check_rules", lambda *args: None)  # a writer that skips the rules
    sign_off(ws, evidence.run_id, "reject", "R3 has no owner", "priya")
    findings = [(f.kind, f.detail) for f in verify(ws).findings]
    assert findings == [("role", "priya is not among the approvers the RACI of credit-scoring named then (david)")]
