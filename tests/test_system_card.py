"""System cards: the public card holds only the fields marked public (tried with private fields marked
public, hostile text, people, e-mail addresses and paths), each fact is dated and stale beyond the review
interval, a newer input makes the card due, and real runs archive both cards hashed and signed."""

from __future__ import annotations

import copy
import json
import re
import sys
from datetime import date, timedelta
from importlib.metadata import EntryPoint

import pytest
from bs4 import BeautifulSoup

from workbench.demo.system_cards import ANSWERS as CARDS
from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.processes import PluginError, _load
from workbench.processes.system_card.facts import stale
from workbench.processes.system_card.public import PUBLIC_FIELDS, PublicCard, render

SYSTEM = "credit-scoring"
PRIVATE = "PRIVATE-SENTINEL-7f3a"


def card(**changes) -> dict:
    return {**copy.deepcopy(CARDS[SYSTEM]), **changes}


def test_the_allow_list_is_exactly_the_public_cards_optional_fields():
    always = {"organisation", "system_name", "version", "effective_date", "notices"}
    assert set(PublicCard.model_fields) == always | set(PUBLIC_FIELDS)
    assert not {"oversight_owner", "internal_notes", "owner", "location"} & set(PUBLIC_FIELDS)


@pytest.mark.parametrize("field", ["oversight_owner", "internal_notes", "owner", "location", "system"])
def test_a_private_field_marked_public_by_hand_is_refused_naming_it(workspace, field):
    with pytest.raises(InputError) as caught:
        build_request(workspace, "system-card", SYSTEM, card(public=["purpose", field]), assessor="amara")
    assert caught.value.problems[0].field == "public[1]" and "purpose" in caught.value.problems[0].message
    assert workspace.register.evidence_list() == []


def test_a_hand_edited_record_cannot_smuggle_a_field_into_the_public_card():
    record = {"run_id": "card-x", "results": {"public": {
        "organisation": "Org", "system_name": "S", "version": 1, "effective_date": "2026-01-01", "notices": [],
        "internal_notes": PRIVATE}}}
    with pytest.raises(ValueError, match="internal_notes"):
        render(record)
    record["results"]["public"].pop("internal_notes")
    record["results"]["public"]["datasets"] = [{"name": "d", "role": "training", "source": "internal",
                                                "location": PRIVATE}]
    with pytest.raises(ValueError, match="location"):
        render(record)


@pytest.mark.parametrize("field, text, reason", [
    ("intended_uses", ["Ask amara before scoring"], "names the person id 'amara'"),
    ("human_oversight", "Lena Fischer reviews every decline", "names the person 'Lena Fischer'"),
    ("raise_concern", "Write to concerns@northwind.example", "holds the e-mail address 'concerns@northwind.example'"),
    ("limitations", ["See /srv/aims/workspace/notes for details"], "holds a file path"),
    ("limitations", ["The extract data/credit-scoring/bureau.csv is old"], "holds a file path"),
    ("raise_concern", "Open file:///srv/aims/concerns", "holds a file path"),
])
def test_public_text_naming_a_person_an_email_or_a_path_is_refused_before_anything_runs(workspace, field, text,
                                                                                        reason):
    with pytest.raises(InputError) as caught:
        build_request(workspace, "system-card", SYSTEM, card(**{field: text}), assessor="amara")
    problem = caught.value.problems[0]
    path = field + ("[0]" if isinstance(text, list) else "")
    assert problem.field == f"public card: {path}" and reason in problem.message
    assert workspace.register.evidence_list() == []
    # the same text in a field kept internal is the team's business
    private = card(**{field: text}, public=[f for f in CARDS[SYSTEM]["public"] if f != field])
    assert build_request(workspace, "system-card", SYSTEM, private, assessor="amara").answers


def test_the_workspace_path_and_register_text_are_checked_too(workspace):
    with pytest.raises(InputError, match="holds a file path"):
        build_request(workspace, "system-card", SYSTEM, card(human_oversight=f"Logs in {workspace.root}"),
                      assessor="amara")
    workspace.add_systems([{"id": "named", "name": "Scoring", "owner": "lena", "tier": "low",
                            "purpose": "Built by priya for the branches.", "lifecycle_stage": "deployment",
                            "deployment_context": "branches", "affected_stakeholders": ["applicants"]}])
    with pytest.raises(InputError) as caught:
        build_request(workspace, "system-card", "named", card(), assessor="amara")
    assert caught.value.problems[0].field == "public card: purpose"
    assert build_request(workspace, "system-card", "named", card(public=["intended_uses"]), assessor="amara")


def test_a_fact_is_stale_once_older_than_the_review_interval():
    on = date(2026, 6, 30)
    assert not stale(date(2026, 3, 30), on, 3) and stale(date(2026, 3, 29), on, 3)
    assert not stale(on, on, 3)


