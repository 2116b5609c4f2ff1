"""The SoA and internal audit templates on real kernels: the demo's records, a follow-up audit with
hostile text, and the forms submitted from Python."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from workbench.processes.internal_audit.assessment import plan_audit
from workbench.processes.internal_audit.form import AuditForm
from workbench.demo import audit_plan_data
from workbench.records.nonconformity import action_history, open_actions, update_action
from workbench.pipeline.run import run_process
from workbench.processes.soa.assessment import soa_frame
from workbench.processes.soa.form import SoAForm
from workbench.workspace import Workspace

from evidence_checks import offline, only, pictures

pytestmark = pytest.mark.kernel

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }}'


def test_demo_soa_evidence(demo_root):
    html = only(demo_root, "evidence/organisation/soa/*/evidence.html")
    soup = offline(html)
    text = soup.get_text(" ", strip=True)
    assert "39 controls: 38 from Annex A and 1 added by the organisation" in text
    assert "38 included, 1 excluded" in text
    rows = soup.find("caption", string="39 controls").find_parent("table").tbody.find_all("tr")
    assert [r.td.strong.get_text() for r in rows][:2] == ["A.2.2", "A.2.3"]
    excluded = [r for r in rows if r.td.strong.get_text() == "A.10.4"][0]
    assert "excluded" in excluded.get_text() and "supplies no AI system" in excluded.get_text()
    assert len(soup.select("a[href$='evidence.html']")) >= 6
    results = json.loads((html.parent / "results.json").read_text())
    assert results["system_id"] == "organisation" and results["process"] == "soa"
    frame = soa_frame(Workspace(demo_root))
    assert len(frame) == 39 and frame["included"].sum() == 38
    # each included control its own justification, an owner, evidence where implemented; one flaw flagged
    controls = results["results"]["controls"]
    included = [c for c in controls if c["included"]]
    assert len({c["justification"] for c in included}) == 38 and all(c["owner"] for c in included)
    assert all(c["evidence"] for c in included if c["status"] in ("implemented", "verified effective"))
    assert results["results"]["flagged"] == ["A.8.3", "A.10.4"]
    flags = soup.find("h2", string="Controls to look at again").find_parent("div", class_="jp-Cell")
    assert "credit-scoring/R2" in flags.get_text() and "not started" in flags.get_text()
    # the demo's flaw: A.10.4 excluded while the register records the support assistant as customer-facing
    assert "support-assistant is recorded as customer-facing" in flags.get_text()
    a72 = next(c for c in controls if c["id"] == "A.7.2")
    assert [(s["system"], s["included"]) for s in a72["systems"]] == [("support-assistant", False)]
    assert "excluded for support-assistant" in soup.get_text(" ", strip=True)
    soa_day = date.fromisoformat(results["effective_date"])
    assert all(date.fromisoformat(e["dated"]) <= soa_day for c in controls for e in c["evidence"])


def test_demo_audit_evidence(demo_root):
    html = only(demo_root, "evidence/organisation/internal-audit/*/evidence.html")
    soup = offline(html)
    grades = soup.find("caption", string="8 checklist items").find_parent("table")
    counts = {tr.find_all("td")[0].get_text(): int(tr.find_all("td")[1].get_text()) for tr in grades.tbody.find_all("tr")}
    assert counts == {"conforming": 2, "major nonconformity": 1, "minor nonconformity": 1, "observation": 2,
                      "opportunity for improvement": 1, "not applicable": 1}
    assert list(pictures(soup)) == ["Results by clause: checklist items per grade"]
    findings = soup.find("h2", string="Findings").find_parent("div", class_="jp-Cell")
    links = [a["href"] for a in findings.find_all("a")]
    assert links and all(h.startswith("../../../") and ("/risk-assessment/" in h or "/impact-assessment/" in h)
                         for h in links)
    assert any("/cv-screening/impact-assessment/" in h for h in links)  # the major finding cites the assessment
    text = findings.get_text(" ", strip=True)
    assert "interview: Amara Okafor, cv-screening owner" in text and "sample: 20 applications rejected" in text
    record = json.loads((html.parent / "results.json").read_text())["results"]
    audit_day = date.fromisoformat(record["audit"]["end_date"])
    cited = [e for f in record["findings"] for e in f["evidence"]]
    assert cited and all(date.fromisoformat(e["dated"]) <= audit_day for e in cited)  # nothing newer than the audit
    coverage = soup.find("h2", string="Audit programme coverage").find_parent("div", class_="jp-Cell")
    assert "Not covered in this 3-year cycle: 28 clause requirement(s): 4.1, 4.2" in coverage.get_text(" ", strip=True)
    items = {f["item"]["id"]: f["item"] for f in record["findings"]}
    assert items["A.6.2.4"]["soa_ref"].startswith("soa-") and items["A.6.2.4"]["soa_decision"].startswith("implemented")
    ws = Workspace(demo_root)
    ncs = [n for n in ws.register.rows("nonconformities") if n["source"] == "audit"]
    assert sorted(n["grade"] for n in ncs) == ["major nonconformity", "minor nonconformity"]
    assert all(n["evidence_ref"].startswith(html.parent.name + "#") for n in ncs)
    assert {n["opened_on"] for n in ncs} == {audit_day}  # found on the audit's day, not the day it was recorded
    complaint = next(n for n in ws.register.rows("nonconformities") if n["source"] == "complaint")
    history = action_history(ws, complaint["id"])
    assert list(history["status"]) == ["open", "done", "verified effective"]
    assert list(history["updated_by"])[1:] == ["amara", "priya"] and history.iloc[-1]["owner"] == "amara"
    actions = open_actions(ws)
    audit_actions = actions[actions["nc_id"].isin({n["id"] for n in ncs})]
    assert list(audit_actions["overdue"]) == [True, False]
    assert list(audit_actions["status"]) == ["open", "in progress"]
    # besides the audit's, the one the demo's incident opened
    [incident] = [n for n in ws.register.rows("nonconformities") if n["source"] == "incident"]
    assert set(actions["nc_id"]) == {n["id"] for n in ncs} | {incident["id"]}


def test_follow_up_audit_shows_earlier_actions_and_escapes_text(copy_of_demo):
    ws = copy_of_demo
    overdue = open_actions(ws).iloc[0]["nc_id"]
    update_action(ws, overdue, updated_by="amara", status="in progress", note=HOSTILE)
    day = date.today()
    plan_audit(ws, {**audit_plan_data(day), "id": "ia-follow-up", "clauses": ["10.2"], "controls": [],
                    "systems": ["cv-screening"]}, planned_by="priya")
    ra = ws.register.evidence_list(system_id="cv-screening", process="risk-assessment")[0]["run_id"]
    evidence = run_process(ws, "internal-audit", "", {
        "audit_id": "ia-follow-up", "conclusion": HOSTILE,
        "items": [{"item": "10.2", "result": "minor nonconformity", "notes": HOSTILE, "evidence": [ra],
                   "system": "cv-screening", "action_owner": "amara",
                   "action_due": (day + timedelta(days=14)).isoformat()}]}, assessor="sofia")
    soup = offline(evidence.html)
    html = evidence.html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "onerror=alert(1)>" not in html
    assert HOSTILE in soup.get_text()
    earlier = soup.find("h2", string=re.compile("Open corrective actions")).find_parent("div", class_="jp-Cell")
    text = earlier.get_text(" ", strip=True)
    assert "ia-risk-2026 6.1.3" in text and "ia-risk-2026 A.5.4" in text
    assert "OVERDUE" in text and "1 action(s) overdue" in text
    new = [n for n in ws.register.rows("nonconformities") if n["source_ref"] == "ia-follow-up 10.2"]
    assert len(new) == 1 and new[0]["description"] == HOSTILE
    assert list(action_history(ws, overdue)["status"]) == ["open", "in progress"]


def test_soa_form_submits_from_python(copy_of_demo):
    form = SoAForm(copy_of_demo, assessor="priya")
    assert form.system_id == "organisation" and len(form.part("controls").editors) == 39
    assert "Started from <code>soa-" in form.origin.value
    editor = form.part("controls").editors["A.8.3"]
    assert editor.fields["included"].value
    editor.fields["included"].value = False
    assert editor.fields["status"].box.layout.display == "none"
    editor.fields["justification"].value = ""
    assert "excluded without a justification" in editor.fields["justification"].text
    assert form.submit() is None and "Not submitted" in form.outcome.value
    assert "excluded without a justification" in editor.fields["justification"].problem  # shown after Submit
    editor.fields["justification"].value = "No external reporting channel is required for internal-only systems."
    assert form.submit() is None and "credit-scoring/R2" in form.outcome.value  # a risk cites A.8.3
    editor.fields["justification"].value = ("credit-scoring R2 is treated by the complaints procedure, which already "
                                            "takes reports from declined applicants; no separate channel is needed.")
    evidence = form.submit()
    assert evidence is not None and "Archived" in form.outcome.value
    frame = soa_frame(copy_of_demo)
    row = frame.set_index("control_id").loc["A.8.3"]
    assert (bool(row["included"]), row["run_id"]) == (False, evidence.run_id)


def test_audit_form_builds_the_checklist_and_refuses_na_for_included(copy_of_demo):
    form = AuditForm(copy_of_demo, assessor="sofia")
    form.part("audit_id").value = "ia-risk-2026"
    items = list(form.part("items").editors.values())
    assert [e.row.key for e in items] == ["6.1.2", "6.1.3", "9.2.1", "9.2.2", "A.5.4", "A.6.2.4", "A.6.2.6", "A.10.4"]
    choices = {e.row.key: [v for _, v in e.fields["result"].widget.options] for e in items}
    assert "not applicable" not in choices["A.5.4"] and "not applicable" in choices["A.10.4"]
    assert "major nonconformity" not in choices["A.10.4"]
    assert items[-1].fields["result"].widget.description == "A.10.4 Customer expectations (excluded by the SoA): Result *"
    finding = items[1]
    for key in ("notes", "action_owner", "action_due"):
        finding.fields[key].clear()
    finding.fields["result"].value = "minor nonconformity"
    assert "needs notes, action_owner, action_due" in finding.fields["notes"].text
    for editor in items:
        editor.fields["result"].value = "not applicable" if editor.row.key == "A.10.4" else "conforming"
    run = copy_of_demo.register.evidence_list(process="risk-assessment")[0]["run_id"]
    for editor in items:
        editor.fields["evidence"].value = [] if editor.row.key == "A.10.4" else [run]
    assert form.validate() == 0
    items[2].fields["evidence"].value = []
    assert "a conforming result on 9.2.1 needs the evidence that shows it" in items[2].fields["notes"].text
