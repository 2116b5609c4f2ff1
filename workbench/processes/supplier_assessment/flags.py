"""What the supplier register shows a reviewer: suppliers never assessed, assessments whose
conclusion does not follow from their rating, and agreements that have ended."""

from __future__ import annotations

import json
from datetime import date

from workbench.processes.supplier_assessment.suppliers import suppliers

NAME = "supplier-assessment"


def supplier_flags(workspace, today: date | None = None) -> list[dict]:
    """One dict per supplier that needs attention: ``flag``, ``system_id``, ``supplier_id``, ``name``, ``message``."""
    from workbench.pipeline.indexing import RESULTS_FILE

    today = today or date.today()
    found = []
    for s in suppliers(workspace):
        where = {"system_id": s["system_id"], "supplier_id": s["supplier_id"], "name": s["name"]}
        latest = workspace.register.latest_evidence(s["system_id"], NAME, s["supplier_id"])
        if latest is None:
            found.append({**where, "flag": "unassessed", "message": f"{s['name']} supplies "
                          f"{', '.join(s['supplies'])} to {s['system_id']} and has no supplier assessment"})
        else:
            record = json.loads((workspace.evidence_dir / latest["path"] / RESULTS_FILE).read_text(encoding="utf-8"))
            found += [{**where, "flag": "concern", "message": f"{latest['run_id']}: {concern}"}
                      for concern in record["results"]["concerns"]]
        if s["contract_ends"] and s["contract_ends"] < today:
            found.append({**where, "flag": "expired", "message": f"the agreement {s['contract']} ended on "
                          f"{s['contract_ends'].isoformat()}"})
    return found


def portfolio_flags(workspace) -> list:
    """The same, as the portfolio lists flags beside documented information's (``Process.flags``)."""
    from workbench.records.documented_information import Flag

    return [Flag(f["flag"], f"{f['system_id']}/{f['supplier_id']}", f"Supplier {f['name']}", "A.10.3", f["message"])
            for f in supplier_flags(workspace)]
