"""The workspace configuration: organisation, people and roles, tiers, the AI risk criteria and
the impact assessment criteria."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.validate import Slug, repeated_ids

ROLES = ("aims_manager", "assessor", "reviewer", "approver", "auditor", "top_management", "system_owner")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Organisation(_Strict):
    """Who runs this AI management system."""

    name: str = Field(min_length=1, max_length=200)
    scope: str = Field(default="", max_length=2000)


class Person(_Strict):
    """Someone who takes part in the AIMS, with the roles they hold."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200)
    roles: list[Literal[ROLES]] = Field(min_length=1)  # type: ignore[valid-type]


class ScaleLevel(_Strict):
    """One level of a five-level scale, with the words that define it."""

    level: int = Field(ge=1, le=5)
    label: str = Field(min_length=1, max_length=60)
    definition: str = Field(min_length=1, max_length=500)


class Band(_Strict):
    """A named range of risk scores, for example Medium = 5 to 9."""

    name: str = Field(min_length=1, max_length=40)
    min: int = Field(ge=1, le=25)
    max: int = Field(ge=1, le=25)
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")


class RiskLevel(BaseModel):
    """The level of one risk, with the worked calculation an auditor can check."""

    likelihood: int
    impact: int
    score: int
    band: str
    calculation: str


class RiskCriteria(_Strict):
    """How likelihood and impact are rated and combined, and how much risk is acceptable.

    ``method: product`` scores likelihood times impact and bands the product; ``method: matrix``
    reads the band from ``matrix`` (rows are likelihood 1 to 5, columns impact 1 to 5).
    """

    likelihood: list[ScaleLevel] = Field(min_length=5, max_length=5)
    impact: list[ScaleLevel] = Field(min_length=5, max_length=5)
    method: Literal["product", "matrix"] = "product"
    bands: list[Band] = Field(min_length=2)
    matrix: list[list[str]] | None = None
    appetite: str = Field(description="the highest band a residual risk may have and be acceptable")
    acceptance_role: Literal[ROLES] = "top_management"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _coherent(self) -> "RiskCriteria":
        for name in ("likelihood", "impact"):
            if [s.level for s in getattr(self, name)] != [1, 2, 3, 4, 5]:
                raise ValueError(f"{name} must list levels 1, 2, 3, 4, 5 in order")
        expected = 1
        for band in self.bands:
            if band.min != expected or band.max < band.min:
                raise ValueError(
                    f"bands must cover 1 to 25 in order without gaps; band {band.name!r} "
                    f"starts at {band.min}, expected {expected}")
            expected = band.max + 1
        if expected != 26:
            raise ValueError("bands must end at 25")
        names = self.band_names()
        if self.appetite not in names:
            raise ValueError(f"appetite {self.appetite!r} is not a band; allowed: {', '.join(names)}")
        if self.method == "matrix":
            if not self.matrix or len(self.matrix) != 5 or any(len(r) != 5 for r in self.matrix):
                raise ValueError("method 'matrix' needs a 5 x 5 matrix of band names")
            unknown = {cell for row in self.matrix for cell in row} - set(names)
            if unknown:
                raise ValueError(f"matrix names unknown bands {sorted(unknown)}; allowed: {', '.join(names)}")
        return self

    def band_names(self) -> list[str]:
        """Band names from lowest to highest."""
        return [b.name for b in self.bands]

    def band(self, name: str) -> Band:
        """Return the band called ``name``."""
        return next(b for b in self.bands if b.name == name)

    def level(self, likelihood: int, impact: int) -> RiskLevel:
        """Rate one risk: score, band and the calculation that led there."""
        score = likelihood * impact
        if self.method == "matrix":
            band = self.matrix[likelihood - 1][impact - 1]  # type: ignore[index]
            calc = f"matrix row L{likelihood}, column I{impact} → {band} (L × I = {score})"
        else:
            band = next(b.name for b in self.bands if b.min <= score <= b.max)
            calc = f"{likelihood} × {impact} = {score} → {band}"
        return RiskLevel(likelihood=likelihood, impact=impact, score=score, band=band, calculation=calc)

    def above_appetite(self, band: str) -> bool:
        """Whether a residual risk in ``band`` exceeds the risk appetite."""
        names = self.band_names()
        return names.index(band) > names.index(self.appetite)

    def formula(self) -> str:
        """The method in words, for the evidence."""
        if self.method == "matrix":
            return "The band is read from the risk matrix at (likelihood, impact); the score L × I orders risks within a band."
        return "Risk score = likelihood × impact (1 to 25); the score falls into exactly one band."