def test_an_attachment_that_would_overwrite_an_evidence_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "sneaky.py").write_text(
        "from workbench.processes.system_card import PROCESS\nfrom dataclasses import replace\n"
        "PROCESS = replace(PROCESS, name='sneaky', attachments={'evidence.html': lambda record: ''})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="sneaky", value="sneaky:PROCESS", group="workbench.processes")
    with pytest.raises(PluginError, match="names a file every run archives"):
        _load(point, "sneaky-package")
    sys.modules.pop("sneaky", None)


# real runs: the demo's cards, and runs of our own on a copy of the demo


def texts(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


@pytest.mark.kernel
def test_the_demo_archives_both_cards_hashed_signed_and_the_public_one_names_nobody(demo_root):
    from workbench.config import SCHEDULER
    from workbench.pipeline.archive import ledger_entries, sha256_file
    from workbench.workspace import Workspace

    ws = Workspace(demo_root)
    for system_id, answers in CARDS.items():
        [folder] = (demo_root / "evidence" / system_id / "system-card").iterdir()
        entry = next(e for e in ledger_entries(ws.evidence_dir) if e.get("path") == f"{system_id}/system-card/{folder.name}")
        assert set(entry["files"]) == {"evidence.html", "notebook.ipynb", "results.json", "public-card.html"}
        assert entry["files"]["public-card.html"] == sha256_file(folder / "public-card.html") and entry["signature"]
        internal, public = (folder / "evidence.html").read_text(), (folder / "public-card.html").read_text()
        assert sha256_file(folder / "public-card.html") in internal  # the internal cover lists its hash
        soup = BeautifulSoup(public, "html.parser")
        assert not soup.find_all(["script", "iframe", "object", "embed", "img", "link"])
        assert "script-src 'none'" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        shown = texts(public)
        for person in ws.config.people:
            if SCHEDULER in person.roles:
                continue
            assert not re.search(rf"(?<![\w-]){re.escape(person.id)}(?![\w-])", shown, re.I), (system_id, person.id)
            assert person.name not in shown and (not person.email or person.email not in shown)
        assert "@" not in shown and str(demo_root) not in public and ".csv" not in shown
        results = json.loads((folder / "results.json").read_text())["results"]
        for private in [answers.get("internal_notes"), results["system"]["deployment_context"]] + [
                d["location"] for d in results["facts"]["datasets"]]:
            if private:
                assert private not in shown and private in texts(internal)
        assert answers["human_oversight"] in shown and answers["prohibited_uses"][0] in shown
        assert ("Remaining risks above our risk appetite" in shown) == ("residual_risks" in answers["public"])
        assert ws.config.person(answers["oversight_owner"]).name in texts(internal)
    credit = next((demo_root / "evidence" / SYSTEM / "system-card").iterdir())
    data = texts((credit / "public-card.html").read_text())
    assert "Credit scoring training set v4 (training data, internal source)" in data
    row = ws.register.rows("system_cards", system_id=SYSTEM)[0]
    assert (row["version"], row["stale_inputs"], len(row["public_fields"])) == (1, 0, len(PUBLIC_FIELDS))


@pytest.mark.kernel
def test_a_hand_edited_public_card_is_named_by_verify(copy_of_demo):
    from workbench.pipeline.verify import verify

    [folder] = (copy_of_demo.evidence_dir / "cv-screening" / "system-card").iterdir()
    page = folder / "public-card.html"
    original = page.read_text()
    page.write_text(original.replace("Recruiters", "Recruiters and amara"))
    try:
        report = verify(copy_of_demo)
        assert not report.ok and any("public-card.html" in str(f) for f in report.findings)
    finally:
        page.write_text(original)


@pytest.mark.kernel
def test_a_hostile_system_name_stays_text_in_both_cards(copy_of_demo):
    from workbench.pipeline.run import run_process

    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)> Scorer"
    copy_of_demo.add_systems([{"id": "hostile", "name": hostile, "owner": "lena", "tier": "medium",
                               "purpose": "<b onmouseover=alert(3)>Scores</b> applications",
                               "lifecycle_stage": "deployment", "deployment_context": "branches",
                               "affected_stakeholders": ["applicants <i>all</i>"]}])
    evidence = run_process(copy_of_demo, "system-card", "hostile", card(), assessor="amara")
    for name in ("evidence.html", "public-card.html"):
        page = (evidence.folder / name).read_text()
        soup = BeautifulSoup(page, "html.parser")
        assert not soup.find_all(["script", "img", "b", "i"]), name
        assert hostile in soup.get_text() and "<b onmouseover=alert(3)>Scores</b> applications" in soup.get_text()


@pytest.mark.kernel
def test_stale_and_missing_inputs_are_said_on_the_face_of_both_cards(copy_of_demo, answers):
    from workbench.pipeline.run import run_process

    copy_of_demo.add_systems([{"id": "legacy", "name": "Legacy scorer", "owner": "lena", "tier": "high",
                               "purpose": "Scores old applications.", "lifecycle_stage": "operation-monitoring",
                               "deployment_context": "back office", "affected_stakeholders": ["applicants"]}])
    old = date.today() - timedelta(days=120)  # tier high: reviewed every 3 months
    risk = run_process(copy_of_demo, "risk-assessment", "legacy", answers, assessor="amara", effective_date=old.isoformat())
    evidence = run_process(copy_of_demo, "system-card", "legacy", card(), assessor="amara")
    results = json.loads(evidence.results.read_text())["results"]
    assert results["stale"] == [f"risk-assessment {risk.run_id} of {old.isoformat()} is older than the review "
                                "interval (3 months)", "no impact-assessment is recorded"]
    internal = texts(evidence.html.read_text())
    assert "Stale or missing inputs" in internal and f"{old.isoformat()} ({risk.run_id}): stale" in internal
    public = texts((evidence.folder / "public-card.html").read_text())
    assert "Out-of-date information" in public
    assert f"The residual risks date from {old.isoformat()}, more than 3 months before this card" in public
    assert "No impact assessment is recorded yet, so this card shows no performance figures." in public
    assert copy_of_demo.register.rows("system_cards", system_id="legacy")[0]["stale_inputs"] == 2


@pytest.mark.kernel
def test_a_newer_input_makes_the_card_due_and_the_review_regenerates_it(copy_of_demo, answers):
    from workbench.pipeline.run import run_process
    from workbench.scheduling.cadence import review_states
    from workbench.scheduling.review import plan_review, run_job

    def state():
        return next(s for s in review_states(copy_of_demo) if (s.system_id, s.process) == (SYSTEM, "system-card"))

    assert state().status == "current"
    risk = run_process(copy_of_demo, "risk-assessment", SYSTEM, answers, assessor="amara")
    assert (state().status, state().reason) == ("due", f"its input risk-assessment {risk.run_id} is newer")
    # the demo's card already speaks for this period: as with a trigger event, only another round regenerates it
    jobs, known = plan_review(copy_of_demo, system_id=SYSTEM)
    assert "system-card" in {o.process for o in known if o.status == "skipped"}
    jobs, _known = plan_review(copy_of_demo, system_id=SYSTEM, force=True)
    [job] = [j for j in jobs if j.process == "system-card"]
    outcome = run_job(job)
    assert outcome.status == "recalculated"
    results = json.loads((copy_of_demo.evidence_dir / outcome.evidence).parent.joinpath("results.json").read_text())
    assert risk.run_id in {s["run_id"] for s in results["results"]["facts"]["sources"]}
    assert results["results"]["version"] == 2 and results["previous"]["run_id"] == job.carried_from
    assert state().awaiting_confirmation == outcome.run_id  # a person confirms the scheduler's card


def test_the_demo_card_says_in_words_what_the_model_depends_on(demo_root):
    """The credit-scoring card (internal and public) carries the explainability record's top features,
    the sensitive attribute among them with its caution."""
    [card] = demo_root.glob("evidence/credit-scoring/system-card/*/results.json")
    explanations = json.loads(card.read_text())["results"]["facts"]["explanations"]
    assert [e["model_id"] for e in explanations] == ["scorecard-v4"]
    sentences = explanations[0]["top_features"]
    assert sentences[0].startswith("income matters most") and any("Caution" in s for s in sentences)
    public = (card.parent / "public-card.html").read_text()
    assert "What the model depends on most" in public and "income matters most" in public
    [other] = demo_root.glob("evidence/cv-screening/system-card/*/results.json")
    assert json.loads(other.read_text())["results"]["facts"]["explanations"] == []


def test_a_model_without_its_explanation_is_a_notice_and_no_model_is_none():
    from workbench.processes.system_card.facts import Explanation, Facts
    from workbench.processes.system_card.public import _notices

    def facts(missing, explanations):
        return Facts(interval_months=6, sources=[], missing=missing, impact=None, performance=[], fairness=[],
                     datasets=[], appetite="Medium", residual_risks=[], explanations=explanations)

    assert _notices(["what_it_depends_on"], facts([], [])) == []  # a system without a model
    assert _notices(["what_it_depends_on"], facts(["explainability of scorecard-v5"], [])) == [
        "No explainability of model scorecard-v5 is recorded yet."]
    old = Explanation(model_id="m", model_name="Scorecard", top_features=[], run_id="xai-1",
                      measured_on=date(2025, 1, 1), stale=True)
    assert "measured on 2025-01-01, more than 6 months" in _notices(["what_it_depends_on"], facts([], [old]))[0]
