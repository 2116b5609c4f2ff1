"""The evidence sections of the management review, drawn in the template's kernel."""

from __future__ import annotations

from workbench.records.citations import evidence_href
from workbench.ui.display import esc, show_html, table


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def _link(record: dict) -> str:
    return f'<a href="{esc(evidence_href(record["path"]))}">{esc(record["run_id"])}</a>'


def inputs(run) -> None:
    """Where the inputs come from, and the changes in context top management reports."""
    r, a = run.results, run.request.answers
    show_html("<h2>Review inputs</h2>"
              f"<p>Inputs other than the statements below were assembled from the register on "
              f"{esc(r.as_of.isoformat())}: actions of earlier reviews, nonconformities and corrective actions, "
              "internal audits, impact assessments (monitoring results), the latest gap analysis, the latest risk "
              "assessments and the register of documented information.</p>"
              "<h3>Changes in context and in interested parties' needs</h3>"
              f'<p class="text">{esc(a.context_changes)}</p>'
              + (f'<h3>Opportunities for improvement</h3><p class="text">{esc(a.opportunities)}</p>'
                 if a.opportunities else ""))


def previous_actions(run) -> None:
    """Status of the actions decided by earlier reviews."""
    rows = [(x["id"], x["decided_on"], x["decision"], _person(run, x["owner"]), x["due_date"],
             x["status"] + (" (overdue)" if x["overdue"] else ""), x["note"]) for x in run.results.previous_actions]
    head = "<h2>Actions from previous reviews</h2>"
    if not rows:
        show_html(head + "<p>No earlier review recorded actions.</p>")
        return
    overdue = sum(x["overdue"] for x in run.results.previous_actions)
    show_html(head + (f'<p class="alert">{overdue} action(s) overdue.</p>' if overdue else "")
              + table(("Action", "Decided", "Decision", "Owner", "Due", "Status", "Note"), rows,
                      caption=f"{len(rows)} action(s) of earlier reviews"))


def performance(run) -> None:
    """AIMS performance: nonconformities, audits, monitoring, readiness, documented information."""
    r = run.results
    nc = r.nonconformities
    parts = ["<h2>Performance of the AI management system</h2><h3>Nonconformities and corrective actions</h3>",
             f"<p>{nc['total']} nonconformities recorded; {len(nc['open'])} not yet verified effective, "
             f"{nc['overdue']} overdue.</p>"]
    if nc["open"]:
        parts.append(table(("NC", "Grade", "System", "Description", "Status", "Owner", "Due"),
                           [(a["nc_id"], a["grade"], a["system_id"], a["description"],
                             a["status"] + (" (overdue)" if a["overdue"] else ""), _person(run, a["owner"]),
                             a["due_date"]) for a in nc["open"]], caption="Corrective actions not yet closed"))
    parts.append("<h3>Internal audit results</h3>")
    if r.audits:
        grades = sorted({g for a in r.audits for g in a["by_grade"]})
        parts.append(table(["Audit", "Evidence", "Date"] + grades + ["Conclusion"],
                           [[esc(a["audit_id"]), _link(a), esc(a["effective_date"])]
                            + [esc(a["by_grade"].get(g, 0)) for g in grades] + [esc(a["conclusion"])]
                            for a in r.audits], caption="Latest internal audits", raw=range(len(grades) + 4)))
    else:
        parts.append('<p class="alert">No internal audit is archived yet.</p>')
    parts.append("<h3>Monitoring results: impact assessments</h3>")
    if r.monitoring:
        breaches = sum(m["fairness_breaches"] for m in r.monitoring)
        parts.append((f'<p class="alert">{breaches} fairness threshold breach(es).</p>' if breaches else "")
                     + table(("System", "Evidence", "Date", "Impact level", "Classification", "Fairness breaches"),
                             [(esc(m["system_id"]), _link(m), esc(m["effective_date"]), esc(m["level"]),
                               esc(m["classification"]), esc(m["fairness_breaches"])) for m in r.monitoring],
                             caption="Latest impact assessment per system", raw=range(6)))
    else:
        parts.append("<p>No impact assessment is archived yet.</p>")
    parts.append("<h3>Certification readiness</h3>")
    if r.readiness:
        g = r.readiness
        parts.append(f"<p>Latest gap analysis {_link(g)} ({esc(g['effective_date'])}): overall readiness "
                     f"<strong>{g['overall']:.1%}</strong> (clauses {g['clause_readiness']:.1%}, controls "
                     f"{g['control_readiness']:.1%}); {g['gaps']} gap(s), {g['planned_actions']} planned action(s).</p>")
    else:
        parts.append("<p>No gap analysis is archived yet.</p>")
    flags = r.documented_information
    parts.append("<h3>Documented information</h3>")
    parts.append(table(("Flag", "Clause", "Item", "Detail"), [(f["kind"], f["clause"], f["title"], f["message"])
                                                              for f in flags], caption=f"{len(flags)} flag(s)")
                 if flags else '<p class="ok">No flag in the register of documented information.</p>')
    show_html("".join(parts))


def risk_posture(run) -> None:
    """Residual risk of the latest risk assessments, and the risks above appetite."""
    p = run.results.risk_posture
    rows = [(band, n) for band, n in p["by_band"].items()]
    above = table(("System", "Risk", "Title", "Residual band", "Owner"),
                  [(a["system_id"], a["risk_id"], a["title"], a["residual_band"], _person(run, a["owner"]))
                   for a in p["above_appetite"]], caption="Residual risks above appetite") if p["above_appetite"] else ""
    show_html("<h2>Risk posture</h2>"
              f"<p>Latest risk assessments of {len(p['systems'])} system(s); risk appetite "
              f"<strong>{esc(p['appetite'])}</strong>; {len(p['above_appetite'])} residual risk(s) above it.</p>"
              + table(("Residual band", "Risks"), rows, caption="Residual risks by band", numeric=[1]) + above)


def objectives(run) -> None:
    """Progress on the AI objectives, as top management reports it."""
    rows = [(o.objective, o.status, o.note) for o in run.request.answers.objectives]
    show_html("<h2>Progress on AI objectives</h2>" + table(("Objective", "Status", "Note"), rows,
                                                         caption=f"{len(rows)} objective(s)"))


def decisions(run) -> None:
    """The decisions, each an action with an owner and a due date."""
    rows = [(d.id, d.kind, d.decision, _person(run, d.owner), d.due_date.isoformat()) for d in run.results.decisions]
    show_html("<h2>Decisions and actions</h2>" + table(("Action", "Kind", "Decision", "Owner", "Due"), rows,
                                                     caption=f"{len(rows)} decision(s)"))


def sign_off(run) -> None:
    """The conclusion and who signed it off."""
    show_html("<h2>Conclusion and sign-off</h2>"
              f'<p class="text">{esc(run.request.answers.conclusion)}</p>'
              f"<p>Signed off by <strong>{esc(_person(run, run.request.assessor))}</strong>, top management, "
              f"for the period {esc(run.request.period)} (effective {esc(run.request.effective_date.isoformat())}).</p>")