IMPACT_LEVELS = ("I", "II", "III", "IV")


class FairnessThresholds(_Strict):
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


class ImpactCriteria(_Strict):
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

    @model_validator(mode="after")
    def _coherent(self) -> "ImpactCriteria":
        if not all(a < b for a, b in zip([0.0] + self.cutoffs, self.cutoffs + [1.0])):
            raise ValueError(f"cutoffs must rise strictly between 0 and 1, e.g. [0.25, 0.5, 0.75]; got {self.cutoffs}")
        missing = [level for level in IMPACT_LEVELS if level not in self.measures]
        if missing:
            raise ValueError(f"measures: list the required measures of every level; missing {', '.join(missing)}")
        return self


class ReviewPolicy(_Strict):
    """When AI systems are assessed again: an interval per tier, and events that make a review due early."""

    interval_months: dict[str, int] = Field(
        default_factory=lambda: {"high": 3, "medium": 6, "low": 12},
        description="months between reviews, per tier")
    grace_days: int = Field(default=14, ge=0, le=365, description="days after the due date before a review is overdue")
    processes: list[Slug] = Field(default_factory=lambda: ["risk-assessment", "impact-assessment"], min_length=1,
                                  description="the processes a periodic review runs for each system")
    triggers: list[Slug] = Field(default_factory=lambda: ["new-model-version", "new-dataset", "incident"],
                                 description="event kinds that make a review due at once")
    reviewer: Slug | Literal[""] = Field(default="", description="person id recorded as assessor of scheduled runs; "
                                                    "empty: the assessor of the answers carried forward")

    @field_validator("interval_months")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        for tier, months in value.items():
            if not 1 <= months <= 60:
                raise ValueError(f"interval for tier {tier!r} must be 1 to 60 months")
        return value


class MaturityLevel(_Strict):
    """One level of the maturity scale a gap analysis rates against, with the words that define it."""

    level: int = Field(ge=0, le=5)
    label: str = Field(min_length=1, max_length=60)
    definition: str = Field(min_length=1, max_length=500)


def _default_maturity() -> list[dict]:
    return [
        {"level": 0, "label": "Not started", "definition": "Nothing is in place and no work has begun."},
        {"level": 1, "label": "Initial", "definition": "Done ad hoc by individuals; not written down or repeatable."},
        {"level": 2, "label": "Repeatable", "definition": "Done the same way each time by habit; partly written down."},
        {"level": 3, "label": "Defined", "definition": "Written down, approved, communicated and followed."},
        {"level": 4, "label": "Managed", "definition": "Measured and reviewed; records show it works as planned."},
        {"level": 5, "label": "Optimised", "definition": "Improved continually from measurement, audits and reviews."},
    ]


class Readiness(_Strict):
    """How a gap analysis rates maturity and weighs it into certification readiness.

    Readiness of a clause or Annex A area = the mean maturity of its items / 5; overall readiness =
    the weighted mean of the clause and area means / 5, with the weights below (default 1).
    """

    maturity: list[MaturityLevel] = Field(default_factory=lambda: [MaturityLevel(**m) for m in _default_maturity()],
                                          min_length=6, max_length=6)
    target: int = Field(default=3, ge=1, le=5, description="the maturity a certification audit expects; "
                                                           "an item below it is a gap")
    clause_weights: dict[str, float] = Field(default_factory=dict,
                                             description="weight per clause 4 to 10 (missing: 1)")
    area_weights: dict[str, float] = Field(default_factory=dict,
                                           description="weight per Annex A area A.2 to A.10 (missing: 1)")

    @model_validator(mode="after")
    def _coherent(self) -> "Readiness":
        if [m.level for m in self.maturity] != [0, 1, 2, 3, 4, 5]:
            raise ValueError("maturity must list levels 0, 1, 2, 3, 4, 5 in order")
        for name in ("clause_weights", "area_weights"):
            for key, weight in getattr(self, name).items():
                if not 0 <= weight <= 100:
                    raise ValueError(f"{name}: weight of {key!r} must be 0 to 100")
        return self

    def weight(self, group: str) -> float:
        """The weight of a clause (``"6"``) or an Annex A area (``"A.6"``)."""
        weights = self.area_weights if group.startswith("A.") else self.clause_weights
        return weights.get(group, 1.0)


