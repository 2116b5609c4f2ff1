"""The management review form: statements of top management, the status of earlier actions,
progress on objectives, and the decisions with owners and due dates."""

from __future__ import annotations

from workbench.ui.builder import Items, Row, Rows, Spec, people
from workbench.ui.form import ProcessForm


def earlier_actions(form) -> list[Row]:
    """The actions earlier reviews decided, to report on."""
    return [Row(r["action_id"], r["decision"][:60])
            for r in sorted(form.workspace.register.rows("review_actions"), key=lambda r: r["action_id"])]


def earlier_ids(form) -> set[str]:
    return {r["action_id"] for r in form.workspace.register.rows("review_actions")}


class ManagementReviewForm(ProcessForm):
    """The widget form of the management review; the signer must hold the top_management role."""

    process = "management-review"
    body_title = "Review"
    custom = {
        "context_changes": Spec("Changes in context and interested parties' needs"),
        "objectives": Items(add="Add objective", noun="objective", label="Progress on AI objectives"),
        "previous_actions": Rows(key="id", rows=earlier_actions, noun="earlier action",
                                 label="Actions from previous reviews", empty="No earlier review recorded actions."),
        "opportunities": Spec("Opportunities for improvement"),
        "decisions": Items(add="Add decision", noun="decision", ids="MR-", taken=earlier_ids,
                           label="Decisions (improvements, changes to the AIMS, resources)"),
        "decisions.id": Spec("Action id"),
        "decisions.owner": Spec(options=people),
        "decisions.due_date": Spec("Due"),
        "conclusion": Spec("Conclusion: is the AIMS suitable, adequate, effective?"),
    }

    def carried(self, answers: dict) -> dict:
        """The earlier review's decisions are actions now: this review reports on them instead."""
        return {k: v for k, v in answers.items() if k != "decisions"}
