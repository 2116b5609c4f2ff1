"""Citations of archived evidence: run ids that must resolve in the register, and links to them."""

from __future__ import annotations

from workbench.exceptions import InputError


def resolve(workspace, field: str, run_id: str) -> dict:
    """Return the archived evidence record ``run_id``, or raise ``InputError`` naming ``field``.

    A failed run is not evidence, so citing one is refused too.
    """
    records = workspace.register.rows("evidence", run_id=run_id)
    if not records:
        raise InputError.single(field, run_id, "is not an archived evidence id; see 'workbench evidence list'")
    if records[0]["status"] == "failed":
        raise InputError.single(field, run_id, "is a failed run, not archived evidence; cite an archived run")
    return records[0]


def evidence_href(path: str, depth: int = 3) -> str:
    """Link from one archived run's ``evidence.html`` to another's, relative so the folder travels.

    Every run lives ``depth`` folders below ``evidence/`` (``system/process/run_id``).
    """
    return "../" * depth + f"{path}/evidence.html"
