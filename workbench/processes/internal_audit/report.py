"""The evidence sections of the internal audit, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.internal_audit.assessment import GRADES, NONCONFORMITIES
from workbench.records.citations import evidence_href
from workbench.ui.charts import stacked_columns
from workbench.ui.display import show_figure, show_html, table

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
    show_html(Markup("<h2>Audit plan</h2>")
              + table(("Item", "Value"), rows, caption="As planned in the audit programme")
              + (Markup("<h3>Conclusion</h3><p class='text'>{}</p>").format(conclusion) if conclusion else "")
              + Markup("<p class='note'>Impartiality checked before the run: no auditor owns an AI system in scope, "
                       "and no cited evidence was produced by the auditor.</p>"))


def grades(run) -> None:
    """Counts by grade, and results by clause as a chart."""
    r = run.results
    show_html(Markup("<h2>Results by grade</h2>") + table(
        ("Grade", "Items"), [(g, r.by_grade[g]) for g in GRADES], caption=f"{len(r.findings)} checklist items",
        numeric=[1]))
    groups = list(r.by_group)
    series = {g: [r.by_group[k][g] for k in groups] for g in GRADES if any(r.by_group[k][g] for k in groups)}
    chart = stacked_columns([f"Clause {k}" if k != "Annex A" else k for k in groups], series, COLOURS,
                            "Checklist items", "Results by clause")
    show_figure(chart, "Results by clause: checklist items per grade")


def _evidence(finding) -> Markup:
    return Markup("<br>").join(
        Markup('<a href="{}">{}</a> <small>({}, {}, {})</small>').format(
            evidence_href(e["path"]), e["ref"], e["process"], e["system_id"], e["dated"]) if e.get("path")
        else Markup("<span class='text'>{}</span> <small>({})</small>").format(e["label"], e["dated"])
        for e in finding.evidence) or Markup("none cited")


def findings(run) -> None:
    """Every finding that is not plainly conforming, with its evidence links."""
    people = _people(run)
    rows = []
    for f in run.results.findings:
        res = f.result
        if res.result == "conforming" and not res.notes:
            continue
        action = (f"{people.get(res.action_owner, res.action_owner)}, due {res.action_due}"
                  if res.result in NONCONFORMITIES else "")
        system = Markup("<br><small>AI system: {}</small>").format(res.system) if res.system else ""
        rows.append((Markup("<strong>{}</strong> {}").format(f.item.id, f.item.title),
                     Markup('<span class="grade" style="border-left:6px solid {};padding-left:4px">{}</span>').format(
                         COLOURS[res.result], res.result),
                     Markup("<span class='text'>{}</span>").format(res.notes) + system,
                     _evidence(f), action))
    show_html(Markup("<h2>Findings</h2>") + table(("Item", "Grade", "Finding", "Evidence", "Corrective action"), rows,
                                                  caption=f"{len(rows)} findings with notes")
              + Markup("<p class='note'>Each major or minor nonconformity opens a nonconformity with a corrective "
                       "action when this audit is archived.</p>"))


def checklist(run) -> None:
    """The full checklist with every item's result."""
    rows = [(f.item.id, f.item.kind, f.item.title,
             Markup("{}<div class='note'>SoA row {}: {}</div>").format(
                 "yes" if f.item.applicable else "excluded by the SoA", f.item.soa_ref, f.item.soa_decision)
             if f.item.soa_ref else "yes" if f.item.applicable else "excluded by the SoA",
             f.result.result, _evidence(f)) for f in run.results.findings]
    show_html(Markup("<h2>Checklist</h2>") + table(("Item", "Kind", "Requirement (paraphrased)", "Applicable",
                                                    "Result", "Evidence"), rows,
                                                   caption="Generated from the audit's scope"))


def coverage(run) -> None:
    """What the audit programme's cycle covers, and the clause requirements and controls it leaves out."""
    c = run.results.coverage
    clauses, controls = c.uncovered("clauses"), c.uncovered("controls")
    audits = table(("Audit", "Starts", "State"), [(f"{a['title']} ({a['id']})", a["start_date"], a["state"])
                                                  for a in c.audits], caption=f"Audits of the cycle {c.start} to {c.end}")
    counts = [(kind, sum(v == "audited" for v in d.values()), sum(v == "planned" for v in d.values()), len(missing))
              for kind, d, missing in (("Clause requirements", c.clauses, clauses), ("Controls the SoA includes",
                                                                                    c.controls, controls))]
    gaps = (Markup('<p class="alert">Not covered in this {}-year cycle: {} clause requirement(s): {}; {} control(s): '
                   "{}.</p>").format(c.years, len(clauses), ", ".join(clauses) or "none", len(controls),
                                     ", ".join(controls) or "none")
            if clauses or controls else Markup('<p class="ok">The cycle covers every clause requirement and every '
                                               "control the SoA includes.</p>"))
    show_html(Markup("<h2>Audit programme coverage</h2>") + gaps + table(
        ("Items", "Audited", "Planned", "Not covered"), counts, caption="Coverage of the cycle", numeric=[1, 2, 3])
              + audits)


def actions(run) -> None:
    """Corrective actions still open when the audit ran; overdue ones flagged."""
    people = _people(run)
    earlier = run.results.earlier_actions
    head = Markup("<h2>Open corrective actions from earlier findings</h2>")
    if not earlier:
        show_html(head + Markup('<p class="ok">No corrective action was open.</p>'))
        return
    overdue = sum(a["overdue"] for a in earlier)
    rows = [(a["nc_id"], a["source_ref"], Markup("<span class='text'>{}</span>").format(a["description"]),
             people.get(a["owner"], a["owner"]), a["due_date"],
             Markup('{} <strong class="alert">OVERDUE</strong>').format(a["status"]) if a["overdue"] else a["status"],
             a["updates"])
            for a in earlier]
    summary = (Markup('<p class="alert">{} action(s) overdue as of {}.</p>').format(overdue, run.results.as_of)
               if overdue else Markup("<p>None overdue as of {}.</p>").format(run.results.as_of))
    show_html(head + summary + table(("Nonconformity", "Source", "Description", "Owner", "Due", "Status", "Updates"),
                                     rows, caption=f"{len(rows)} open actions"))
