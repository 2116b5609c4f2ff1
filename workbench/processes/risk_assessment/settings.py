"""The settings of the AI risk assessment (``risk_criteria`` in ``workbench.yaml``): the likelihood
and impact scales, how they combine into a band, and the risk appetite."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from workbench.config import ROLES
from workbench.validate import Strict

# common 5 x 5 scales and four bands, which an organisation edits to suit itself
LIKELIHOOD = [
    {"level": 1, "label": "Rare", "definition": "Not expected in the system's lifetime; less than once in 10 years."},
    {"level": 2, "label": "Unlikely", "definition": "Could happen but not expected; about once in 3 to 10 years."},
    {"level": 3, "label": "Possible", "definition": "Might happen in a year of operation."},
    {"level": 4, "label": "Likely", "definition": "Expected to happen at least once a year."},
    {"level": 5, "label": "Almost certain", "definition": "Expected to happen many times a year, or already happening."},
]
IMPACT = [
    {"level": 1, "label": "Insignificant", "definition": "No noticeable effect on people, the organisation or society."},
    {"level": 2, "label": "Minor", "definition": "Brief, easily reversed inconvenience to a few people."},
    {"level": 3, "label": "Moderate", "definition": "Reversible harm to individuals or groups, or a regulatory finding."},
    {"level": 4, "label": "Major", "definition": "Serious or lasting harm to individuals' rights, health or finances; regulatory sanction."},
    {"level": 5, "label": "Severe", "definition": "Irreversible harm to people or society, or harm at large scale."},
]
BANDS = [
    {"name": "Low", "min": 1, "max": 4, "colour": "#2e7d32"},
    {"name": "Medium", "min": 5, "max": 9, "colour": "#f9a825"},
    {"name": "High", "min": 10, "max": 16, "colour": "#ef6c00"},
    {"name": "Critical", "min": 17, "max": 25, "colour": "#c62828"},
]


class ScaleLevel(Strict):
    """One level of a five-level scale, with the words that define it."""

    level: int = Field(ge=1, le=5)
    label: str = Field(min_length=1, max_length=60)
    definition: str = Field(min_length=1, max_length=500)


class Band(Strict):
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


class RiskCriteria(Strict):
    """How likelihood and impact are rated and combined, and how much risk is acceptable.

    ``method: product`` scores likelihood times impact and bands the product; ``method: matrix``
    reads the band from ``matrix`` (rows are likelihood 1 to 5, columns impact 1 to 5).
    """

    likelihood: list[ScaleLevel] = Field(default_factory=lambda: [ScaleLevel(**s) for s in LIKELIHOOD],
                                         min_length=5, max_length=5)
    impact: list[ScaleLevel] = Field(default_factory=lambda: [ScaleLevel(**s) for s in IMPACT], min_length=5, max_length=5)
    method: Literal["product", "matrix"] = "product"
    bands: list[Band] = Field(default_factory=lambda: [Band(**b) for b in BANDS], min_length=2)
    matrix: list[list[str]] | None = None
    appetite: str = Field(default="Medium", description="the highest band a residual risk may have and be acceptable")
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
