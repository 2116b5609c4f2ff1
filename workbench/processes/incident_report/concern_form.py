"""The concern form: a few widgets that raise a concern about an AI system, in JupyterLab or in Voila
(``workbench concern form``), with no code on the page.

The form only collects; :func:`~workbench.processes.incident_report.concerns.raise_concern` records,
exactly as ``workbench concern raise`` does. Who raises it is who signs: the person is chosen among
those whose keys this kernel holds. What the form says after Submit names the concern, never who
raised an anonymous one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import ipywidgets as widgets
from markupsafe import Markup

from workbench.exceptions import WorkbenchError
from workbench.processes.incident_report.concerns import MANAGER, raise_concern


class ConcernForm:
    """The widgets of the concern form, and what Submit does with them."""

    def __init__(self, workspace, system_id: str = ""):
        from workbench.records.identity import signing_people

        self.workspace = workspace
        systems = [(f"{s.name} ({s.id})", s.id) for s in workspace.register.systems()]
        self.system = widgets.Dropdown(options=systems, value=system_id or (systems[0][1] if systems else None),
                                       description="AI system", style={"description_width": "initial"})
        self.text = widgets.Textarea(placeholder="What worries you about this AI system?",
                                     layout=widgets.Layout(width="100%", height="8em"))
        managers = ", ".join(p.name for p in workspace.config.people_with(MANAGER)) or "nobody yet"
        self.anonymous = widgets.Checkbox(description=f"Anonymous: only the AIMS manager ({managers}) can see who "
                                                      "raised it", indent=False, layout=widgets.Layout(width="100%"))
        people = [(p.name, p.id) for p in signing_people(workspace)]
        self.person = widgets.Dropdown(options=people, value=people[0][1] if people else None,
                                       description="Raised by (your key)", style={"description_width": "initial"})
        self.submit = widgets.Button(description="Raise the concern", button_style="primary")
        self.message = widgets.HTML()
        self.submit.on_click(lambda _button: self.raise_it())
        self.widget = widgets.VBox([widgets.HTML("<h2>Raise a concern about an AI system</h2>"), self.system,
                                    self.text, self.anonymous, self.person, self.submit, self.message])

    def raise_it(self) -> dict | None:
        """Record the concern; say what happened in the form (and return the concern's row)."""
        try:
            row = raise_concern(self.workspace, self.system.value or "", self.text.value, self.anonymous.value,
                                self.person.value or "")
        except WorkbenchError as err:
            self.message.value = str(Markup("<p class='breach'>Not recorded: {}</p>").format(err))
            return None
        self.text.value = ""
        self.message.value = str(Markup("<p class='ok'>Recorded concern <strong>{}</strong> about {}{}.</p>").format(
            row["concern_id"], row["system_id"], ", anonymously" if row["anonymous"] else ""))
        return row

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def concern_notebook(workspace, system_id: str = "") -> Path:
    """Write the concern form's notebook into the workspace's drafts (code folded) and return its path;
    open it in JupyterLab, or serve it with Voila."""
    import os

    from workbench.pipeline.execute import prepare
    from workbench.pipeline.run import _for_the_form

    if system_id:
        workspace.register.system(system_id)
    from workbench.exceptions import InputError

    drafts = workspace.drafts_dir
    if drafts.is_symlink():
        raise InputError.single("drafts", str(drafts), f"is a link to {drafts.resolve()}; drafts must be a folder "
                                "of the workspace")
    drafts.mkdir(exist_ok=True)
    target = drafts / (f"concern-{system_id}.ipynb" if system_id else "concern.ipynb")
    fresh = drafts / f".{target.stem}.tmp-{os.getpid()}.ipynb"
    prepare(files(__package__) / "concern.ipynb", fresh,
            {"workspace": str(workspace.root)} | ({"system_id": system_id} if system_id else {}))
    _for_the_form(fresh)
    os.replace(fresh, target)
    return target
