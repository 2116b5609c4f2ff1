"""Suppliers and customers (A.10.2 to A.10.4): the supplier register and the customer records with
their refusals, the supplier assessment's rating worked out by hand, its refusals before anything
runs, a real-kernel run with hostile text, and the SoA exclusions the register contradicts."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.demo.suppliers import CUSTOMERS, assessments, suppliers as demo_suppliers
from workbench.exceptions import InputError
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.request import build_request
from workbench.processes.soa.consistency import contradictions
from workbench.processes.supplier_assessment.assessment import QUESTIONS, SupplierAssessmentAnswers, assess
from workbench.processes.supplier_assessment.customers import customer_records, set_customer_facing
from workbench.processes.supplier_assessment.flags import supplier_flags
from workbench.processes.supplier_assessment.suppliers import add_supplier, import_suppliers, suppliers
from workbench.scheduling.cadence import review_states
from workbench.validate import model_from

DAY = date(2026, 9, 1)
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)>'


def entry(system_id: str = "support-assistant", supplier_id: str = "llm-provider", **changes) -> dict:
    found = next(e for e in demo_suppliers(DAY)[system_id] if e["id"] == supplier_id)
    return {**copy.deepcopy(found), **changes}


def answers(supplier_id: str = "llm-provider", **changes) -> dict:
    return {**copy.deepcopy(assessments(DAY)[supplier_id][1]), **changes}


def ledger_length(workspace) -> int:
    return len((workspace.evidence_dir / "ledger.jsonl").read_text().splitlines())


# the supplier register


def test_a_supplier_is_an_item_with_versions_listed_by_the_cli(workspace):
    first = add_supplier(workspace, "support-assistant", entry(), person="priya")
    assert (first["seq"], first["supplies"], first["owner"]) == (1, ["model", "service"], "lena")
    assert [(i.id, i.kind) for i in workspace.register.items("support-assistant")] == [("llm-provider", "supplier")]
    second = add_supplier(workspace, "support-assistant", entry(contract="Enterprise API terms v2"), person="lena")
    assert second["seq"] == 2 and [s["contract"] for s in suppliers(workspace)] == ["Enterprise API terms v2"]
    assert len(workspace.register.rows("suppliers")) == 2  # every version kept
    listed = CliRunner().invoke(main, ["supplier", "list", "-w", str(workspace.root), "--json"])
    assert listed.exit_code == 0 and [r["seq"] for r in json.loads(listed.output)] == [2]


@pytest.mark.parametrize("changes, field, message", [
    ({"supplies": ["model", "weights"]}, "supplies[1]", "'data', 'model', 'service' or 'tooling'"),
    ({"supplies": []}, "supplies", "at least 1 item"),
    ({"supplies": ["model", "model"]}, "(answers)", "supplies: lists model more than once"),
    ({"responsibilities": []}, "responsibilities", "at least 1 item"),
    ({"responsibilities": [{"duty": "Monitoring", "party": "supplier"}, {"duty": "monitoring", "party": "shared"}]},
     "(answers)", "the duty 'monitoring' is allocated more than once"),
    ({"responsibilities": [{"duty": "Monitoring", "party": "partner"}]}, "responsibilities[0].party", "'organisation'"),
    ({"obligations": []}, "obligations", "at least 1 item"),
    ({"contract": ""}, "contract", "must not be empty"),
    ({"owner": "mallory"}, "owner", "unknown person"),
    ({"contract_ends": "soon"}, "contract_ends", "YYYY-MM-DD"),
    ({"id": "../llm"}, "id", "slug"),
])
def test_a_bad_entry_names_the_field_and_records_nothing(workspace, changes, field, message):
    before = ledger_length(workspace)
    with pytest.raises(InputError) as caught:
        add_supplier(workspace, "support-assistant", entry(**changes), person="priya")
    problem = caught.value.problems[0]
    assert field in problem.field and message in problem.message, (problem.field, problem.message)
    assert ledger_length(workspace) == before and workspace.register.rows("suppliers") == []


def test_a_supplier_id_another_item_holds_is_refused_and_only_a_registrar_registers(workspace):
    workspace.add_item("support-assistant", {"id": "llm-provider", "kind": "model", "name": "The model"},
                       person="priya")
    with pytest.raises(InputError, match="is already a model of support-assistant"):
        add_supplier(workspace, "support-assistant", entry(), person="priya")
    with pytest.raises(InputError, match="only an AIMS manager or a system owner"):
        add_supplier(workspace, "credit-scoring", entry("credit-scoring", "cloud-ml"), person="tomas")
    assert workspace.register.rows("suppliers") == []


def test_import_from_csv_checks_every_row_first(workspace, tmp_path):
    source = tmp_path / "suppliers.csv"
    header = "id,name,supplies,description,owner,contract,responsibilities,obligations\n"
    source.write_text(header + "bureau,Bureau,data,Credit records,tomas,DSA-1,supplier: accuracy; organisation: "
                      "quality checks,DSA 6.2: correct disputed records\n"
                      "ml,ML platform,service; tooling,Training,lena,CSA-2,shared: security,CSA 11: notify incidents\n")
    rows = import_suppliers(workspace, "credit-scoring", source, person="priya")
    assert [(r["supplier_id"], r["supplies"]) for r in rows] == [("bureau", ["data"]), ("ml", ["service", "tooling"])]
    assert rows[0]["responsibilities"] == [{"duty": "accuracy", "party": "supplier"},
                                           {"duty": "quality checks", "party": "organisation"}]
    assert rows[0]["obligations"] == [{"obligation": "correct disputed records", "clause": "DSA 6.2"}]
    # a bad second row: the good first one is not registered either
    source.write_text(header + "a,A,data,x,tomas,C,supplier: y,C1: z\nb,B,data,x,nobody,C,supplier: y,C1: z\n")
    with pytest.raises(InputError) as caught:
        import_suppliers(workspace, "cv-screening", source, person="priya")
    assert caught.value.problems[0].field == "owner" and "suppliers[1]" in str(caught.value)
    source.write_text(header + "a,A,data,x,tomas,C,supplier accuracy,C1: z\n")
    with pytest.raises(InputError, match="'party: duty'"):
        import_suppliers(workspace, "cv-screening", source, person="priya")
    # an id another item of the system holds, in the second row: nothing is registered
    workspace.add_item("cv-screening", {"id": "b", "kind": "dataset", "name": "B"}, person="priya")
    source.write_text(header + "a,A,data,x,tomas,C,supplier: y,C1: z\nb,B,data,x,tomas,C,supplier: y,C1: z\n")
    with pytest.raises(InputError) as caught:
        import_suppliers(workspace, "cv-screening", source, person="priya")
    assert (caught.value.problems[0].field, caught.value.problems[0].message) == (
        "suppliers[1].id", "is already a dataset of cv-screening; choose another id")
    assert suppliers(workspace, "cv-screening") == []


def test_the_cli_registers_from_a_file_and_refuses_a_bad_one_naming_the_field(workspace, tmp_path):
    import yaml

    path = tmp_path / "llm.yaml"
    path.write_text(yaml.safe_dump(entry()))
    added = CliRunner().invoke(main, ["supplier", "add", "--system", "support-assistant", "--file", str(path),
                                      "--as", "priya", "-w", str(workspace.root)])
    assert added.exit_code == 0 and "registered supplier llm-provider of support-assistant, version 1" in added.output
    path.write_text(yaml.safe_dump(entry(supplies=["weights"])))
    refused = CliRunner().invoke(main, ["supplier", "add", "--system", "support-assistant", "--file", str(path),
                                        "--as", "priya", "-w", str(workspace.root)])
    assert refused.exit_code != 0 and "supplies[0]" in refused.output + refused.stderr
    assert "'weights'" in refused.output + refused.stderr
    listed = CliRunner().invoke(main, ["supplier", "list", "-w", str(workspace.root)])
    assert listed.output.split() == ["support-assistant", "llm-provider", "v1", "model,service", "Parlance", "AI"]


# customer obligations (A.10.4)


@pytest.mark.parametrize("record, message", [
    ({"customer_facing": True, "customers": "Retail customers"}, "obligations: a customer-facing system lists"),
    ({"customer_facing": True, "obligations": CUSTOMERS["support-assistant"]["obligations"]},
     "customers: a customer-facing system says who"),
    ({"customer_facing": False, "rationale": "internal",
      "obligations": CUSTOMERS["support-assistant"]["obligations"]}, "owes customers nothing"),
    ({"customer_facing": False}, "rationale: say why"),
    ({**CUSTOMERS["support-assistant"], "obligations": [{"obligation": "x", "source": "rumour", "how_met": "y"}]},
     "'contract', 'law'"),
])
def test_a_customer_record_that_contradicts_itself_is_refused(workspace, record, message):
    with pytest.raises(InputError, match=message):
        set_customer_facing(workspace, "support-assistant", record, person="priya")
    assert workspace.register.rows("customer_obligations") == []


def test_customer_records_are_versioned_per_system(workspace, tmp_path):
    set_customer_facing(workspace, "support-assistant", CUSTOMERS["cv-screening"], person="priya")
    path = tmp_path / "customers.yaml"
    path.write_text(json.dumps(CUSTOMERS["support-assistant"]))
    out = CliRunner().invoke(main, ["customer", "set", "--system", "support-assistant", "--file", str(path),
                                    "--as", "priya", "-w", str(workspace.root)])
    assert out.exit_code == 0 and "customer-facing, version 2, 3 obligation(s)" in out.output, out.output
    [current] = customer_records(workspace)
    assert (current["seq"], current["customer_facing"]) == (2, True)


# the assessment: the rating by hand, the refusals


@pytest.fixture
def registered(workspace):
    for system_id, entries in demo_suppliers(DAY).items():
        for e in entries:
            add_supplier(workspace, system_id, e, person="priya")
    return workspace


def test_the_rating_is_computed_by_the_rule(registered):
    def rated(supplier_id: str, **changes) -> tuple[str, int, int, list[str]]:
        request = build_request(registered, "supplier-assessment", assessments(DAY)[supplier_id][0],
                                answers(supplier_id, **changes), assessor="amara", item_id=supplier_id,
                                effective_date=DAY.isoformat())
        r = assess(request.answers, registered, request)
        return r.rating, r.score, r.maximum, r.concerns

    # bureau: 7 applicable; ai_policy partly 1, ai_management no 2: 3 of 14 = 21% < 25%, no critical gap: low
    assert rated("credit-bureau")[:3] == ("low", 3, 14)
    # cloud-ml: 6 applicable; change_notice 1, ai_policy 1, ai_management unknown 2: 4 of 12 = 33%: medium
    assert rated("cloud-ml")[:3] == ("medium", 4, 12)
    # llm: data_provenance (critical) unknown: high, whatever the score (6 of 16 = 37.5%)
    rating, score, maximum, concerns = rated("llm-provider")
    assert (rating, score, maximum) == ("high", 6, 16)
    assert len(concerns) == 1 and concerns[0].startswith("approved without conditions although rated high "
                                                         "(data_provenance (critical) is unknown)")
    # the same supplier rejected is no concern; a critical 'partly' alone makes it medium
    assert rated("llm-provider", conclusion="reject")[3] == []
    shown = {"answer": "yes", "evidence": ["terms"]}
    all_yes = {q: shown for q in QUESTIONS}
    assert rated("llm-provider", **all_yes)[:2] == ("low", 0)
    assert rated("llm-provider", **{**all_yes, "security": {"answer": "partly", "evidence": ["terms"]}})[0] == "medium"
    # half the points possible is high even with every critical question answered yes
    half = {**all_yes, **{q: {"answer": "no"} for q in ("change_notice", "incident_notice", "data_use", "ai_policy")}}
    assert rated("llm-provider", **half)[:3] == ("high", 8, 16)


@pytest.mark.parametrize("changes, field, message", [
    ({"security": {"answer": "yes"}}, "security", "the answer 'yes' needs the evidence that shows it"),
    ({"security": {"answer": "partly", "evidence": ["pentest"]}}, "(answers)",
     "security.evidence: cites 'pentest', which is not among the evidence seen"),
    ({"ai_policy": {"answer": "not applicable"}}, "ai_policy", "note: say why the question does not apply"),
    ({"ai_policy": {"answer": "maybe"}}, "ai_policy.answer", "'yes', 'partly', 'no', 'unknown' or 'not applicable'"),
    ({"conclusion": "approve with conditions"}, "(answers)", "conditions: an approval with conditions states them"),
    ({"conditions": ["Ask again"]}, "(answers)", "given with the conclusion 'approve'"),
    ({"rating": "low"}, "rating", "is not a known field"),
    ({"evidence": [{"id": "terms", "description": "a", "dated": "2025-01-01"}] * 2}, "(answers)",
     "'terms' is used more than once"),
])
def test_unsupported_or_contradictory_answers_are_refused(changes, field, message):
    with pytest.raises(InputError) as caught:
        model_from(SupplierAssessmentAnswers, answers(**changes))
    problem = caught.value.problems[0]
    assert problem.field == field and message in problem.message, (problem.field, problem.message)


def test_the_register_is_checked_before_anything_runs(registered):
    def refused(answers_, item_id="llm-provider", effective_date=DAY.isoformat()):
        with pytest.raises(InputError) as caught:
            build_request(registered, "supplier-assessment", "support-assistant", answers_, assessor="amara",
                          item_id=item_id, effective_date=effective_date)
        return caught.value.problems[0]

    na = {"answer": "not applicable", "note": "we only call an API"}
    problem = refused(answers(model_provenance=na))
    assert problem.field == "model_provenance.answer" and "which supplies model" in problem.message
    problem = refused(answers(), effective_date="2026-08-01")
    assert problem.field == "evidence[1].dated" and "after the assessment's effective date 2026-08-01" in problem.message
    registered.add_item("support-assistant", {"id": "helpdesk", "kind": "supplier", "name": "Helpdesk"},
                        person="priya")
    assert "not in the supplier register of support-assistant" in refused(answers(), item_id="helpdesk").message
    assert registered.register.evidence_list() == []


# for real: a kernel run, the flags, and the SoA exclusions the register contradicts


def soa_answers(content, excluded: dict[str, str], departures: dict[str, list] = None) -> dict:
    """A minimal SoA: every control planned with its own justification, except those ``excluded``."""
    controls = []
    for c in content.controls:
        if c.id in excluded:
            controls.append({"control": c.id, "included": False, "justification": excluded[c.id],
                             "systems": (departures or {}).get(c.id, [])})
        else:
            controls.append({"control": c.id, "included": True, "justification": f"{c.title}: needed for {c.id}.",
                             "owner": "priya", "status": "planned"})
    return {"controls": controls}


def test_exclusions_the_register_contradicts(registered):
    def found(decisions):
        return contradictions(registered, decisions)

    assert found([("A.10.4", False, {})]) == {}  # no customer-facing system yet
    set_customer_facing(registered, "support-assistant", CUSTOMERS["support-assistant"], person="priya")
    set_customer_facing(registered, "cv-screening", CUSTOMERS["cv-screening"], person="priya")
    assert found([("A.10.4", False, {})]) == {"A.10.4": (
        "the register contradicts its exclusion: support-assistant is recorded as customer-facing (customer "
        "obligations, version 1, 3 obligation(s)); include the control for them or correct the register")}
    assert found([("A.10.4", False, {"support-assistant": True})]) == {}  # included where it is needed
    assert found([("A.10.4", True, {"cv-screening": False})]) == {}  # cv-screening faces no customers
    assert "credit-scoring has 2 supplier(s) registered (cloud-ml, credit-bureau)" in found(
        [("A.10.3", False, {})])["A.10.3"]
    assert set(found([("A.10.2", False, {}), ("A.7.4", False, {})])) == {"A.10.2"}  # no dataset registered
    registered.add_item("credit-scoring", {"id": "training", "kind": "dataset", "name": "Training"}, person="priya")
    assert "credit-scoring has 1 dataset(s) registered (training)" in found([("A.7.4", False, {})])["A.7.4"]


@pytest.mark.kernel
def test_a_run_flags_an_approval_the_rating_contradicts_and_escapes_hostile_text(registered):
    from workbench.pipeline.run import run_process

    hostile = answers(rationale=f"Approved {HOSTILE}",
                      data_provenance={"answer": "unknown", "note": f"Asked twice {HOSTILE}"})
    evidence = run_process(registered, "supplier-assessment", "support-assistant", hostile, assessor="amara",
                           item_id="llm-provider", effective_date=DAY.isoformat())
    record = json.loads((evidence.html.parent / "results.json").read_text())
    results = record["results"]
    assert (results["rating"], results["score"], results["conclusion"]) == ("high", 6, "approve")
    page = evidence.html.read_text()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "1 concern(s)" in page and "approved without conditions although rated high" in page
    assert "Allocation of responsibilities (A.10.2)" in page and "Terms 7.4" in page
    [row] = registered.register.rows("supplier_assessments")
    assert (row["item_id"], row["rating"], row["supplier_version"], len(row["concerns"])) == (
        "llm-provider", "high", 1, 1)
    assert registered.register.evidence(evidence.run_id)["headline"] == ("rated high (score 6 of 16); approve; "
                                                                          "1 concern(s)")
    # the portfolio and `supplier check`: the concern, and the two credit-scoring suppliers never assessed
    assert sorted((f["flag"], f["supplier_id"]) for f in supplier_flags(registered)) == [
        ("concern", "llm-provider"), ("unassessed", "cloud-ml"), ("unassessed", "credit-bureau")]
    checked = CliRunner().invoke(main, ["supplier", "check", "-w", str(registered.root)])
    assert checked.exit_code == 1 and "unassessed credit-scoring/cloud-ml" in checked.output
    add_supplier(registered, "cv-screening", entry(id="hostile", name=HOSTILE), person="priya")  # never assessed
    build_index(registered)
    portfolio = (registered.evidence_dir / "index.html").read_text()
    assert "Supplier Parlance AI" in portfolio and "approved without conditions although rated high" in portfolio
    assert "<script>alert(1)</script>" not in portfolio and "Supplier &lt;script&gt;alert(1)&lt;/script&gt;" in portfolio


@pytest.mark.kernel
def test_the_soa_evidence_and_the_portfolio_flag_a_contradicted_exclusion(registered):
    from workbench.pipeline.run import run_process

    set_customer_facing(registered, "support-assistant", CUSTOMERS["support-assistant"], person="priya")
    excluded = {"A.10.4": f"No customer-facing AI {HOSTILE}"}
    evidence = run_process(registered, "soa", "", soa_answers(registered.content, excluded), assessor="priya")
    results = json.loads((evidence.html.parent / "results.json").read_text())["results"]
    assert results["flagged"] == ["A.10.4"]
    page = evidence.html.read_text()
    assert "the register contradicts its exclusion: support-assistant is recorded as customer-facing" in page
    assert "<script>alert(1)</script>" not in page
    build_index(registered)
    portfolio = (registered.evidence_dir / "index.html").read_text()
    assert "SoA exclusion of A.10.4" in portfolio and "contradicted" in portfolio
    # included for the customer-facing system: accepted, and nothing flagged
    departures = {"A.10.4": [{"system": "support-assistant", "included": True,
                              "justification": "The support assistant answers customers in chat."}]}
    again = run_process(registered, "soa", "", soa_answers(registered.content, excluded, departures),
                        assessor="priya")
    assert json.loads((again.html.parent / "results.json").read_text())["results"]["flagged"] == []
    build_index(registered)
    assert "SoA exclusion of A.10.4" not in (registered.evidence_dir / "index.html").read_text()


@pytest.mark.kernel
def test_the_periodic_review_reassesses_each_supplier_and_opens_a_nonconformity_per_concern(registered):
    from workbench.pipeline.run import run_process
    from workbench.scheduling.executor import LocalExecutor
    from workbench.scheduling.review import plan_review, run_review

    first = run_process(registered, "supplier-assessment", "support-assistant", answers(), assessor="amara",
                        item_id="llm-provider", period="2026-Q3", effective_date=DAY.isoformat())
    jobs, known = plan_review(registered, "due", system_id="support-assistant", force=True)
    assert [(j.process, j.item_id) for j in jobs if j.process == "supplier-assessment"] == [
        ("supplier-assessment", "llm-provider")]
    summary = run_review(registered, [j for j in jobs if j.process == "supplier-assessment"], known,
                         LocalExecutor(1), progress=False)
    [outcome] = [o for o in summary.outcomes if o.process == "supplier-assessment"]
    assert outcome.status == "recalculated" and outcome.carried_from == first.run_id
    assert outcome.breaches == [f"supplier Parlance AI: {rated}" for rated in
                                json.loads((first.html.parent / "results.json").read_text())["results"]["concerns"]]
    [nc] = registered.register.rows("nonconformities")
    assert nc["evidence_ref"] == outcome.run_id and nc["system_id"] == "support-assistant"
    # the credit-scoring suppliers never assessed are due at once, each on its own
    states = {(s.item_id, s.status, s.reason) for s in review_states(registered, processes=["supplier-assessment"])
              if s.system_id == "credit-scoring"}
    assert states == {("cloud-ml", "due", "never assessed"), ("credit-bureau", "due", "never assessed")}


def test_a_register_of_schema_0001_is_refused_then_upgraded_and_rebuilt_from_the_ledger(registered):
    import sqlite3

    from workbench.migrations import SchemaError, head, upgrade_register
    from workbench.pipeline.recovery import rebuild
    from workbench.register import Register
    from workbench.workspace import Workspace

    set_customer_facing(registered, "support-assistant", CUSTOMERS["support-assistant"], person="priya")
    path = registered.root / "register.db"
    with sqlite3.connect(path) as db:  # as the version before suppliers made it
        for name in ("suppliers", "customer_obligations", "supplier_assessments"):
            db.execute(f"DROP TABLE {name}")
        db.execute("UPDATE alembic_version SET version_num = '0001'")
    with pytest.raises(SchemaError, match="schema 0001 is older than 0002.*workbench db upgrade"):
        Register(f"sqlite:///{path}")
    assert upgrade_register(f"sqlite:///{path}") == ("0001", head())
    reopened = Workspace(registered.root)
    assert reopened.register.rows("suppliers") == []  # made empty; the ledger still holds every entry
    rebuild(reopened)
    again = Workspace(registered.root)
    assert [s["supplier_id"] for s in suppliers(again)] == ["cloud-ml", "credit-bureau", "llm-provider"]
    assert [r["system_id"] for r in customer_records(again)] == ["support-assistant"]
