"""The evidence sections of the gap analysis, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.gap_analysis.charts import plan_timeline, readiness_bars
from workbench.records.citations import evidence_href
from workbench.ui.display import show_figure, show_html, table


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def scope(run) -> None:
    """What the analysis covers, the blockers apart from the average, and the headline readiness."""
    r = run.results
    if r.blockers:
        blocked = Markup('<p class="alert"><strong>{} blocker(s)</strong>: clause requirement(s) below maturity {}, '
                         "which a certification audit would raise as nonconformities whatever the average: {}.</p>"
                         ).format(len(r.blockers), r.minimum, ", ".join(f"{b.item} (rated {b.maturity})"
                                                                        for b in r.blockers))
    else:
        blocked = Markup('<p class="ok">No blocker: every clause requirement is at maturity {} or above.</p>').format(
            r.minimum)
    show_html(Markup('<h2>Scope and readiness</h2><p class="text">{}</p>').format(run.request.answers.scope) + blocked
              + _context(r)
              + Markup("<p>Overall readiness <strong>{}</strong>: clause requirements {}, Annex A controls {}. "
                       "{} item(s) are below the target maturity {}; {} planned action(s).</p>").format(
        _pct(r.overall), _pct(r.clause_readiness), _pct(r.control_readiness), len(r.gaps), r.target, len(r.plan)))


def _context(r) -> Markup:
    """The context record cited for 4.1 to 4.3, its flags, or the ratings that have none behind them."""
    if r.unsupported:
        return Markup('<p class="alert"><strong>Unsupported</strong>: no context record of the organisation '
                      "(4.1 to 4.3) is archived on or before this analysis, yet {}.</p>").format(
            "; ".join(u.message for u in r.unsupported))
    if r.context is None:
        return Markup('<p>No context record of the organisation (4.1 to 4.3) is archived, and none of 4.1 to 4.3 is '
                      "rated above not started.</p>")
    c = r.context
    cited = Markup('<p>4.1 to 4.3 cite the context record <a href="{}">{}</a> of {}').format(
        evidence_href(c["path"]), c["run_id"], c["effective_date"])
    if not c["flags"]:
        return cited + Markup(", which flags nothing.</p>")
    return cited + Markup(', which flags {} item(s):</p><ul class="alert">{}</ul>').format(
        len(c["flags"]), Markup().join(Markup("<li>{}</li>").format(f) for f in c["flags"]))


def blockers(run) -> None:
    """The blockers, each with its notes and the actions planned for it; then the controls the SoA excludes."""
    r = run.results
    head = Markup("<h2>Blockers</h2>")
    if r.blockers:
        head += table(("Requirement", "Title", "Maturity", "Minimum", "Notes", "Planned actions"),
                      [(b.item, b.title, b.maturity, b.minimum, Markup("<span class='text'>{}</span>").format(b.notes),
                        ", ".join(b.actions) or Markup("<strong class='alert'>none planned</strong>"))
                       for b in r.blockers], caption=f"{len(r.blockers)} blocker(s)", numeric=[2, 3])
    else:
        head += Markup('<p class="ok">None.</p>')
    head += Markup("<h3>Controls the SoA excludes</h3>")
    if r.excluded:
        head += Markup("<p>Left out of readiness and of the ranked gaps.</p>") + table(
            ("Control", "Title", "Maturity (not counted)", "Justification", "SoA"),
            [(e.item, e.title, e.maturity, Markup("<span class='text'>{}</span>").format(e.justification), e.soa_run)
             for e in r.excluded], caption=f"{len(r.excluded)} excluded", numeric=[2])
    else:
        head += Markup("<p>None: every control counts.</p>")
    show_html(head)


def method(run) -> None:
    """The maturity scale, the weights and the formula, so the arithmetic can be checked."""
    policy = run.workspace.config.readiness
    scale = table(("Level", "Maturity", "Definition"), [(m.level, m.label, m.definition) for m in policy.maturity],
                  caption="Maturity scale", numeric=[0])
    weights = table(("Clause or area", "Weight"), [(f"{g.group} {g.title}", f"{g.weight:g}") for g in run.results.groups],
                    caption="Weights", numeric=[1])
    show_html(Markup("<h2>Method</h2>"
                     "<p>Each leaf requirement of clauses 4 to 10 and each Annex A control is rated 0 to 5. "
                     "Readiness of a clause or area = mean maturity of its items / 5. Overall readiness = "
                     "(Σ weight × mean maturity) / Σ weight / 5, over the clauses and areas. An item rated below "
                     "the target maturity <strong>{}</strong> is a gap; gaps are ranked clause requirements first, "
                     "then by gap size, then in the standard's order. A clause requirement below the minimum "
                     "<strong>{}</strong> is a blocker, shown apart from the average; a control the SoA excludes "
                     "counts in neither.</p>").format(policy.target, policy.minimum) + scale + weights)


def readiness(run) -> None:
    """Readiness per clause and per Annex A area, drawn and tabled with the worked calculation."""
    groups = run.results.groups
    clauses = [g for g in groups if g.kind == "clause"]
    areas = [g for g in groups if g.kind == "area"]
    show_html(Markup("<h2>Readiness by clause and by control area</h2>"))
    target = run.results.target
    show_figure(readiness_bars(clauses, "Readiness by clause", target), "Bar chart of readiness by clause")
    show_figure(readiness_bars(areas, "Readiness by Annex A control area", target),
                "Bar chart of readiness by Annex A area")
    rows = [(g.group, g.title, g.items, f"{g.mean_maturity:.2f}", f"{g.weight:g}", _pct(g.readiness),
             Markup('<span class="calc">{}</span>').format(g.calculation)) for g in groups]
    show_html(table(("Group", "Title", "Items", "Mean maturity", "Weight", "Readiness", "Calculation"), rows,
                    caption="Readiness per clause and area", numeric=[2, 3, 4, 5])
              + Markup('<p>Overall: <span class="calc">{}</span></p>').format(run.results.overall_calculation))


def gaps(run) -> None:
    """The ranked gaps; those where the standard requires documented information are flagged."""
    r = run.results
    if not r.gaps:
        show_html(Markup('<h2>Gaps</h2><p class="ok">Every item is at or above the target maturity {}.</p>')
                  .format(r.target))
        return
    rows = []
    for g in r.gaps:
        required = Markup("<strong>documented information required</strong>" if g.documented_information else "")
        flagged = Markup().join(Markup("<br><span class='alert'>register: {}</span>").format(f)
                                for f in g.register_flags)
        links = Markup(", ").join(Markup('<a href="{}">{}</a>').format(evidence_href(e["path"]), e["run_id"])
                                  for e in r.evidence.get(g.item, []))
        notes = Markup("<span class='text'>{}</span>").format(g.notes) + (Markup("<br>") + links if links else "")
        rows.append((g.rank, g.item, g.title, f"{g.maturity} → {g.target}", g.gap, required + flagged, notes,
                     ", ".join(g.actions) or "none planned"))
    summary = Markup("<h2>Gaps, ranked</h2><p>{} gap(s): {} clause requirement(s) and {} control(s); {} where the "
                     "standard requires documented information.</p>").format(
        len(r.gaps), sum(g.kind == "clause" for g in r.gaps), sum(g.kind == "control" for g in r.gaps),
        sum(g.documented_information for g in r.gaps))
    show_html(summary + table(("Rank", "Item", "Title", "Maturity → target", "Gap", "Documented information",
                               "Notes", "Planned actions"), rows,
                              caption="Gaps: clause requirements first, then by size"))


def documented_information(run) -> None:
    """The flags of the register of documented information when the analysis ran."""
    flags = run.results.di_flags
    head = Markup("<h2>Register of documented information</h2>")
    if not flags:
        show_html(head + Markup('<p class="ok">Every required item is in the register and no review is overdue.</p>'))
        return
    rows = [(f["kind"], f["clause"] or "", f["key"], f["title"], f["message"]) for f in flags]
    alert = Markup('<p class="alert">{} flag(s) in the register of documented information.</p>').format(len(flags))
    show_html(head + alert + table(("Flag", "Clause", "Item", "Title", "Detail"), rows,
                                   caption="Flagged documented information"))


def plan(run) -> None:
    """The implementation plan as a timeline and a table."""
    actions = run.results.plan
    head = Markup("<h2>Implementation plan</h2>")
    if not actions:
        show_html(head + Markup("<p>No action is planned yet.</p>"))
        return
    show_html(head)
    show_figure(plan_timeline(actions), "Timeline of the implementation plan")
    show_html(table(("Action", "Closes", "What", "Owner", "Start", "Due"),
                    [(a.id, a.item, a.action, _person(run, a.owner), a.start_date.isoformat(), a.due_date.isoformat())
                     for a in actions], caption=f"{len(actions)} action(s) by start date"))


def progress(run) -> None:
    """Readiness against the previous gap analysis."""
    r = run.results
    head = Markup("<h2>Progress since the previous gap analysis</h2>")
    if r.previous_run is None:
        show_html(head + Markup("<p>This is the first gap analysis: there is nothing to compare with yet.</p>"))
        return
    rows = [(p.group, _pct(p.before), _pct(p.after),
             "n/a" if p.change is None else f"{p.change * 100:+.1f} points") for p in r.progress]
    show_html(head + Markup("<p>Compared with <code>{}</code>.</p>").format(r.previous_run)
              + table(("Group", "Before", "Now", "Change"), rows, caption="Readiness progress", numeric=[1, 2, 3]))


def ratings(run) -> None:
    """Every rating as given, for the auditor to check."""
    answers = run.request.answers
    levels = {m.level: m.label for m in run.workspace.config.readiness.maturity}
    cited = run.results.evidence
    unsupported = {u.item for u in run.results.unsupported}

    def shown(rating) -> Markup:
        refs = list(rating.evidence) + [e["run_id"] for e in cited.get(rating.item, []) if e["run_id"] not in rating.evidence]
        flag = Markup("<strong class='alert'>unsupported: no context record</strong>") if rating.item in unsupported else ""
        return Markup(", ").join(refs) + (Markup(" ") + flag if refs and flag else flag)

    rows = [(r.item, f"{r.maturity} {levels[r.maturity]}", r.notes, shown(r)) for r in answers.ratings]
    show_html(Markup("<h2>All ratings</h2>") + table(("Item", "Maturity", "Notes", "Evidence"), rows,
                                                    caption=f"{len(rows)} requirements and controls"))
