"""The JupyterLab server extension's endpoints, in a real jupyter_server (pytest-jupyter).

Good requests answer JSON from the workspace; bad ones a 4xx with a message, never a 500.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from workbench.processes import processes
from workbench.workspace import ENV_VAR

pytest_plugins = ["pytest_jupyter.jupyter_server"]
pytestmark = pytest.mark.lab


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_aims_workbench": True}}}


@pytest.fixture
def served(workspace, jp_root_dir, monkeypatch):
    """The fresh demo-configured workspace, named by $WORKBENCH_WORKSPACE, inside the server's root."""
    target = jp_root_dir / "ws"
    shutil.copytree(workspace.root, target)
    monkeypatch.setenv(ENV_VAR, str(target))
    return target


async def call(jp_fetch, endpoint: str, method: str = "GET", body: str | None = None):
    response = await jp_fetch("aims-workbench", endpoint, method=method, body=body, raise_error=False)
    return response.code, json.loads(response.body or b"null")


async def test_processes_lists_the_installed_processes(jp_fetch, served):
    code, found = await call(jp_fetch, "processes")
    assert code == 200
    risk = next(p for p in found if p["name"] == "risk-assessment")
    assert risk["title"] == "AI risk assessment" and risk["code"] == "ra" and "6.1.2" in risk["clauses"]
    assert risk["subject"] == "system" and risk["item_kind"] == ""  # the launcher asks which AI system
    assert next(p for p in found if p["name"] == "soa")["subject"] == "organisation"  # and for the SoA, nothing
    assert risk["role"] == "assessor" and next(p for p in found if p["name"] == "soa")["role"] == "AIMS manager"


async def test_systems_without_evidence_are_due(jp_fetch, served):
    code, found = await call(jp_fetch, "systems")
    assert code == 200
    assert [(s["system_id"], s["state"], s["latest"]) for s in found] == [
        ("credit-scoring", "due", None), ("cv-screening", "due", None), ("support-assistant", "due", None)]


@pytest.mark.kernel
async def test_systems_of_the_demo_link_their_latest_evidence(jp_fetch, jp_root_dir, demo_root, monkeypatch):
    shutil.copytree(demo_root, jp_root_dir, dirs_exist_ok=True)
    monkeypatch.delenv(ENV_VAR, raising=False)  # the server's root is the workspace
    code, found = await call(jp_fetch, "systems")
    assert code == 200 and len(found) == 3
    for system in found:
        # the demo's evidence is submitted, not approved; cv-screening's incident made its assessments overdue
        assert system["state"] == ("overdue" if system["system_id"] == "cv-screening" else "awaiting approval")
        latest = system["latest"]
        items = {"credit-scoring": ["bureau-extract", "cloud-ml", "credit-bureau", "scorecard-v3", "scorecard-v4",
                                    "training"],
                 "cv-screening": ["inc-0001"], "support-assistant": ["llm-provider"]}
        assert [i["id"] for i in system["items"]] == items.get(system["system_id"], [])
        # the demo's incident report is overdue and its LLM provider approved although rated high: their flags
        # reach the panel beside their systems
        flagged = [(f["kind"], f["key"], f["clause"]) for f in system["flags"]]
        assert flagged == {"cv-screening": [("overdue", "cv-screening/inc-0001", "A.8.4")],
                           "credit-scoring": [("unnotified", "credit-scoring/fundamental-rights-impact", "Art. 27(3)")],
                           "support-assistant": [("concern", "support-assistant/llm-provider", "A.10.3")]}.get(
            system["system_id"], [])
        # the demo writes the cards, then credit-scoring's model release records (the last awaits approval)
        assert (latest["process"], latest["item_id"]) == (("model-release", "scorecard-v4") if system["system_id"]
                                                          == "credit-scoring" else ("system-card", ""))
        assert latest["status"] == "submitted" and latest["headline"]
        assert latest["url"] == "/".join(["evidence", system["system_id"], latest["process"]]
                                         + ([latest["item_id"]] if latest["item_id"] else [])
                                         + [latest["run_id"], "evidence.html"])
        assert (jp_root_dir / latest["url"]).is_file()


