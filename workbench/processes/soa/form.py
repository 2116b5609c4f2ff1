"""The Statement of Applicability form: the controls the organisation adds, then a decision on
every control, area by area."""

from __future__ import annotations

from workbench.records.citations import examples
from workbench.ui.builder import Items, Row, Rows, Spec, people
from workbench.ui.form import ProcessForm

ADDED = "Controls the organisation adds"


def control_rows(form) -> list[Row]:
    """A decision per Annex A control, by area, and per added control (kept while its id is typed)."""
    content = form.workspace.content
    areas = {a.id: a.title for a in content.areas}
    added = [e for e in form.part("added_controls").editors if e.fields["id"].value]
    return ([Row(c.id, c.title, group=(f"{c.area} {areas.get(c.area, '')}",)) for c in content.controls]
            + [Row(e.fields["id"].value, e.fields["title"].value or "organisation control", group=(ADDED,), ident=e)
               for e in added])


class SoAForm(ProcessForm):
    """The widget form of the Statement of Applicability."""

    process = "soa"
    body_title = "Controls"
    custom = {
        "added_controls": Items(add="Add an organisation control", noun="control", label=ADDED),
        "added_controls.id": Spec("Control id (e.g. NW.1)"),
        "controls": Rows(key="control", rows=control_rows, noun="control", label="Decisions",
                         follows=("added_controls",), overflow="justification"),
        "controls.included": Spec(value=True),
        "controls.status": Spec("Implementation status", when=lambda decision: decision["included"]),
        "controls.owner": Spec("Control owner", options=people),
        "controls.evidence": Spec("Evidence: run ids, doc:ID, nc:ID, interview:/sample:/record:YYYY-MM-DD:what",
                      suggest=examples),
    }
