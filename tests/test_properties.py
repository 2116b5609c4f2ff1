"""Property-based tests (hypothesis) over the answer models and the escaping every typed text goes through."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keys import KEYS
from workbench.pipeline.archive import canonical_json
from workbench.config import configuration_model
from workbench.demo import ANSWERS, demo_configuration
from workbench.ui.display import esc
from workbench.exceptions import InputError
from workbench.records.export import FORMULA_STARTS, neutralise
from workbench.processes.risk_assessment.assessment import RiskAssessmentAnswers
from workbench.validate import load_data, model_from

BASE = ANSWERS["credit-scoring"]
CONFIG = configuration_model().model_validate(demo_configuration(KEYS))
CONTEXT = {"people": {p.id for p in CONFIG.people}, "criteria": CONFIG.risk_criteria}
TEXT_FIELDS = ("title", "description", "rationale")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def validate(data):
    return model_from(RiskAssessmentAnswers, data, context=CONTEXT, what="answers")


@SETTINGS
@given(field=st.sampled_from(TEXT_FIELDS), text=st.text(max_size=300), scope=st.text(max_size=300))
def test_any_text_is_accepted_or_refused_by_rule_and_round_trips(field, text, scope):
    data = copy.deepcopy(BASE)
    data["scope"] = scope
    data["risks"][0][field] = text
    try:
        parsed = validate(data)
    except InputError as err:
        assert err.problems and all(p.field and p.message for p in err.problems)
        return
    again = validate(json.loads(canonical_json(parsed.model_dump(mode="json"))))
    assert again == parsed
    kept = getattr(parsed.risks[0], field)
    assert kept in text and kept.strip() == text.strip()  # only surrounding whitespace is trimmed


@SETTINGS
@given(risk=st.dictionaries(st.sampled_from(sorted(BASE["risks"][0]) + ["extra"]), JSON_VALUES, max_size=12))
def test_arbitrary_risk_data_never_crashes_validation(risk):
    data = {"scope": "s", "risks": [risk]}
    try:
        validate(data)
    except InputError as err:
        assert err.problems


@SETTINGS
@given(data=JSON_VALUES)
def test_arbitrary_json_answers_are_an_answer_or_an_input_error(data):
    try:
        loaded = load_data(json.dumps(data, allow_nan=True)) if isinstance(data, dict) else None
        if loaded is not None:
            validate(loaded)
    except InputError as err:
        assert err.problems


@SETTINGS
@given(likelihood=st.integers(-10, 10), impact=st.integers(-10, 10))
def test_levels_outside_the_scale_are_refused(likelihood, impact):
    data = copy.deepcopy(BASE)
    data["risks"][0].update(inherent_likelihood=likelihood, inherent_impact=impact,
                            residual_likelihood=1, residual_impact=1)
    try:
        validate(data)
        assert 1 <= likelihood <= 5 and 1 <= impact <= 5
    except InputError as err:
        assert not (1 <= likelihood <= 5 and 1 <= impact <= 5)
        assert any("inherent" in p.field for p in err.problems)


@given(text=st.text())
def test_escaped_text_has_no_markup(text):
    out = esc(text)
    assert "<" not in out and ">" not in out and '"' not in out


@given(value=st.text())
def test_no_exported_cell_starts_a_formula(value):
    assert not str(neutralise(value)).startswith(FORMULA_STARTS)
