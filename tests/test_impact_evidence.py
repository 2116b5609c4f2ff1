"""The impact assessment end to end on real kernels: the demo's evidence, results.json, the register,
escaped text, and ``workbench run impact-assessment``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from evidence_checks import SVG, offline, pictures
from test_evidence_html import captioned, load, section, table_rows

from keys import KEYS
from workbench.cli import main
from workbench.processes.impact_assessment.questionnaire import questionnaire_of
from workbench.demo import SYSTEMS, demo_configuration
from workbench.demo.impact_data import ANSWERS, write_predictions
from workbench.pipeline.run import run_process
from workbench.workspace import Workspace, init_workspace

pytestmark = pytest.mark.kernel

DEMO_SYSTEMS = [s["id"] for s in SYSTEMS]
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} **bold**'


def evidence_folder(root: Path, system_id: str) -> Path:
    found = sorted(root.glob(f"evidence/{system_id}/impact-assessment/*/evidence.html"))
    assert len(found) == 1, found
    return found[0].parent


def results(root: Path, system_id: str) -> dict:
    return json.loads((evidence_folder(root, system_id) / "results.json").read_text())["results"]


def test_demo_archives_one_impact_and_one_risk_assessment_per_system(demo_root):
    for process in ("risk-assessment", "impact-assessment"):
        assert len(sorted(demo_root.glob(f"evidence/*/{process}/*/evidence.html"))) == 3, process
    for system_id in DEMO_SYSTEMS:
        assert (demo_root / "data" / system_id / "predictions.csv").is_file()
        assert yaml.safe_load((demo_root / "examples" / f"impact-assessment-{system_id}.yaml").read_text()) \
            == ANSWERS[system_id]


def test_register_holds_the_impact_levels(demo_root):
    frame = Workspace(demo_root).frame("impact_assessments").set_index("system_id").sort_index()
    assert frame[["level", "raw", "current", "max", "classification", "fria_required", "fairness_breaches"]] \
        .reset_index().values.tolist() == [
        ["credit-scoring", "II", 19, 16, 44, "high-risk", True, 0],
        ["cv-screening", "III", 29, 29, 44, "high-risk", False, 3],
        ["support-assistant", "II", 19, 19, 44, "transparency", False, 0]]


def test_results_json_holds_every_number(demo_root):
    r = results(demo_root, "credit-scoring")
    s = r["score"]
    assert (s["raw"], s["raw_max"], s["mitigation"], s["mitigation_max"], s["current"], s["level"]) == \
        (19, 44, 17, 18, 16, "II")
    assert s["deduction_applied"] and s["bounds"] == {"I": 11.0, "II": 22.0, "III": 33.0, "IV": 44.0}
    assert sum(x["impact_score"] for x in r["sections"]) == 19
    assert len(r["questions"]) == len(questionnaire_of(Workspace(demo_root)).questions)
    groups = r["fairness"]["attributes"][0]["groups"]
    assert [g["group"] for g in groups] == ["female", "male"] and sum(g["count"] for g in groups) == 2400
    assert r["required_measures"] == Workspace(demo_root).config.impact_criteria.measures["II"]
    assert r["classification"]["fria_required"] and r["proposed_risks"] == []


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_evidence_is_offline_and_code_free(demo_root, system_id):
    page = load(evidence_folder(demo_root, system_id) / "evidence.html")
    soup = offline(page.path)  # small, no script, nothing loaded; its only images the charts' SVG pictures
    assert list(pictures(soup)) == [f"{metric} by sensitive attribute against its threshold" for metric in (
        "Demographic parity difference", "Demographic parity ratio", "Equalized odds difference")]
    assert soup.find_all("a", href=re.compile("^(?!#)")) == []  # a first version links to no other file
    for needle in ("http://", "https://", "cdn.", "require.js", "mathjax", "fetch(", "from workbench", "run.show(",
                   "Traceback", "How to use this notebook"):
        assert needle not in page.html.lower() if needle.islower() else needle not in page.html, needle


def test_cv_screening_evidence_flags_the_disparity_by_sex(demo_root):
    page = load(evidence_folder(demo_root, "cv-screening") / "evidence.html")
    soup = page.soup
    fairness = section(soup, "Measured fairness")
    assert "3 disparity value(s) breach their threshold." in fairness.get_text()
    rows = table_rows(captioned(fairness, "Disparities by sex"))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("Demographic parity difference", "0.255", "≤ 0.1", "breach"),
        ("Demographic parity ratio", "0.439", "≥ 0.8", "breach"),
        ("Equalized odds difference", "0.421", "≤ 0.1", "breach")]
    assert [r[3] for r in table_rows(captioned(fairness, "Disparities by age_band"))] == ["within"] * 3
    groups = table_rows(captioned(fairness, "Metrics by group of sex"))
    assert [r[:3] for r in groups] == [["female", "947", "0.200"], ["male", "853", "0.455"]]
    # one chart per disparity metric, each with its threshold drawn as a dashed line and named
    charts = pictures(fairness)
    assert len(charts) == 3
    thresholds = []
    for picture in charts.values():
        assert len([line for line in picture.iter(f"{SVG}line") if line.get("stroke-dasharray")]) == 1
        thresholds += [t.text for t in picture.iter(f"{SVG}text") if t.text.startswith("threshold")]
    assert thresholds == ["threshold ≤ 0.1", "threshold ≥ 0.8", "threshold ≤ 0.1"]
    risks = section(soup, "Risks proposed for the risk assessment")
    proposed = table_rows(captioned(risks, "3 proposed risk(s)"))
    assert [r[0] for r in proposed] == ["F1", "F2", "F3"] and all(r[4] == "A.5.4, A.7.4" for r in proposed)


def test_cv_screening_evidence_shows_level_breakdown_and_classification(demo_root):
    soup = load(evidence_folder(demo_root, "cv-screening") / "evidence.html").soup
    level = section(soup, "Impact level")
    assert level.select_one("p.level").get_text() == "Level III: current score 29 is above 22 and at most 0.75 × 44 = 33."
    steps = [li.get_text() for li in level.select("ol.calc li")]
    assert steps[0] == "raw impact score = 29 of a maximum 44"
    assert steps[2] == "2 < 14.4: no deduction, current = raw = 29"
    breakdown = table_rows(captioned(section(soup, "Score by section"), "Score breakdown"))
    # 19 scored questions shown (data-dpia shown: personal data); 18 answered (no fairness measure chosen)
    assert breakdown[-1] == ["", "Total", "19", "18", "29", "44", "2", "18"]
    assert ["6.9", "Measures taken", "5", "4", "0", "0", "2", "14"] in breakdown
    assert ["6.8", "Benefits and harms to individuals, groups and society", "5", "5", "15", "20", "0", "0"] in breakdown
    measures = section(soup, "Required measures at level III")
    assert "A human makes the final decision" in measures.get_text()
    classification = table_rows(captioned(section(soup, "Regulatory classification (EU AI Act)"),
                                          "Classification implied by the answers"))
    assert classification[0] == ["Category", "High-risk (Annex III point 4)"]
    assert classification[-1][1].startswith("not required: A private deployer of an Annex III point 4 system")


def test_credit_scoring_needs_a_fundamental_rights_impact_assessment(demo_root):
    soup = load(evidence_folder(demo_root, "credit-scoring") / "evidence.html").soup
    rows = table_rows(captioned(section(soup, "Regulatory classification (EU AI Act)"),
                                "Classification implied by the answers"))
    assert rows[-1][1].startswith("required: Annex III point 5(b)")
    assert "No disparity breaches its threshold." in section(soup, "Measured fairness").get_text()


# hostile text and the command line -------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("impact") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    for system_id in ANSWERS:
        write_predictions(ws.root, system_id)
    return ws


def test_hostile_text_is_shown_as_text(fresh):
    answers = copy.deepcopy(ANSWERS["support-assistant"])
    answers["responses"]["scope-covered"] = "Scope " + HOSTILE
    answers["responses"]["impacts-benefits"] = "Benefits " + HOSTILE
    page = load(run_process(fresh, "impact-assessment", "support-assistant", answers, assessor="amara").html)
    assert "<script" not in page.html and page.html.count("<img") == 3  # the three disparity charts
    assert len(pictures(offline(page.path))) == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html and "{{ 7*7 }}" in page.html
    assert section(page.soup, "Scope").select_one("p.text").get_text() == "Scope " + HOSTILE
    answered = [r for t in section(page.soup, "Answers").find_all("table") for r in table_rows(t)]
    assert ["impacts-benefits", "What benefits does the system bring to individuals, groups and society?", "info",
            "Benefits " + HOSTILE, "", ""] in answered
    assert [(t.name, a) for t in page.soup.find_all(True) for a in t.attrs if a.lower().startswith("on")] == []


def test_cli_runs_the_impact_assessment(fresh, tmp_path):
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(yaml.safe_dump(ANSWERS["credit-scoring"]))
    result = CliRunner().invoke(main, ["run", "impact-assessment", "-w", str(fresh.root), "--system",
                                       "credit-scoring", "--answers", str(answers_file), "--assessor", "amara"])
    assert result.exit_code == 0, result.output + result.stderr
    run_id = re.search(r"evidence (ia-\S+)", result.stdout).group(1)
    record = fresh.register.evidence(run_id)
    assert (record["process"], record["status"]) == ("impact-assessment", "submitted")
    rows = fresh.frame("impact_assessments")
    assert rows.loc[rows.run_id == run_id, "level"].tolist() == ["II"]


def test_cli_refuses_a_bad_dataset_and_archives_nothing(fresh, tmp_path):
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    answers["fairness"]["sensitive_features"] = ["nationality"]
    before = fresh.register.evidence_list()
    result = CliRunner().invoke(main, ["run", "impact-assessment", "-w", str(fresh.root), "--system",
                                       "credit-scoring", "--answers", json.dumps(answers), "--assessor", "amara"])
    assert result.exit_code == 2
    assert "column 'nationality' is missing from data/credit-scoring/predictions.csv" in result.stderr
    assert fresh.register.evidence_list() == before
