"""The settings of the gap analysis (``readiness`` in ``workbench.yaml``): the maturity scale, the
target a certification audit expects, and the weights of clauses and Annex A areas."""

from __future__ import annotations

from pydantic import Field, model_validator

from workbench.validate import Strict

class MaturityLevel(Strict):
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


class Readiness(Strict):
    """How a gap analysis rates maturity and weighs it into certification readiness.

    Readiness of a clause or Annex A area = the mean maturity of its items / 5; overall readiness =
    the weighted mean of the clause and area means / 5, with the weights below (an area or clause
    not listed: 1). By default the seven mandatory clauses weigh 16 against 9 for the nine Annex A
    areas. A clause requirement below ``minimum`` is a blocker, shown apart from the average.
    """

    maturity: list[MaturityLevel] = Field(default_factory=lambda: [MaturityLevel(**m) for m in _default_maturity()],
                                          min_length=6, max_length=6)
    target: int = Field(default=3, ge=1, le=5, description="the maturity a certification audit expects; "
                                                           "an item below it is a gap")
    minimum: int = Field(default=2, ge=1, le=5, description="a clause requirement rated below it is a blocker: "
                                                            "a certification audit would raise a nonconformity")
    clause_weights: dict[str, float] = Field(
        default_factory=lambda: {"4": 2, "5": 2, "6": 3, "7": 2, "8": 3, "9": 2, "10": 2},
        description="weight per clause 4 to 10 (missing: 1)")
    area_weights: dict[str, float] = Field(default_factory=dict,
                                           description="weight per Annex A area A.2 to A.10 (missing: 1)")

    @model_validator(mode="after")
    def _coherent(self) -> "Readiness":
        if self.minimum > self.target:
            raise ValueError(f"minimum {self.minimum} is above the target {self.target}; a blocker is below both")
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