class Configuration(_Strict):
    """Everything about an organisation's AIMS that the workbench needs, kept in the workspace."""

    organisation: Organisation
    people: list[Person] = Field(min_length=1)
    tiers: list[Slug] = Field(default_factory=lambda: ["high", "medium", "low"], min_length=1)
    risk_criteria: RiskCriteria
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    impact_criteria: ImpactCriteria = Field(default_factory=ImpactCriteria)
    readiness: Readiness = Field(default_factory=Readiness)
    evidence_charts: Literal["static", "interactive"] = Field(
        default="static", description="charts in evidence HTML: static SVG (small, no script) or interactive plotly")
    register_url: str = Field(default="", description="SQLAlchemy URL; empty: register.db in the workspace")

    @model_validator(mode="after")
    def _unique_people(self) -> "Configuration":
        ids = [p.id for p in self.people]
        dupes = repeated_ids(ids)
        if dupes:
            raise ValueError(f"people: duplicate ids {dupes}")
        missing = [t for t in self.tiers if t not in self.review.interval_months]
        if missing:
            raise ValueError(f"review.interval_months has no interval for tier(s) {', '.join(missing)}")
        if self.review.reviewer and self.review.reviewer not in ids:
            raise ValueError(f"review.reviewer {self.review.reviewer!r} is not a person; allowed: {', '.join(ids)}")
        return self

    def person(self, person_id: str) -> Person:
        """Return the person with this id (``KeyError`` if unknown)."""
        return {p.id: p for p in self.people}[person_id]

    def people_with(self, role: str) -> list[Person]:
        """Everyone who holds ``role``."""
        return [p for p in self.people if role in p.roles]


def default_configuration(organisation: str) -> dict:
    """A starting configuration a user edits: common 5 x 5 scales and bands."""
    return {
        "organisation": {"name": organisation, "scope": ""},
        "people": [{"id": "aims-manager", "name": "AIMS manager", "email": "",
                    "roles": ["aims_manager", "assessor", "reviewer"]}],
        "tiers": ["high", "medium", "low"],
        "risk_criteria": {
            "likelihood": [
                {"level": 1, "label": "Rare", "definition": "Not expected in the system's lifetime; less than once in 10 years."},
                {"level": 2, "label": "Unlikely", "definition": "Could happen but not expected; about once in 3 to 10 years."},
                {"level": 3, "label": "Possible", "definition": "Might happen in a year of operation."},
                {"level": 4, "label": "Likely", "definition": "Expected to happen at least once a year."},
                {"level": 5, "label": "Almost certain", "definition": "Expected to happen many times a year, or already happening."},
            ],
            "impact": [
                {"level": 1, "label": "Insignificant", "definition": "No noticeable effect on people, the organisation or society."},
                {"level": 2, "label": "Minor", "definition": "Brief, easily reversed inconvenience to a few people."},
                {"level": 3, "label": "Moderate", "definition": "Reversible harm to individuals or groups, or a regulatory finding."},
                {"level": 4, "label": "Major", "definition": "Serious or lasting harm to individuals' rights, health or finances; regulatory sanction."},
                {"level": 5, "label": "Severe", "definition": "Irreversible harm to people or society, or harm at large scale."},
            ],
            "method": "product",
            "bands": [
                {"name": "Low", "min": 1, "max": 4, "colour": "#2e7d32"},
                {"name": "Medium", "min": 5, "max": 9, "colour": "#f9a825"},
                {"name": "High", "min": 10, "max": 16, "colour": "#ef6c00"},
                {"name": "Critical", "min": 17, "max": 25, "colour": "#c62828"},
            ],
            "appetite": "Medium",
            "acceptance_role": "top_management",
        },
        "review": {"interval_months": {"high": 3, "medium": 6, "low": 12}, "grace_days": 14,
                   "processes": ["risk-assessment", "impact-assessment"], "triggers": ["new-model-version", "new-dataset", "incident"],
                   "reviewer": ""},
        "impact_criteria": ImpactCriteria().model_dump(),
        "readiness": {"maturity": _default_maturity(), "target": 3,
                      "clause_weights": {"4": 1, "5": 1, "6": 1.5, "7": 1, "8": 1.5, "9": 1, "10": 1},
                      "area_weights": {}},
        "register_url": "",
    }
