"""The gap analysis form: ratings of the clauses and of the Annex A areas, each on its tab, and
the implementation plan."""

from __future__ import annotations

from workbench.processes.gap_analysis.assessment import group_of, requirement_ids
from workbench.ui.builder import Items, Row, Rows, Spec, evidence, people
from workbench.ui.form import ProcessForm


def titles(form) -> dict[str, str]:
    """Clause, area and control ids with their titles."""
    content = form.workspace.content
    return ({c.id: c.title for c in content.clauses} | {a.id: a.title for a in content.areas}
            | {c.id: c.title for c in content.controls})


def rating_rows(form) -> list[Row]:
    """A rating per leaf requirement of clauses 4 to 10 and per Annex A control, by clause or area."""
    content, named = form.workspace.content, titles(form)
    rows = []
    for item in requirement_ids(content) + content.control_ids():
        group = group_of(item, content)
        tab = "Annex A controls" if item.startswith("A.") else "Clauses 4 to 10"
        rows.append(Row(item, named[item], group=(tab, f"{group} {named.get(group, '')}")))
    return rows


def maturity(form) -> list[tuple[str, int]]:
    return [(f"{m.level} {m.label}", m.level) for m in form.workspace.config.readiness.maturity]


def gap_items(form) -> list[tuple[str, str]]:
    return [(f"{r.key} {r.title}", r.key) for r in rating_rows(form)]


class GapAnalysisForm(ProcessForm):
    """The widget form of the gap analysis."""

    process = "gap-analysis"
    body_title = "Ratings and plan"
    custom = {
        "scope": Spec("Scope of the analysis"),
        "ratings": Rows(key="item", rows=rating_rows, noun="item", label="Ratings"),
        "ratings.maturity": Spec(options=maturity),
        "ratings.evidence": Spec(options=evidence),
        "actions": Items(add="Add planned action", noun="action", ids="P", label="Implementation plan",
                         overflow="due_date"),
        "actions.id": Spec("Action id"),
        "actions.item": Spec("Closes the gap of", options=gap_items),
        "actions.owner": Spec(options=people),
        "actions.start_date": Spec("Start"),
        "actions.due_date": Spec("Due"),
    }
