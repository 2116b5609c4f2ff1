"""The evidence sections of the context of the organisation, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.context.assessment import AI_ROLES, NOT_DECIDED, REFERENCE_RULE
from workbench.records.citations import evidence_href
from workbench.ui.display import show_html, table


def _addressed_by(references: list) -> Markup:
    """What addresses an issue or a requirement: a risk links to its risk assessment."""
    return Markup("<br>").join(
        Markup('{} (<a href="{}">{}</a>)').format(r.label, evidence_href(r.path), r.run_id) if r.path
        else Markup("{}").format(r.label) for r in references)


def _text(value: str) -> Markup:
    return Markup("<span class='text'>{}</span>").format(value)


def summary(run) -> None:
    """What the record leaves open first, then what it holds."""
    r = run.results
    head = Markup("<h2>Summary</h2>")
    if r.flags:
        head += Markup('<p class="alert"><strong>{} flag(s)</strong>: what the context record leaves open.</p>').format(
            len(r.flags)) + table(("Clause", "About", "Flag"), [(f.clause, f.subject, f.message) for f in r.flags],
                                  caption=f"{len(r.flags)} flag(s)")
    else:
        head += Markup('<p class="ok">No flag: every issue is addressed, every interested party has its requirements '
                       "and every registered AI system is in or out of the scope.</p>")
    in_scope = [s.system_id for s in r.systems if s.decision == "in scope"]
    addressed = sum(q.addressed for q in r.requirements)
    climate = r.climate_change
    head += Markup("<p>{} issue(s) ({} internal, {} external); {} interested part(ies) with {} requirement(s), {} "
                   "addressed by the AIMS; {} of {} registered AI system(s) in scope.</p>"
                   "<p>Climate change (ISO/IEC 42001 Amd 1:2024): <strong>{}</strong>. {}</p>").format(
        len(r.issues), sum(i.kind == "internal" for i in r.issues), sum(i.kind == "external" for i in r.issues),
        len(r.parties), len(r.requirements), addressed, len(in_scope), len(r.systems),
        "a relevant issue" if climate.relevant else "not a relevant issue", _text(climate.reason))
    show_html(head)


def issues(run) -> None:
    """The internal and external issues (4.1), each with its effect on the AIMS and what addresses it."""
    r = run.results
    rows = [(i.id, i.kind, _text(i.description), _text(i.effect),
             _addressed_by(i.addressed_by) or Markup("<strong class='alert'>nothing addresses it</strong>"))
            for i in r.issues]
    show_html(Markup("<h2>Issues relevant to AI (4.1)</h2><p>What addresses an issue is {}; a risk is the one of its "
                     "system's latest risk assessment on the record's effective date.</p>").format(REFERENCE_RULE)
              + table(("Issue", "Kind", "Description", "Effect on the AIMS", "Addressed by"), rows,
                      caption=f"{len(rows)} issue(s)"))


def interested_parties(run) -> None:
    """The interested parties (4.2) and each requirement: how the AIMS addresses it, or why it does not."""
    r = run.results
    parties = table(("Party", "Name", "Kind", "Requirements", "Addressed"),
                    [(p.id, p.name, p.kind, p.requirements if p.requirements else
                      Markup("<strong class='alert'>0</strong>"), p.addressed) for p in r.parties],
                    caption=f"{len(r.parties)} interested part(ies)", numeric=[3, 4])
    rows = [(q.id, Markup("{} ({})").format(q.party_name, q.party), _text(q.requirement),
             "yes" if q.addressed else Markup("<strong>no</strong>"),
             _text(q.how) + (Markup("<br>") + _addressed_by(q.addressed_by) if q.addressed_by else "")
             if q.addressed else Markup("not addressed: {}").format(_text(q.reason)))
            for q in r.requirements]
    show_html(Markup("<h2>Interested parties and their requirements (4.2)</h2><p>A requirement the AIMS addresses "
                     "says how; one it does not address says why.</p>") + parties
              + table(("Requirement", "Party", "What they require", "Addressed", "How, or why not"), rows,
                      caption=f"{len(rows)} requirement(s)"))


def scope(run) -> None:
    """The AIMS scope (4.3): its statement, boundaries, and every registered AI system in or out with the
    organisation's AI roles."""
    r = run.results
    rows = [(s.system_id, s.name, s.tier,
             Markup("<strong class='alert'>{}</strong>").format(s.decision) if s.decision == NOT_DECIDED else s.decision,
             ", ".join(s.roles) or "none recorded", _text(s.reason)) for s in r.systems]
    show_html(Markup("<h2>Scope of the AIMS (4.3)</h2><h3>Statement</h3><p class='text'>{}</p><h3>Boundaries</h3>"
                     "<p class='text'>{}</p><h3>AI systems and the organisation's AI roles</h3><p>Every registered "
                     "AI system is in or out of scope; the roles are those of ISO/IEC 22989 and the EU AI Act: {}."
                     "</p>").format(r.statement, r.boundaries, ", ".join(AI_ROLES))
              + table(("System", "Name", "Tier", "Scope", "AI roles", "Why out of scope"), rows,
                      caption=f"{len(rows)} registered AI system(s)"))
