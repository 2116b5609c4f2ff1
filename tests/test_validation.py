"""Bad input is refused with a message naming field, value and what is allowed; nothing is archived."""

from __future__ import annotations

import json

import pytest
import yaml

from keys import nothing_archived
from workbench.exceptions import InputError, UnknownRecordError
from workbench.pipeline.run import run_process
from workbench.pipeline.request import build_request
from workbench.processes import processes
from workbench.validate import check_slug, require_slug

SYSTEM = "credit-scoring"
INIT_ENTRIES = {"workbench.yaml", "register.db", "evidence", "drafts"}


def _via_build_request(workspace, system_id, answers, **kw):
    return build_request(workspace, "risk-assessment", system_id, answers, **kw)


def _via_run_process(workspace, system_id, answers, **kw):
    return run_process(workspace, "risk-assessment", system_id, answers, **kw)


@pytest.fixture(params=[_via_build_request, _via_run_process], ids=["build_request", "run_process"])
def submit(request, workspace):
    """Submit a risk assessment of the workspace through one of the two entry points.

    After the call raised, checks that nothing was archived or staged.
    """
    assert {p.name for p in workspace.root.iterdir()} == INIT_ENTRIES

    def call(answers, system_id=SYSTEM, **kw):
        kw.setdefault("assessor", "amara")
        before = sorted(workspace.root.rglob("*"))
        with pytest.raises(InputError) as err:
            request.param(workspace, system_id, answers, **kw)
        assert nothing_archived(workspace)
        assert workspace.register.evidence_list() == []
        assert workspace.register.frame("risks").empty
        assert sorted(workspace.root.rglob("*")) == before
        return str(err.value)

    return call


def _says(message: str, *parts: str) -> None:
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def test_valid_answers_pass_build_request(workspace, answers):
    request = build_request(workspace, "risk-assessment", SYSTEM, answers, period="2026-Q4", assessor="amara")
    assert (request.system.id, request.period, request.assessor) == (SYSTEM, "2026-Q4", "amara")
    assert [r.id for r in request.answers.risks] == ["R1", "R2", "R3", "R4"]


# System id

def test_unknown_system(submit, answers):
    message = submit(answers, system_id="mortgage-pricing")
    _says(message, "system:", "'mortgage-pricing'", "is not a registered AI system",
          "registered: credit-scoring, cv-screening, support-assistant")


def test_unknown_system_is_an_unknown_record_error(workspace, answers):
    with pytest.raises(UnknownRecordError):
        build_request(workspace, "risk-assessment", "mortgage-pricing", answers, assessor="amara")


def test_system_id_with_a_slash(submit, answers):
    message = submit(answers, system_id="credit/scoring")
    _says(message, "system:", "'credit/scoring'", "must be a safe slug", "lowercase letters, digits and inner hyphens")


# Fields of a risk

def test_unknown_control_id(submit, answers):
    answers["risks"][0]["existing_controls"] = ["A.11.1"]
    message = submit(answers)
    _says(message, "risks[0].existing_controls", "'A.11.1'", "unknown Annex A control", "A.2.2 to A.10.4")


def test_likelihood_out_of_scale(submit, answers):
    answers["risks"][1]["inherent_likelihood"] = 7
    message = submit(answers)
    _says(message, "risks[1].inherent_likelihood", "(got 7)", "a level from 1 to 5")


def test_missing_owner(submit, answers):
    del answers["risks"][2]["owner"]
    assert submit(answers) == "answers: risks[2].owner: is required"


def test_owner_who_is_not_a_configured_person(submit, answers):
    answers["risks"][0]["owner"] = "mallory"
    message = submit(answers)
    _says(message, "risks[0].owner", "'mallory'", "unknown person",
          "allowed: amara, david, lena, priya, sofia, tomas")


def test_due_date_not_iso(submit, answers):
    answers["risks"][0]["due_date"] = "31/12/2026"
    message = submit(answers)
    _says(message, "risks[0].due_date", "'31/12/2026'", "YYYY-MM-DD")


