"""The fundamental rights impact assessment (EU AI Act Art. 27): each element required, a risk of harm
without a measure refused naming it, every reference checked against the impact assessment it builds on,
the prefill from that assessment, and real runs whose evidence and portfolio flag what is left undone
(a measured group missing, the authority not notified, an update due), with hostile text inert."""

from __future__ import annotations

import copy
import shutil
from datetime import date, timedelta

import pytest
import yaml
from bs4 import BeautifulSoup

from keys import KEYS
from workbench.demo import SYSTEMS, demo_configuration
from workbench.demo.fria import answers as demo_answers
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.pipeline.run import read_record, run_process
from workbench.processes.fria.assessment import NAME, portfolio_flags, prefill
from workbench.workspace import Workspace, init_workspace

CREDIT, CV = "credit-scoring", "cv-screening"
HOSTILE = "<script>window.pwned=1</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    """A workspace whose credit-scoring and cv-screening have an impact assessment (real runs); the support
    assistant has none. Tests copy it before adding records."""
    root = tmp_path_factory.mktemp("fria") / "ws"
    ws = init_workspace(root, config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    for system_id, assessor in ((CREDIT, "amara"), (CV, "tomas")):
        write_predictions(root, system_id)
        run_process(ws, "impact-assessment", system_id, IMPACT_ANSWERS[system_id], assessor=assessor,
                    effective_date=date.today() - timedelta(days=30))
    return ws


@pytest.fixture
def ws(assessed, tmp_path) -> Workspace:
    shutil.copytree(assessed.root, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def fria(**changes) -> dict:
    """The demo's answers (the latest impact assessment), changed."""
    return {**copy.deepcopy(demo_answers({"impact_assessment": ""})), **changes}


