"""The AI objectives and the monitoring plan (ISO/IEC 42001 6.2, 9.1) as the answers of the
``objectives`` record: each objective with its owner, target, due date, the measure that tracks it
and the actions planned to reach it; each measure with its method, source, unit, direction, target
or threshold, frequency, and who measures and who evaluates it.

A measure's ``source`` says where its value comes from:

- ``register:<name>``: a function of the register, one of the installed processes' ``measures``;
- ``run:<process>:<path>``: a number in the ``results`` of each system's latest run of an installed
  process (``score.current``, ``figures.0.value``), aggregated over systems (``aggregate``);
- ``manual``: a value a person records (``workbench measure record``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from workbench.validate import Slug, Strict, known_person, repeated_ids

FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly")
DIRECTIONS = ("higher is better", "lower is better")
AGGREGATES = ("each", "mean", "min", "max", "sum", "count-above", "count-below")
PATH = re.compile(r"^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+){0,9}$")
SOURCE_RULE = "register:<name>, run:<process>:<path in its results> or manual"


def parse_source(source: str) -> tuple[str, str, str]:
    """Split a source into (kind, name, path): ``("register", "readiness", "")``,
    ``("run", "impact-assessment", "score.current")`` or ``("manual", "", "")``; refuse any other shape
    or an unknown register measure or process (``ValueError`` naming what is allowed)."""
    from workbench.processes import processes
    from workbench.processes.objectives.sources import register_measures

    kind, _, rest = source.partition(":")
    if kind == "manual" and not rest:
        return "manual", "", ""
    if kind == "register":
        known = register_measures()
        if rest not in known:
            raise ValueError(f"unknown register measure {rest!r}; allowed: {', '.join(sorted(known))}")
        return "register", rest, ""
    if kind == "run":
        name, _, path = rest.partition(":")
        installed = processes()
        if name not in installed:
            raise ValueError(f"unknown process {name!r}; allowed: {', '.join(installed)}")
        if not PATH.fullmatch(path):
            raise ValueError(f"the path in {name}'s results is missing or not dotted names and list positions, "
                             "e.g. score.current or figures.0.value")
        return "run", name, path
    raise ValueError(f"must be {SOURCE_RULE}")


class Measure(Strict):
    """One measure of the monitoring plan (9.1): what is measured, how, against what, how often, by whom."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    method: str = Field(min_length=1, max_length=2000, description="how it is measured or computed")
    source: str = Field(min_length=1, max_length=300, description=SOURCE_RULE)
    aggregate: Literal[AGGREGATES] = Field(  # type: ignore[valid-type]
        default="each", description="for a run source: one value per system (each) or one over the systems")
    limit: float | None = Field(default=None, description="for count-above or count-below: the value counted against")
    unit: str = Field(min_length=1, max_length=40, description="e.g. %, count, score")
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]
    target: float | None = Field(default=None, description="the level aimed at")
    threshold: float | None = Field(default=None, description="the level beyond which action is needed")
    frequency: Literal[FREQUENCIES]  # type: ignore[valid-type]
    measured_by: str = Field(min_length=1, max_length=64, description="person id of who measures")
    evaluated_by: str = Field(min_length=1, max_length=64, description="person id of who evaluates the results")

    _people = field_validator("measured_by", "evaluated_by")(known_person)

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        parse_source(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Measure":
        kind = self.source.partition(":")[0]
        if self.target is None and self.threshold is None:
            raise ValueError("target: a measure has a target, a threshold or both")
        if kind != "run" and self.aggregate != "each":
            raise ValueError("aggregate: only a run source is aggregated over systems")
        if self.aggregate.startswith("count-") and self.limit is None:
            raise ValueError(f"limit: aggregate {self.aggregate} counts the systems against a limit; give it")
        if not self.aggregate.startswith("count-") and self.limit is not None:
            raise ValueError("limit: only count-above and count-below take a limit")
        if self.target is not None and self.threshold is not None and worse(self.direction, self.target,
                                                                           self.threshold):
            raise ValueError(f"threshold: {self.threshold:g} is better than the target {self.target:g} "
                             f"({self.direction}); the threshold is where action starts")
        return self

    @property
    def kind(self) -> str:
        """``register``, ``run`` or ``manual``."""
        return self.source.partition(":")[0]

    @property
    def per_system(self) -> bool:
        """Whether the measure has one value per AI system (a run source aggregated ``each``)."""
        return self.kind == "run" and self.aggregate == "each"


def worse(direction: str, value: float, than: float) -> bool:
    """Whether ``value`` is worse than ``than`` for a measure of ``direction``."""
    return value < than if direction == "higher is better" else value > than


class Objective(Strict):
    """One AI objective (6.2): what is to be achieved, by whom, by when, measured how."""

    id: Slug
    objective: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=64, description="person id of who is responsible")
    measure: Slug = Field(description="id of the measure of the plan that tracks it")
    target: float = Field(description="the value of the measure that achieves it")
    due_date: date
    actions: list[str] = Field(min_length=1, max_length=30, description="what will be done to reach it")
    resources: str = Field(default="", max_length=2000, description="what resources it needs")

    _owner = field_validator("owner")(known_person)

    @field_validator("actions")
    @classmethod
    def _actions(cls, value: list[str]) -> list[str]:
        for text in value:
            if not text.strip() or len(text) > 2000:
                raise ValueError("each action is 1 to 2000 characters")
        return [t.strip() for t in value]


