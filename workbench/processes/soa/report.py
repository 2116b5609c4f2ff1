"""The evidence sections of the Statement of Applicability, drawn in the template's kernel."""

from __future__ import annotations

from workbench.records.citations import evidence_href
from workbench.ui.display import esc, show_html, table
from workbench.processes.soa.assessment import STATUSES


def summary(run) -> None:
    """How many controls are included and excluded, and how far implementation has come."""
    r = run.results
    added = sum(c.source == "organisation" for c in r.controls)
    rows = [(s, r.by_status[s]) for s in STATUSES]
    runs = ", ".join(r.risk_runs) or "none archived yet"
    show_html("<h2>Summary</h2>"
              f"<p>{len(r.controls)} controls: {len(r.controls) - added} from Annex A and {added} added by the "
              f"organisation. <strong>{r.included}</strong> included, <strong>{r.excluded}</strong> excluded.</p>"
              f"<p class='note'>Risk links come from the latest risk assessments: {esc(runs)}.</p>"
              + table(("Implementation status", "Included controls"), rows, caption="Included controls by status",
                      numeric=[1]))


def _links(evidence: list) -> str:
    return ", ".join(f'<a href="{esc(evidence_href(e.get("path", "")))}">{esc(e["run_id"])}</a>'
                     for e in evidence) or "none cited"


def _risks(risks: list) -> str:
    return "<br>".join(f"{esc(r['system_id'])} {esc(r['risk_id'])}: {esc(r['title'])} ({esc(r['residual_band'])})"
                       for r in risks) or "none"


def controls(run) -> None:
    """Every control: decision, justification, status, owner, the risks citing it, its evidence."""
    people = {p.id: p.name for p in run.workspace.config.people}
    rows = [(f"<strong>{esc(c.id)}</strong><br><small>{esc(c.source)}</small>",
             f"{esc(c.title)}<div class='note'>{esc(c.intent)}</div>",
             "included" if c.included else "<strong>excluded</strong>",
             f"<span class='text'>{esc(c.justification) or 'none given'}</span>",
             esc(c.status or "n/a"), esc(people.get(c.owner, c.owner) or "unassigned"),
             _risks(c.risks), _links(c.evidence))
            for c in run.results.controls]
    show_html("<h2>Controls</h2>" + table(
        ("Control", "Title and intent (paraphrased)", "Applicability", "Justification", "Status", "Owner",
         "Risks citing it", "Evidence"), rows, caption=f"{len(rows)} controls", raw=range(8)))


def exclusions(run) -> None:
    """The excluded controls and why, on their own for the reviewer."""
    rows = [(c.id, c.title, c.justification) for c in run.results.controls if not c.included]
    head = "<h2>Exclusions</h2>"
    if not rows:
        show_html(head + '<p class="ok">No control is excluded.</p>')
        return
    cited = [c.id for c in run.results.controls if not c.included and c.risks]
    warn = (f'<p class="alert">Excluded although risks cite them: {esc(", ".join(cited))}. '
            "Check the justification against the risk assessment.</p>" if cited else "")
    show_html(head + warn + table(("Control", "Title", "Justification"), rows, caption=f"{len(rows)} excluded"))
