"""Exclusions the register contradicts: a Statement of Applicability that excludes a control for an
AI system whose register entries show the control is needed (suppliers registered while A.10.3 is
excluded, a customer-facing system while A.10.4 is, datasets while the A.7 data controls are).

The check reads the register as it is (items and the systems' customer records), so it flags an
SoA in its own evidence and, in the portfolio, an older SoA that later registrations contradict."""

from __future__ import annotations

import json

# control -> the register's facts that make it needed, by what they are about
SUPPLIER_CONTROLS = ("A.10.2", "A.10.3")
CUSTOMER_CONTROLS = ("A.10.2", "A.10.4")
DATA_CONTROLS = ("A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6")


def register_facts(workspace) -> dict[str, dict[str, list[str]]]:
    """Control id -> AI system -> what the register records about the system that needs the control."""
    from workbench.processes import process_tables

    facts: dict[str, dict[str, list[str]]] = {}

    def add(controls: tuple[str, ...], system_id: str, fact: str) -> None:
        for control in controls:
            facts.setdefault(control, {}).setdefault(system_id, []).append(fact)

    items: dict[tuple[str, str], list[str]] = {}
    for item in workspace.register.item_rows():
        items.setdefault((item["system_id"], item["kind"]), []).append(item["id"])
    for (system_id, kind), ids in sorted(items.items()):
        if kind == "supplier":
            add(SUPPLIER_CONTROLS, system_id, f"has {len(ids)} supplier(s) registered ({', '.join(ids)})")
        elif kind == "dataset":
            add(DATA_CONTROLS, system_id, f"has {len(ids)} dataset(s) registered ({', '.join(ids)})")
    if "customer_obligations" in process_tables():
        latest: dict[str, dict] = {}
        for row in workspace.register.rows("customer_obligations"):
            if row["system_id"] not in latest or row["seq"] > latest[row["system_id"]]["seq"]:
                latest[row["system_id"]] = row
        for system_id, row in sorted(latest.items()):
            if row["customer_facing"]:
                add(CUSTOMER_CONTROLS, system_id, f"is recorded as customer-facing (customer obligations, version "
                                                  f"{row['seq']}, {len(row['obligations'])} obligation(s))")
    return facts


def contradictions(workspace, decisions: list[tuple[str, bool, dict[str, bool]]]) -> dict[str, str]:
    """Control id -> why the register contradicts its exclusion, for each decision ``(control,
    included, {system: included where it differs})`` that excludes the control for a system the
    register says needs it."""
    facts = register_facts(workspace)
    found = {}
    for control, included, departures in decisions:
        against = [f"{system_id} {' and '.join(said)}" for system_id, said in facts.get(control, {}).items()
                   if not departures.get(system_id, included)]
        if against:
            found[control] = (f"the register contradicts its exclusion: {'; '.join(against)}; include the "
                              "control for them or correct the register")
    return found


def latest_decisions(record: dict) -> list[tuple[str, bool, dict[str, bool]]]:
    """The decisions of an archived SoA's ``results.json`` record."""
    return [(c["id"], c["included"], {s["system"]: s["included"] for s in c["systems"]})
            for c in record["results"]["controls"]]


def soa_flags(workspace) -> list:
    """The newest SoA's exclusions the register contradicts now, as the portfolio lists flags (``Process.flags``)."""
    from workbench.pipeline.indexing import RESULTS_FILE
    from workbench.processes.soa.assessment import NAME, latest_runs
    from workbench.records.documented_information import Flag

    runs = latest_runs(workspace, NAME)
    if not runs:
        return []
    record = json.loads((workspace.evidence_dir / runs[0]["path"] / RESULTS_FILE).read_text(encoding="utf-8"))
    titles = {c["id"]: c["title"] for c in record["results"]["controls"]}
    return [Flag("contradicted", f"{runs[0]['run_id']}/{control}", f"SoA exclusion of {control} {titles[control]}",
                 "6.1.3", message)
            for control, message in contradictions(workspace, latest_decisions(record)).items()]
