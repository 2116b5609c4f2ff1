"""Citations of evidence: archived runs, entries of the register of documented information,
nonconformities, and evidence a person gathered outside the workbench (an interview, a sample, an
outside record), each with the date that says when it existed.

A citation is one string:

- ``<run_id>`` or ``run:<run_id>``, optionally with ``#item``: an archived run, dated by its effective date;
- ``doc:<doc_id>``: an entry of the register of documented information, dated by its first review date;
- ``nc:<nc_id>``: a nonconformity, dated by the day it was opened;
- ``interview:YYYY-MM-DD:<who and what>``, ``sample:YYYY-MM-DD:<what was sampled and found>``,
  ``record:YYYY-MM-DD:<an outside record: a ticket, a letter>``: described evidence with its date.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from workbench.exceptions import InputError

DESCRIBED = ("interview", "sample", "record")
KINDS = ("run", "doc", "nc") + DESCRIBED
FORMS = ("a run id, run:RUN_ID, doc:DOC_ID, nc:NC_ID, or interview:/sample:/record:YYYY-MM-DD:description "
         "(at least 10 characters)")


class Citation(BaseModel):
    """A resolved citation: what it is, when it is dated, and the run it names if it is a run."""

    ref: str
    kind: str
    dated: date
    label: str
    record: dict = {}


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


def parse(field: str, ref: str) -> tuple[str, str, date | None]:
    """Split a citation into its kind, its target (id or description) and its stated date, checking the form."""
    kind, _, rest = ref.partition(":") if ":" in ref else ("run", "", ref)
    if kind not in KINDS:
        return "run", ref, None
    if kind in DESCRIBED:
        day, _, text = rest.partition(":")
        try:
            stated = date.fromisoformat(day)
        except ValueError:
            raise InputError.single(field, ref, f"a described citation needs a date YYYY-MM-DD; allowed: {FORMS}") from None
        if len(text.strip()) < 10:
            raise InputError.single(field, ref, f"say who or what was seen, in at least 10 characters; allowed: {FORMS}")
        return kind, text.strip(), stated
    if not rest:
        raise InputError.single(field, ref, f"names no record; allowed: {FORMS}")
    return kind, rest, None


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def cite(workspace, field: str, ref: str, not_after: date | None = None, what: str = "") -> Citation:
    """Resolve the citation ``ref`` (see the module); raise ``InputError`` naming ``field``.

    With ``not_after``, a citation dated after it is refused: a record cannot rest on evidence that
    did not exist yet. ``what`` names the citing record in that message (``the audit``).
    """
    kind, target, stated = parse(field, ref)
    if kind == "run":
        target = target.split("#")[0]  # run_id#item: an item of the run
        if not workspace.register.rows("evidence", run_id=target):
            raise InputError.single(field, ref, f"is not an archived run nor a citation; allowed: {FORMS}")
        record = resolve(workspace, field, target)
        found = Citation(ref=ref, kind=kind, dated=record["effective_date"], label=f"{record['process']} {target}",
                         record=record)
    elif kind == "doc":
        versions = workspace.register.rows("documented_information", doc_id=target)
        if not versions:
            known = ", ".join(sorted({r["doc_id"] for r in workspace.register.rows("documented_information")})[:20])
            raise InputError.single(field, ref, f"is not an entry of the register of documented information; "
                                                f"known: {known or 'none yet'}")
        first = min(versions, key=lambda r: r["seq"])
        found = Citation(ref=ref, kind=kind, dated=first["last_review"], label=f"document {target}: {first['title']}")
    elif kind == "nc":
        rows = workspace.register.rows("nonconformities", id=target)
        if not rows:
            raise InputError.single(field, ref, "is not a nonconformity id; see 'workbench action list --all'")
        found = Citation(ref=ref, kind=kind, dated=_day(rows[0]["opened_at"]), label=f"nonconformity {target}")
    else:
        found = Citation(ref=ref, kind=kind, dated=stated, label=f"{kind}: {target}")
    if not_after is not None and found.dated > not_after:
        raise InputError.single(field, ref, f"is dated {found.dated.isoformat()}, after {what or 'the citing record'} "
                                            f"dated {not_after.isoformat()}; cite only evidence that existed then")
    return found


def examples(form) -> list[str]:
    """Citations a form's evidence field shows as examples: the newest run, a register entry, an interview."""
    runs = [r["run_id"] for r in form.workspace.register.evidence_list() if r["status"] != "failed"][:1]
    docs = [f"doc:{r['doc_id']}" for r in form.workspace.register.rows("documented_information")][:1]
    return runs + docs + [f"interview:{date.today().isoformat()}:who was interviewed, on what"]


def evidence_href(path: str, depth: int = 3) -> str:
    """Link from one archived run's ``evidence.html`` to another's, relative so the folder travels.

    Every run lives ``depth`` folders below ``evidence/`` (``system/process/run_id``).
    """
    return "../" * depth + f"{path}/evidence.html"