def refused(workspace, answers: dict, system_id: str = CREDIT, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        build_request(workspace, NAME, system_id, answers, assessor="amara", **kwargs)
    return str(caught.value)


def no_fria(workspace) -> bool:
    return workspace.register.evidence_list(process=NAME) == []


def impact_run(workspace, system_id: str) -> str:
    return workspace.register.latest_evidence(system_id, "impact-assessment")["run_id"]


# every element of Art. 27(1) is required

@pytest.mark.parametrize("field", ["processes", "period_of_use", "affected", "provider_information", "risks",
                                   "oversight", "measures", "governance", "complaints"])
def test_each_element_is_required(assessed, field):
    answers = fria()
    answers.pop(field)
    assert f"{field}: is required" in refused(assessed, answers)
    if isinstance(fria()[field], (list, str)):
        empty = fria(**{field: type(fria()[field])()})
        message = refused(assessed, empty)
        assert field in message and ("at least 1 item" in message or "must not be empty" in message), message
    assert no_fria(assessed)


@pytest.mark.parametrize("path, value, expected", [
    (("provider_information", "document"), "", "provider_information.document: must not be empty"),
    (("oversight", 0, "instructions"), "", "oversight[0].instructions: must not be empty"),
    (("period_of_use", "frequency"), "", "period_of_use.frequency: must not be empty"),
    (("processes", 0, "intended_purpose"), "", "processes[0].intended_purpose: must not be empty"),
])
def test_the_provider_information_and_the_instructions_are_cited(assessed, path, value, expected):
    answers = fria()
    target = answers
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert expected in refused(assessed, answers)


def test_a_risk_of_harm_without_a_measure_is_refused_naming_it(assessed):
    answers = fria()
    answers["measures"] = [m for m in answers["measures"] if m["id"] != "M2"]  # M2 alone answers H3
    message = refused(assessed, answers)
    assert "risks[2]: risk H3 (Over-indebtedness after a wrongful approval) has no measure (f)" in message
    answers["measures"][0]["risks"].append("H3")
    assert build_request(assessed, NAME, CREDIT, answers, assessor="amara").answers.measures[0].risks[-1] == "H3"


@pytest.mark.parametrize("change, expected", [
    (lambda a: a["risks"][0]["affected"].append("bank-staff"),
     "risks[0].affected: unknown category bank-staff; allowed (the affected categories): loan-applicants, "
     "older-applicants, thin-file-applicants"),
    (lambda a: a["measures"][0]["risks"].append("H9"), "measures[0].risks: unknown risk H9; allowed: H1, H2, H3, H4"),
    (lambda a: a["risks"].append(dict(a["risks"][0])), "risks: ids must be unique; repeated: H1"),
    (lambda a: a["affected"].append(dict(a["affected"][0])), "affected: ids must be unique; repeated: loan-applicants"),
    (lambda a: a["risks"][0]["rights"].append("right-to-credit"), "risks[0].rights[2]"),
    (lambda a: a["oversight"][0].update(responsible="mallory"), "oversight[0].responsible: unknown person"),
    (lambda a: a["measures"][1].update(owner="mallory"), "measures[1].owner: unknown person"),
    (lambda a: a["period_of_use"].update(start="2026-01-01", end="2025-12-31"),
     "period_of_use.end: 2025-12-31 is before the start 2026-01-01"),
    (lambda a: a["notification"].update(notified=True),
     "a notification made names the authority and the date it was notified"),
    (lambda a: a["notification"].update(notified_on="2026-01-05"),
     "notification.notified_on: 2026-01-05 is given but notified is false"),
    (lambda a: a.update(impact_assessment="ia-latest"), "impact_assessment: must be empty (the latest) or a run id"),
    (lambda a: a.update(colour="red"), "colour: is not a known field"),
])
def test_bad_answers_name_the_field_and_what_is_allowed(assessed, change, expected):
    answers = fria()
    change(answers)
    assert expected in refused(assessed, answers)
    assert no_fria(assessed)


def test_references_to_the_impact_assessment_are_checked_against_the_register(assessed):
    cv_run, credit_run = impact_run(assessed, CV), impact_run(assessed, CREDIT)
    message = refused(assessed, fria(impact_assessment=cv_run))
    assert (f"impact_assessment: is not an impact assessment of credit-scoring that did not fail; allowed: "
            f"{credit_run} (got {cv_run!r})") in message
    answers = fria()
    answers["affected"][1]["groups"] = ["age_band=65+"]
    message = refused(assessed, answers)
    assert ("affected[1].groups[0]: is not a group the impact assessment " + credit_run + " measured; allowed: "
            "sex=female, sex=male, age_band=18-34, age_band=35-54, age_band=55+ (got 'age_band=65+')") in message
    answers["affected"][1]["groups"] = ["age band 55+"]
    assert "affected[1].groups[0]: must be a sensitive attribute and one of its groups written attribute=group" in (
        refused(assessed, answers))
    told = fria(notification={"notified": True, "notified_on": date.today().isoformat(),
                              "authority": "National market surveillance authority", "reference": "MSA-1"})
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert (f"notification.notified_on: is after the day this assessment speaks for ({yesterday}); record the "
            f"notification in a version effective on or after it (got '{date.today().isoformat()}')"
            ) in refused(assessed, told, effective_date=yesterday)
    received = fria(provider_information={**fria()["provider_information"], "received_on": "9999-12-31"})
    assert (f"provider_information.received_on: is after the day this assessment speaks for ({yesterday}); record "
            "the receipt in a version effective on or after it (got '9999-12-31')"
            ) in refused(assessed, received, effective_date=yesterday)
    assert build_request(assessed, NAME, CREDIT, told, assessor="amara").answers.notification.notified
    assert build_request(assessed, NAME, CREDIT, fria(impact_assessment=credit_run), assessor="amara")
    assert no_fria(assessed)


def test_a_system_with_no_impact_assessment_is_refused(assessed):
    message = refused(assessed, fria(), system_id="support-assistant")
    assert "impact_assessment" in message and "has no impact assessment a person stands behind" in message
    with pytest.raises(InputError, match="system: AI system support-assistant has no impact assessment"):
        prefill(assessed, "support-assistant")


# the prefill from the impact assessment

def test_the_prefill_starts_from_the_latest_impact_assessment_and_cites_it(assessed):
    cv = prefill(assessed, CV)
    record = read_record(assessed, assessed.register.latest_evidence(CV, "impact-assessment"))
    assert cv["impact_assessment"] == record["run_id"] == impact_run(assessed, CV)
    responses = record["answers"]["responses"]
    assert cv["processes"][0]["use"] == responses["purpose-intended"]
    assert cv["processes"][0]["intended_purpose"] == assessed.register.system(CV).purpose
    # the measured disparity by sex: its disadvantaged group is a category, with a risk of its own
    female = next(c for c in cv["affected"] if c["groups"] == ["sex=female"])
    assert female["name"] == "People in group female (sex)" and record["run_id"] in female["description"]
    assert cv["risks"][0]["affected"] == [female["id"]] and cv["risks"][0]["rights"] == ["non-discrimination"]
    assert [c["name"] for c in cv["affected"][:3]] == assessed.register.system(CV).affected_stakeholders
    assert cv["complaints"] == "No"  # its impact assessment's answer: affected people cannot contest
    assert cv["measures"][0]["risks"] == [r["id"] for r in cv["risks"]]
    credit = prefill(assessed, CREDIT)
    assert credit["period_of_use"]["frequency"] == "affects 100 000 to 1 million people a year"
    assert not any(c["groups"] for c in credit["affected"])  # credit-scoring's impact assessment breaches nothing
    # what only the deployer knows is left for a person: the prefill alone is not an assessment
    message = refused(assessed, credit)
    for field in ("period_of_use.start", "provider_information.document", "governance", "oversight[0].instructions"):
        assert field in message, field


def test_the_form_of_a_first_fria_opens_with_the_prefill_and_says_where_it_comes_from(ws):
    from workbench.processes.fria.form import FriaForm

    form = FriaForm(ws, system_id=CV, assessor="tomas")
    run_id = impact_run(ws, CV)
    assert form.answers()["impact_assessment"] == run_id
    assert f"Started from impact assessment <code>{run_id}</code>" in form.origin.value
    assert any(c.get("groups") == ["sex=female"] for c in form.answers()["affected"])
    assert [r["affected"] for r in form.answers()["risks"]] == [r["affected"] for r in prefill(ws, CV)["risks"]]
    empty = FriaForm(ws, system_id="support-assistant", assessor="tomas")
    assert "has no impact assessment a person stands behind" in empty.origin.value


def test_a_dpia_the_impact_assessment_names_is_to_be_referenced(assessed):
    """Art. 27(4): credit-scoring's impact assessment says a DPIA is done and current."""
    def findings(answers):
        request = build_request(assessed, NAME, CREDIT, answers, assessor="amara")
        return [f.kind for f in request.process.results(request, assessed).findings]

    assert findings(fria(dpia="")) == ["not-notified", "dpia-not-referenced"]
    assert findings(fria()) == ["not-notified"]


def test_the_prefill_command_prints_answers_to_start_from(assessed):
    from click.testing import CliRunner

    from workbench.cli import main

    runner = CliRunner()
    done = runner.invoke(main, ["fria", "prefill", "--system", CV, "-w", str(assessed.root)])
    assert done.exit_code == 0, done.output
    assert yaml.safe_load(done.output) == yaml.safe_load(yaml.safe_dump(prefill(assessed, CV)))
    none = runner.invoke(main, ["fria", "prefill", "--system", "support-assistant", "-w", str(assessed.root)])
    assert none.exit_code == 2 and "has no impact assessment a person stands behind" in none.output


# real runs: the evidence, the register and the portfolio flags

def texts(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.kernel
def test_an_owed_fria_is_flagged_until_made_notified_and_updated(ws):
    from workbench.pipeline.portfolio import build_index

    def flags() -> list[tuple[str, str, str]]:
        return [(f.kind, f.key, f.clause) for f in portfolio_flags(ws)]

    key = f"{CREDIT}/{NAME}"
    assert flags() == [("missing", key, "Art. 27")]  # owed (Annex III 5(b)); cv-screening's is not owed
    assert "owed according to impact assessment " + impact_run(ws, CREDIT) in portfolio_flags(ws)[0].message
    assessed_on = date.today() - timedelta(days=20)
    first = run_process(ws, NAME, CREDIT, fria(), assessor="amara", effective_date=assessed_on)
    results = read_record(ws, ws.register.evidence(first.run_id))["results"]
    assert results["owed"] and results["version"] == 1 and not results["notified"]
    assert [f["kind"] for f in results["findings"]] == ["not-notified"]
    assert ws.register.evidence(first.run_id)["headline"] == "owed; 4 risk(s) of harm; authority not notified"
    assert ws.register.rows("fundamental_rights_assessments") == [{
        "run_id": first.run_id, "system_id": CREDIT, "impact_assessment": impact_run(ws, CREDIT), "owed": True,
        "risks": 4, "notified": False, "missing_groups": 0}]
    assert flags() == [("unnotified", key, "Art. 27(3)")]
    html = first.html.read_text()
    shown = texts(html)
    assert "Not yet notified." in shown and "market surveillance authority has not been notified" in shown
    assert "Instructions for use of the retail credit scoring model v4.2" in shown
    link = BeautifulSoup(html, "html.parser").find("a", string=impact_run(ws, CREDIT))
    assert (first.html.parent / link["href"]).resolve().is_file()
    build_index(ws)
    assert "unnotified" in texts((ws.evidence_dir / "index.html").read_text())

    # Art. 27(2): a new model version, then a newer impact assessment, make an update due
    ws.add_event(CREDIT, "new-model-version", assessed_on + timedelta(days=3), "scorecard v4.3", person="amara")
    assert ("due", key, "Art. 27(2)") in flags()
    assert "update due: new model version on" in " ".join(f.message for f in portfolio_flags(ws))
    newer = run_process(ws, "impact-assessment", CREDIT, IMPACT_ANSWERS[CREDIT], assessor="amara")
    reasons = [f.message for f in portfolio_flags(ws) if f.kind == "due"]
    assert any(f"impact assessment {newer.run_id}" in r and first.run_id not in r for r in reasons), reasons

    # the update: on the newer impact assessment, after the new model, notified: nothing is flagged
    told = fria(notification={"notified": True, "notified_on": date.today().isoformat(),
                              "authority": "Federal market surveillance authority", "reference": "MSA-2026-118"})
    second = run_process(ws, NAME, CREDIT, told, assessor="amara")
    results = read_record(ws, ws.register.evidence(second.run_id))["results"]
    assert results["version"] == 2 and results["impact_assessment"]["run_id"] == newer.run_id
    assert results["findings"] == [] and flags() == []
    assert "Notified to Federal market surveillance authority on" in texts(second.html.read_text())


@pytest.mark.kernel
def test_a_voluntary_fria_flags_a_measured_group_it_leaves_out_and_hostile_text_is_inert(ws):
    answers = fria(governance=HOSTILE, dpia="")
    answers["processes"][0]["name"] = HOSTILE
    answers["risks"][0]["title"] = HOSTILE
    answers["affected"][0]["groups"] = ["sex=male", "age_band=18-34"]  # sex=female, cv-screening's breach, is left out
    answers["affected"][1]["groups"] = ["age_band=55+"]
    answers["oversight"][0]["responsible"] = "amara"
    evidence = run_process(ws, NAME, CV, answers, assessor="tomas")
    results = read_record(ws, ws.register.evidence(evidence.run_id))["results"]
    assert not results["owed"] and "voluntarily" in results["owed_reason"]
    missing = [f["message"] for f in results["findings"] if f["kind"] == "missing-group"]
    assert len(missing) == 1 and "Group female of sex has a measured disparity" in missing[0]
    assert "not-notified" not in [f["kind"] for f in results["findings"]]  # nothing is owed, so nothing to notify
    assert ws.register.evidence(evidence.run_id)["headline"] == (
        "voluntary; 4 risk(s) of harm; no notification owed; 1 measured group(s) missing")
    assert [f for f in portfolio_flags(ws) if f.key.startswith(CV)] == []  # voluntary: no flag
    html = evidence.html.read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img"]) and "window.pwned" not in str(soup.find_all(attrs={"onerror": True}))
    assert texts(html).count(HOSTILE) == 4  # the process, the risk's title twice, the governance


@pytest.mark.kernel
def test_the_demo_fria_is_owed_builds_on_the_impact_assessment_and_is_flagged_not_notified(demo_root):
    ws = Workspace(demo_root)
    [record] = ws.register.evidence_list(CREDIT, NAME)
    results = read_record(ws, record)["results"]
    assert results["impact_assessment"]["run_id"] == impact_run(ws, CREDIT) and results["owed"]
    assert [f["kind"] for f in results["findings"]] == ["not-notified"]
    assert [(f.kind, f.key) for f in portfolio_flags(ws)] == [("unnotified", f"{CREDIT}/{NAME}")]
    portfolio = texts((ws.evidence_dir / "index.html").read_text())
    assert "the market surveillance authority has not been notified of the results" in portfolio
    assert (demo_root / "examples" / f"{NAME}-{CREDIT}.yaml").is_file()
