"""The settings of the AI system impact assessment (``impact_criteria`` in ``workbench.yaml``): how
scores become a level I to IV, what each level requires, and the fairness thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from workbench.validate import Strict

IMPACT_LEVELS = ("I", "II", "III", "IV")


class FairnessThresholds(Strict):
    """The limits a measured disparity must stay within; a value beyond one is a breach."""

    demographic_parity_ratio_min: float = Field(default=0.8, ge=0, le=1,
                                                description="lowest acceptable selection-rate ratio (four-fifths rule: 0.8)")
    demographic_parity_difference_max: float = Field(default=0.1, ge=0, le=1)
    equalized_odds_difference_max: float = Field(default=0.1, ge=0, le=1)


def _default_measures() -> dict[str, list[str]]:
    return {
        "I": ["Plain-language notice to affected people that an AI system is used",
              "Approval to operate by the system owner"],
        "II": ["Plain-language notice to affected people that an AI system is used",
               "A reason given to a person with every adverse outcome",
               "Peer review by at least one qualified person outside the project",
               "Analysis of the impact on groups of affected people",
               "Approval to operate by the AIMS manager"],
        "III": ["Notice to affected people, pointing to a published explanation of the system",
                "A reason given to a person with every adverse outcome",
                "Peer review by at least one qualified person outside the project",
                "Analysis of the impact on groups of affected people",
                "A human makes the final decision",
                "In-depth training of the people who oversee the system",
                "Approval to operate by top management"],
        "IV": ["Notice to affected people, pointing to a published explanation of the system",
               "A reason given to a person with every adverse outcome",
               "Peer review by at least two qualified people independent of the organisation",
               "Analysis of the impact on groups of affected people",
               "A human makes the final decision",
               "In-depth training of the people who oversee the system",
               "Approval to operate by top management, recorded before first use"],
    }


def _default_checks() -> dict[str, dict[str, list[str]]]:
    notice = {"measures-notice": ["no"]}
    return {
        "A human makes the final decision": {"system-autonomy": ["decides-reviewed", "decides"],
                                             "measures-oversight": ["adverse", "sample", "none"]},
        "A reason given to a person with every adverse outcome": {"measures-contest": ["partly", "no"]},
        "Plain-language notice to affected people that an AI system is used": notice,
        "Notice to affected people, pointing to a published explanation of the system": notice,
    }


class ImpactCriteria(Strict):
    """How an impact assessment's scores become a level I to IV, and what each level requires.

    ``current = round((1 - deduction) x raw)`` when the mitigation score reaches
    ``mitigation_threshold`` of its maximum, else ``current = raw``; the level is the first
    cut-off (a fraction of the raw maximum) that ``current`` does not exceed.
    """

    mitigation_threshold: float = Field(default=0.8, gt=0, le=1,
                                        description="fraction of the mitigation maximum that earns the deduction")
    deduction: float = Field(default=0.15, ge=0, lt=1, description="fraction taken off the raw score")
    cutoffs: list[float] = Field(default_factory=lambda: [0.25, 0.5, 0.75], min_length=3, max_length=3,
                                 description="upper bounds of levels I, II, III as fractions of the raw maximum")
    measures: dict[Literal[IMPACT_LEVELS], list[str]] = Field(  # type: ignore[valid-type]
        default_factory=_default_measures, description="required measures for each level")
    fairness: FairnessThresholds = Field(default_factory=FairnessThresholds)
    measure_checks: dict[str, dict[str, list[str]]] = Field(
        default_factory=_default_checks,
        description="required measure -> question id -> the options of that question whose choice contradicts it")

    @model_validator(mode="after")
    def _coherent(self) -> "ImpactCriteria":
        if not all(a < b for a, b in zip([0.0] + self.cutoffs, self.cutoffs + [1.0])):
            raise ValueError(f"cutoffs must rise strictly between 0 and 1, e.g. [0.25, 0.5, 0.75]; got {self.cutoffs}")
        missing = [level for level in IMPACT_LEVELS if level not in self.measures]
        if missing:
            raise ValueError(f"measures: list the required measures of every level; missing {', '.join(missing)}")
        required = {m for listed in self.measures.values() for m in listed}
        unknown = sorted(set(self.measure_checks) - required)
        if unknown and "measure_checks" in self.model_fields_set:  # the defaults check the default measures only
            raise ValueError(f"measure_checks: {unknown[0]!r} is not a required measure of any level; allowed: "
                             "the measures listed under measures")
        return self
