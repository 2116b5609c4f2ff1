"""A process in a package of its own, end to end: the example plug-in under ``tests/plugins/`` and
the built wheel installed (not editable) into a fresh virtual environment, then used as a team
would: two suppliers of one AI system assessed headless, their evidence, register rows, the
launcher card, the periodic review, the portfolio, and the contract test over every installed process.

The tests share one virtual environment and one workspace and run in order: the review comes last.
"""

from __future__ import annotations

import csv
import json
import subprocess
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml

from evidence_checks import offline, only
from keys import PUBLIC
from subprocesses import ROOT, fresh_venv, free_port, run, wait_for_server

pytestmark = pytest.mark.wheel

EXAMPLE = ROOT / "tests" / "plugins" / "aims-vendor-questionnaire"
SYSTEM = "credit-scoring"
SUPPLIERS = {
    "bureau-data": ("Bureau Data Ltd", {
        "supplies": "data", "scope": "Credit bureau records used as <b>features</b>",
        "data_protection": 5, "quality": 4, "transparency": 4, "security": 4, "continuity": 4,
        "due_diligence": ["Data processing agreement, 2026-01", "ISO/IEC 27001 certificate"],
        "next_review": "2027-06-30"}),
    "cloudml": ("CloudML", {
        "supplies": "platform", "scope": "Hosted training and scoring platform",
        "data_protection": 3, "quality": 4, "transparency": 1, "security": 3, "continuity": 2,
        "due_diligence": ["Terms of service"], "next_review": "2027-03-31"}),
}
HEADLINES = {"bureau-data": "aligned; mean rating 4.2 of 5", "cloudml": "not aligned; mean rating 2.6 of 5"}


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh virtual environment with the workbench's wheel and the example plug-in, both from pip."""
    return fresh_venv(tmp_path_factory.mktemp("plugin"), wheel, EXAMPLE)


