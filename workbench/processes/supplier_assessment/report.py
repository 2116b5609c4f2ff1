"""The evidence sections of the supplier assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.supplier_assessment.assessment import HIGH_SHARE, MEDIUM_SHARE, POINTS
from workbench.ui.display import show_html, table


def conclusion(run) -> None:
    """The rating the answers give, the assessor's conclusion, and what does not follow from it."""
    r = run.results
    s = r.supplier
    concerns = (Markup('<p class="alert">{} concern(s): a reviewer should look at this assessment again.</p>').format(
        len(r.concerns)) + table(("Concern",), [(c,) for c in r.concerns], caption="Concerns")
                if r.concerns else Markup('<p class="ok">The conclusion follows from the rating; no concern.</p>'))
    conditions = (table(("Condition of the approval",), [(c,) for c in r.conditions], caption="Conditions")
                  if r.conditions else "")
    show_html(Markup("<h2>Conclusion</h2><p><strong>{}</strong> supplies {} to {}.</p>"
                     "<p>Rating: <strong>{}</strong> (score {} of {}: {}). Conclusion: <strong>{}</strong>.</p>"
                     "<p class='text'>{}</p>").format(
        s["name"], ", ".join(s["supplies"]), run.request.system.name, r.rating, r.score, r.maximum,
        "; ".join(r.rating_reasons), r.conclusion, r.rationale) + conditions + concerns)


def supplier(run) -> None:
    """The supplier as the register records it: what it delivers, who carries which duty, the contract."""
    s = run.results.supplier
    people = {p.id: p.name for p in run.workspace.config.people}
    ends = s["contract_ends"]
    rows = [("Supplier", f"{s['name']} ({s['supplier_id']}), version {s['seq']}"),
            ("Supplies", ", ".join(s["supplies"])), ("What it delivers", s["description"]),
            ("Relationship owner", people.get(s["owner"], s["owner"])), ("Agreement", s["contract"]),
            ("Agreement ends", ends.isoformat() if ends else "no end date")]
    duties = [(r["duty"], r["party"]) for r in s["responsibilities"]]
    obligations = [(o["obligation"], o["clause"] or "not given") for o in s["obligations"]]
    show_html(Markup("<h2>Supplier</h2>") + table(("Register entry", "Value"), rows, caption="The supplier register")
              + table(("Duty", "Carried by"), duties, caption="Allocation of responsibilities (A.10.2)")
              + table(("Obligation", "Contract clause"), obligations, caption="Contractual obligations (A.10.3)"))


def questions(run) -> None:
    """Every question by area: the answer, its points, what was found and the evidence behind it."""
    r = run.results
    body = Markup("<h2>Questions</h2>")
    for area in dict.fromkeys(f.area for f in r.findings):
        rows = [(Markup("{}{}").format(f.question, Markup(" <strong>(critical)</strong>") if f.critical else ""),
                 f.answer, "n/a" if f.points is None else f.points, Markup("<span class='text'>{}</span>").format(
                     f.note or "none"),
                 Markup("<br>").join(Markup("{} ({})").format(e.description, e.dated.isoformat())
                                     for e in f.evidence) or "none cited")
                for f in r.findings if f.area == area]
        body += table(("Question", "Answer", "Points", "What was found", "Evidence"), rows, caption=area, numeric=[2])
    show_html(body)


def method(run) -> None:
    """The rule that turns the answers into the rating, so that a reader can check the arithmetic."""
    r = run.results
    points = ", ".join(f"{answer} {p}" for answer, p in POINTS.items())
    show_html(Markup("<h2>How the rating is computed</h2><p class='note'>Each answer scores points ({}; a question "
                     "that does not apply scores none and is left out of the points possible). The rating is "
                     "<strong>high</strong> when a critical question is answered no or unknown, or the score reaches "
                     "{:.0%} of the points possible; <strong>medium</strong> when a critical question is answered "
                     "partly, or the score reaches {:.0%}; <strong>low</strong> otherwise. An approval without "
                     "conditions of a supplier rated high is flagged.</p><p>Score: {} of {} ({:.0%}).</p>").format(
        points, HIGH_SHARE, MEDIUM_SHARE, r.score, r.maximum, r.score / r.maximum if r.maximum else 0))
