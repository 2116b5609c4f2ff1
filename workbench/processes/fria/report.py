"""The evidence sections of the fundamental rights impact assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.fria.answers import RIGHTS
from workbench.processes.impact_assessment.report import CATEGORY_COLOURS, LEVEL_COLOURS
from workbench.records.citations import evidence_href
from workbench.ui.display import band_badge, show_html, table


def _person(run, person_id: str) -> str:
    people = {p.id: p.name for p in run.workspace.config.people}
    return f"{people.get(person_id, person_id)} ({person_id})"


def _alerts(items: list[str], none: str) -> Markup:
    if not items:
        return Markup("<p class='ok'>{}</p>").format(none)
    return Markup('<div class="alert" role="note"><ul>{}</ul></div>').format(
        Markup().join(Markup("<li>{}</li>").format(i) for i in items))


def summary(run) -> None:
    """Whether the assessment is owed, the impact assessment it builds on, and what is left undone."""
    r = run.results
    ia = r.impact_assessment
    link = Markup('<a href="{}">{}</a>').format(evidence_href(ia.path), ia.run_id)
    owed = (Markup("<p>Owed: <strong>yes</strong>. {}</p>").format(r.owed_reason) if r.owed
            else Markup("<p class='note'>Owed: <strong>no</strong>. {}</p>").format(r.owed_reason))
    show_html(
        Markup("<h2>Summary</h2><p>Version <strong>{}</strong> of the fundamental rights impact assessment "
               "(EU AI Act Art. 27) of {}, effective {}, by the deployer {}.</p>").format(
            r.version, r.system["name"], r.effective_date.isoformat(), r.organisation)
        + owed
        + table(("From the impact assessment", "Value"), [
            ("Record", link), ("Status, effective", f"{ia.status}, {ia.effective_date.isoformat()}"),
            ("Impact level", band_badge(ia.level, LEVEL_COLOURS[ia.level])),
            ("EU AI Act category", band_badge(ia.category_title, CATEGORY_COLOURS[ia.category])),
            ("Art. 27", ("required: " if ia.fria_required else "not required: ") + ia.fria_reason),
            ("Data protection impact assessment", ia.dpia or "not answered")],
            caption="The impact assessment this builds on")
        + Markup("<h3>Findings</h3>") + _alerts([f.message for f in r.findings], "Nothing is left undone."))


def use(run) -> None:
    """(a) The deployer's processes in which the system is used, and (b) the period and frequency of use."""
    a, system = run.request.answers, run.results.system
    period = a.period_of_use
    show_html(
        Markup("<h2>(a) Processes in which the system is used</h2><p>The system's intended purpose (register): "
               "{}</p>").format(system["purpose"])
        + table(("Process", "How the system is used", "Within the intended purpose"),
                [(p.name, p.use, p.intended_purpose) for p in a.processes], caption="The deployer's processes")
        + Markup("<h2>(b) Period and frequency of use</h2>")
        + table(("Item", "Value"), [("First use", period.start.isoformat()),
                                    ("Last planned use", period.end.isoformat() if period.end else "until withdrawn"),
                                    ("Frequency", period.frequency)], caption="Period and frequency of intended use"))


def affected(run) -> None:
    """(c) The categories of persons and groups likely affected, cross-checked with the measured groups."""
    a, r = run.request.answers, run.results
    rows = [(c.id, c.name, c.description, "yes" if c.vulnerable else "no", ", ".join(c.groups))
            for c in a.affected]
    checked = [(g.attribute, g.group, f"{g.selection_rate:.3f}",
                Markup("<strong class='breach'>{}</strong>").format(", ".join(g.disparity)) if g.disparity else "none",
                ", ".join(g.covered_by) or (Markup("<strong class='breach'>missing</strong>") if g.disparity
                                            else "not named"))
               for g in r.groups]
    show_html(
        Markup("<h2>(c) Persons and groups likely to be affected</h2>")
        + table(("Id", "Category", "How the use affects them", "Vulnerable", "Measured groups included"), rows,
                caption="Affected categories")
        + (table(("Attribute", "Group", "Selection rate", "Disparity beyond threshold", "Included in"), checked,
                 caption=f"Groups measured in impact assessment {r.impact_assessment.run_id}", numeric=[2])
           if checked else Markup("<p>The impact assessment measured no fairness, so no group is cross-checked.</p>"))
        + Markup("<p class='note'>Method: each group the impact assessment measured is looked for in the affected "
                 "categories (as attribute=group). The group with the lowest selection rate of an attribute whose "
                 "disparity breaches its threshold is the one the impact assessment proposes a risk for; it is "
                 "flagged when no category includes it.</p>"))


