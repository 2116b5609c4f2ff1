"""The impact assessment's questionnaire: sections tied to the ISO/IEC 42005 elements, scored impact
and mitigation questions, and the EU AI Act tags of their options, as data.

``questionnaire.yaml`` beside this module is validated on load; a workspace may replace it with
``content/impact_questionnaire.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.exceptions import WorkspaceError
from workbench.validate import problems_from, safe_load

SHIPPED = Path(__file__).with_name("questionnaire.yaml")
OVERRIDE = "impact_questionnaire.yaml"  # its name in a workspace's content/ folder


class EUTag(BaseModel):
    """What choosing an option implies under the EU AI Act."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    prohibited: str = Field(default="", description="the Art. 5(1) point, e.g. 5(1)(c)")
    annex_iii: str = Field(default="", description="the Annex III point, e.g. 4 or 5(b)")
    transparency: str = Field(default="", description="the Art. 50 paragraph, e.g. 50(1)")
    deployer: Literal["", "public-body", "public-service"] = ""


class Option(BaseModel):
    """One answer to a choice question, with its weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    text: str = Field(min_length=1)
    weight: int = Field(default=0, ge=0, le=100)
    eu: EUTag | None = None


class Condition(BaseModel):
    """Show a question only when another question's answer is one of ``in``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    question: str
    values: tuple[str, ...] = Field(alias="in", min_length=1)


class QuestionSection(BaseModel):
    """A section of the questionnaire, tied to an ISO/IEC 42005 clause 6 element."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    element: str


class Question(BaseModel):
    """One question: impact and mitigation questions are scored, info questions recorded."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    section: str
    text: str = Field(min_length=1)
    kind: Literal["impact", "mitigation", "info"]
    type: Literal["single", "multi", "text"]
    options: tuple[Option, ...] = ()
    condition: Condition | None = None
    required: bool = False

    @model_validator(mode="after")
    def _shape(self) -> "Question":
        if self.type == "text" and (self.options or self.kind != "info"):
            raise ValueError(f"questions: {self.id} is a text question: it must be kind info with no options")
        if self.type != "text" and len(self.options) < (2 if self.type == "single" else 1):
            raise ValueError(f"questions: {self.id} needs options (two or more for a single choice)")
        if self.kind == "info" and any(o.weight for o in self.options):
            raise ValueError(f"questions: {self.id} is kind info, so its options carry no weight")
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"questions: {self.id} repeats an option id")
        return self

    @property
    def maximum(self) -> int:
        """Highest score: the top weight of a single choice, the sum of a multiple choice."""
        weights = [o.weight for o in self.options] or [0]
        return sum(weights) if self.type == "multi" else max(weights)

    def option(self, option_id: str) -> Option:
        """Return the option ``option_id`` (``KeyError`` if there is none)."""
        return {o.id: o for o in self.options}[option_id]


class Questionnaire(BaseModel):
    """The impact assessment questionnaire: sections, and questions in the order they are asked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sections: tuple[QuestionSection, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Questionnaire":
        sections = {s.id for s in self.sections}
        seen: dict[str, Question] = {}
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"questions: duplicate id {q.id!r}")
            if q.section not in sections:
                raise ValueError(f"questions: {q.id} names unknown section {q.section!r}")
            if q.condition:
                parent = seen.get(q.condition.question)
                if parent is None or parent.type == "text":
                    raise ValueError(f"questions: {q.id}'s condition must name an earlier choice question, "
                                     f"not {q.condition.question!r}")
                unknown = set(q.condition.values) - {o.id for o in parent.options}
                if unknown:
                    raise ValueError(f"questions: {q.id}'s condition names unknown options {sorted(unknown)} "
                                     f"of {parent.id}")
            seen[q.id] = q
        if len(sections) != len(self.sections):
            raise ValueError("questions: section ids must be unique")
        return self

    def question(self, question_id: str) -> Question:
        """Return the question ``question_id`` (``KeyError`` if there is none)."""
        return {q.id: q for q in self.questions}[question_id]

    def section(self, section_id: str) -> QuestionSection:
        """Return the section ``section_id``."""
        return {s.id: s for s in self.sections}[section_id]


def load_questionnaire(override_dir: Path | None = None) -> Questionnaire:
    """Load and validate the questionnaire, taking ``override_dir/impact_questionnaire.yaml`` if there is one.

    Raises
    ------
    WorkspaceError
        If the file is not valid YAML or breaks the questionnaire's rules (it names the file and the question).
    """
    path = override_dir / OVERRIDE if override_dir and (override_dir / OVERRIDE).is_file() else SHIPPED
    return _load(str(path))


def questionnaire_of(workspace) -> Questionnaire:
    """The questionnaire a workspace uses: its own, else the shipped one."""
    return load_questionnaire(workspace.root / "content")


@lru_cache(maxsize=8)
def _load(path: str) -> Questionnaire:
    try:
        raw = safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise WorkspaceError(f"content file {path} is not valid YAML: {err}") from None
    try:
        return Questionnaire.model_validate(raw.get("questionnaire", {}))
    except ValidationError as err:
        raise WorkspaceError(f"content pack is invalid: {path}: " + "; ".join(str(p) for p in problems_from(err))) from None
