"""The supplier register (ISO/IEC 42001 A.10.2, A.10.3): every supplier of an AI system's
components, what it supplies (data, a model, a service, tooling), how the life-cycle duties are
split between the organisation and the supplier, and what the contract obliges the supplier to do.

A supplier is an item of its system (kind ``supplier``). Each registration is a new version, a
signed ``supplier`` entry of the hash-chained ledger; the register keeps every version and
:func:`suppliers` reads the current ones.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from workbench.exceptions import InputError
from workbench.validate import Slug, Strict, known_person, load_data, model_from, repeated_ids

KIND = "supplier"
SUPPLIES = ("data", "model", "service", "tooling")
PARTIES = ("organisation", "supplier", "shared")


class Responsibility(Strict):
    """One life-cycle duty and who carries it (A.10.2)."""

    duty: str = Field(min_length=1, max_length=300, description="e.g. monitoring the model in production")
    party: Literal[PARTIES] = Field(description="who carries it: organisation, supplier or shared")


class Obligation(Strict):
    """One obligation the contract puts on the supplier."""

    obligation: str = Field(min_length=1, max_length=500, description="what the supplier must do")
    clause: str = Field(default="", max_length=100, description="where the contract says so, e.g. 'DPA 4.2'")


class Supplier(Strict):
    """One supplier of an AI system, as its register entry records it."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    supplies: list[Literal[SUPPLIES]] = Field(min_length=1, max_length=4,
                                              description="what it supplies: data, model, service, tooling")
    description: str = Field(min_length=1, max_length=2000, description="what it delivers to this AI system")
    owner: str = Field(min_length=1, max_length=64, description="person id of who manages the relationship")
    contract: str = Field(min_length=1, max_length=300, description="the written agreement: its reference or title")
    contract_ends: date | None = Field(default=None, description="when the agreement ends, if it does")
    responsibilities: list[Responsibility] = Field(min_length=1, max_length=50,
                                                   description="the life-cycle duties and who carries each")
    obligations: list[Obligation] = Field(min_length=1, max_length=50,
                                          description="what the contract obliges the supplier to do")

    _owner = field_validator("owner")(known_person)

    @model_validator(mode="after")
    def _consistent(self) -> "Supplier":
        twice = repeated_ids(self.supplies)
        if twice:
            raise ValueError(f"supplies: lists {', '.join(twice)} more than once")
        twice = repeated_ids([" ".join(r.duty.lower().split()) for r in self.responsibilities])
        if twice:
            raise ValueError(f"responsibilities: the duty {twice[0]!r} is allocated more than once; give each "
                             "duty one party (or 'shared')")
        return self


def parse(workspace, data: dict, what: str = "supplier") -> Supplier:
    """Validate one supplier against the configuration (its owner)."""
    return model_from(Supplier, data, workspace.validation_context(), what=what)


def add_supplier(workspace, system_id: str, data: dict, person: str = "") -> dict:
    """Register a supplier of system ``system_id`` (its first version, or the next), signed by
    ``person`` (an AIMS manager or a system owner whose key is held); return its row."""
    return _record(workspace, system_id, parse(workspace, data), workspace.registrar(person))


def _record(workspace, system_id: str, supplier: Supplier, signer) -> dict:
    from workbench.systems import Item

    item = Item(id=supplier.id, kind=KIND, name=supplier.name, description=supplier.description)
    return workspace.record_item_version(system_id, item, supplier.model_dump(mode="json", exclude={"id"}), signer,
                                         "suppliers")


