"""The internal audit form: pick a planned audit, grade each item of its checklist, cite evidence."""

from __future__ import annotations

from workbench.exceptions import InputError
from workbench.processes.internal_audit.assessment import GRADES, NONCONFORMITIES, audit_plan, checklist
from workbench.records.citations import examples
from workbench.ui.builder import Row, Rows, Spec, people
from workbench.ui.form import ProcessForm


def planned_audits(form) -> list[tuple[str, str]]:
    return [(f"{a['title']} ({a['id']})", a["id"]) for a in form.workspace.register.rows("audits")]


def grades(item) -> list[tuple[str, str]]:
    """A control the SoA excludes takes 'not applicable' but no nonconformity; any other item the other way round."""
    barred = ("not applicable",) if item.applicable else NONCONFORMITIES
    return [(g, g) for g in GRADES if g not in barred]


def checklist_rows(form) -> list[Row]:
    """The chosen audit's checklist, each finding about one of the systems in its scope."""
    audit_id = form.part("audit_id").value
    if not audit_id:
        return []
    try:
        plan = audit_plan(form.workspace, audit_id)
        items = checklist(form.workspace, plan)
    except InputError as err:
        form.part("audit_id").show(str(err))
        return []
    systems = [(s, s) for s in plan.systems]
    return [Row(i.id, i.title if i.applicable else f"{i.title} (excluded by the SoA)", ident=(audit_id, i.id),
                options={"result": grades(i), "system": systems}) for i in items]


class AuditForm(ProcessForm):
    """The widget form of an internal audit; the checklist comes from the planned audit's scope."""

    process = "internal-audit"
    body_title = "Checklist"
    custom = {
        "audit_id": Spec("Audit", options=planned_audits),
        "items": Rows(key="item", rows=checklist_rows, noun="checklist item", label="Checklist",
                      follows=("audit_id",), overflow="notes", empty="Choose an audit to see its checklist."),
        "items.notes": Spec("Finding"),
        "items.evidence": Spec("Evidence: run ids, doc:ID, nc:ID, interview:/sample:/record:YYYY-MM-DD:what",
                      suggest=examples),
        "items.system": Spec("AI system"),
        "items.action_owner": Spec(options=people),
    }
