"""The evidence sections of the Statement of Applicability, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.records.citations import evidence_href
from workbench.ui.display import show_html, table
from workbench.processes.soa.assessment import STATUSES


def summary(run) -> None:
    """How many controls are included and excluded, and how far implementation has come."""
    r = run.results
    added = sum(c.source == "organisation" for c in r.controls)
    rows = [(s, r.by_status[s]) for s in STATUSES]
    runs = ", ".join(r.risk_runs) or "none archived yet"
    show_html(Markup("<h2>Summary</h2><p>{} controls: {} from Annex A and {} added by the organisation. "
                     "<strong>{}</strong> included, <strong>{}</strong> excluded.</p>"
                     "<p class='note'>Risk links come from the latest risk assessments: {}.</p>").format(
        len(r.controls), len(r.controls) - added, added, r.included, r.excluded, runs)
              + table(("Implementation status", "Included controls"), rows, caption="Included controls by status",
                      numeric=[1]))


def citation(e: dict) -> Markup:
    """One cited piece of evidence: a link to an archived run, otherwise its label and date."""
    if e.get("path"):
        return Markup('<a href="{}">{}</a>').format(evidence_href(e["path"]), e["run_id"])
    return Markup("<span class='text'>{} ({})</span>").format(e["label"], e["dated"])


def _links(evidence: list) -> Markup:
    return Markup(", ").join(citation(e) for e in evidence) or Markup("none cited")


def _systems(c) -> Markup:
    return Markup("<br>").join(Markup("<em>{} for {}</em>: {}").format(
        "included" if s.included else "excluded", s.system, s.justification) for s in c.systems)


def _risks(risks: list) -> Markup:
    return Markup("<br>").join(Markup("{} {}: {} ({})").format(r["system_id"], r["risk_id"], r["title"],
                                                               r["residual_band"]) for r in risks) or Markup("none")


def controls(run) -> None:
    """Every control: decision, justification, status, owner, the risks citing it, its evidence."""
    people = {p.id: p.name for p in run.workspace.config.people}
    rows = [(Markup("<strong>{}</strong><br><small>{}</small>").format(c.id, c.source),
             Markup("{}<div class='note'>{}</div>").format(c.title, c.intent),
             "included" if c.included else Markup("<strong>excluded</strong>"),
             Markup("<span class='text'>{}</span>{}").format(
                 c.justification or "none given",
                 Markup("<div class='note'>{}</div>").format(_systems(c)) if c.systems else ""),
             c.status or "n/a", people.get(c.owner, c.owner) or "unassigned",
             _risks(c.risks), _links(c.evidence))
            for c in run.results.controls]
    show_html(Markup("<h2>Controls</h2>") + table(
        ("Control", "Title and intent (paraphrased)", "Applicability", "Justification", "Status", "Owner",
         "Risks citing it", "Evidence"), rows, caption=f"{len(rows)} controls"))


def flags(run) -> None:
    """Included controls that risks rely on but that are not in place (the treatment is on paper only),
    and exclusions the register contradicts."""
    flagged = [c for c in run.results.controls if c.flag]
    head = Markup("<h2>Controls to look at again</h2>")
    if not flagged:
        show_html(head + Markup('<p class="ok">Every control that risks rely on is at least partly in place, and '
                                "the register contradicts no exclusion.</p>"))
        return
    show_html(head + Markup('<p class="alert">{} control(s) flagged: risks rely on them but they are not in place, '
                            "or the register contradicts their exclusion.</p>").format(len(flagged))
              + table(("Control", "Title", "Status", "Why"), [(c.id, c.title, c.status or "excluded", c.flag)
                                                             for c in flagged],
                      caption=f"{len(flagged)} flagged"))


def exclusions(run) -> None:
    """The excluded controls and why, on their own for the reviewer."""
    rows = [(c.id, c.title, c.justification) for c in run.results.controls if not c.included]
    head = Markup("<h2>Exclusions</h2>")
    if not rows:
        show_html(head + Markup('<p class="ok">No control is excluded.</p>'))
        return
    cited = [c.id for c in run.results.controls if not c.included and c.risks]
    warn = (Markup('<p class="alert">Excluded although risks cite them: {}. Check the justification against the '
                   "risk assessment.</p>").format(", ".join(cited)) if cited else "")
    show_html(head + warn + table(("Control", "Title", "Justification"), rows, caption=f"{len(rows)} excluded"))