def test_risk_id_repeated(submit, answers):
    answers["risks"][3]["id"] = "R2"
    message = submit(answers)
    _says(message, "risks:", "risk ids must be unique", "repeated: R2")


def test_residual_above_inherent(submit, answers):
    answers["risks"][3]["residual_likelihood"] = 4  # R4: inherent 3 x 4 = 12, residual 4 x 4 = 16
    message = submit(answers)
    _says(message, "risks[3]", "residual rating 4 x 4 = 16", "may not exceed the inherent rating 3 x 4 = 12")


def test_extra_unknown_field_in_a_risk(submit, answers):
    answers["risks"][0]["severity"] = "huge"
    message = submit(answers)
    _says(message, "risks[0].severity", "'huge'", "is not a known field")


def test_extra_unknown_top_level_field(submit, answers):
    answers["approved"] = True
    message = submit(answers)
    _says(message, "approved", "True", "is not a known field")


# Non-finite numbers

@pytest.mark.parametrize("value, shown", [(float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf")])
def test_non_finite_number_in_answers(submit, answers, value, shown):
    answers["risks"][0]["inherent_impact"] = value
    message = submit(answers)
    _says(message, "risks[0].inherent_impact", f"(got {shown})", "must be a finite number")


def test_nan_in_a_yaml_answers_file(submit, answers, tmp_path):
    answers["risks"][0]["inherent_likelihood"] = "NAN-HERE"
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers).replace("NAN-HERE", ".nan"), encoding="utf-8")
    message = submit(str(path))
    _says(message, "risks[0].inherent_likelihood", "(got nan)", "must be a finite number")


def test_infinity_in_a_json_answers_file(submit, answers, tmp_path):
    answers["risks"][1]["residual_impact"] = "INF-HERE"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers).replace('"INF-HERE"', "Infinity"), encoding="utf-8")
    message = submit(path)
    _says(message, "risks[1].residual_impact", "(got inf)", "must be a finite number")


# Answers files

def test_answers_file_with_broken_yaml(submit, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("scope: [unclosed\nrisks: []\n", encoding="utf-8")
    message = submit(str(path))
    _says(message, "answers:", str(path), "is not valid YAML")


def test_answers_file_with_broken_json(submit, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text('{"scope": "x", "risks": [', encoding="utf-8")
    message = submit(str(path))
    _says(message, "answers:", str(path), "is not valid JSON")


def test_answers_json_string_that_is_broken(submit):
    message = submit('{"scope": ')
    _says(message, "answers:", "'{\"scope\": '", "is not valid JSON")


def test_answers_file_holding_a_list(submit, answers, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers["risks"]), encoding="utf-8")
    message = submit(str(path))
    _says(message, "answers:", "'list'", "must be a mapping of field names to values")


def test_answers_file_missing(submit, tmp_path):
    path = tmp_path / ("a-folder-deep-in-a-shared-drive-" * 4) / "nowhere.yaml"  # shown whole, however deep
    message = submit(str(path))
    _says(message, "answers:", str(path), "no such file")


def test_answers_empty_yaml_file(submit, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("", encoding="utf-8")
    message = submit(str(path))
    _says(message, "answers:", "must be a mapping")


# Period, assessor, effective date

@pytest.mark.parametrize("period", ["2026-Q5", "2026-H3", "2026-13", "26-Q1", "2026-Q4\n"])
def test_bad_period(submit, answers, period):
    message = submit(answers, period=period)
    _says(message, "period:", repr(period), "2026, 2026-H2, 2026-Q4 or 2026-11")


@pytest.mark.parametrize("period", ["2026", "2026-H2", "2026-Q4", "2026-11"])
def test_good_period(workspace, answers, period):
    assert build_request(workspace, "risk-assessment", SYSTEM, answers, period=period, assessor="amara").period == period


def test_period_defaults_to_the_quarter_of_the_effective_date(workspace, answers):
    request = build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="amara",
                            effective_date="2026-11-27")
    assert request.period == "2026-Q4"


def test_assessor_who_is_not_a_person(submit, answers):
    message = submit(answers, assessor="mallory")
    _says(message, "assessor:", "'mallory'", "is not a person in the configuration",
          "allowed: priya, tomas, amara, lena, david, sofia")


def test_assessor_without_the_assessor_role(submit, answers):
    message = submit(answers, assessor="lena")
    _says(message, "assessor:", "'lena'", "does not hold the assessor role", "people who do: tomas, amara")


def test_effective_date_not_iso(submit, answers):
    message = submit(answers, effective_date="31/12/2026")
    _says(message, "effective_date:", "'31/12/2026'", "YYYY-MM-DD")


def test_unknown_process(workspace, answers):
    allowed = ", ".join(sorted(processes()))  # every installed process, the built-ins among them
    assert {"risk-assessment", "soa", "internal-audit", "context", "model-release"} <= set(processes())
    with pytest.raises(InputError, match=rf"process: unknown process; allowed: {allowed} \(got 'audit'\)"):
        build_request(workspace, "audit", SYSTEM, answers, assessor="amara")


def test_several_problems_are_all_listed(workspace, answers):
    answers["risks"][0]["inherent_likelihood"] = 0
    answers["risks"][1]["owner"] = "mallory"
    with pytest.raises(InputError) as err:
        build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="amara")
    assert [p.field for p in err.value.problems] == ["risks[0].inherent_likelihood", "risks[1].owner"]
    assert str(err.value).startswith("answers: 2 problems")


