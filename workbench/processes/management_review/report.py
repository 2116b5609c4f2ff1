"""The evidence sections of the management review, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.records.citations import evidence_href
from workbench.ui.display import show_html, table


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def _link(record: dict) -> Markup:
    return Markup('<a href="{}">{}</a>').format(evidence_href(record["path"]), record["run_id"])


def inputs(run) -> None:
    """Where the inputs come from, and the changes in context top management reports."""
    r, a = run.results, run.request.answers
    show_html(Markup("<h2>Review inputs</h2>"
                     "<p>Inputs other than the statements below were assembled from the register on {}: actions of "
                     "earlier reviews, nonconformities and corrective actions, internal audits, impact assessments, the "
                     "AI objectives and the measurements of the monitoring plan, the latest gap analysis, the latest "
                     "risk assessments, the register of documented information and the other registers' inputs.</p>"
                     "<h3>Changes in context and in interested parties' needs</h3>"
                     '<p class="text">{}</p>').format(r.as_of.isoformat(), a.context_changes)
              + (Markup('<h3>Opportunities for improvement</h3><p class="text">{}</p>').format(a.opportunities)
                 if a.opportunities else ""))


def previous_actions(run) -> None:
    """Status of the actions decided by earlier reviews."""
    rows = [(x["id"], x["decided_on"], x["decision"], _person(run, x["owner"]), x["due_date"],
             x["status"] + (" (overdue)" if x["overdue"] else ""), x["note"]) for x in run.results.previous_actions]
    head = Markup("<h2>Actions from previous reviews</h2>")
    if not rows:
        show_html(head + Markup("<p>No earlier review recorded actions.</p>"))
        return
    overdue = sum(x["overdue"] for x in run.results.previous_actions)
    show_html(head + (Markup('<p class="alert">{} action(s) overdue.</p>').format(overdue) if overdue else "")
              + table(("Action", "Decided", "Decision", "Owner", "Due", "Status", "Note"), rows,
                      caption=f"{len(rows)} action(s) of earlier reviews"))


def performance(run) -> None:
    """AIMS performance: nonconformities, audits, monitoring, readiness, documented information."""
    r = run.results
    nc = r.nonconformities
    parts = [Markup("<h2>Performance of the AI management system</h2><h3>Nonconformities and corrective actions</h3>"
                    "<p>{} nonconformities recorded; {} not yet verified effective, {} overdue.</p>").format(
        nc["total"], len(nc["open"]), nc["overdue"])]
    if nc["open"]:
        parts.append(table(("NC", "Grade", "System", "Description", "Status", "Owner", "Due"),
                           [(a["nc_id"], a["grade"], a["system_id"], a["description"],
                             a["status"] + (" (overdue)" if a["overdue"] else ""), _person(run, a["owner"]),
                             a["due_date"]) for a in nc["open"]], caption="Corrective actions not yet closed"))
    parts.append(Markup("<h3>Internal audit results</h3>"))
    if r.audits:
        grades = sorted({g for a in r.audits for g in a["by_grade"]})
        parts.append(table(["Audit", "Evidence", "Date"] + grades + ["Conclusion"],
                           [[a["audit_id"], _link(a), a["effective_date"]]
                            + [a["by_grade"].get(g, 0) for g in grades] + [a["conclusion"]]
                            for a in r.audits], caption="Latest internal audits"))
    else:
        parts.append(Markup('<p class="alert">No internal audit is archived yet.</p>'))
    parts.append(Markup("<h3>Monitoring results: impact assessments</h3>"))
    if r.monitoring:
        breaches = sum(m["fairness_breaches"] for m in r.monitoring)
        parts.append((Markup('<p class="alert">{} fairness threshold breach(es).</p>').format(breaches)
                      if breaches else Markup())
                     + table(("System", "Evidence", "Date", "Impact level", "Classification", "Fairness breaches"),
                             [(m["system_id"], _link(m), m["effective_date"], m["level"], m["classification"],
                               m["fairness_breaches"]) for m in r.monitoring],
                             caption="Latest impact assessment per system"))
    else:
        parts.append(Markup("<p>No impact assessment is archived yet.</p>"))
    parts.append(Markup("<h3>Certification readiness</h3>"))
    if r.readiness:
        g = r.readiness
        parts.append(Markup("<p>Latest gap analysis {} ({}): overall readiness <strong>{:.1%}</strong> (clauses "
                            "{:.1%}, controls {:.1%}); {} gap(s), {} planned action(s).</p>").format(
            _link(g), g["effective_date"], g["overall"], g["clause_readiness"], g["control_readiness"], g["gaps"],
            g["planned_actions"]))
    else:
        parts.append(Markup("<p>No gap analysis is archived yet.</p>"))
    flags = r.documented_information
    parts.append(Markup("<h3>Documented information</h3>"))
    parts.append(table(("Flag", "Clause", "Item", "Detail"), [(f["kind"], f["clause"], f["title"], f["message"])
                                                              for f in flags], caption=f"{len(flags)} flag(s)")
                 if flags else Markup('<p class="ok">No flag in the register of documented information.</p>'))
    show_html(Markup().join(parts))


def risk_posture(run) -> None:
    """Residual risk of the latest risk assessments, and the risks above appetite."""
    p = run.results.risk_posture
    rows = [(band, n) for band, n in p["by_band"].items()]
    above = table(("System", "Risk", "Title", "Residual band", "Owner"),
                  [(a["system_id"], a["risk_id"], a["title"], a["residual_band"], _person(run, a["owner"]))
                   for a in p["above_appetite"]], caption="Residual risks above appetite") if p["above_appetite"] else ""
    show_html(Markup("<h2>Risk posture</h2><p>Latest risk assessments of {} system(s); risk appetite "
                     "<strong>{}</strong>; {} residual risk(s) above it.</p>").format(
        len(p["systems"]), p["appetite"], len(p["above_appetite"]))
              + table(("Residual band", "Risks"), rows, caption="Residual risks by band", numeric=[1]) + above)


def objectives(run) -> None:
    """Progress on the AI objectives: as measured (the objectives record in force), and as top management
    reports it."""
    from workbench.processes.objectives.report import badge

    measured = run.results.measured_objectives
    parts = [Markup("<h2>Progress on AI objectives</h2>")]
    if measured:
        rows = [(o["id"], o["objective"], _person(run, o["owner"]), o["measure"], f"{o['target']:g} {o['unit']}",
                 o["due_date"], "" if o["baseline"] is None else f"{o['baseline']:g}",
                 "" if o["latest"] is None else f"{o['latest']:g}", badge(o["status"])) for o in measured["objectives"]]
        parts.append(Markup("<p>As measured, from the AI objectives {} in force (effective {}): the first value since "
                            "the previous review, the latest, and the status: <em>achieved</em> at or past the target; "
                            "<em>off track</em> past its due date or worsening in its last period; else "
                            "<em>on track</em>.</p>").format(_link(measured), measured["effective_date"])
                     + table(("Objective", "What", "Owner", "Measure", "Target", "Due", "First", "Latest", "Status"),
                             rows, caption=f"{len(rows)} objective(s), as measured"))
    else:
        parts.append(Markup('<p class="alert">No AI objectives record is archived: objectives are not measured '
                            "(workbench run objectives).</p>"))
    rows = [(o.objective, o.status, o.note) for o in run.request.answers.objectives]
    show_html(Markup().join(parts) + table(("Objective", "Status", "Note"), rows,
                                          caption=f"{len(rows)} objective(s), as top management reports them"))


def measures(run) -> None:
    """Each measure's trend over the periods since the previous review, against its target or threshold,
    and the gaps in monitoring (9.3.2 c, d)."""
    from workbench.processes.objectives.report import gaps_markup, show_trends

    r = run.results
    since = f"since the previous review of {r.since.isoformat()}" if r.since else "since measurements began (no earlier review)"
    show_html(Markup("<h2>Monitoring and measurement results</h2><p>Each measure of the monitoring plan {}, "
                     "with its target (green) and threshold (red).</p>").format(since))
    if not r.measured_objectives:
        show_html(Markup('<p class="alert">No monitoring plan is archived: nothing is measured.</p>'))
        return
    show_trends(r.measured_objectives["trends"])
    show_html(gaps_markup(r.measured_objectives["gaps"]))


def register_sections(run) -> None:
    """The inputs other registers add (incidents, concerns, ...), each since the previous review."""
    for section in run.results.register_sections:
        show_html(Markup("<h2>{} ({})</h2>{}").format(
            section["title"], section.get("clause", ""),
            Markup("<p>{}</p>").format(section["note"]) if section.get("note") else "")
            + (table(section["columns"], section["rows"], caption=section["title"]) if section["rows"]
               else Markup('<p class="ok">None.</p>')))


def decisions(run) -> None:
    """The decisions, each an action with an owner and a due date."""
    rows = [(d.id, d.kind, d.decision, _person(run, d.owner), d.due_date.isoformat()) for d in run.results.decisions]
    show_html(Markup("<h2>Decisions and actions</h2>") + table(("Action", "Kind", "Decision", "Owner", "Due"), rows,
                                                             caption=f"{len(rows)} decision(s)"))


def sign_off(run) -> None:
    """The conclusion and who in top management drew it; its approval is a record of its own."""
    show_html(Markup('<h2>Conclusion</h2><p class="text">{}</p><p>Concluded by <strong>{}</strong>, '
                     "top management, for the period {} (effective {}); its approval is recorded apart from "
                     "this file (see Status on the cover).</p>").format(
        run.request.answers.conclusion, _person(run, run.request.assessor), run.request.period,
        run.request.effective_date.isoformat()))
