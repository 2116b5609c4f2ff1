"""The sign-off panel a reviewer uses in JupyterLab: pick a submitted record, comment, approve or reject.

The panel only collects the decision; :func:`workbench.records.signoff.sign_off` checks the rules and archives it.
"""

from __future__ import annotations

import ipywidgets as w
from markupsafe import Markup

from workbench.exceptions import InputError
from workbench.ui.fields import WIDE
from workbench.ui.form import relative_link
from workbench.records.identity import signing_people
from workbench.records.signoff import SIGNING_ROLES, sign_off


class SignoffForm:
    """Approve or reject submitted evidence.

    Parameters
    ----------
    workspace : Workspace
        The workspace holding the evidence.
    run_id : str
        Preselect this record (default: the newest submitted one).
    person : str
        Who signs, among the people whose keys this kernel holds (default: the first of them); under
        JupyterHub only the hub's user is offered.
    """

    def __init__(self, workspace, run_id: str = "", person: str = ""):
        self.workspace = workspace
        submitted = [r for r in workspace.register.evidence_list() if r["status"] == "submitted"]
        options = [(f"{r['run_id']}  {r['system_id']}  {r['process']}  {r['period']}  by "
                    + (f"{r['confirmed_by']} (confirmed)" if r["confirmed_by"] else r["assessor"]), r["run_id"])
                   for r in submitted]
        self.record = w.Dropdown(options=options, value=run_id or (options[0][1] if options else None),
                                 description="Evidence *", layout=WIDE, style={"description_width": "120px"})
        signers = [(f"{p.name} ({p.id})", p.id) for p in signing_people(workspace)
                   if set(SIGNING_ROLES) & set(p.roles)]  # who acts is who signs: only people whose key is held
        self.person = w.Dropdown(options=signers, value=person if person in [v for _, v in signers]
                                 else (signers[0][1] if signers else None), description="Signing as *",
                                 layout=WIDE, style={"description_width": "120px"})
        self.comment = w.Textarea(value="", description="Comment *", rows=4, layout=WIDE,
                                  style={"description_width": "120px"})
        self.approve_button = w.Button(description="Approve", button_style="success", icon="check")
        self.reject_button = w.Button(description="Reject", button_style="danger", icon="times")
        self.outcome = w.HTML(value="" if options else "<p>No submitted evidence is waiting for sign-off.</p>")
        self.approve_button.on_click(lambda _b: self.decide("approve"))
        self.reject_button.on_click(lambda _b: self.decide("reject"))
        self.widget = w.VBox([w.HTML("<h3>Sign off evidence</h3>"), self.record, self.person, self.comment,
                              w.HBox([self.approve_button, self.reject_button]), self.outcome])

    def decide(self, decision: str):
        """Sign the selected record; show the approval record's link or the rule that refused it."""
        try:
            done = sign_off(self.workspace, self.record.value or "", decision, self.comment.value,
                            person=self.person.value or "")
        except InputError as err:
            self.outcome.value = Markup('<p role="alert" style="color:#b00020">Not signed: {}</p>').format(err)
            return None
        entry = done.ledger_entry
        self.outcome.value = Markup('<p style="color:#1b5e20"><strong>{}</strong> <code>{}</code> as {}. '
                                    "Approval record: {}</p>").format(
            entry["decision"].capitalize(), entry["run_id"], entry["person"], Markup(relative_link(done.record)))
        self.record.options = [o for o in self.record.options if o[1] != entry["run_id"]]
        self.comment.value = ""
        return done

    def show(self) -> None:
        """Display the panel in the notebook."""
        from IPython.display import display

        display(self.widget)
