"""The dataset register (ISO/IEC 42001 A.7.2, A.7.3, A.7.5, A.7.6): every dataset of an AI system,
where it came from, on what terms, what personal data it holds, where it is, what it was derived
from and how it was prepared.

A dataset is an item of its system (kind ``dataset``). Each registration is a new version, a
signed ``dataset`` entry of the hash-chained ledger; the register holds every version and
:func:`datasets` reads the current ones. A file inside the workspace has its SHA-256 recorded and
checked again (:func:`flags`); an external location carries the checksum the team supplies.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from workbench.exceptions import InputError
from workbench.validate import Slug, Strict, check_not_after, known_person, load_data, model_from

KIND = "dataset"
ROLES = ("training", "validation", "test", "production-input", "reference")
SOURCES = ("internal", "supplier", "public", "purchased")
STEPS = ("cleaning", "labelling", "sampling", "augmentation", "other")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LISTS = ("personal_data", "special_categories", "derived_from")  # CSV cells separate their items with ";"


class PreparationStep(Strict):
    """One step that made the dataset from what it was derived from."""

    step: Literal[STEPS]
    description: str = Field(min_length=1, max_length=2000)
    by: str = Field(min_length=1, max_length=64, description="person id of who did it")
    on: date = Field(description="when it was done")

    _by = field_validator("by")(known_person)


class Dataset(Strict):
    """One dataset of an AI system, as its register entry records it."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    role: Literal[ROLES]
    source: Literal[SOURCES] = Field(description="how it was acquired: internal, supplier, public or purchased")
    acquisition: str = Field(default="", max_length=2000, description="how it was collected or obtained")
    supplier: str = Field(default="", max_length=200, description="who supplied or sold it")
    licence: str = Field(min_length=1, max_length=500, description="licence or terms of use")
    personal_data: list[str] = Field(default_factory=list, max_length=50,
                                     description="categories of personal data it holds")
    legal_basis: str = Field(default="", max_length=500, description="legal basis for processing the personal data")
    special_categories: list[str] = Field(default_factory=list, max_length=50,
                                          description="special categories of personal data it holds")
    retention: str = Field(min_length=1, max_length=500, description="how long it is kept, and why")
    owner: str = Field(min_length=1, max_length=64, description="person id of its owner")
    location: str = Field(min_length=1, max_length=1000,
                          description="a file inside the workspace, or an external location (a URL)")
    checksum: str = Field(default="", description="SHA-256 of an external location's content, as the team computed it")
    derived_from: list[Slug] = Field(default_factory=list, max_length=50,
                                     description="ids of the system's datasets it was made from")
    preparation: list[PreparationStep] = Field(default_factory=list, max_length=100)

    _owner = field_validator("owner")(known_person)

    @field_validator("checksum")
    @classmethod
    def _sha256(cls, value: str, info: ValidationInfo) -> str:
        if value and not SHA256.fullmatch(value.lower()):
            raise ValueError("must be a SHA-256: 64 hexadecimal digits")
        return value.lower()

    @model_validator(mode="after")
    def _consistent(self) -> "Dataset":
        if self.source in ("supplier", "purchased") and not self.supplier:
            raise ValueError(f"supplier: a {self.source} dataset names who supplied it")
        if (self.personal_data or self.special_categories) and not self.legal_basis:
            raise ValueError("legal_basis: a dataset holding personal data states the legal basis for it")
        if self.id in self.derived_from:
            raise ValueError("derived_from: a dataset is not derived from itself")
        if external(self.location) and not self.checksum:
            raise ValueError("checksum: an external location needs the SHA-256 the team computed of its content")
        return self


def external(location: str) -> bool:
    """Whether a location is outside the workspace (a URL such as ``s3://`` or ``https://``)."""
    return "://" in location


def dataset_file(workspace, field: str, location: str) -> Path:
    """The file a location names inside the workspace, refusing paths and links out of it."""
    if Path(location).is_absolute():
        raise InputError.single(field, location, "must be a path relative to the workspace, e.g. data/train.csv")
    path = workspace.root / location
    try:
        resolved = workspace.inside(path)
    except InputError:
        raise InputError.single(field, location, "must stay inside the workspace (no '..', no link out of it)") from None
    if not resolved.is_file():
        raise InputError.single(field, location, "no such file in the workspace")
    return resolved


def parse(workspace, system_id: str, data: dict, what: str = "dataset") -> tuple[Dataset, str]:
    """Validate one dataset against the configuration and the register; return it with the SHA-256
    to record (of the file, or the checksum given for an external location)."""
    from workbench.pipeline.archive import sha256_file

    dataset = model_from(Dataset, data, workspace.validation_context(), what=what)
    for i, step in enumerate(dataset.preparation):
        check_not_after(f"preparation[{i}].on", step.on, date.today(), "is in the future; a preparation step is "
                        "registered once it was done, by today")
    known = {r["dataset_id"] for r in workspace.register.rows("datasets", system_id=system_id)}
    for i, parent in enumerate(dataset.derived_from):
        if parent not in known:
            raise InputError.single(f"derived_from[{i}]", parent, f"is not a dataset of {system_id}; registered: "
                                    f"{', '.join(sorted(known)) or 'none yet'}")
    if external(dataset.location):
        return dataset, dataset.checksum
    return dataset, sha256_file(dataset_file(workspace, "location", dataset.location))