# Slugs

@pytest.mark.parametrize("value", [
    "a", "a-b", "credit-scoring", "cv2", "0", "a" * 64, "a-" * 31 + "bc",
])
def test_check_slug_accepts(value):
    assert check_slug(value) == value


@pytest.mark.parametrize("value", [
    "../x", "..", "a/b", "credit/scoring", "Credit-Scoring", "ABC", "", " ", "a" * 65,
    "-a", "a-", "a_b", "a b", "a.b", "café", "a-b\n", "\na-b", None, 7,
])
def test_check_slug_rejects(value):
    with pytest.raises(ValueError, match="must be a safe slug"):
        check_slug(value)


def test_require_slug_names_the_field_and_value():
    with pytest.raises(InputError) as err:
        require_slug("system", "../x")
    assert str(err.value).startswith("system: must be a safe slug")
    assert str(err.value).endswith("(got '../x')")


@pytest.mark.parametrize("given, message", [
    (["a", "b", "x"], "unknown: x"),
    (["a", "b", "a"], "repeated: a"),
    (["a"], "missing: b"),
    (["x", "a", "a"], "unknown: x"),  # the first rule broken is the one named
])
def test_a_list_of_ids_is_complete_or_named(given, message):
    from workbench.validate import check_complete

    with pytest.raises(ValueError, match=f"^{message}$"):
        check_complete(given, ["a", "b"], unknown="unknown: {}", repeated="repeated: {}", missing="missing: {}")
    check_complete(["b", "a"], ["a", "b"], unknown="{}", repeated="{}", missing="{}")


# patterns are said in words ------------------------------------------------------------------------


def _patterns(schema) -> set[str]:
    """Every ``pattern`` in a JSON schema, however deeply nested."""
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(v) for v in schema))
    return set()


def test_every_pattern_a_form_or_file_can_break_is_explained_in_words():
    """A user once read `String should match pattern '^[A-Za-z0-9]...'`: every pattern of every installed
    process's answers and of the configuration has a rule in words."""
    from workbench.config import configuration_model
    from workbench.processes import processes
    from workbench.validate import pattern_rule

    schemas = [configuration_model().model_json_schema()] + [p.answers.model_json_schema() for p in processes().values()]
    patterns = set().union(*(_patterns(s) for s in schemas))
    assert patterns
    unexplained = sorted(p for p in patterns if pattern_rule(p) == "is not in the form this field allows")
    assert unexplained == []


def test_a_bad_risk_id_says_what_is_allowed_in_words(submit, answers):
    answers["risks"][0]["id"] = "R 1"
    message = submit(answers)
    assert "risks[0].id: must be a short id: a letter or digit, then up to 31 letters" in message
    assert "pattern" not in message and "^[" not in message