def risks(run) -> None:
    """(d) The specific risks of harm, with the provider's information taken into account."""
    a = run.request.answers
    info = a.provider_information
    show_html(
        Markup("<h2>(d) Specific risks of harm</h2><p>Provider's information taken into account (instructions for "
               "use, Art. 13): <strong>{}</strong>, kept at {}{}.</p>").format(
            info.document, info.reference,
            Markup(", received {}").format(info.received_on.isoformat()) if info.received_on else "")
        + table(("Risk", "Title", "How it comes about", "Harms", "Rights at stake", "Provider's information"),
                [(x.id, x.title, x.description, ", ".join(x.affected), "; ".join(RIGHTS[y] for y in x.rights),
                  x.provider_section or "not named there") for x in a.risks], caption="Risks of harm"))


def oversight(run) -> None:
    """(e) The human oversight measures, as the instructions for use describe them."""
    a = run.request.answers
    show_html(Markup("<h2>(e) Human oversight</h2>")
              + table(("Measure", "Instructions for use", "Responsible"),
                      [(o.measure, o.instructions, _person(run, o.responsible)) for o in a.oversight],
                      caption="Human oversight measures"))


def measures(run) -> None:
    """(f) The measures if the risks materialise, internal governance and complaints, and each risk's measures."""
    a, r = run.request.answers, run.results
    show_html(
        Markup("<h2>(f) Measures if the risks materialise</h2>")
        + table(("Measure", "What is done", "Answers risks", "Owner"),
                [(m.id, m.measure, ", ".join(m.risks), _person(run, m.owner)) for m in a.measures],
                caption="Measures")
        + table(("Arrangement", "Value"), [("Internal governance", a.governance), ("Complaint mechanism", a.complaints)],
                caption="Internal governance and complaints")
        + table(("Risk", "Title", "Measures"), [(c.risk_id, c.title, ", ".join(c.measures)) for c in r.coverage],
                caption="Every risk of harm has a measure"))


def notification(run) -> None:
    """Art. 27(2) to (4): when an update is due, the notification of the authority, and the DPIA it complements."""
    a, r = run.request.answers, run.results
    n = a.notification
    if n.notified:
        told = Markup("<p class='ok'>Notified to {} on {}{}.</p>").format(
            n.authority, n.notified_on.isoformat(), Markup(" (reference {})").format(n.reference) if n.reference else "")
    elif r.owed:
        told = Markup("<p class='alert'><strong>Not yet notified.</strong></p>")
    else:
        told = Markup("<p>Not notified; no notification is owed for a voluntary assessment.</p>")
    show_html(
        Markup("<h2>Notification, updates and the DPIA</h2><p>Art. 27(3): once the assessment is performed, the "
               "deployer notifies the market surveillance authority of its results, using the template questionnaire "
               "of the AI Office.</p>") + told
        + Markup("<p>Art. 27(2): the assessment applies to the first use of the system; it is updated when any element "
                 "above changes. The portfolio flags it as due when the system's impact assessment is newer than {} "
                 "or a new model version is recorded after {}.</p>").format(
            r.impact_assessment.run_id, r.effective_date.isoformat())
        + Markup("<p>Art. 27(4): it complements the data protection impact assessment (GDPR Art. 35): {}.</p>").format(
            a.dpia or "none is referenced"))