class ObjectivesAnswers(Strict):
    """The AI objectives and the plan of measures that monitors them."""

    model_config = ConfigDict(json_schema_extra={"title": "AI objectives and monitoring plan"})

    objectives: list[Objective] = Field(min_length=1, max_length=100)
    measures: list[Measure] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _references(self) -> "ObjectivesAnswers":
        for name, ids in (("objectives", [o.id for o in self.objectives]), ("measures", [m.id for m in self.measures])):
            dupes = repeated_ids(ids)
            if dupes:
                raise ValueError(f"{name}: ids must be unique; repeated: {', '.join(dupes)}")
        known = [m.id for m in self.measures]
        for i, objective in enumerate(self.objectives):
            if objective.measure not in known:
                raise ValueError(f"objectives[{i}].measure: unknown measure {objective.measure!r}; "
                                 f"allowed: {', '.join(known)}")
        return self

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)


# Periods: a measure of frequency f is measured once per period of f.

def period_of(day: date, frequency: str) -> str:
    """The period of ``frequency`` that holds ``day``: ``2026-11``, ``2026-Q4``, ``2026-H2`` or ``2026``."""
    if frequency == "monthly":
        return f"{day.year}-{day.month:02d}"
    if frequency == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if frequency == "half-yearly":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    return f"{day.year}"


def frequency_of(period: str) -> str:
    """The frequency whose periods look like ``period``, of a year from 0001 (year 0000 has no days)."""
    patterns = {"monthly": r"\d{4}-(0[1-9]|1[0-2])", "quarterly": r"\d{4}-Q[1-4]", "half-yearly": r"\d{4}-H[12]",
                "yearly": r"\d{4}"}
    found = next((f for f, pattern in patterns.items() if re.fullmatch(pattern, period)), None)
    if found is None or period.startswith("0000"):
        raise ValueError(f"{period!r} is not a period: 2026-11, 2026-Q4, 2026-H2 or 2026")
    return found


def bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period."""
    frequency, year = frequency_of(period), int(period[:4])
    last = int(period[-2:].strip("QH-")) if frequency != "yearly" else 1
    first_month, months = {"monthly": (last, 1), "quarterly": (3 * last - 2, 3), "half-yearly": (6 * last - 5, 6),
                           "yearly": (1, 12)}[frequency]
    last_month = first_month + months - 1  # the last day is computed within the year: 9999-Q4 ends on date.max
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def previous(period: str) -> str:
    """The period just before ``period``, of the same frequency."""
    return period_of(bounds(period)[0] - timedelta(days=1), frequency_of(period))
