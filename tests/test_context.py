"""The context of the organisation (ISO/IEC 42001 4.1, 4.2, 4.3): each rule's refusal naming the field and
its accepted case, real-kernel runs whose evidence flags what the record leaves open and shows hostile text
as text, the AI roles other processes read, and the gap analysis citing the record for 4.1 to 4.3 or
flagging ratings with nothing behind them."""

from __future__ import annotations

import copy
import json
import sqlite3
from datetime import date, timedelta

import pytest

from keys import KEYS, nothing_archived
from workbench.demo import ANSWERS as RISK_ANSWERS, SYSTEMS, demo_configuration
from workbench.demo.certification import gap_answers
from workbench.demo.context import ANSWERS
from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.pipeline.run import run_process
from workbench.processes import get_process
from workbench.processes.context import ai_roles
from workbench.processes.context.assessment import (ContextAnswers, headline, portfolio_flags, register_rows,
                                                    review_section)
from workbench.processes.context.form import ContextForm
from workbench.validate import model_from
from workbench.workspace import Workspace, init_workspace

TODAY = date.today()
ASSESSED = TODAY - timedelta(days=60)  # the risk assessments the context record names
RECORDED = TODAY - timedelta(days=30)  # the context record


def answers() -> dict:
    return copy.deepcopy(ANSWERS)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> Workspace:
    """A workspace with the demo people and systems and a risk assessment of each system, 60 days ago."""
    ws = init_workspace(tmp_path_factory.mktemp("context") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    for system_id, risks in RISK_ANSWERS.items():
        run_process(ws, "risk-assessment", system_id, copy.deepcopy(risks), effective_date=ASSESSED.isoformat(),
                    assessor="tomas" if system_id == "cv-screening" else "amara")
    return ws


@pytest.fixture(scope="module")
def recorded(assessed):
    """The demo's context record, run on a real kernel in ``assessed``: (evidence, its results)."""
    evidence = run_process(assessed, "context", "", answers(), assessor="priya", effective_date=RECORDED.isoformat())
    return evidence, json.loads(evidence.results.read_text(encoding="utf-8"))["results"]


# Each rule: the refusal names the field, the value and what is allowed.

def _requirement(data: dict, index: int, **changes) -> None:
    data["requirements"][index].update(changes)


@pytest.mark.parametrize("change, field, message", [
    (lambda d: _requirement(d, 0, how=""), "requirements[0]", "how: a requirement the AIMS addresses says how"),
    (lambda d: _requirement(d, 7, reason=""), "requirements[7]", "reason: a requirement the AIMS does not address says why"),
    (lambda d: _requirement(d, 7, addressed_by=["A.8.2"]), "requirements[7]",
     "addressed_by: a requirement the AIMS does not address names nothing that addresses it (got A.8.2)"),
    (lambda d: _requirement(d, 0, party="the-press"), "(answers)",
     "requirements[0].party: unknown interested party 'the-press'; allowed: lending-regulator, market-surveillance"),
    (lambda d: d["scope"]["systems"][0].update(roles=["provider", "seller"]), "scope.systems[0].roles[1]",
     "'provider', 'deployer', 'developer', 'user', 'importer' or 'distributor'"),
    (lambda d: d["scope"]["systems"][1].update(roles=[]), "scope.systems[1].roles", "must have at least 1 item(s)"),
    (lambda d: d["scope"]["systems"][1].update(roles=["deployer", "deployer"]), "scope.systems[1].roles",
     "names the role deployer more than once"),
    (lambda d: d["scope"]["systems"][2].update(system="fraud-detector"), "scope.systems[2].system",
     "is not a registered AI system; registered: credit-scoring, cv-screening, support-assistant (got 'fraud-detector')"),
    (lambda d: d["scope"]["systems"][2].update(in_scope=False), "scope.systems[2]",
     "reason: support-assistant is out of the AIMS scope; say why"),
    (lambda d: d["scope"]["systems"].append(dict(d["scope"]["systems"][0])), "(answers)",
     "scope.systems: each is named once; repeated: credit-scoring"),
    (lambda d: d["issues"].append(dict(d["issues"][0])), "(answers)", "issues: each is named once; repeated: E1"),
    (lambda d: d["issues"][0].update(kind="global"), "issues[0].kind", "'internal' or 'external'"),
    (lambda d: d["issues"][0].update(addressed_by=["A.99.1"]), "issues[0].addressed_by",
     "'A.99.1' is not an Annex A control (A.8.3), an installed process (impact-assessment) or a risk"),
    (lambda d: d["issues"][0].update(addressed_by=["monitoring", "monitoring"]), "issues[0].addressed_by",
     "names monitoring more than once"),
    (lambda d: d["climate_change"].update(reason=""), "climate_change.reason", "must not be empty"),
    (lambda d: d["scope"].update(boundaries=""), "scope.boundaries", "must not be empty"),
    (lambda d: d["parties"][0].update(id="Lending Regulator"), "parties[0].id", "safe slug"),
    (lambda d: d.update(parties=[]), "parties", "must have at least 1 item(s)"),
    (lambda d: d["scope"].update(colour="red"), "scope.colour", "is not a known field"),
])
def test_a_rule_broken_is_refused_naming_the_field(workspace, change, field, message):
    data = answers()
    change(data)
    with pytest.raises(InputError) as err:
        model_from(ContextAnswers, data, workspace.validation_context())
    text = str(err.value)
    assert f"{field}: " in text and message in text, text


def test_the_demo_answers_pass_every_rule(workspace):
    found = model_from(ContextAnswers, answers(), workspace.validation_context())
    assert [s.system for s in found.scope.systems] == ["credit-scoring", "cv-screening", "support-assistant"]
    assert found.requirements[7].addressed is False and found.requirements[7].reason
    assert found.scope.systems[0].roles == ["developer", "provider", "deployer"]


def test_a_system_out_of_scope_with_its_reason_and_a_requirement_refused_with_its_reason_pass(workspace):
    data = answers()
    data["scope"]["systems"][2].update(in_scope=False, roles=["deployer", "user"],
                                       reason="Operated by the group's shared service centre, under its own AIMS.")
    data["requirements"][0].update(addressed=False, how="", addressed_by=[], reason="Outside the AIMS: the "
                                   "model risk policy answers it.")
    found = model_from(ContextAnswers, data, workspace.validation_context())
    assert (found.scope.systems[2].in_scope, found.scope.systems[2].roles) == (False, ["deployer", "user"])


def test_a_risk_named_before_any_risk_assessment_is_refused_and_nothing_archived(workspace):
    with pytest.raises(InputError) as err:
        run_process(workspace, "context", "", answers(), assessor="priya", effective_date=RECORDED.isoformat())
    assert ("issues[0].addressed_by[2]: cv-screening has no risk assessment effective on or before "
            f"{RECORDED.isoformat()}") in str(err.value)
    assert nothing_archived(workspace)


@pytest.mark.parametrize("ref, message", [
    ("credit-scoring/R9", "is not a risk of credit-scoring's risk assessment ra-"),
    ("fraud-detector/R1", "names 'fraud-detector', not a registered AI system; registered: credit-scoring, "
                          "cv-screening, support-assistant"),
])
def test_a_risk_that_is_not_in_its_systems_risk_assessment_is_refused(assessed, ref, message):
    data = answers()
    data["requirements"][2]["addressed_by"] = [ref]
    with pytest.raises(InputError) as err:
        build_request(assessed, "context", "", data, assessor="priya", effective_date=RECORDED.isoformat())
    text = str(err.value)
    assert f"requirements[2].addressed_by[0]: {message}" in text and f"(got '{ref}')" in text, text
    if ref.startswith("credit-scoring"):
        assert "its risks: R1, R2, R3, R4" in text


def test_a_risk_assessment_dated_after_the_record_does_not_count(assessed):
    before = (ASSESSED - timedelta(days=1)).isoformat()
    with pytest.raises(InputError, match=r"issues\[0\]\.addressed_by\[2\]: cv-screening has no risk assessment "
                                         f"effective on or before {before}"):
        build_request(assessed, "context", "", answers(), assessor="priya", effective_date=before)


def test_only_an_aims_manager_records_the_context(assessed):
    with pytest.raises(InputError, match="assessor: .*does not hold the aims_manager role; people who do: priya"):
        build_request(assessed, "context", "", answers(), assessor="tomas", effective_date=RECORDED.isoformat())


# A real-kernel run: the evidence, the register, the roles, the flags.

def test_the_record_resolves_what_addresses_each_issue_and_flags_the_issue_nothing_addresses(recorded, assessed):
    evidence, results = recorded
    issues = {i["id"]: i for i in results["issues"]}
    risk = issues["E2"]["addressed_by"][0]
    assert (risk["kind"], risk["label"]) == ("risk", "credit-scoring R3: Performance drift after rate changes")
    assert risk["run_id"] == assessed.register.evidence_list(system_id="credit-scoring")[0]["run_id"]
    assert [r["kind"] for r in issues["E3"]["addressed_by"]] == ["risk", "control"]
    assert issues["I1"]["addressed_by"][0] == {"ref": "soa", "kind": "process", "label": "Statement of Applicability",
                                               "run_id": "", "path": ""}
    assert results["flags"] == [{"clause": "4.1", "subject": "I2",
                                 "message": "internal issue I2 has no risk, process or control addressing it"}]
    assert [s["decision"] for s in results["systems"]] == ["in scope"] * 3
    record = assessed.register.evidence_list(process="context")[0]
    assert record["headline"] == headline(results) == (
        "1 flag(s); 3 system(s) in scope, 0 out; 5 issue(s); 7 of 8 party requirement(s) addressed")
    html = evidence.html.read_text(encoding="utf-8")
    assert "internal issue I2 has no risk, process or control addressing it" in html
    assert f'href="../../../{risk["path"]}/evidence.html"' in html
    assert "The scoring model's code and weights published." in html and "not addressed: " in html


def test_the_register_holds_issues_requirements_and_scope(recorded, assessed):
    evidence, results = recorded
    rows = {name: assessed.register.rows(name, run_id=evidence.run_id)
            for name in ("context_issues", "context_requirements", "context_scope")}
    assert sorted(r["issue_id"] for r in rows["context_issues"]) == ["E1", "E2", "E3", "I1", "I2"]
    q8 = next(r for r in rows["context_requirements"] if r["requirement_id"] == "Q8")
    assert (q8["party_id"], q8["addressed"], q8["addressed_by"]) == ("loan-applicants", False, [])
    scope = {r["ai_system_id"]: r for r in rows["context_scope"]}
    assert scope["credit-scoring"]["roles"] == ["developer", "provider", "deployer"]
    assert all(r["system_id"] == "organisation" and r["in_scope"] for r in rows["context_scope"])
    assert register_rows(results)["context_scope"] == [{k: v for k, v in r.items() if k not in ("run_id", "system_id")}
                                                       for r in sorted(rows["context_scope"],
                                                                       key=lambda r: r["ai_system_id"])]


def test_ai_roles_reads_the_latest_context_record(recorded, assessed, workspace):
    assert ai_roles(workspace) == {}
    assert ai_roles(assessed) == {"credit-scoring": ["developer", "provider", "deployer"],
                                  "cv-screening": ["deployer"], "support-assistant": ["deployer"]}


def test_a_registered_system_left_out_is_flagged_and_hostile_text_stays_text(recorded, assessed):
    data = answers()
    data["scope"]["systems"] = data["scope"]["systems"][:2]
    data["issues"][0]["description"] = "<script>alert(1)</script>"
    data["parties"][0]["name"] = "<img src=x onerror=alert(1)>"
    data["requirements"][7]["reason"] = "</td><b>bold</b>"
    data["scope"]["statement"] = "<iframe src='https://example.org'></iframe>"
    evidence = run_process(assessed, "context", "", data, assessor="priya", effective_date=TODAY.isoformat())
    results = json.loads(evidence.results.read_text(encoding="utf-8"))["results"]
    flag = {"clause": "4.3", "subject": "support-assistant",
            "message": "registered AI system support-assistant is neither in nor out of the AIMS scope"}
    assert flag in results["flags"]
    assert results["systems"][2]["decision"] == "not decided"
    html = evidence.html.read_text(encoding="utf-8")
    assert flag["message"] in html and '<strong class="alert">not decided</strong>' in html
    for hostile in ("<script>alert(", "<img src=x", "<b>bold</b>", "<iframe"):
        assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # the latest record is the one other processes read: the system left out has no role now
    assert ai_roles(assessed) == {"credit-scoring": ["developer", "provider", "deployer"], "cv-screening": ["deployer"]}
    assert [(f.kind, f.key, f.clause) for f in portfolio_flags(assessed)] == [
        ("context", "I2", "4.1"), ("context", "support-assistant", "4.3")]


# the management review's input (9.3.2 b): what changed in the context since the previous review

def test_the_management_review_sees_every_entry_of_a_first_context_record_then_no_change(recorded, assessed):
    from workbench.processes.management_review.assessment import register_sections

    _, results = recorded
    on = RECORDED + timedelta(days=1)  # before any later record of the module's workspace
    first = {s["name"]: s for s in register_sections(assessed, None, on)}["context"]
    assert first["clause"] == "9.3.2 b" and {row[0] for row in first["rows"]} == {"new"}
    assert [row[1] for row in first["rows"]] == [f"{i['kind']} issue {i['id']}" for i in results["issues"]] + [
        "scope: credit-scoring", "scope: cv-screening", "scope: support-assistant"]
    same = review_section(assessed, on, on + timedelta(days=1))
    assert same["rows"] == [] and "was in force at the previous review: no change" in same["note"]


def _archived_context(workspace, run_id: str, effective: date, results: dict) -> None:
    """A context record as the pipeline leaves it, without a kernel: its results.json and evidence row."""
    from datetime import datetime, timezone

    path = f"organisation/context/{run_id}"
    (workspace.evidence_dir / path).mkdir(parents=True)
    (workspace.evidence_dir / path / "results.json").write_text(json.dumps({"run_id": run_id, "results": results}))
    workspace.register.record_evidence({
        "run_id": run_id, "process": "context", "system_id": "organisation", "period": "2026", "effective_date": effective,
        "assessor": "priya", "status": "submitted", "recorded_at": datetime.combine(effective, datetime.min.time(),
                                                                                    timezone.utc),
        "path": path, "answers_sha256": "0" * 64, "workbench_version": "test"})


def test_the_management_review_sees_issues_and_scope_changed_since_the_previous_review(recorded, workspace):
    _, results = recorded
    assert review_section(workspace, None, TODAY)["rows"] == []  # no record: the review is told so
    assert "No context record" in review_section(workspace, None, TODAY)["note"]
    _archived_context(workspace, "ctx-1", TODAY - timedelta(days=200), results)
    later = copy.deepcopy(results)
    later["issues"] = [dict(i, effect="<b>a new regulator</b>") if i["id"] == "E1" else i
                       for i in later["issues"] if i["id"] != "I2"]
    later["issues"].append(dict(results["issues"][0], id="E9", description="An AI Act delegated act"))
    later["systems"] = [dict(d, decision="out of scope") if d["system_id"] == "cv-screening" else d
                        for d in later["systems"]]
    _archived_context(workspace, "ctx-2", TODAY - timedelta(days=10), later)
    section = review_section(workspace, TODAY - timedelta(days=100), TODAY)
    changes = {(row[0], row[1]) for row in section["rows"]}
    assert changes == {("changed", "external issue E1"), ("new", "external issue E9"),
                       ("no longer listed", "internal issue I2"), ("changed", "scope: cv-screening")}
    assert section["note"] == "The context record ctx-2 against ctx-1, in force at the previous review."
    [e1] = [row for row in section["rows"] if row[1] == "external issue E1"]
    assert e1[2].endswith("(effect: <b>a new regulator</b>)")  # text: the report escapes it like every cell


def test_the_form_has_one_scope_entry_per_registered_system(workspace):
    form = ContextForm(workspace, assessor="priya")
    systems = form.part("scope").fields["systems"]
    assert list(systems.editors) == ["credit-scoring", "cv-screening", "support-assistant"]
    assert form.answers()["scope"].get("systems", []) == []  # an untouched entry is no decision
    entry = systems.editors["cv-screening"]
    entry.fields["roles"].value = ["deployer", "user"]
    assert entry.value == {"system": "cv-screening", "in_scope": False, "roles": ["deployer", "user"]}
    entry.fields["reason"].value = "Run by the group's HR service centre under its own AIMS."
    entry.fields["in_scope"].value = True
    assert form.answers()["scope"]["systems"] == [{"system": "cv-screening", "in_scope": True,
                                                   "roles": ["deployer", "user"]}]


def test_the_form_opens_with_the_latest_record_and_its_answers_pass(recorded, assessed):
    form = ContextForm(assessed, assessor="priya")
    latest = assessed.register.evidence_list(process="context")[0]["run_id"]
    assert f"Started from <code>{latest}" in form.origin.value
    assert form.validate() == 0 and len(form.answers()["requirements"]) == 8


# The gap analysis cites the context record for 4.1 to 4.3, or flags the ratings nothing supports.

def test_without_a_context_record_the_gap_analysis_flags_4_1_to_4_3(workspace):
    data = gap_answers(workspace.content, TODAY, {})
    evidence = run_process(workspace, "gap-analysis", "", data, assessor="priya")
    results = json.loads(evidence.results.read_text(encoding="utf-8"))["results"]
    assert results["context"] is None
    assert [(u["item"], u["maturity"]) for u in results["unsupported"]] == [("4.1", 3), ("4.2", 3), ("4.3", 3)]
    assert "4.1, 4.2, 4.3 rated with no context record" in workspace.register.evidence_list(
        process="gap-analysis")[0]["headline"]
    html = evidence.html.read_text(encoding="utf-8")
    assert "no context record of the organisation (4.1 to 4.3) is archived on or before this analysis" in html
    assert html.count("unsupported: no context record") == 3


def test_a_gap_analysis_rating_4_1_to_4_3_not_started_needs_no_context_record(workspace):
    data = gap_answers(workspace.content, TODAY, {})
    for rating in data["ratings"]:
        if rating["item"] in ("4.1", "4.2", "4.3"):
            rating["maturity"] = 0
    request = build_request(workspace, "gap-analysis", "", data, assessor="priya")
    results = get_process("gap-analysis").results(request, workspace)
    assert (results.context, results.unsupported) == (None, [])


def test_the_gap_analysis_cites_the_context_record_on_its_date(recorded, assessed):
    evidence, _results = recorded
    # dated before the context record: the record did not exist then
    early = build_request(assessed, "gap-analysis", "", gap_answers(assessed.content, TODAY, {}), assessor="priya",
                          effective_date=(RECORDED - timedelta(days=1)).isoformat())
    assert [u.item for u in get_process("gap-analysis").results(early, assessed).unsupported] == ["4.1", "4.2", "4.3"]
    # on its date: the latest context record then, the first one, with its flag
    gap = run_process(assessed, "gap-analysis", "", gap_answers(assessed.content, TODAY, {}), assessor="priya",
                      effective_date=RECORDED.isoformat())
    results = json.loads(gap.results.read_text(encoding="utf-8"))["results"]
    assert results["unsupported"] == [] and results["context"]["run_id"] == evidence.run_id
    assert results["context"]["flags"] == ["4.1 I2: internal issue I2 has no risk, process or control addressing it"]
    for item in ("4.1", "4.2", "4.3"):
        assert [e["run_id"] for e in results["evidence"][item]] == [evidence.run_id]
    html = gap.html.read_text(encoding="utf-8")
    assert (f'4.1 to 4.3 cite the context record <a href="../../../organisation/context/{evidence.run_id}/'
            f'evidence.html">{evidence.run_id}</a> of {RECORDED.isoformat()}') in html
    assert "unsupported: no context record" not in html


# The demo: the record before the gap analysis, in the register of documented information.

def test_the_demo_records_the_context_and_its_gap_analysis_cites_it(demo_root):
    ws = Workspace(demo_root)
    [record] = ws.register.evidence_list(process="context")
    results = json.loads((ws.evidence_dir / record["path"] / "results.json").read_text(encoding="utf-8"))["results"]
    assert [f["subject"] for f in results["flags"]] == ["I2"]
    assert ai_roles(ws)["credit-scoring"] == ["developer", "provider", "deployer"]
    [gap] = ws.register.evidence_list(process="gap-analysis")
    cited = json.loads((ws.evidence_dir / gap["path"] / "results.json").read_text(encoding="utf-8"))["results"]
    assert cited["context"]["run_id"] == record["run_id"] and cited["unsupported"] == []
    scope = max(ws.register.rows("documented_information", doc_id="aims-scope"), key=lambda r: r["seq"])
    assert (scope["location"], scope["version"], scope["requirement"]) == (record["run_id"], "2", "aims-scope")


# A register of the schema before the context tables is refused, then upgraded.

def test_a_register_without_the_context_tables_is_upgraded(workspace):
    from workbench.migrations import SchemaError, upgrade_register

    workspace.register.close()
    path = workspace.root / "register.db"
    with sqlite3.connect(path) as db:  # as the previous version made it
        for name in ("context_issues", "context_requirements", "context_scope"):
            db.execute(f"DROP TABLE {name}")
        db.execute("UPDATE alembic_version SET version_num = '0001'")
    with pytest.raises(SchemaError, match="schema 0001 is older than 0002.*workbench db upgrade"):
        Workspace(workspace.root).register
    assert upgrade_register(workspace.register_url) == ("0001", "0002")
    reopened = Workspace(workspace.root)
    assert reopened.register.rows("context_scope") == [] and ai_roles(reopened) == {}
    assert upgrade_register(workspace.register_url) == ("0002", "0002")
