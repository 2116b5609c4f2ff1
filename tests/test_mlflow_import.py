"""Importing model versions from a real MLflow tracking server (SQLite store, started once per session):
each registered version becomes a model version item with its run's metrics in a draft release record, a
second import changes nothing, and a wrong address, a store that is not a server or an unknown model is
refused naming the field."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from workbench.exceptions import InputError
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.request import build_request
from workbench.ui.drafts import load_draft

mlflow = pytest.importorskip("mlflow", reason="the mlflow extra is not installed (pip install -e '.[mlflow]')")

SYSTEM = "credit-scoring"
MODEL = "Credit Scorer"


@pytest.fixture(scope="session")
def mlflow_server():
    """The session's MLflow tracking server (tests/mlflow_server.py), started on first use."""
    from mlflow_server import Server, binary

    if binary() is None:
        pytest.skip("the MLflow tracking server is not installed (./dev test makes .venv/mlflow-server)")
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tracking(mlflow_server) -> str:
    """The server holding MODEL with two versions, each from a run with its metrics (one metric not a number)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_server.url, registry_uri=mlflow_server.url)
    experiment = client.create_experiment("credit-scoring")
    client.create_registered_model(MODEL)
    for metrics in ({"roc_auc": 0.74, "accuracy": 0.7}, {"roc_auc": 0.79, "accuracy": 0.73, "loss": math.nan}):
        run = client.create_run(experiment)
        for name, value in metrics.items():
            client.log_metric(run.info.run_id, name, value)
        client.set_terminated(run.info.run_id)
        client.create_model_version(MODEL, f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
    client.create_registered_model("fraud-alerts")
    return mlflow_server.url


def test_each_version_becomes_an_item_with_its_metrics_in_a_draft_release_record(workspace, tracking):
    from workbench.processes.model_release.mlflow_import import import_versions

    imported = import_versions(workspace, SYSTEM, tracking, MODEL, person="amara")
    assert [(v.item_id, v.version, v.registered, v.skipped) for v in imported] == [
        ("credit-scorer-v1", "1", True, []), ("credit-scorer-v2", "2", True, ["loss"])]
    assert imported[1].metrics == {"accuracy": 0.73, "roc_auc": 0.79}
    item = workspace.register.item(SYSTEM, "credit-scorer-v2", "model")
    assert item.name == "Credit Scorer version 2" and f"run {imported[1].run_id}" in item.description
    draft, _saved = load_draft(workspace, "model-release", f"{SYSTEM}/credit-scorer-v2")
    assert draft["version"] == "2"
    assert draft["verification"]["metrics"] == [{"name": "accuracy", "value": 0.73}, {"name": "roc_auc", "value": 0.79}]
    assert imported[1].run_id in draft["verification"]["method"]

    # the draft, completed by a person, is a release record whose criteria are computed from MLflow's figures
    verification = {**draft["verification"], "checked_by": "amara",
                    "criteria": [{"metric": "roc_auc", "operator": ">=", "threshold": 0.75}]}
    answers = {**draft, "verification": verification, "requirements": [{"id": "REQ-1", "statement": "Rank risk."}],
               "design_choices": [{"choice": "as trained in MLflow", "rationale": "the team's pipeline"}],
               "deployment_plan": "shadow mode first",
               "event_logs": [{"what": "scores", "where": "decision log", "retention_months": 12}]}
    request = build_request(workspace, "model-release", SYSTEM, answers, assessor="tomas", item_id="credit-scorer-v2")
    results = request.process.results(request, workspace)
    assert [(c.metric, c.value, c.met) for c in results.criteria] == [("roc_auc", 0.79, True)]

    # a second import registers nothing again and keeps the draft a person may have started
    lines = len(ledger_entries(workspace.evidence_dir))
    again = import_versions(workspace, SYSTEM, tracking, MODEL, person="amara")
    assert [v.registered for v in again] == [False, False] and len(ledger_entries(workspace.evidence_dir)) == lines


@pytest.mark.parametrize("uri, model, field, message", [
    ("file:///etc", MODEL, "tracking_uri", "must be an MLflow tracking server's http:// or https:// address"),
    ("sqlite:///mlflow.db", MODEL, "tracking_uri", "must be an MLflow tracking server's http://"),
    ("http://127.0.0.1:1", MODEL, "tracking_uri", "reading model 'Credit Scorer' failed"),
    (None, "no-such-model", "model", "is not a registered model at http://127.0.0.1:"),
    (None, "x' OR name LIKE '%", "model", "must be a registered model's name (no quotes"),
])
def test_what_cannot_be_read_is_refused_naming_the_field_and_nothing_is_registered(workspace, tracking, uri, model,
                                                                                    field, message):
    from workbench.processes.model_release.mlflow_import import import_versions

    lines = len(ledger_entries(workspace.evidence_dir))
    with pytest.raises(InputError) as caught:
        import_versions(workspace, SYSTEM, uri or tracking, model, person="amara")
    problem = caught.value.problems[0]
    assert problem.field == field and message in problem.message, problem
    if model == "no-such-model":
        assert "Credit Scorer" in problem.message and "fraud-alerts" in problem.message  # the models it holds
    assert len(ledger_entries(workspace.evidence_dir)) == lines


def test_a_version_that_would_take_another_kind_of_items_id_is_refused(workspace, tracking):
    from workbench.processes.model_release.mlflow_import import import_versions

    workspace.add_item(SYSTEM, {"id": "credit-scorer-v2", "kind": "supplier", "name": "A supplier"}, person="amara")
    with pytest.raises(InputError, match="version 2 would be item credit-scorer-v2, which is already a supplier"):
        import_versions(workspace, SYSTEM, tracking, MODEL, person="amara")
    assert [i.id for i in workspace.register.items(SYSTEM, "model")] == []  # version 1 neither: all checked first


def test_the_command(workspace, tracking):
    from workbench.cli import main

    result = CliRunner().invoke(main, ["model", "import-mlflow", "-w", str(workspace.root), "--tracking-uri", tracking,
                                       "--model", MODEL, "--system", SYSTEM, "--prefix", "scorer", "--as", "amara"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["scorer-v1", "version", "1", "registered,", "2"]
    assert lines[1].endswith("not a number, left out: loss")
    result = CliRunner().invoke(main, ["model", "import-mlflow", "-w", str(workspace.root), "--tracking-uri",
                                       "ftp://x", "--model", MODEL, "--system", SYSTEM, "--as", "amara"])
    assert result.exit_code == 2 and "tracking_uri: must be an MLflow tracking server's" in result.output
    assert [i.id for i in workspace.register.items(SYSTEM, "model")] == ["scorer-v1", "scorer-v2"]


def test_the_form_opens_with_the_imported_metrics(workspace, tracking):
    from workbench.processes.model_release.mlflow_import import import_versions
    from workbench.ui.form import ProcessForm

    import_versions(workspace, SYSTEM, tracking, MODEL, person="amara")
    form = ProcessForm(workspace, system_id=SYSTEM, item_id="credit-scorer-v1", process="model-release")
    assert "restored" in form.status.value
    typed = form.answers()
    assert typed["version"] == "1"
    assert [(m["name"], m["value"]) for m in typed["verification"]["metrics"]] == [("accuracy", 0.7),
                                                                                   ("roc_auc", 0.74)]
