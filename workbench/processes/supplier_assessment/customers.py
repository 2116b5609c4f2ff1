"""Customer obligations (ISO/IEC 42001 A.10.4): whether an AI system is provided to customers or
faces them, who they are, and what the organisation owes them (contract terms, laws, instructions
for use, commitments it made), each with how it is met.

One record per system, versioned: each ``workbench customer set`` is a signed
``customer-obligations`` entry of the ledger; :func:`customer_records` reads the current ones.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import Field, model_validator

from workbench.validate import Strict, model_from

KIND = "customer-obligations"
SOURCES = ("contract", "law", "terms of service", "instructions for use", "commitment")


class CustomerObligation(Strict):
    """One obligation towards the system's customers, and how it is met."""

    obligation: str = Field(min_length=1, max_length=500, description="what the customers are owed")
    source: Literal[SOURCES] = Field(description="where it comes from")
    how_met: str = Field(min_length=1, max_length=2000, description="how the organisation meets it")


class CustomerFacing(Strict):
    """Whether a system faces customers, and the obligations towards them."""

    customer_facing: bool = Field(description="whether customers use the system or receive its outputs")
    customers: str = Field(default="", max_length=1000, description="who the customers are")
    obligations: list[CustomerObligation] = Field(default_factory=list, max_length=50)
    rationale: str = Field(default="", max_length=2000, description="why a system is not customer-facing")

    @model_validator(mode="after")
    def _consistent(self) -> "CustomerFacing":
        if self.customer_facing and not self.customers:
            raise ValueError("customers: a customer-facing system says who its customers are")
        if self.customer_facing and not self.obligations:
            raise ValueError("obligations: a customer-facing system lists at least one obligation towards its "
                             "customers and how it is met (A.10.4)")
        if not self.customer_facing and self.obligations:
            raise ValueError("obligations: a system that is not customer-facing owes customers nothing; set "
                             "customer_facing: true or leave obligations out")
        if not self.customer_facing and not self.rationale:
            raise ValueError("rationale: say why the system is not customer-facing (who uses its outputs)")
        return self


def set_customer_facing(workspace, system_id: str, data: dict, person: str = "") -> dict:
    """Record whether system ``system_id`` faces customers and what it owes them (a new version),
    signed by ``person`` (an AIMS manager or a system owner whose key is held); return its row."""
    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.recovery import index_entry, recover_locked

    record = model_from(CustomerFacing, data, workspace.validation_context(), what="customer obligations")
    signer = workspace.registrar(person)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        workspace.register.system(system_id)
        seq = 1 + max((r["seq"] for r in workspace.register.rows("customer_obligations", system_id=system_id)),
                      default=0)
        index_entry(workspace, append_locked(workspace.evidence_dir, {
            "kind": KIND, "system_id": system_id, "customer_seq": seq, **record.model_dump(mode="json"),
            "recorded_by": signer.id, "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")},
            signer))
    return workspace.register.rows("customer_obligations", system_id=system_id, seq=seq)[0]


def customer_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``customer-obligations`` ledger entry."""
    return {"customer_obligations": [{**{k: entry[k] for k in CustomerFacing.model_fields},
                                      "system_id": entry["system_id"], "seq": entry["customer_seq"],
                                      "recorded_by": entry["recorded_by"], "recorded_at": entry["recorded_at"]}]}


def customer_records(workspace, system_id: str | None = None) -> list[dict]:
    """The current customer record of every system that has one (or of one system), by system."""
    latest: dict[str, dict] = {}
    for row in workspace.register.rows("customer_obligations", **({"system_id": system_id} if system_id else {})):
        if row["system_id"] not in latest or row["seq"] > latest[row["system_id"]]["seq"]:
            latest[row["system_id"]] = row
    return [latest[k] for k in sorted(latest)]
