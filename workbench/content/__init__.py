"""The AIMS content pack: clauses, Annex A controls and the Annex C risk taxonomy, as data; content of
one process (the impact assessment's questionnaire) ships in that process's package.

The YAML files beside this module are validated on load. A workspace may override any of them
by placing a file of the same name in its ``content/`` folder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

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


class ContentPack(BaseModel):
    """The validated content: look up any item by its ID."""

    model_config = ConfigDict(frozen=True)
    clauses: tuple[Clause, ...]
    areas: tuple[ControlArea, ...]
    controls: tuple[Control, ...]
    objectives: tuple[TaxonomyItem, ...]
    risk_sources: tuple[TaxonomyItem, ...]

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
         "annex_c.yaml": ("objectives", "risk_sources")}


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
            data[key] = raw.get(key, [])
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
