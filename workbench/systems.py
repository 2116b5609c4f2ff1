"""AI systems and their items: the records kept in the register, and import from YAML or CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator

from workbench.exceptions import InputError, Problem
from workbench.validate import MAX_ANSWERS_BYTES, Slug, Strict, known_person, problems_from, repeated_ids, safe_load

LIFECYCLE_STAGES = ("inception", "design-development", "verification-validation", "deployment",
                    "operation-monitoring", "re-evaluation", "retirement")
LIST_FIELDS = ("affected_stakeholders", "personal_data_categories")
ORGANISATION = "organisation"  # reserved subject id of organisation-wide runs (SoA, internal audit)

ShortText = Field(min_length=1, max_length=200)


class AISystem(Strict):
    """An AI system in the register.

    ``tier`` is checked against the workspace's tiers when a ``tiers`` validation context is given.
    """

    id: Slug
    name: str = ShortText
    owner: Slug = Field(description="person id of the system owner")
    purpose: str = Field(min_length=1, max_length=5000)
    lifecycle_stage: Literal[LIFECYCLE_STAGES]  # type: ignore[valid-type]
    deployment_context: str = Field(min_length=1, max_length=5000)
    affected_stakeholders: list[str] = Field(min_length=1, max_length=50)
    personal_data_categories: list[str] = Field(default_factory=list, max_length=50)
    tier: Slug

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value

    @field_validator(*LIST_FIELDS)
    @classmethod
    def _short_items(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item.strip() or len(item) > 200:
                raise ValueError("each item must be 1 to 200 characters")
        return [item.strip() for item in value]

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == ORGANISATION:
            raise ValueError(f"'{ORGANISATION}' is reserved for organisation-wide runs; choose another id")
        return value

    @field_validator("tier")
    @classmethod
    def _known_tier(cls, value: str, info: ValidationInfo) -> str:
        tiers = (info.context or {}).get("tiers")
        if tiers and value not in tiers:
            raise ValueError(f"unknown tier; allowed: {', '.join(tiers)}")
        return value

    _owner_known = field_validator("owner")(known_person)


class Item(Strict):
    """An item of an AI system that records can be about: a dataset, a model version, a supplier, ...

    Its id is unique within its system; ``kind`` says which processes take it.
    """

    id: Slug
    kind: Slug = Field(description="what the item is, e.g. dataset, model-version, supplier")
    name: str = ShortText
    description: str = Field(default="", max_length=5000)


def read_systems_file(path: str | Path) -> list[dict]:
    """Read raw system records from a YAML file (a list, or ``systems:``) or a CSV file.

    List fields given as text (CSV cells) separate items with ``;``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError.single("file", str(path), "no such file; give a .yaml, .yml or .csv file")
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        raise InputError.single("file", str(path), f"file is larger than {MAX_ANSWERS_BYTES} bytes")
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and None in rows[0]:
            raise InputError.single("file", str(path), "a CSV row has more cells than the header")
        if not rows:
            raise InputError.single("file", str(path), "holds no systems: a header row, then one row per system")
        return rows
    if suffix in (".yaml", ".yml", ".json"):
        try:
            data = safe_load(text)
        except yaml.YAMLError as err:
            raise InputError.single("file", str(path), f"is not valid YAML: {str(err).splitlines()[0]}") from None
        if isinstance(data, dict) and "systems" in data:
            data = data["systems"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError.single("file", str(path), "must hold a list of systems (or 'systems:' with a list)")
        return data
    raise InputError.single("file", str(path), "unknown file type; allowed: .yaml, .yml, .json, .csv")


def parse_systems(rows: list[dict], context: dict) -> list[AISystem]:
    """Validate every row; raise one ``InputError`` naming each bad row and field."""
    systems, problems = [], []
    for i, row in enumerate(rows):
        try:
            systems.append(AISystem.model_validate(row, context=context))
        except ValidationError as err:
            problems.extend(problems_from(err, prefix=f"systems[{i}]."))
    ids = [s.id for s in systems]
    for dup in repeated_ids(ids):
        problems.append(Problem("id", dup, "appears more than once in the file"))
    if problems:
        raise InputError(problems, context="systems file")
    return systems
