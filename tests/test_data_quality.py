"""Data governance: the dataset register (versions, hashes, lineage, refusals) and the data quality
assessment measured in a file, each figure checked against one computed by hand."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from workbench.exceptions import InputError
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.request import build_request
from workbench.processes.data_quality.datasets import add_dataset, datasets, flags, import_datasets, lineage
from workbench.processes.data_quality.quality import QualityChecks, measure

# 5 rows, every figure below worked out by hand in the comments
FRAME = pd.DataFrame({
    "id": [1, 2, 3, 3, 5],  # 3 repeats: unique 4 of 5 pass = 0.8
    "age": [20, 150, None, 30, "x"],  # 4 filled (completeness 0.8); 150 above 100 and "x" no number: 3 of 4 = 0.75
    "sex": ["F", "M", "M", "M", "M"],  # F 1 of 5 = 0.2 against 0.5: ratio 0.4; M 0.8 / 0.5 = 1.6
    "start": [1, 2, 3, 4, 5], "end": [2, 1, 4, 5, 6],  # row 2 has start > end: 4 of 5 = 0.8
    "label": [0, 1, 0, 0, 0],  # rarest label 1: 1 of 5 = 0.2
    "note": ["ok", "mail me a@b.example", "card 4111 1111 1111 1111", "call +44 20 7946 0958", None],
})
CHECKS = {"columns": [{"column": "id", "type": "integer", "unique": True},
                      {"column": "age", "type": "number", "minimum": 18, "maximum": 100, "completeness": 0.9},
                      {"column": "sex", "type": "category", "allowed": ["F", "M"]}],
          "row_checks": [{"left": "start", "operator": "<=", "right": "end"}], "label": "label",
          "representation": [{"attribute": "sex", "reference": {"F": 0.5, "M": 0.5}}],
          "free_of_direct_identifiers": True, "text_columns": ["note"]}


def figures(checks: dict, frame=FRAME) -> dict[tuple[str, str], object]:
    return {(f.measure, f.subject): f for f in measure(frame, QualityChecks.model_validate(checks)).figures}


def test_every_figure_matches_the_hand_computed_one():
    found = figures(CHECKS)
    expected = {("completeness", "age"): (0.8, True, 1), ("completeness", "id"): (1.0, False, 0),
                ("validity: unique", "id"): (0.8, True, 1), ("validity: at most 100", "age"): (0.75, True, 1),
                ("validity: a number", "age"): (0.75, True, 1), ("validity: at least 18", "age"): (1.0, False, 0),
                ("validity", "start <= end"): (0.8, True, 1), ("duplicate rows", "all columns"): (0.0, False, 0),
                ("label balance (share of the rarest label)", "label = 1"): (0.2, False, 0),
                ("representation (share / reference share)", "sex = F"): (0.4, True, 1),
                ("representation (share / reference share)", "sex = M"): (1.6, False, 4)}
    for key, (value, breach, failing) in expected.items():
        assert (found[key].value, found[key].breach, found[key].failing) == (value, breach, failing), key
    assert found[("validity: at most 100", "age")].sample == ["150"]
    assert found[("validity", "start <= end")].sample == ["row 3"]  # the file's line, after its header


def test_direct_identifiers_are_found_masked_and_a_card_needs_a_valid_check_digit():
    found = figures(CHECKS)
    mail, phone, card = (found[(f"direct identifiers: {k}", "note")]
                         for k in ("e-mail address", "phone number", "payment card number"))
    assert (mail.value, phone.value, card.value) == (1, 1, 1) and all(f.breach for f in (mail, phone, card))
    assert "a@b.example" not in mail.sample[0] and mail.sample[0].endswith("le")
    assert "4111" not in card.sample[0]
    invalid = FRAME.assign(note=["card 4111 1111 1111 1112", None, None, None, None])  # fails the Luhn check
    assert figures(CHECKS, invalid)[("direct identifiers: payment card number", "note")].value == 0


def test_duplicates_and_a_clean_frame():
    frame = pd.DataFrame({"a": [1, 1, 2, 3], "b": ["x", "x", "y", "z"]})
    found = figures({"columns": [{"column": "a", "type": "integer"}], "duplicates": 0.2}, frame)
    assert (found[("duplicate rows", "all columns")].value, found[("duplicate rows", "all columns")].breach) == (0.25, True)
    clean = figures({"columns": [{"column": "b", "allowed": ["x", "y", "z"]}], "duplicates": 0.5}, frame)
    assert not any(f.breach for f in clean.values())


def test_reference_shares_must_add_up_and_ranges_make_sense():
    with pytest.raises(ValueError, match="add up to 1"):
        QualityChecks.model_validate({**CHECKS, "representation": [{"attribute": "sex", "reference": {"F": 0.2, "M": 0.2}}]})
    with pytest.raises(ValueError, match="minimum 5 is above maximum 1"):
        QualityChecks.model_validate({"columns": [{"column": "a", "minimum": 5, "maximum": 1}]})


# the register


def entry(**changes) -> dict:
    return {"id": "training", "name": "Training set", "role": "training", "source": "internal",
            "licence": "internal use", "retention": "5 years", "owner": "amara", "location": "data/train.csv",
            **changes}


@pytest.fixture
def data(workspace):
    (workspace.root / "data").mkdir()
    FRAME.to_csv(workspace.root / "data" / "train.csv", index=False)
    return workspace


def ledger_length(workspace) -> int:
    return len((workspace.evidence_dir / "ledger.jsonl").read_text().splitlines())


def test_a_dataset_is_an_item_with_versions_and_its_file_hash_rechecked(data):
    first = add_dataset(data, "credit-scoring", entry(), person="amara")
    assert first["seq"] == 1 and len(first["sha256"]) == 64
    assert [i.kind for i in data.register.items("credit-scoring")] == ["dataset"]
    second = add_dataset(data, "credit-scoring", entry(retention="3 years"), person="amara")
    assert second["seq"] == 2 and [d["retention"] for d in datasets(data)] == ["3 years"]
    assert len(data.register.rows("datasets")) == 2  # every version kept
    assert flags(data) == []
    (data.root / "data" / "train.csv").write_text("id\n1\n")
    assert [f["flag"] for f in flags(data)] == ["changed"]
    build_index(data)
    portfolio = (data.evidence_dir / "index.html").read_text()
    assert "Dataset Training set" in portfolio and "changed since it was registered" in portfolio
    (data.root / "data" / "train.csv").unlink()
    assert [f["flag"] for f in flags(data)] == ["missing"]
    assert data.frame("datasets")["dataset_id"].tolist() == ["training", "training"]


def test_lineage_and_import_from_csv(data, tmp_path):
    (data.root / "data" / "raw.csv").write_text("id\n1\n")
    source = tmp_path / "datasets.csv"
    source.write_text("id,name,role,source,supplier,licence,retention,owner,location,personal_data,legal_basis,"
                      "derived_from\n"
                      "raw,Raw extract,reference,supplier,Bureau Ltd,DSA,7 years,amara,data/raw.csv,income; sex,"
                      "contract,\n"
                      "training,Training,training,internal,,internal,5 years,amara,data/train.csv,,,raw\n")
    rows = import_datasets(data, "credit-scoring", source, person="amara")
    assert [r["dataset_id"] for r in rows] == ["raw", "training"]
    assert rows[0]["personal_data"] == ["income", "sex"] and rows[1]["derived_from"] == ["raw"]
    assert [d["dataset_id"] for d in lineage(data, "credit-scoring", "training")] == ["raw", "training"]


@pytest.mark.parametrize("changes, field, message", [
    ({"location": "../outside.csv"}, "location", "must stay inside the workspace"),
    ({"location": "/etc/passwd"}, "location", "relative to the workspace"),
    ({"location": "data/none.csv"}, "location", "no such file"),
    ({"location": "s3://bucket/train.csv"}, "(answers)", "checksum: an external location needs"),
    ({"source": "supplier"}, "(answers)", "supplier: a supplier dataset names who supplied it"),
    ({"personal_data": ["income"]}, "(answers)", "legal_basis: a dataset holding personal data"),
    ({"derived_from": ["raw"]}, "derived_from[0]", "is not a dataset of credit-scoring"),
    ({"role": "gold"}, "role", "training"),
    ({"owner": "mallory"}, "owner", "unknown person"),
    ({"checksum": "abc", "location": "s3://b/x"}, "checksum", "64 hexadecimal"),
])
def test_bad_entries_name_the_field_and_record_nothing(data, changes, field, message):
    before = ledger_length(data)
    with pytest.raises(InputError) as caught:
        add_dataset(data, "credit-scoring", entry(**changes), person="amara")
    problem = caught.value.problems[0]
    assert field in problem.field and message in problem.message, (problem.field, problem.message)
    assert ledger_length(data) == before and data.register.rows("datasets") == []


def test_a_link_out_of_the_workspace_is_refused(data, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("id\n1\n")
    os.symlink(outside, data.root / "data" / "link.csv")
    with pytest.raises(InputError, match="must stay inside the workspace"):
        add_dataset(data, "credit-scoring", entry(location="data/link.csv"), person="amara")


def test_only_an_aims_manager_or_system_owner_registers_a_dataset(data):
    with pytest.raises(InputError, match="only an AIMS manager or a system owner"):
        add_dataset(data, "credit-scoring", entry(), person="tomas")


# the process, before anything runs and for real


@pytest.fixture
def registered(data):
    add_dataset(data, "credit-scoring", entry(), person="amara")
    return data


@pytest.mark.parametrize("answers, field, message", [
    ({"columns": [{"column": "income"}]}, "columns[0].column", "is not a column of data/train.csv"),
    ({**CHECKS, "label": "outcome"}, "label", "is not a column"),
])
def test_a_column_the_checks_name_must_be_in_the_file(registered, answers, field, message):
    with pytest.raises(InputError) as caught:
        build_request(registered, "data-quality", "credit-scoring", answers, assessor="tomas", item_id="training")
    assert caught.value.problems[0].field == field and message in caught.value.problems[0].message


def test_an_empty_file_is_refused_before_anything_runs(registered):
    (registered.root / "data" / "empty.csv").write_text("id,age\n")
    add_dataset(registered, "credit-scoring", entry(id="empty", location="data/empty.csv"), person="amara")
    with pytest.raises(InputError, match="holds no rows"):
        build_request(registered, "data-quality", "credit-scoring", CHECKS, assessor="tomas", item_id="empty")
    assert registered.register.evidence_list() == []


@pytest.mark.kernel
def test_a_run_measures_the_file_archives_the_figures_and_proposes_risks(registered):
    from workbench.pipeline.run import run_process

    hostile = FRAME.assign(sex=["F", "M", "<script>alert(1)</script>", "M", "M"])
    hostile.to_csv(registered.root / "data" / "train.csv", index=False)
    evidence = run_process(registered, "data-quality", "credit-scoring", CHECKS, assessor="tomas", item_id="training")
    results = json.loads((evidence.html.parent / "results.json").read_text())["results"]
    assert results["sha256"] != results["registered_sha256"]  # the file changed after it was registered
    allowed = next(f for f in results["measurement"]["figures"] if f["measure"] == "validity: one of the allowed values")
    assert (allowed["value"], allowed["failing"]) == (0.8, 1)
    assert len(results["proposed_risks"]) == sum(f["breach"] for f in results["measurement"]["figures"])
    assert all(r["planned_controls"] == ["A.7.4"] for r in results["proposed_risks"])
    page = evidence.html.read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "The file changed since it was registered" in page and "Lineage" in page
    row = registered.register.rows("data_quality")[0]
    assert (row["rows"], row["item_id"], row["dataset_version"]) == (5, "training", 1)
    assert row["breaches"] == len(results["proposed_risks"])


@pytest.mark.kernel
def test_a_periodic_review_remeasures_the_current_file_and_opens_a_nonconformity_per_breach(registered):
    from workbench.pipeline.run import run_process
    from workbench.scheduling.executor import LocalExecutor
    from workbench.scheduling.review import plan_review, run_review

    checks = {"columns": [{"column": "id", "type": "integer", "unique": True}]}
    first = run_process(registered, "data-quality", "credit-scoring", checks, assessor="tomas", item_id="training",
                        period="2026-Q2", effective_date="2026-06-01")
    FRAME.assign(id=[1, 2, 3, 4, 4]).to_csv(registered.root / "data" / "train.csv", index=False)  # changed since
    jobs, known = plan_review(registered, "due", system_id="credit-scoring", force=True)
    summary = run_review(registered, [j for j in jobs if j.process == "data-quality"], known, LocalExecutor(1),
                         progress=False)
    [outcome] = [o for o in summary.outcomes if o.process == "data-quality"]
    assert outcome.status == "recalculated" and outcome.breaches == [
        "data quality breach in training: validity: unique of id is 0.8, below the lowest allowed 1"]
    [nc] = registered.register.rows("nonconformities")
    assert nc["evidence_ref"] == outcome.run_id and nc["id"] in outcome.nonconformities
    again = json.loads((registered.evidence_dir / registered.register.rows("evidence", run_id=outcome.run_id)[0]["path"]
                        / "results.json").read_text())["results"]
    before = json.loads((first.html.parent / "results.json").read_text())["results"]
    assert again["sha256"] != before["sha256"]  # the current file, not the one first measured
