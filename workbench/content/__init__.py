"""The AIMS content pack: clauses, Annex A controls, the Annex C risk taxonomy and the impact
assessment questionnaire, as data.

The YAML files beside this module are validated on load. A workspace may override any of them
by placing a file of the same name in its ``content/`` folder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.exceptions import WorkspaceError
from workbench.validate import problems_from, safe_load

PACKAGE_DIR = Path(__file__).parent
CONTROL_ID = re.compile(r"^A\.(?:[2-9]|10)\.(?:\d+\.)?\d+$")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str


class Clause(_Item):
    """A clause or sub-clause of ISO/IEC 42001 (4 to 10)."""

    parent: str | None = None
    documented_information: bool = False
    note: str = ""


class ControlArea(_Item):
    """An Annex A control objective (A.2 to A.10, with A.6.1 and A.6.2 under A.6)."""

    objective: str
    parent: str | None = None


class Control(_Item):
    """An Annex A control, or a control the organisation adds."""

    intent: str
    area: str


class TaxonomyItem(_Item):
    """An Annex C AI objective or risk source."""

    description: str


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


class ContentPack(BaseModel):
    """The validated content: look up any item by its ID."""

    model_config = ConfigDict(frozen=True)
    clauses: tuple[Clause, ...]
    areas: tuple[ControlArea, ...]
    controls: tuple[Control, ...]
    objectives: tuple[TaxonomyItem, ...]
    risk_sources: tuple[TaxonomyItem, ...]
    questionnaire: Questionnaire

    @model_validator(mode="after")
    def _consistent(self) -> "ContentPack":
        for name in ("clauses", "areas", "controls", "objectives", "risk_sources"):
            ids = [item.id for item in getattr(self, name)]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{name}: duplicate IDs {dupes}")
        area_ids = {a.id for a in self.areas}
        for control in self.controls:
            if not CONTROL_ID.fullmatch(control.id):
                raise ValueError(f"controls: {control.id!r} is not an Annex A control ID like A.6.2.4")
            if control.area not in area_ids:
                raise ValueError(f"controls: {control.id} names unknown area {control.area!r}")
        clause_ids = {c.id for c in self.clauses}
        for clause in self.clauses:
            if clause.parent and clause.parent not in clause_ids:
                raise ValueError(f"clauses: {clause.id} names unknown parent {clause.parent!r}")
        return self

    def control(self, control_id: str) -> Control:
        """Return the control with this ID (``KeyError`` if there is none)."""
        return self._index("controls")[control_id]

    def control_ids(self) -> list[str]:
        """Every control ID, in the standard's order."""
        return [c.id for c in self.controls]

    def risk_source(self, source_id: str) -> TaxonomyItem:
        """Return the Annex C risk source with this ID."""
        return self._index("risk_sources")[source_id]

    def objective(self, objective_id: str) -> TaxonomyItem:
        """Return the Annex C AI objective with this ID."""
        return self._index("objectives")[objective_id]

    def _index(self, name: str) -> dict:
        return {item.id: item for item in getattr(self, name)}


FILES = {"clauses.yaml": ("clauses",), "annex_a.yaml": ("areas", "controls"),
         "annex_c.yaml": ("objectives", "risk_sources"), "impact_questionnaire.yaml": ("questionnaire",)}


def load_content(override_dir: Path | None = None) -> ContentPack:
    """Load and validate the content pack, taking any file found in ``override_dir`` instead.

    Raises
    ------
    WorkspaceError
        If a file is not valid YAML or breaks the content rules (it names the file and the item).
    """
    key = str(override_dir) if override_dir and override_dir.is_dir() else ""
    return _load(key)


@lru_cache(maxsize=8)
def _load(override_dir: str) -> ContentPack:
    data, sources = {}, {}
    for filename, keys in FILES.items():
        path = PACKAGE_DIR / filename
        if override_dir and (Path(override_dir) / filename).is_file():
            path = Path(override_dir) / filename
        try:
            raw = safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise WorkspaceError(f"content file {path} is not valid YAML: {err}") from None
        for key in keys:
            data[key] = raw.get(key, {} if key == "questionnaire" else [])
            sources[key] = path
    try:
        return ContentPack.model_validate(data)
    except ValidationError as err:
        lines = []
        for p in problems_from(err):
            whole = p.field == "(answers)"  # a cross-item rule; its message starts with "controls: ..."
            key = (p.message.split(":")[0] if whole else p.field).split("[")[0].split(".")[0]
            lines.append(f"{sources.get(key, PACKAGE_DIR)}: {p.message if whole else p}")
        raise WorkspaceError("content pack is invalid: " + "; ".join(lines)) from None
