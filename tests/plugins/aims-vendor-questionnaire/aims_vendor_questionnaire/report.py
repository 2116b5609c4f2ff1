"""The two evidence sections of the vendor questionnaire, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.ui.display import show_html, table

from aims_vendor_questionnaire.assessment import ACCEPTABLE, CRITERIA


def verdict(run) -> None:
    """Who the supplier is, what it delivers, the verdict, and the due diligence behind it."""
    supplier, answers, r = run.request.item, run.request.answers, run.results
    show_html(Markup("<h2>Verdict</h2><p><strong>{}</strong> supplies {} to {}:</p><p class='text'>{}</p>"
                     "<p>Verdict: <strong>{}</strong>, mean rating {:.1f} of 5. Next review by {}.</p>").format(
        supplier.name, answers.supplies, run.request.system.name, answers.scope, r.verdict, r.mean, r.next_review)
        + table(("Due diligence evidence seen",), [(e,) for e in answers.due_diligence]))


def criteria(run) -> None:
    """Each criterion's rating, and the rule that turns the ratings into the verdict."""
    r = run.results
    rows = [(CRITERIA[c], rating, "concern" if c in r.concerns else "acceptable") for c, rating in r.ratings.items()]
    show_html(Markup("<h2>Criteria</h2><p class='note'>Each criterion is rated 1 (unacceptable) to 5 (strong). One "
                     "rated below {} is a concern and the supplier is aligned only with conditions; one rated 1 means "
                     "not aligned. Mean: {} / {} = {:.2f}.</p>").format(ACCEPTABLE, sum(r.ratings.values()),
                                                                        len(r.ratings), r.mean)
              + table(("Criterion", "Rating", "Finding"), rows, caption="Ratings by criterion", numeric=[1]))