def add_dataset(workspace, system_id: str, data: dict, person: str = "") -> dict:
    """Register a dataset of system ``system_id`` (its first version, or the next), signed by
    ``person`` (an AIMS manager or a system owner whose key is held); return its row."""
    dataset, digest = parse(workspace, system_id, data)
    return _record(workspace, system_id, dataset, digest, workspace.registrar(person))


def _record(workspace, system_id: str, dataset: Dataset, digest: str, signer) -> dict:
    from workbench.systems import Item

    item = Item(id=dataset.id, kind=KIND, name=dataset.name, description=dataset.acquisition)
    return workspace.record_item_version(system_id, item, {**dataset.model_dump(mode="json", exclude={"id"}),
                                                           "sha256": digest}, signer, "datasets")


def dataset_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``dataset`` ledger entry (one version of one dataset)."""
    fields = {k: entry[k] for k in Dataset.model_fields if k != "id"}
    return {"datasets": [{**fields, "system_id": entry["system_id"], "dataset_id": entry["dataset_id"],
                          "seq": entry["dataset_seq"], "sha256": entry["sha256"], "recorded_by": entry["recorded_by"],
                          "recorded_at": entry["recorded_at"]}]}


def read_datasets(path: str | Path) -> list[dict]:
    """Raw dataset records from a YAML file (a list, or ``datasets:``) or a CSV file, whose list
    cells separate items with ``;`` (preparation steps need YAML)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        data = load_data(path, field="file")
        items = data.get("datasets") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise InputError.single("file", str(path), "must hold a non-empty list of datasets (or datasets: [...])")
        return items
    if not path.is_file():
        raise InputError.single("file", str(path), "no such file; give a .yaml, .yml or .csv file")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if not rows:
        raise InputError.single("file", str(path), "holds no datasets: a header row, then one row per dataset")
    if "preparation" in rows[0]:
        raise InputError.single("preparation", rows[0]["preparation"], "preparation steps are given in YAML, not CSV")
    return [{k: [x.strip() for x in v.split(";") if x.strip()] if k in LISTS else v
             for k, v in row.items() if v not in (None, "")} for row in rows]


def import_datasets(workspace, system_id: str, path: str | Path, person: str = "") -> list[dict]:
    """Register every dataset of a YAML or CSV file, in order: all are checked first, then added."""
    records = read_datasets(path)
    signer = workspace.registrar(person)
    checked, known = [], {r["dataset_id"] for r in workspace.register.rows("datasets", system_id=system_id)}
    for i, record in enumerate(records):
        dataset = model_from(Dataset, record, workspace.validation_context(), what=f"datasets[{i}]")
        for j, parent in enumerate(dataset.derived_from):
            if parent not in known:
                raise InputError.single(f"datasets[{i}].derived_from[{j}]", parent,
                                        f"is not a dataset of {system_id} nor one listed before it")
        if not external(dataset.location):
            dataset_file(workspace, f"datasets[{i}].location", dataset.location)
        known.add(dataset.id)
        checked.append(record)
    rows = []
    for record in checked:
        dataset, digest = parse(workspace, system_id, record)
        rows.append(_record(workspace, system_id, dataset, digest, signer))
    return rows


def datasets(workspace, system_id: str | None = None) -> list[dict]:
    """The current version of every dataset (of one system, or all), by system and id."""
    return workspace.current_item_versions("datasets", KIND, system_id)


def current(workspace, system_id: str, dataset_id: str) -> dict:
    """The current version of one dataset; an ``InputError`` when it is not registered."""
    found = [r for r in datasets(workspace, system_id) if r["dataset_id"] == dataset_id]
    if not found:
        raise InputError.single("item", dataset_id, f"is not a registered dataset of {system_id}: "
                                "workbench dataset add --system ... registers one")
    return found[0]


def reads(workspace, request) -> list[str]:
    """The file of the dataset a run measures, if it is held inside the workspace (``Process.reads``)."""
    location = current(workspace, request.system.id, request.item.id)["location"]
    return [] if external(location) else [location]


def portfolio_flags(workspace) -> list:
    """The same, as the portfolio lists flags beside documented information's."""
    from workbench.records.documented_information import Flag

    return [Flag({"missing": "unresolved"}.get(f["flag"], f["flag"]), f"{f['system_id']}/{f['dataset_id']}",
                 f"Dataset {f['name']}", "A.7.5", f["message"]) for f in flags(workspace)]


def flags(workspace) -> list[dict]:
    """The datasets whose file inside the workspace vanished or changed since it was registered."""
    from workbench.pipeline.archive import sha256_file

    found = []
    for d in datasets(workspace):
        if external(d["location"]):
            continue
        path = workspace.root / d["location"]
        if not path.is_file():
            found.append({**d, "flag": "missing", "message": f"file {d['location']} is missing"})
        elif sha256_file(path) != d["sha256"]:
            found.append({**d, "flag": "changed",
                          "message": f"file {d['location']} changed since it was registered (SHA-256 differs)"})
    return found


def lineage(workspace, system_id: str, dataset_id: str) -> list[dict]:
    """The dataset and every dataset it was derived from, directly or not, parents first."""
    current_rows = {d["dataset_id"]: d for d in datasets(workspace, system_id)}
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order or name not in current_rows:
            return
        for parent in current_rows[name]["derived_from"]:
            visit(parent)
        order.append(name)

    visit(dataset_id)
    return [current_rows[name] for name in order]