@pytest.fixture(scope="module")
def suppliers(venv) -> tuple[Path, dict[str, str]]:
    """A workspace in which each supplier of credit-scoring has one assessment; its root and run ids."""
    bin_dir, env = venv[0] / "bin", venv[1]
    root = venv[0].parent / "ws"

    def workbench(*args: str) -> str:
        return run([bin_dir / "workbench", *args, "--workspace", root], cwd=root.parent, env=env).stdout

    run([bin_dir / "workbench", "init", root, "--organisation", "Northwind Lending"], cwd=root.parent, env=env)
    config = yaml.safe_load((root / "workbench.yaml").read_text())
    assert "vendor-questionnaire" in config["review"]["processes"]  # it declares itself periodic
    config["people"] += [{"id": "amara", "name": "Amara Osei", "roles": ["assessor"], "keys": [PUBLIC["amara"]]},
                         {"id": "lena", "name": "Lena Berg", "roles": ["system_owner"]}]
    config["review"]["processes"] = ["vendor-questionnaire"]  # no risk assessment in this workspace yet
    next(p for p in config["people"] if p["id"] == "scheduler")["keys"] = [PUBLIC["scheduler"]]  # it signs the review
    (root / "workbench.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    workbench("config", "record", "-m", "amara assesses suppliers")  # signed with the manager's key, which init pinned
    workbench("system", "add", "--id", SYSTEM, "--name", "Credit scoring", "--owner", "lena",
              "--purpose", "Scores loan applications.", "--lifecycle-stage", "deployment",
              "--deployment-context", "Consumer loans in the EU.", "--stakeholder", "applicants", "--tier", "high")
    runs = {}
    for item_id, (name, answers) in SUPPLIERS.items():
        workbench("item", "add", "--system", SYSTEM, "--kind", "supplier", "--id", item_id, "--name", name)
        path = root.parent / f"{item_id}.yaml"
        path.write_text(yaml.safe_dump(answers))
        out = workbench("run", "vendor-questionnaire", "--system", SYSTEM, "--item", item_id, "--answers", path,
                        "--assessor", "amara", "--effective-date", "2026-11-02")
        runs[item_id] = out.split()[1]
    return root, runs


def test_the_plugin_is_installed_beside_the_workbench_and_honours_the_contract(venv, tmp_path):
    bin_dir, env = venv[0] / "bin", venv[1]
    listed = json.loads(run([bin_dir / "workbench", "process", "list", "--json"], cwd=tmp_path, env=env).stdout)
    assert listed["refused"] == []
    mine = next(p for p in listed["processes"] if p["name"] == "vendor-questionnaire")
    assert (mine["subject"], mine["item_kind"], mine["periodic"], mine["package"]) == (
        "item", "supplier", True, "aims_vendor_questionnaire")
    where = run([bin_dir / "python", "-c", "import aims_vendor_questionnaire, workbench; "
                 "print(aims_vendor_questionnaire.__file__); print(workbench.__file__)"], cwd=tmp_path, env=env)
    assert all(Path(p).is_relative_to(venv[0]) for p in where.stdout.split()), where.stdout
    schema = json.loads(run([bin_dir / "workbench", "schema", "vendor-questionnaire"], cwd=tmp_path, env=env).stdout)
    assert {"supplies", "transparency", "due_diligence", "next_review"} <= set(schema["required"])
    # the contract test, run by the venv's own pytest over every process installed there
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", "pytest"], cwd=tmp_path, env=env)
    checked = run([bin_dir / "pytest", "-q", "-p", "no:cacheprovider", ROOT / "tests" / "test_contract.py"],
                  cwd=tmp_path, env=env)
    assert " passed" in checked.stdout and "skipped" not in checked.stdout, checked.stdout


def test_two_suppliers_of_one_system_are_two_subjects(suppliers):
    root, runs = suppliers
    for item_id, run_id in runs.items():
        folder = root / "evidence" / SYSTEM / "vendor-questionnaire" / item_id / run_id
        soup = offline(folder / "evidence.html")
        verdict = HEADLINES[item_id].split(";")[0]
        assert {SUPPLIERS[item_id][0], verdict} <= {strong.get_text() for strong in soup.find_all("strong")}
        assert "Ratings by criterion" in soup.get_text()
        # the run used the template inside the installed plug-in
        nb = nbformat.read(folder / "notebook.ipynb", as_version=4)
        assert "site-packages/aims_vendor_questionnaire/template.ipynb" in nb.metadata["papermill"]["input_path"]
        record = json.loads((folder / "results.json").read_text())
        assert record["item_id"] == item_id and "previous" not in record  # each supplier's first version
    assert "<b>features</b>" not in (root / "evidence" / SYSTEM / "vendor-questionnaire" / "bureau-data"
                                     / runs["bureau-data"] / "evidence.html").read_text()


def test_register_rows_carry_the_supplier(suppliers, venv, tmp_path):
    root, runs = suppliers
    out = tmp_path / "suppliers.csv"
    run([venv[0] / "bin" / "workbench", "export", "vendor_questionnaires", "--csv", out, "--workspace", root],
        cwd=tmp_path, env=venv[1])
    rows = {r["item_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert {i: (r["run_id"], r["system_id"], r["verdict"]) for i, r in rows.items()} == {
        "bureau-data": (runs["bureau-data"], SYSTEM, "aligned"), "cloudml": (runs["cloudml"], SYSTEM, "not aligned")}


def test_launcher_card_side_panel_and_form(suppliers, venv):
    root, _runs = suppliers
    bin_dir, env = venv[0] / "bin", dict(venv[1])
    # the server extension from the checkout, over the workbench and the plug-in installed in the venv
    env["PYTHONPATH"] = str(ROOT / "extensions" / "jupyterlab-aims-workbench")
    config = Path(env["JUPYTER_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "jpserver_extensions": {"jupyterlab_aims_workbench": True}, "disable_check_xsrf": True}}))
    port, log = free_port(), root.parent / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen([bin_dir / "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                                 "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
                                 f"--ServerApp.root_dir={root}"], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/aims-workbench"
    try:
        wait_for_server(url.removesuffix("/aims-workbench"), proc, log)
        with urllib.request.urlopen(f"{url}/processes", timeout=30) as response:
            card = next(p for p in json.load(response) if p["name"] == "vendor-questionnaire")
        assert card == {"name": "vendor-questionnaire", "code": "vq", "title": "Vendor questionnaire",
                        "clauses": ["A.10.3"], "subject": "item", "item_kind": "supplier", "role": "assessor"}
        with urllib.request.urlopen(f"{url}/systems", timeout=30) as response:
            system = next(s for s in json.load(response) if s["system_id"] == SYSTEM)
        assert [i["id"] for i in system["items"]] == ["bureau-data", "cloudml"]
        assert system["latest"]["headline"] in HEADLINES.values()
        # the side panel lists each supplier's latest record under its system, by the process's title
        assert [(r["title"], r["item_id"], r["item_name"], r["headline"]) for r in system["records"]
                if r["process"] == "vendor-questionnaire"] == [
            ("Vendor questionnaire", item_id, name, HEADLINES[item_id]) for item_id, (name, _a) in sorted(SUPPLIERS.items())]
        body = json.dumps({"process": "vendor-questionnaire", "system_id": SYSTEM, "item_id": "cloudml"}).encode()
        request = urllib.request.Request(f"{url}/notebooks", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 201
            prepared = root / json.load(response)["path"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # the notebook the card opens shows the form generated from the answers model, for that supplier
    shown = root.parent / "form.ipynb"
    run([bin_dir / "python", "-c", "import sys, papermill; papermill.execute_notebook(sys.argv[1], sys.argv[2])",
         prepared, shown], cwd=root, env=venv[1])
    outputs = [o for c in nbformat.read(shown, as_version=4).cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not [o for o in outputs if o.output_type == "error"]


def test_periodic_review_reruns_each_supplier_and_the_portfolio_lists_them(suppliers, venv, tmp_path):
    root, runs = suppliers
    bin_dir, env = venv[0] / "bin", venv[1]
    summary = tmp_path / "review.json"
    proc = subprocess.run([bin_dir / "workbench", "review", "--all", "--force", "--no-progress", "--summary", summary,
                           "--workspace", root], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    outcomes = {o["item_id"]: o for o in json.loads(summary.read_text())["outcomes"]}
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {i: (o["process"], o["status"], o["carried_from"]) for i, o in outcomes.items()} == {
        i: ("vendor-questionnaire", "recalculated", runs[i]) for i in SUPPLIERS}
    # a supplier that is not aligned is a nonconformity of the review; the aligned one is not
    assert outcomes["bureau-data"]["nonconformities"] == [] and len(outcomes["cloudml"]["nonconformities"]) == 1
    for item_id, outcome in outcomes.items():  # each new version compares with its own supplier's last one
        record = json.loads(only(root / "evidence" / SYSTEM / "vendor-questionnaire" / item_id,
                                 f"{outcome['run_id']}/results.json").read_text())
        assert (record["previous"]["run_id"], record["changes"]) == (runs[item_id], [])
    assert "verify: ok" in run([bin_dir / "workbench", "verify", "--workspace", root], cwd=tmp_path, env=env).stdout

    portfolio = offline(root / "evidence" / "index.html")
    rows = [tr.get_text(" ", strip=True) for tr in portfolio.select("tr.item")]
    assert len(rows) == 2
    for (item_id, (name, _answers)), row in zip(SUPPLIERS.items(), rows):
        assert name in row and item_id in row and "Vendor questionnaire" in row and HEADLINES[item_id] in row
