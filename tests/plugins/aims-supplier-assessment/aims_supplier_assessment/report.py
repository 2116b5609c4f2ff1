"""The two evidence sections of the supplier assessment, drawn in the template's kernel."""

from __future__ import annotations

from workbench.ui.display import esc, show_html, table

from aims_supplier_assessment.assessment import ACCEPTABLE, CRITERIA


def verdict(run) -> None:
    """Who the supplier is, what it delivers, the verdict, and the due diligence behind it."""
    supplier, answers, r = run.request.item, run.request.answers, run.results
    show_html(f"<h2>Verdict</h2><p><strong>{esc(supplier.name)}</strong> supplies {esc(answers.supplies)} to "
              f"{esc(run.request.system.name)}:</p><p class='text'>{esc(answers.scope)}</p>"
              f"<p>Verdict: <strong>{esc(r.verdict)}</strong>, mean rating {r.mean:.1f} of 5. "
              f"Next review by {r.next_review}.</p>"
              + table(("Due diligence evidence seen",), [(e,) for e in answers.due_diligence]))


def criteria(run) -> None:
    """Each criterion's rating, and the rule that turns the ratings into the verdict."""
    r = run.results
    rows = [(CRITERIA[c], rating, "concern" if c in r.concerns else "acceptable") for c, rating in r.ratings.items()]
    show_html("<h2>Criteria</h2>"
              f"<p class='note'>Each criterion is rated 1 (unacceptable) to 5 (strong). One rated below {ACCEPTABLE} "
              "is a concern and the supplier is aligned only with conditions; one rated 1 means not aligned. "
              f"Mean: {sum(r.ratings.values())} / {len(r.ratings)} = {r.mean:.2f}.</p>"
              + table(("Criterion", "Rating", "Finding"), rows, caption="Ratings by criterion", numeric=[1]))
