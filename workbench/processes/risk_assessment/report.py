"""The evidence sections of the AI risk assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.risk_assessment.charts import risk_heatmap
from workbench.ui.display import band_badge, show_figure, show_html, table


def _badge(run, band: str) -> Markup:
    return band_badge(band, run.settings.band(band).colour)


def _level(run, level) -> Markup:
    return Markup('{} <span class="calc">{}</span>').format(_badge(run, level.band), level.calculation)


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def scope(run) -> None:
    """The system and what the assessment covers."""
    system = run.request.system
    rows = [("Purpose", system.purpose), ("Lifecycle stage", system.lifecycle_stage),
            ("Deployment context", system.deployment_context),
            ("Affected stakeholders", ", ".join(system.affected_stakeholders)),
            ("Personal data categories", ", ".join(system.personal_data_categories) or "none"),
            ("Tier", system.tier), ("System owner", _person(run, system.owner))]
    show_html(Markup('<h2>Scope</h2><p class="text">{}</p>').format(run.request.answers.scope)
              + table(("About the system", "Value"), rows, caption=f"AI system {system.name}"))


def method(run) -> None:
    """Scales, formula, bands and appetite, so the arithmetic can be checked."""
    c = run.settings
    scales = table(("Level", "Likelihood", "Definition"),
                   [(s.level, s.label, s.definition) for s in c.likelihood], caption="Likelihood scale",
                   numeric=[0])
    scales += table(("Level", "Impact", "Definition"),
                    [(s.level, s.label, s.definition) for s in c.impact], caption="Impact scale", numeric=[0])
    bands = table(("Band", "Scores", "Acceptable as residual risk"),
                  [(_badge(run, b.name), f"{b.min} to {b.max}", "no" if c.above_appetite(b.name) else "yes")
                   for b in c.bands], caption="Risk bands")
    matrix = Markup()
    if c.method == "matrix":
        matrix = table(["Likelihood \\ Impact"] + [str(i) for i in range(1, 6)],
                       [[str(l)] + [_badge(run, c.matrix[l - 1][i - 1]) for i in range(1, 6)] for l in range(1, 6)],
                       caption="Risk matrix")
    show_html(Markup("<h2>Scoring method</h2><p>{} Risk appetite: residual risks up to and including the band "
                     "<strong>{}</strong> are acceptable; a residual risk above it may be accepted only by the role "
                     "<strong>{}</strong>.</p>").format(c.formula(), c.appetite, c.acceptance_role)
              + scales + bands + matrix)


def register(run) -> None:
    """The risk register: every risk with its inherent and residual levels worked out."""
    content = run.workspace.content
    rows = []
    for a in run.results.risks:
        r = a.risk
        source = r.risk_source if r.risk_source == "other" else f"{r.risk_source} {content.risk_source(r.risk_source).title}"
        rows.append((
            r.id,
            Markup("<strong>{}</strong><div class='text'>{}</div>").format(r.title, r.description),
            Markup("{}<br>{}").format(source, ", ".join(r.objectives)) if r.objectives else source,
            ", ".join(r.affected_parties),
            _level(run, a.inherent),
            ", ".join(r.existing_controls) or "none",
            r.treatment,
            _level(run, a.residual),
            _basis(a),
        ))
    verified = sum(a.residual_basis == "verified" for a in run.results.risks)
    show_html(Markup("<h2>Risk register</h2><p class='note'>A residual level is a <strong>forecast</strong> until the "
                     "risk's treatment is verified effective by someone other than its owner, citing evidence; "
                     "then it is <strong>verified</strong>. {} of {} residual levels are verified.</p>").format(
                         verified, len(rows))
              + table(("ID", "Risk", "Source and objectives", "Affected parties", "Inherent", "Existing controls",
                       "Treatment", "Residual", "Residual basis"), rows, caption=f"{len(rows)} risks"))


def _basis(assessed) -> Markup:
    if assessed.residual_basis != "verified":
        return Markup('<span class="muted">forecast</span>')
    return Markup("<strong>verified</strong> by {} on {}<br>{}").format(
        assessed.verified_by, assessed.verified_on.isoformat(), "; ".join(assessed.verified_evidence))


def heatmap(run) -> None:
    """Inherent versus residual risk on the likelihood-impact grid."""
    show_html(Markup("<h2>Inherent and residual risk</h2>"
                     "<p class='note'>Each cell is coloured by its band and lists the risks rated there.</p>"))
    show_figure(risk_heatmap(run.results.risks, run.settings), "Heatmaps of inherent and residual risk")
    counts = [(_badge(run, band), run.results.inherent_by_band[band], run.results.residual_by_band[band])
              for band in run.settings.band_names()]
    show_html(table(("Band", "Inherent", "Residual"), counts, caption="Risks per band", numeric=[1, 2]))


def appetite(run) -> None:
    """Residual risks above appetite, which need acceptance by the named role."""
    above = [a for a in run.results.risks if a.above_appetite]
    head = Markup("<h2>Residual risk above appetite</h2>")
    if not above:
        show_html(head + Markup('<p class="ok">No residual risk is above the appetite ({}).</p>').format(
            run.settings.appetite))
        return
    rows = [(a.risk.id, a.risk.title, _level(run, a.residual), a.risk.treatment, _person(run, a.risk.owner),
             Markup("<span class='text'>{}</span>").format(a.risk.rationale or "none given"))
            for a in above]
    show_html(head + Markup('<p class="alert">{} residual risk(s) exceed the appetite ({}) and need acceptance by '
                            '{}, risk by risk: each acceptance is a signed record of who accepted it, when and why '
                            '(<code>workbench treatment accept RUN#RISK</code>); the portfolio flags those not '
                            'accepted.</p>').format(len(above), run.settings.appetite, run.settings.acceptance_role)
              + table(("ID", "Risk", "Residual", "Treatment", "Owner", "Rationale"), rows))


def treatment(run) -> None:
    """The treatment plan: planned controls, owners and dates."""
    rows = sorted(((a.risk.due_date.isoformat(), a.risk.id, a.risk.title, a.risk.treatment,
                    ", ".join(a.risk.planned_controls) or "none", _person(run, a.risk.owner), a.risk.rationale)
                   for a in run.results.risks))
    show_html(Markup("<h2>Treatment plan</h2><p class='note'>Each treatment is then tracked to a verified effect: "
                     "planned, in progress, done (saying what was done and, to mitigate, which controls), verified "
                     "effective (by someone other than its owner, citing evidence); <code>workbench treatment "
                     "list</code> shows where each stands.</p>") + table(
        ("Due", "ID", "Risk", "Treatment", "Planned controls", "Owner", "Rationale"),
        [(d, i, t, tr, c, o, r) for d, i, t, tr, c, o, r in rows], caption="By due date"))


def controls(run) -> None:
    """The Annex A controls the assessment cites, with the risks that cite them."""
    content = run.workspace.content
    rows = []
    for control_id, risk_ids in run.results.controls.items():
        control = content.control(control_id)
        rows.append((control_id, control.title, control.intent, ", ".join(risk_ids)))
    show_html(Markup("<h2>Annex A controls referenced</h2>") + table(
        ("Control", "Title", "Intent (paraphrased)", "Cited by risks"), rows,
        caption=f"{len(rows)} of {len(content.controls)} Annex A controls"))


def proposals(run) -> None:
    """Fairness risks the system's latest impact assessment proposed that this assessment does not carry."""
    head = Markup("<h2>Fairness risks proposed by the impact assessment</h2>")
    missing, source = run.results.not_carried, run.results.proposals_from
    if not source:
        show_html(head + Markup("<p>No impact assessment of the system was effective by this assessment's date, so "
                                "none proposed risks to carry; the portfolio flags a later one's that the system's "
                                "latest risk assessment leaves out.</p>"))
        return
    if not missing:
        show_html(head + Markup('<p class="ok">Every risk the impact assessment {} proposed is carried here (by its id '
                                'or title), or it proposed none.</p>').format(source))
        return
    show_html(head + Markup('<p class="alert">{} fairness risk(s) the impact assessment {} proposed from measured '
                            'disparities are not in this risk assessment: rate and treat them, or say here why '
                            'not.</p>').format(len(missing), missing[0].impact_run)
              + table(("Proposed ID", "Risk", "Impact assessment"),
                      [(p.risk_id, p.title, p.impact_run) for p in missing]))