@pytest.mark.kernel
async def test_the_demo_lists_the_latest_record_of_each_process_and_the_organisation(jp_fetch, jp_root_dir, demo_root,
                                                                                    monkeypatch):
    shutil.copytree(demo_root, jp_root_dir / "ws")
    monkeypatch.setenv(ENV_VAR, str(jp_root_dir / "ws"))
    code, systems = await call(jp_fetch, "systems")
    assert code == 200
    own = [("impact-assessment", ""), ("risk-assessment", ""), ("system-card", "")]
    expected = {"credit-scoring": [("fundamental-rights-impact", "")] + own[:1] + [("monitoring", "")] + own[1:] + [
                    ("data-quality", "bureau-extract"), ("supplier-assessment", "cloud-ml"),
                    ("supplier-assessment", "credit-bureau"), ("model-release", "scorecard-v3"),
                    ("explainability", "scorecard-v4"), ("model-release", "scorecard-v4"), ("data-quality", "training")],
                "cv-screening": own + [("incident-report", "inc-0001")],
                "support-assistant": own + [("supplier-assessment", "llm-provider")]}
    for system in systems:
        records = system["records"]
        # the system's own records, then its items' by item, each group in the order processes are installed
        assert [(r["process"], r["item_id"]) for r in records] == expected.get(system["system_id"], own)
        for record in records:
            assert record["title"] == processes()[record["process"]].title
            released = (record["process"], record["item_id"]) == ("model-release", "scorecard-v3")  # approved
            assert record["status"] == ("approved" if released else "awaiting approval")
            assert record["effective_date"] and record["headline"]
            assert record["url"] == "/".join(["ws/evidence", system["system_id"], record["process"]]
                                             + ([record["item_id"]] if record["item_id"] else [])
                                             + [record["run_id"], "evidence.html"])
            assert (jp_root_dir / record["url"]).is_file()
    code, organisation = await call(jp_fetch, "organisation")
    assert code == 200 and organisation["portfolio"] == "ws/evidence/index.html"
    assert [r["title"] for r in organisation["records"]] == [
        "AI policy", "Context of the organisation and AIMS scope", "Gap analysis and implementation plan", "Internal audit", "Management review", "AI objectives and monitoring plan",
        "Statement of Applicability"]
    assert all((jp_root_dir / r["url"]).is_file() for r in organisation["records"])


async def test_a_workspace_without_records_has_no_portfolio_yet(jp_fetch, served):
    code, organisation = await call(jp_fetch, "organisation")
    assert (code, organisation["records"], organisation["portfolio"]) == (200, [], None)
    code, systems = await call(jp_fetch, "systems")
    assert all(s["records"] == [] for s in systems)


