"""The gap analysis and management review templates on real kernels: the demo's records, and a
second analysis and review submitted from the forms with hostile text."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from workbench.records.documented_information import flags
from workbench.processes.gap_analysis.assessment import plan_frame
from workbench.processes.gap_analysis.form import GapAnalysisForm
from workbench.processes.management_review.assessment import previous_actions
from workbench.processes.management_review.form import ManagementReviewForm
from workbench.workspace import Workspace

from evidence_checks import offline, only, pictures

pytestmark = pytest.mark.kernel

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)>'


def test_demo_gap_analysis_evidence(demo_root):
    html = only(demo_root, "evidence/organisation/gap-analysis/*/evidence.html")
    soup = offline(html)
    text = soup.get_text(" ", strip=True)
    record = json.loads((html.parent / "results.json").read_text())
    results = record["results"]
    assert f"Overall readiness {results['overall']:.1%}" in text and 0.3 < results["overall"] < 0.7
    assert "(2 + 1 + 2 + 2 + 2 + 2 + 2) / 7 = 1.86; 1.86 / 5 = 37.1%" in text  # clause 7 worked out
    assert list(pictures(soup)) == ["Bar chart of readiness by clause", "Bar chart of readiness by Annex A area",
                                    "Timeline of the implementation plan"]
    gaps = results["gaps"]
    assert gaps[0]["item"] == "9.3.3" and gaps[0]["gap"] == 3 and gaps[0]["documented_information"]
    kinds = [g["kind"] for g in gaps]
    assert kinds == sorted(kinds)  # clause requirements before controls
    assert "documented information required" in text and "overdue 5.2 ai-policy Northwind AI policy review was due" in text
    assert [a["id"] for a in results["plan"]] == ["P1", "P3", "P2", "P5", "P6", "P4"]
    assert "This is the first gap analysis" in text
    # the blockers stand apart from the average, and the control the SoA excludes is out of the ranking
    assert [(b["item"], b["maturity"]) for b in results["blockers"]] == [("6.1.4", 1), ("7.2", 1), ("9.3.3", 0)]
    assert re.search(r"3 blocker\(s\) ?: clause requirement\(s\) below maturity 2", text)
    assert "9.3.3 (rated 0)" in text
    assert [e["item"] for e in results["excluded"]] == ["A.10.4"] and "A.10.4" not in [g["item"] for g in gaps]
    blockers = soup.find("h2", string="Blockers").find_parent("div", class_="jp-Cell").get_text(" ", strip=True)
    assert "Controls the SoA excludes" in blockers and "supplies no AI system" in blockers
    row = Workspace(demo_root).register.evidence_list(process="gap-analysis")[0]
    assert row["headline"].startswith("3 blocker(s) (6.1.4, 7.2, 9.3.3); readiness")


def test_demo_plan_and_decisions_are_in_the_register(demo_root):
    ws = Workspace(demo_root)
    plan = plan_frame(ws)
    assert list(plan["action_id"]) == ["P1", "P6", "P2", "P3", "P5", "P4"]  # by due date
    assert set(plan["system_id"]) == {"organisation"}
    decisions = ws.register.rows("review_actions")
    assert sorted(d["action_id"] for d in decisions) == ["MR-1", "MR-2", "MR-3"]


def test_demo_register_of_documented_information_has_one_overdue_entry(demo_root):
    found = [(f.kind, f.key) for f in flags(Workspace(demo_root))]
    assert found == [("missing", "clause-4-4"), ("overdue", "ai-policy")]
    index = offline(demo_root / "evidence" / "index.html")
    documents = index.find("section", attrs={"aria-labelledby": "documents"}).get_text(" ", strip=True)
    assert "Northwind AI policy ai-policy" in documents and "workbench docs" not in documents
    organisation = index.find("section", attrs={"aria-labelledby": "organisation"}).tbody.find_all("tr")
    processes = [tr.td.get_text(strip=True) for tr in organisation]
    assert processes == ["AI policy", "Context of the organisation and AIMS scope", "Gap analysis and implementation plan", "Internal audit", "Management review",
                         "AI objectives and monitoring plan", "Statement of Applicability"]  # titles, not slugs
    links = [tr.find_all("td")[1].a.get_text() for tr in organisation]
    assert all(link.startswith(f"{title}, 20") for link, title in zip(links, processes)), links


def test_demo_management_review_evidence(demo_root):
    html = only(demo_root, "evidence/organisation/management-review/*/evidence.html")
    text = offline(html).get_text(" ", strip=True)
    results = json.loads((html.parent / "results.json").read_text())["results"]
    # the audit's two, the complaint's and the incident's
    assert results["nonconformities"]["total"] == 4 and results["audits"][0]["audit_id"] == "ia-risk-2026"
    assert {m["system_id"]: m["fairness_breaches"] for m in results["monitoring"]}["cv-screening"] > 0
    assert results["readiness"]["overall"] > 0 and results["risk_posture"]["above_appetite"]
    assert "4 nonconformities recorded" in text and "fairness threshold breach(es)" in text
    assert "Incidents and concerns" in text and "inc-0001" in text  # since the previous review (none: all)
    context = {s["name"]: s for s in results["register_sections"]}["context"]  # 9.3.2 b: the first review sees it all
    assert {row[0] for row in context["rows"]} == {"new"} and "Changes in the context of the organisation" in text
    assert "overall readiness" in text and "Residual risks by band" in text
    assert re.search(r"Concluded by David Chen \(david\) ?, top management", text)
    assert "awaiting approval" not in text and "its approval is recorded apart from this file" in text
    assert "MR-1" in text and "Fund a fairness engineer" in text


def test_second_gap_analysis_from_the_form_shows_progress_and_escapes_text(copy_of_demo):
    form = GapAnalysisForm(copy_of_demo, assessor="priya")
    ratings = form.part("ratings")
    assert form.system_id == "organisation" and len(ratings.editors) == 70
    clauses, areas = ratings.sections.children[0].children
    assert len(clauses.children) == 7 and len(areas.children) == 9
    previous = json.loads(only(copy_of_demo.root, "evidence/organisation/gap-analysis/*/results.json").read_text())
    assert f"Started from <code>{previous['run_id']}</code>" in form.origin.value
    started = form.answers()
    assert [(r["item"], r["maturity"]) for r in started["ratings"]] == [
        (r["item"], r["maturity"]) for r in previous["answers"]["ratings"]]
    assert [a["id"] for a in started["actions"]] == [a["id"] for a in previous["answers"]["actions"]]
    ratings.editors["9.3.3"].fields["maturity"].value = 3
    ratings.editors["7.2"].fields["notes"].value = HOSTILE
    ratings.editors["7.2"].fields["maturity"].value = 3
    action = form.part("actions").add()
    action.fields["item"].value = "A.8.3"
    action.fields["action"].value = HOSTILE
    action.fields["owner"].value = "lena"
    action.fields["start_date"].widget.value = date.today()
    action.fields["due_date"].widget.value = date.today() - timedelta(days=1)
    assert "is before start_date" in action.fields["due_date"].problem
    assert form.submit() is None and "Not submitted" in form.outcome.value
    action.fields["due_date"].widget.value = date.today() + timedelta(days=30)
    evidence = form.submit()
    assert evidence is not None, form.outcome.value
    html = evidence.html.read_text()
    text = offline(evidence.html).get_text(" ", strip=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Progress since the previous gap analysis" in text and previous["run_id"] in text
    results = json.loads(evidence.results.read_text())["results"]
    nine = next(p for p in results["progress"] if p["group"] == "9")
    assert nine["change"] == pytest.approx(0.1) and results["overall"] > previous["results"]["overall"]
    assert "9.3.3" not in [g["item"] for g in results["gaps"]]
    assert len(plan_frame(copy_of_demo)) == 7


def test_review_form_reports_on_earlier_actions_and_refuses_a_non_manager(copy_of_demo):
    refused = ManagementReviewForm(copy_of_demo, assessor="priya")
    assert refused.header["assessor"].value != "priya"  # priya does not hold top_management: not offered
    assert [v for _, v in refused.header["assessor"].widget.options] == [None, "david"]
    form = ManagementReviewForm(copy_of_demo, assessor="david")
    earlier = form.part("previous_actions").editors
    assert list(earlier) == ["MR-1", "MR-2", "MR-3"]
    assert "Started from <code>mr-" in form.origin.value
    assert form.part("objectives").editors and form.answers()["previous_actions"] == []
    form.part("context_changes").value = HOSTILE
    form.part("conclusion").value = "Suitable and adequate."
    earlier["MR-3"].fields["status"].value = "done"
    objective = form.part("objectives").add()
    objective.fields["objective"].value = "Stage 1 audit in 2027-Q2"
    objective.fields["status"].value = "on track"
    [decision] = form.part("decisions").editors  # the earlier review's decisions are not carried over
    assert decision.fields["id"].value == "MR-4"
    decision.fields["kind"].value = "resources"
    decision.fields["decision"].value = "Budget for the certification body."
    decision.fields["owner"].value = "david"
    decision.fields["due_date"].widget.value = date.today() + timedelta(days=90)
    assert form.validate() == 0
    evidence = form.submit()
    assert evidence is not None, form.outcome.value
    html = evidence.html.read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    offline(evidence.html)
    status = {a["id"]: (a["status"], a["reported_in"]) for a in previous_actions(copy_of_demo, date.today())}
    assert status["MR-3"] == ("done", evidence.run_id) and status["MR-1"][0] == "open" and "MR-4" in status
