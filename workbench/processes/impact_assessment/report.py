"""The evidence sections of the AI system impact assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.impact_assessment.charts import disparity_chart
from workbench.ui.display import band_badge, proposed_risks, show_figure, show_html, table
from workbench.processes.impact_assessment.fairness import METRIC_TITLES
from workbench.processes.impact_assessment.questionnaire import questionnaire_of

LEVEL_COLOURS = {"I": "#2e7d32", "II": "#f9a825", "III": "#ef6c00", "IV": "#c62828"}
CATEGORY_COLOURS = {"prohibited": "#b71c1c", "high-risk": "#ef6c00", "transparency": "#f9a825", "minimal": "#2e7d32"}


def _criteria(run):
    return run.workspace.config.impact_criteria


def scope(run) -> None:
    """The system assessed and what the assessment covers."""
    system = run.request.system
    responses = run.request.answers.responses
    rows = [("Purpose", system.purpose), ("Lifecycle stage", system.lifecycle_stage),
            ("Deployment context", system.deployment_context),
            ("Affected stakeholders", ", ".join(system.affected_stakeholders)), ("Tier", system.tier)]
    show_html(Markup('<h2>Scope</h2><p class="text">{}</p>').format(responses.get("scope-covered", ""))
              + table(("About the system", "Value"), rows, caption=f"AI system {system.name}"))


def level(run) -> None:
    """The impact level, its worked calculation and the method behind it."""
    s, c = run.results.score, _criteria(run)
    bounds = [(band_badge(lvl, LEVEL_COLOURS[lvl]), f"{bound:g}") for lvl, bound in s.bounds.items()]
    steps = Markup().join(Markup("<li>{}</li>").format(step) for step in s.calculation)
    show_html(
        Markup('<h2>Impact level</h2><p class="level">Level {}: {}.</p>').format(
            band_badge(s.level, LEVEL_COLOURS[s.level]), s.reason)
        + table(("Score", "Value"),
                [("Raw impact score", f"{s.raw} of {s.raw_max}"),
                 ("Mitigation score", f"{s.mitigation} of {s.mitigation_max}"),
                 ("Mitigation needed for the deduction", f"{s.mitigation_needed:g}"),
                 ("Deduction applied", f"yes, {s.deduction:g}" if s.deduction_applied else "no"),
                 ("Current score", s.current)], caption="Scores", numeric=[1])
        + Markup("<h3>Worked calculation</h3><ol class='calc'>{}</ol>").format(steps)
        + Markup("<p class='note'>Method: impact questions add up to the raw score; mitigation questions to the "
                 "mitigation score. When mitigation reaches {:g} of its maximum, the current score is the raw score "
                 "less {:g}, rounded half up. The level is the first whose upper bound (a fraction {} of the raw "
                 "maximum) the current score does not exceed. A question hidden by its condition counts toward "
                 "neither the score nor the maximum.</p>").format(
            c.mitigation_threshold, c.deduction, ", ".join(f"{x:g}" for x in c.cutoffs))
        + table(("Level", "Highest current score"), bounds, caption="Level bounds", numeric=[1]))


def breakdown(run) -> None:
    """The score of each questionnaire section."""
    rows = [(s.element, s.title, s.questions, s.answered, s.impact_score, s.impact_max, s.mitigation_score,
             s.mitigation_max) for s in run.results.sections]
    sc = run.results.score
    rows.append(("", "Total", sum(r[2] for r in rows), sum(r[3] for r in rows), sc.raw, sc.raw_max, sc.mitigation,
                 sc.mitigation_max))
    show_html(Markup("<h2>Score by section</h2>") + table(
        ("42005 element", "Section", "Scored questions shown", "Answered", "Impact score", "Impact maximum",
         "Mitigation score", "Mitigation maximum"), rows, caption="Score breakdown", numeric=range(2, 8)))


def measures(run) -> None:
    """The measures the configuration requires at this level."""
    s = run.results.score
    found = run.results.contradicted_measures
    contradicted = [c for c in found if not c.unchecked]
    items = Markup().join(
        Markup("<li>{}{}</li>").format(m, Markup(" <strong class='alert'>contradicted by the answers</strong>")
                                       if any(c.measure == m for c in contradicted) else "")
        for m in run.results.required_measures)
    html = Markup("<h2>Required measures at level {}</h2><ul class='measures'>{}</ul>").format(s.level, items)
    if contradicted:
        html += Markup('<p class="alert">{} answer(s) contradict a measure level {} requires: the measure is not '
                       'in place as the answers describe the system.</p>').format(len(contradicted), s.level)
        html += table(("Required measure", "Question", "Answer that contradicts it"),
                      [(c.measure, c.question_text, c.answer) for c in contradicted],
                      caption="Required measures the answers contradict")
    unchecked = [c for c in found if c.unchecked]
    if unchecked:
        html += table(("Required measure", "Question", "Not checked because"),
                      [(c.measure, c.question, c.unchecked) for c in unchecked],
                      caption="Checks of the configuration the questionnaire cannot answer")
    show_html(html)


def classification(run) -> None:
    """The EU AI Act category the answers imply, and whether Art. 27 applies."""
    c = run.results.classification
    rows = [("Category", band_badge(c.title, CATEGORY_COLOURS[c.category])), ("Reason", c.reason),
            ("Prohibited practices named", "; ".join(c.prohibited) or "none"),
            ("Annex III point", c.annex_iii or "none"),
            ("Transparency situations (Art. 50)", "; ".join(c.transparency) or "none"),
            ("Deployer", c.deployer or "private organisation"),
            ("Fundamental rights impact assessment (Art. 27)",
             ("required: " if c.fria_required else "not required: ") + c.fria_reason)]
    show_html(Markup("<h2>Regulatory classification (EU AI Act)</h2>")
              + table(("Item", "Result"), rows, caption="Classification implied by the answers")
              + Markup("<p class='note'>A reading of the answers, not legal advice.</p>"))


def fairness(run) -> None:
    """Per-group metrics, disparities against thresholds, and a chart per disparity metric."""
    f = run.results.fairness
    head = Markup("<h2>Measured fairness</h2>")
    if f is None:
        show_html(head + Markup("<p class='alert'>No predictions dataset was given; fairness was not measured.</p>"))
        return
    score = Markup(", score <code>{}</code>").format(f.score) if f.score else ""
    parts = [head, Markup("<p>Dataset <code>{}</code>, {} rows, SHA-256 <code>{}</code>; true label <code>{}</code>, "
                          "predicted label <code>{}</code>{}. Computed with fairlearn.</p>").format(
        f.dataset, f.rows, f.sha256, f.label, f.prediction, score)]
    breaches = f.breaches
    parts.append(Markup('<p class="alert">{} disparity value(s) breach their threshold.</p>').format(len(breaches))
                 if breaches else Markup('<p class="ok">No disparity breaches its threshold.</p>'))
    for a in f.attributes:
        columns = ["Group", "Count", "Selection rate", "True positive rate", "False positive rate", "Accuracy"]
        rows = [[g.group, g.count, f"{g.selection_rate:.3f}", f"{g.true_positive_rate:.3f}",
                 f"{g.false_positive_rate:.3f}", f"{g.accuracy:.3f}"]
                + ([f"{g.mean_score:.3f}"] if g.mean_score is not None else []) for g in a.groups]
        if f.score:
            columns.append("Mean score")
        parts.append(table(columns, rows, caption=f"Metrics by group of {a.attribute}", numeric=range(1, 7)))
        parts.append(table(("Disparity", "Value", "Threshold", "Result"),
                           [(d.title, f"{d.value:.3f}", f"{'≥' if d.bound == 'min' else '≤'} {d.threshold:g}",
                             Markup("<strong class='breach'>breach</strong>") if d.breach else "within")
                            for d in a.disparities], caption=f"Disparities by {a.attribute}", numeric=[1]))
    show_html(Markup().join(parts))
    for metric, title in METRIC_TITLES.items():
        show_figure(disparity_chart(f, metric), f"{title} by sensitive attribute against its threshold")


def risks(run) -> None:
    """Each fairness breach proposed as a risk for the system's risk assessment."""
    show_html(proposed_risks(run.results.proposed_risks, "No fairness breach, so no risk is proposed."))


def answers(run) -> None:
    """Every question with the answer given, its score and maximum."""
    questionnaire = questionnaire_of(run.workspace)
    parts = [Markup("<h2>Answers</h2>")]
    for section in questionnaire.sections:
        rows = [(q.id, q.text, q.kind, "; ".join(q.answer_text) if q.visible else "(hidden by its condition)",
                 q.score if q.kind != "info" else "", q.maximum if q.kind != "info" else "")
                for q in run.results.questions if q.section == section.id]
        parts.append(table(("ID", "Question", "Kind", "Answer", "Score", "Maximum"), rows,
                           caption=f"{section.element} {section.title}", numeric=[4, 5]))
    show_html(Markup().join(parts))
