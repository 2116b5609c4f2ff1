"""The evidence sections of the AI policy record, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.config import RESPONSIBILITIES
from workbench.processes.ai_policy.policy import policy_html
from workbench.ui.display import show_html, table


def _people(run) -> dict[str, str]:
    return {p.id: f"{p.name} ({p.id})" for p in run.workspace.config.people}


def policy(run) -> None:
    """The policy text, its version and review date; a review date already passed in bold."""
    results = run.results
    show_html(Markup("<h2>{} {}</h2><p>Review by <strong>{}</strong>{}. Every version is approved by top "
                     "management with a sign-off, and each person acknowledges the approved version (7.3).</p>"
                     '<div class="policy-text">{}</div>').format(
        results.title, results.version, results.review_date,
        Markup(' <span class="alert">(the review date has passed)</span>') if results.review_overdue else "",
        policy_html(run.request.answers.text)))


def commitments(run) -> None:
    """Each commitment 5.2 requires and the passage of the text that makes it."""
    rows = [(c["commitment"], c["requirement"], Markup("<q>{}</q>").format(c["where"]), c["line"])
            for c in run.results.commitments]
    show_html(Markup("<h2>Commitments</h2><p>The commitments clause 5.2 requires of an AI policy, each with the "
                     "passage that makes it; a policy missing one is refused.</p>")
              + table(("Commitment", "The policy", "Where the text makes it", "Line"), rows,
                      caption=f"{len(rows)} commitment(s)", numeric=(3,)))


def responsibilities(run) -> None:
    """The roles and responsibilities per AI system (5.3, A.3.2) in the configuration in force."""
    people = _people(run)
    head = Markup("<h2>Roles and responsibilities</h2><p>Per AI system, as the configuration in force names them: "
                  "only its assessors run its assessments and only its approvers sign off its records.</p>")
    if not run.results.responsibilities:
        show_html(head + Markup('<p class="alert">No AI system has its responsibilities named yet: the role rules '
                                "alone apply (<code>responsibilities</code> in workbench.yaml).</p>"))
        return
    rows = [(system, *(Markup("<br>").join(people.get(pid, pid) for pid in (
        [raci[key]] if isinstance(raci[key], str) else raci[key])) or "(role rules)" for key in RESPONSIBILITIES))
            for system, raci in sorted(run.results.responsibilities.items())]
    show_html(head + table(("AI system", "Owner", "Assessors", "Approvers", "Monitoring", "Incident contacts"), rows,
                           caption=f"Responsibilities of {len(rows)} AI system(s)"))
