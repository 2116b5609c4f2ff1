"""The evidence sections of the internal system card, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.system_card.public import FILE, PUBLIC_FIELDS
from workbench.ui.display import show_html, table


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def _dated(run_id: str, on, stale: bool) -> str:
    return f"{on.isoformat()} ({run_id})" + (": stale" if stale else "")


def summary(run) -> None:
    """The card's version, whether its inputs are current, and what its public card shows."""
    r, a = run.results, run.request.answers
    head = Markup("<h2>System card</h2><p>Version <strong>{}</strong> of the card of {}, effective {}; facts are "
                  "taken from the system's latest records a person stands behind, each with its date, and are "
                  "stale when older than the review interval of tier {} ({} months).</p>").format(
        r.version, r.system["name"], r.effective_date.isoformat(), r.system["tier"], r.facts.interval_months)
    stale = (Markup('<div class="alert" role="note"><p><strong>Stale or missing inputs</strong></p><ul>{}</ul></div>')
             .format(Markup().join(Markup("<li>{}</li>").format(s) for s in r.stale))
             if r.stale else Markup('<p class="ok">Every input is within the review interval.</p>'))
    public = [name for name in PUBLIC_FIELDS if name in a.public]
    published = Markup('<p>The <a href="{}">public card</a> (archived beside this file, in its hashes above) shows '
                       "the organisation, the system's name, the version and effective date{}{}.</p>").format(
        FILE, ", and " if public else "", ", ".join(public))
    show_html(head + stale + published)


def uses(run) -> None:
    """Purpose, intended and prohibited uses, who uses it and who is affected."""
    r, a = run.results, run.request.answers
    rows = [("Purpose (register)", r.system["purpose"]), ("Deployment context (register)", r.system["deployment_context"]),
            ("Lifecycle stage (register)", r.system["lifecycle_stage"]),
            ("Owner (register)", _person(run, r.system["owner"])),
            ("Intended uses", "; ".join(a.intended_uses)), ("Prohibited uses", "; ".join(a.prohibited_uses)),
            ("Who uses it", "; ".join(a.users)),
            ("Who is affected", "; ".join(a.affected or r.system["affected_stakeholders"]))]
    show_html(Markup("<h2>Purpose and use</h2>") + table(("Field", "Value"), rows, caption="Purpose and use"))


def data(run) -> None:
    """The datasets the system was built on, from the dataset register, with their latest quality measurement."""
    found = run.results.facts.datasets
    head = Markup("<h2>Data</h2>")
    if not found:
        show_html(head + Markup("<p>No dataset of this system is registered (<code>workbench dataset add</code>)."
                                "</p>"))
        return
    rows = [(d.name, d.dataset_id, d.version, d.role, d.source + (f" ({d.supplier})" if d.supplier else ""),
             ", ".join(d.personal_data) or "none declared", _person(run, d.owner), d.location,
             _dated(d.quality.run_id, d.quality.effective_date, d.quality.stale) if d.quality else "never measured",
             "" if d.quality_breaches is None else d.quality_breaches) for d in found]
    show_html(head + table(("Dataset", "Id", "Version", "Role", "Source", "Personal data", "Owner", "Location",
                            "Quality measured", "Breaches"), rows, numeric=[2, 9],
                           caption="Datasets in the register, current versions"))


def measurements(run) -> None:
    """Impact level, EU AI Act category, and performance and fairness as last measured."""
    f = run.results.facts
    parts = [Markup("<h2>Impact, performance and fairness</h2>")]
    if f.impact:
        i = f.impact
        parts.append(table(("Fact", "Value", "Assessed"), [
            ("Impact level", i.level, _dated(i.run_id, i.assessed_on, i.stale)),
            ("EU AI Act category", i.category_title, _dated(i.run_id, i.assessed_on, i.stale)),
            ("Fundamental rights impact assessment (Art. 27)", "required" if i.fria_required else "not required",
             _dated(i.run_id, i.assessed_on, i.stale))], caption="Latest impact assessment"))
    else:
        parts.append(Markup('<p class="alert">No impact assessment is recorded.</p>'))
    for e in f.explanations:
        parts.append(Markup("<h3>What {} depends on most</h3><p>Measured {}.</p><ul>{}</ul>").format(
            e.model_name, _dated(e.run_id, e.measured_on, e.stale),
            Markup().join(Markup("<li>{}</li>").format(s) for s in e.top_features)))
    for title, figures in (("Performance", f.performance), ("Fairness", f.fairness)):
        parts.append(table(("Measure", "Of", "Value", "Threshold", "Finding", "Measured"), [
            (x.measure, x.subject, f"{x.value:.3f}", "" if x.threshold is None else f"{x.threshold:g}",
             "beyond threshold" if x.breach else "", _dated(x.run_id, x.measured_on, x.stale)) for x in figures],
            caption=title, numeric=[2, 3]) if figures else Markup("<p>No {} figures measured.</p>").format(title.lower()))
    show_html(Markup().join(parts))


def risks(run) -> None:
    """The residual risks above appetite in the latest risk assessment, and their treatment."""
    f = run.results.facts
    head = Markup("<h2>Residual risks above appetite</h2><p>Risk appetite: <strong>{}</strong>.</p>").format(f.appetite)
    if not f.residual_risks:
        show_html(head + Markup('<p class="ok">None above appetite in the latest risk assessment.</p>'))
        return
    show_html(head + table(("Risk", "Title", "Residual band", "Treatment", "Controls", "Owner", "Due", "Rationale",
                            "Assessed"),
                           [(x.risk_id, x.title, x.residual_band, x.treatment, ", ".join(x.controls),
                             _person(run, x.owner), x.due_date.isoformat(), x.rationale,
                             _dated(x.run_id, x.assessed_on, x.stale)) for x in f.residual_risks],
                           caption="Residual risks above appetite"))


def oversight(run) -> None:
    """Human oversight, known limitations, how to raise a concern, and the notes for staff."""
    a = run.request.answers
    rows = [("Human oversight", a.human_oversight), ("Accountable for oversight", _person(run, a.oversight_owner)),
            ("Known limitations", "; ".join(a.limitations)), ("How to raise a concern", a.raise_concern),
            ("Notes for staff", a.internal_notes or "none")]
    show_html(Markup("<h2>Oversight, limitations and concerns</h2>")
              + table(("Field", "Value"), rows, caption="Oversight, limitations and concerns"))


def sources(run) -> None:
    """Every record the card's facts come from, with its date, and the inputs with no record."""
    f = run.results.facts
    rows = [(s.process, s.item_id, s.run_id, s.status, s.effective_date.isoformat(), "stale" if s.stale else "current")
            for s in f.sources] + [(name, "", "", "", "", "missing") for name in f.missing]
    show_html(Markup("<h2>Sources</h2>") + table(("Process", "Item", "Run", "Status", "Effective", "Freshness"), rows,
                                                 caption="Records this card is made from"))