async def test_create_notebook_prepares_the_template_in_drafts(jp_fetch, served):
    body = json.dumps({"process": "risk-assessment", "system_id": "cv-screening"})
    code, found = await call(jp_fetch, "notebooks", "POST", body)
    assert (code, found) == (201, {"path": "ws/drafts/risk-assessment-cv-screening.ipynb"})
    nb = nbformat.read(served / "drafts" / "risk-assessment-cv-screening.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'system_id = "cv-screening"' in injected.source and str(served) in injected.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # a notebook for the form: its code folded, the template's note on setting parameters by hand left out
    assert all(c.metadata.jupyter.source_hidden for c in nb.cells if c.cell_type == "code")
    assert not any("notebook-only" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("body, status, words", [
    ("not json", 400, "not JSON"),
    ("[1, 2]", 400, "JSON object"),
    ("{}", 400, "process: is required"),
    ('{"process": "risk-assessment"}', 400, "system_id: is required"),
    ('{"process": 7, "system_id": "cv-screening"}', 400, "process: is required"),
    ('{"process": "tea-ceremony", "system_id": "cv-screening"}', 400, "allowed: "),
    ('{"process": "risk-assessment", "system_id": "no-such-system"}', 404, "registered: credit-scoring"),
    ('{"process": "risk-assessment", "system_id": "../../etc/passwd"}', 400, "../../etc/passwd"),
    ('{"process": "risk-assessment", "system_id": "cv-screening", "item_id": "x"}', 400,
     "item: risk-assessment is about the system itself"),
    ('{"process": "risk-assessment", "system_id": "cv-screening", "item_id": ["x"]}', 400, "item_id: must be"),
    ("{" + '"x": "' + "a" * 20_000 + '"}', 413, "larger than"),
])
async def test_bad_requests_get_a_4xx_and_a_message(jp_fetch, served, body, status, words):
    code, found = await call(jp_fetch, "notebooks", "POST", body)
    assert code == status
    assert words in found["message"]
    assert not list((served / "drafts").glob("*.ipynb"))


async def test_a_root_that_is_no_workspace_is_a_409(jp_fetch, jp_root_dir, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    for endpoint, method, body in (("systems", "GET", None), ("organisation", "GET", None),
                                   ("notebooks", "POST", '{"process": "risk-assessment", "system_id": "x"}'),
                                   ("review-notebook", "POST", "")):
        code, found = await call(jp_fetch, endpoint, method, body)
        assert code == 409 and "is not a workspace" in found["message"]


async def test_a_workspace_outside_the_server_root_cannot_open_notebooks(jp_fetch, workspace, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(workspace.root))  # tmp_path/ws, beside the server's root
    code, found = await call(jp_fetch, "notebooks", "POST", '{"process": "risk-assessment", "system_id": "cv-screening"}')
    assert code == 409 and "outside the server's folder" in found["message"]
    code, found = await call(jp_fetch, "systems")
    assert code == 200 and found[0]["latest"] is None


@pytest.mark.parametrize("endpoint", ["processes", "systems", "organisation"])
async def test_endpoints_need_authentication(jp_fetch, jp_serverapp, served, endpoint):
    response = await jp_fetch("aims-workbench", endpoint, headers={"Authorization": ""}, raise_error=False)
    assert response.code == 403
    response = await jp_fetch("aims-workbench", "review-notebook", method="POST", body="",
                              headers={"Authorization": ""}, raise_error=False)
    assert response.code == 403 and not (served / "scheduled").exists()


async def test_a_deeply_nested_body_is_a_400_not_a_500(jp_fetch, served):
    code, found = await call(jp_fetch, "notebooks", "POST", "[" * 4000 + "]" * 4000)
    assert code == 400 and "nested too deeply" in found["message"]


async def test_a_symlinked_drafts_folder_is_refused_before_anything_is_written(jp_fetch, served, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (served / "drafts").rmdir()
    (served / "drafts").symlink_to(outside)
    code, found = await call(jp_fetch, "notebooks", "POST", '{"process": "risk-assessment", "system_id": "cv-screening"}')
    assert code == 400 and "drafts: is a link to" in found["message"]
    assert list(outside.iterdir()) == []


async def test_a_planted_draft_is_refused_not_opened(jp_fetch, served):
    planted = served / "drafts" / "risk-assessment-cv-screening.ipynb"
    planted.parent.mkdir(exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('pwned', 'w')")]), planted)
    code, found = await call(jp_fetch, "notebooks", "POST", '{"process": "risk-assessment", "system_id": "cv-screening"}')
    assert code == 400 and "not the risk-assessment template's" in found["message"]
    assert "pwned" in planted.read_text(encoding="utf-8")  # left for a person to look at, never run


@pytest.mark.parametrize("planted", ["{}", "[]"])
async def test_a_draft_that_is_no_notebook_is_refused_not_a_500(jp_fetch, served, planted):
    draft = served / "drafts" / "risk-assessment-cv-screening.ipynb"
    draft.write_text(planted, encoding="utf-8")
    code, found = await call(jp_fetch, "notebooks", "POST", '{"process": "risk-assessment", "system_id": "cv-screening"}')
    assert code == 400 and "not the risk-assessment template's" in found["message"]


async def test_review_notebook_writes_the_periodic_review_naming_the_workspace(jp_fetch, served):
    code, found = await call(jp_fetch, "review-notebook", "POST", "")
    assert (code, found) == (201, {"path": "ws/scheduled/periodic_review.ipynb"})
    nb = nbformat.read(served / "scheduled" / "periodic_review.ipynb", as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert f'workspace: str = "{served}"' in parameters.source


async def test_a_planted_review_notebook_is_refused_not_overwritten(jp_fetch, served):
    planted = served / "scheduled" / "periodic_review.ipynb"
    planted.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('pwned', 'w')")]), planted)
    code, found = await call(jp_fetch, "review-notebook", "POST", "")
    assert code == 400 and "not the periodic review's" in found["message"]
    assert "pwned" in planted.read_text(encoding="utf-8")


async def test_a_stored_date_in_year_9999_is_no_500(jp_fetch, served):
    from datetime import date, datetime, timezone

    from workbench.workspace import Workspace

    workspace = Workspace(served)
    (workspace.evidence_dir / "p").mkdir(parents=True)
    (workspace.evidence_dir / "p" / "results.json").write_text(json.dumps({"answers": {}, "results": {"risks": []}}))
    workspace.register.record_evidence({
        "run_id": "ra-20261101T000000Z-aaaaaa", "process": "risk-assessment", "system_id": "credit-scoring",
        "period": "2026-Q4", "effective_date": date(9999, 12, 31), "assessor": "tomas", "status": "submitted",
        "recorded_at": datetime.now(timezone.utc), "path": "p", "answers_sha256": "0" * 64, "workbench_version": "0"})
    code, found = await call(jp_fetch, "systems")
    assert code == 200 and found[0]["system_id"] == "credit-scoring"


async def test_identity_without_a_hub_names_the_one_whose_key_is_held(jp_fetch, served, monkeypatch):
    from keys import KEYS
    from workbench.signing import KEY_VAR

    code, found = await call(jp_fetch, "identity")  # the tests hold every demo person's key: the forms ask
    assert code == 200 and found["person"] == "" and {"tomas", "priya", "david"} <= set(found["held"])
    monkeypatch.setenv(KEY_VAR, str(KEYS["david"]))
    code, found = await call(jp_fetch, "identity")
    assert (code, found["person"], found["signs"], found["hub_user"]) == (200, "david", True, "")
    code, found = await call(jp_fetch, "signoff", "POST", json.dumps({"run_id": "ra-20260101T000000Z-abcdef",
                                                                       "decision": "approve", "comment": "ok"}))
    assert code == 404 and found["problems"][0]["field"] == "run_id"


async def test_under_a_hub_a_visitor_to_another_users_server_is_refused(jp_fetch, served, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "david")  # this server is david's; the request's user is not david
    code, found = await call(jp_fetch, "identity")
    assert code == 403 and "this server is david's and acts as david" in found["message"]
    code, found = await call(jp_fetch, "notebooks", "POST", json.dumps({"process": "risk-assessment",
                                                                        "system_id": "cv-screening"}))
    assert code == 403 and not (served / "drafts" / "risk-assessment-cv-screening.ipynb").exists()