def supplier_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``supplier`` ledger entry (one version of one supplier)."""
    fields = {k: entry[k] for k in Supplier.model_fields if k != "id"}
    ends = fields["contract_ends"]
    return {"suppliers": [{**fields, "contract_ends": date.fromisoformat(ends) if ends else None,
                           "system_id": entry["system_id"], "supplier_id": entry["supplier_id"],
                           "seq": entry["supplier_seq"], "recorded_by": entry["recorded_by"],
                           "recorded_at": entry["recorded_at"]}]}


CSV_COLUMNS = ("id", "name", "supplies", "description", "owner", "contract", "contract_ends", "responsibilities",
               "obligations")


def read_suppliers(path: str | Path) -> list[dict]:
    """Raw supplier records from a YAML file (a list, or ``suppliers:``) or a CSV file. In a CSV cell,
    ``supplies`` separates its values with ``;``, ``responsibilities`` gives ``party: duty`` items and
    ``obligations`` gives ``clause: obligation`` items, each separated by ``;``."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        data = load_data(path, field="file")
        items = data.get("suppliers") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise InputError.single("file", str(path), "must hold a non-empty list of suppliers (or suppliers: [...])")
        return items
    if not path.is_file():
        raise InputError.single("file", str(path), "no such file; give a .yaml, .yml or .csv file")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if not rows:
        raise InputError.single("file", str(path), "holds no suppliers: a header row, then one row per supplier")
    unknown = [c for c in rows[0] if c not in CSV_COLUMNS]
    if unknown:
        raise InputError.single("file", str(path), f"has unknown column {unknown[0]!r}; allowed: {', '.join(CSV_COLUMNS)}")
    return [_from_csv(i, row) for i, row in enumerate(rows)]


def _pairs(field: str, cell: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (p.strip() for p in cell.split(";") if p.strip()):
        head, sep, tail = part.partition(":")
        if not sep:
            raise InputError.single(field, part, "each item is written 'party: duty' (responsibilities) or "
                                    "'clause: obligation' (obligations), separated by ';'")
        pairs.append((head.strip(), tail.strip()))
    return pairs


def _from_csv(i: int, row: dict) -> dict:
    record = {k: v for k, v in row.items() if v not in (None, "")}
    if "supplies" in record:
        record["supplies"] = [x.strip() for x in record["supplies"].split(";") if x.strip()]
    if "responsibilities" in record:
        record["responsibilities"] = [{"party": party, "duty": duty} for party, duty in
                                      _pairs(f"suppliers[{i}].responsibilities", record["responsibilities"])]
    if "obligations" in record:
        record["obligations"] = [{"clause": clause, "obligation": text} for clause, text in
                                 _pairs(f"suppliers[{i}].obligations", record["obligations"])]
    return record


def import_suppliers(workspace, system_id: str, path: str | Path, person: str = "") -> list[dict]:
    """Register every supplier of a YAML or CSV file: all are checked first, then added."""
    records = read_suppliers(path)
    signer = workspace.registrar(person)
    workspace.register.system(system_id)
    checked = [parse(workspace, record, what=f"suppliers[{i}]") for i, record in enumerate(records)]
    twice = repeated_ids([s.id for s in checked])
    if twice:
        raise InputError.single("id", twice[0], "appears more than once in the file")
    kinds = {i.id: i.kind for i in workspace.register.items(system_id)}
    for i, s in enumerate(checked):
        if kinds.get(s.id, KIND) != KIND:
            raise InputError.single(f"suppliers[{i}].id", s.id, f"is already a {kinds[s.id]} of {system_id}; "
                                    "choose another id")
    return [_record(workspace, system_id, supplier, signer) for supplier in checked]


def suppliers(workspace, system_id: str | None = None) -> list[dict]:
    """The current version of every supplier (of one system, or all), by system and id."""
    return workspace.current_item_versions("suppliers", KIND, system_id)


def current(workspace, system_id: str, supplier_id: str) -> dict:
    """The current version of one supplier; an ``InputError`` when it is not in the supplier register."""
    found = [r for r in suppliers(workspace, system_id) if r["supplier_id"] == supplier_id]
    if not found:
        raise InputError.single("item", supplier_id, f"is not in the supplier register of {system_id}: "
                                "workbench supplier add --system ... registers it with its responsibilities "
                                "and contract")
    return found[0]
