"""The evidence sections of the internal audit, drawn in the template's kernel."""

from __future__ import annotations

from workbench.processes.internal_audit.assessment import GRADES, NONCONFORMITIES
from workbench.ui.charts import stacked_columns
from workbench.ui.display import esc, show_figure, show_html, table

COLOURS = {"conforming": "#2e7d32", "major nonconformity": "#c62828", "minor nonconformity": "#ef6c00",
           "observation": "#f9a825", "opportunity for improvement": "#1565c0", "not applicable": "#9e9e9e"}


def _people(run) -> dict:
    return {p.id: p.name for p in run.workspace.config.people}


def plan(run) -> None:
    """The audit as planned: objectives, scope, criteria, dates, auditors."""
    a, people = run.results.audit, _people(run)
    rows = [("Audit", f"{a.title} ({a.id})"), ("Objectives", a.objectives), ("Criteria", a.criteria),
            ("Clauses in scope", ", ".join(a.clauses) or "none"),
            ("Controls in scope", ", ".join(a.controls) or "none"),
            ("AI systems in scope", ", ".join(a.systems) or "none"),
            ("Dates", f"{a.start_date} to {a.end_date}"),
            ("Auditors", ", ".join(f"{people.get(p, p)} ({p})" for p in a.auditors))]
    conclusion = run.request.answers.conclusion
    show_html("<h2>Audit plan</h2>" + table(("Item", "Value"), rows, caption="As planned in the audit programme")
              + (f"<h3>Conclusion</h3><p class='text'>{esc(conclusion)}</p>" if conclusion else "")
              + "<p class='note'>Impartiality checked before the run: no auditor owns an AI system in scope, "
                "and no cited evidence was produced by the auditor.</p>")


def grades(run) -> None:
    """Counts by grade, and results by clause as a chart."""
    r = run.results
    show_html("<h2>Results by grade</h2>" + table(
        ("Grade", "Items"), [(g, r.by_grade[g]) for g in GRADES], caption=f"{len(r.findings)} checklist items",
        numeric=[1]))
    groups = list(r.by_group)
    series = {g: [r.by_group[k][g] for k in groups] for g in GRADES if any(r.by_group[k][g] for k in groups)}
    chart = stacked_columns([f"Clause {k}" if k != "Annex A" else k for k in groups], series, COLOURS,
                            "Checklist items", "Results by clause")
    show_figure(chart, "Results by clause: checklist items per grade")


def _evidence(finding) -> str:
    return "<br>".join(f'<a href="{esc(e["href"])}">{esc(e["run_id"])}</a> '
                       f'<small>({esc(e["process"])}, {esc(e["system_id"])})</small>'
                       for e in finding.evidence) or "none cited"


def findings(run) -> None:
    """Every finding that is not plainly conforming, with its evidence links."""
    people = _people(run)
    rows = []
    for f in run.results.findings:
        res = f.result
        if res.result == "conforming" and not res.notes:
            continue
        action = (f"{esc(people.get(res.action_owner, res.action_owner))}, due {esc(res.action_due)}"
                  if res.result in NONCONFORMITIES else "")
        rows.append((f"<strong>{esc(f.item.id)}</strong> {esc(f.item.title)}",
                     f'<span class="grade" style="border-left:6px solid {COLOURS[res.result]};padding-left:4px">'
                     f"{esc(res.result)}</span>",
                     f"<span class='text'>{esc(res.notes)}</span>" + (f"<br><small>AI system: {esc(res.system)}</small>"
                                                                     if res.system else ""),
                     _evidence(f), action))
    show_html("<h2>Findings</h2>" + table(("Item", "Grade", "Finding", "Evidence", "Corrective action"), rows,
                                          caption=f"{len(rows)} findings with notes", raw=range(5))
              + "<p class='note'>Each major or minor nonconformity opens a nonconformity with a corrective action "
                "when this audit is archived.</p>")


def checklist(run) -> None:
    """The full checklist with every item's result."""
    rows = [(f.item.id, f.item.kind, f.item.title, "yes" if f.item.applicable else "excluded by the SoA",
             f.result.result, ", ".join(e["run_id"] for e in f.evidence)) for f in run.results.findings]
    show_html("<h2>Checklist</h2>" + table(("Item", "Kind", "Requirement (paraphrased)", "Applicable", "Result",
                                            "Evidence"), rows, caption="Generated from the audit's scope"))


def actions(run) -> None:
    """Corrective actions still open when the audit ran; overdue ones flagged."""
    people = _people(run)
    earlier = run.results.earlier_actions
    head = "<h2>Open corrective actions from earlier findings</h2>"
    if not earlier:
        show_html(head + '<p class="ok">No corrective action was open.</p>')
        return
    overdue = sum(a["overdue"] for a in earlier)
    rows = [(esc(a["nc_id"]), esc(a["source_ref"]), f"<span class='text'>{esc(a['description'])}</span>",
             esc(people.get(a["owner"], a["owner"])), esc(a["due_date"]),
             esc(a["status"]) + (' <strong class="alert">OVERDUE</strong>' if a["overdue"] else ""),
             esc(a["updates"]))
            for a in earlier]
    show_html(head + (f'<p class="alert">{overdue} action(s) overdue as of {esc(run.results.as_of)}.</p>'
                      if overdue else f"<p>None overdue as of {esc(run.results.as_of)}.</p>")
              + table(("Nonconformity", "Source", "Description", "Owner", "Due", "Status", "Updates"), rows,
                      caption=f"{len(rows)} open actions", raw=range(7)))
