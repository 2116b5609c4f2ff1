"""The frame every process form shares: who, which subject, when; the answers, built from the
process's answers model; drafts saved as the person types; and a Submit that runs the same
pipeline as the scheduler.

Widgets only collect input; the record is always the clean headless run that Submit starts.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import ipywidgets as w
from markupsafe import escape

from workbench.exceptions import InputError, RunError
from workbench.ui.builder import Editor, Items, Rows, Spec
from workbench.ui.drafts import discard_draft, load_draft, save_draft
from workbench.ui.fields import REQUIRED, STYLE, Field, Part, choice, day, text

SHOWN = 5  # problems listed after a Submit that had some


def relative_link(target: Path, text: str = "", style: str = "") -> str:
    """A link to ``target`` that opens the file itself in a new browser tab.

    Its address is relative to the kernel's folder, the notebook's. In JupyterLab the AIMS Workbench
    extension points it (``data-workbench-file``) at the server's ``/files/`` URL of the file, as the
    side panel's links are; in Voilà started by ``workbench form``, whose root is the workspace, the
    browser resolves it against the page at the root and Voilà redirects it to ``/voila/files/``.
    """
    try:
        href = Path(os.path.relpath(target, Path.cwd())).as_posix()
    except ValueError:
        href = target.as_posix()
    styled = f' style="{escape(style)}"' if style else ""
    return (f'<a href="{escape(href)}" data-workbench-file="{escape(href)}" target="_blank" rel="noopener"{styled}>'
            f"{escape(text or target.name)}</a>")


class DraftKeeper:
    """Saves a form's state under drafts/<process>/<key>.json whenever it changes."""

    def __init__(self, workspace, process: str, status: w.HTML):
        self.workspace = workspace
        self.process = process
        self.status = status
        self.paused = False

    def save(self, key: str, data: dict) -> None:
        if self.paused or not key:
            return
        saved = save_draft(self.workspace, self.process, key, data)
        self.status.value = f"<small>Draft saved {saved.astimezone():%H:%M:%S} in the workspace.</small>"

    def discard(self, key: str) -> None:
        """Drop the draft once its answers are archived: the record holds them now."""
        discard_draft(self.workspace, self.process, key)
        self.status.value = "<small>Archived: the draft is discarded; the form opens with the record next time.</small>"

    def load(self, key: str) -> dict | None:
        found = load_draft(self.workspace, self.process, key) if key else None
        if found:
            self.status.value = f"<small>Draft from {escape(found[1])} restored.</small>"
            return found[0]
        self.status.value = "<small>No draft yet: it is saved as you type.</small>"
        return None


def started_from(latest: dict | None, draft: bool) -> str:
    """The line that says what the form holds when it opens: a draft, an earlier record, or nothing."""
    if latest is None:
        return "" if draft else "<p>No earlier record of this process for this subject: the form starts empty.</p>"
    record = (f"<code>{escape(latest['run_id'])}</code> ({escape(latest['status'])}, "
              f"effective {escape(latest['effective_date'].isoformat())})")
    if draft:
        return f"<p>Your draft is restored; it takes precedence over the latest record, {record}.</p>"
    return f"<p>Started from {record}: its answers are filled in. Change what has changed.</p>"


def submit_outcome(evidence=None, error: Exception | None = None) -> str:
    """The message shown after Submit: a link to the evidence, or what went wrong."""
    if evidence is not None:
        button = ("display:inline-block;padding:6px 14px;border-radius:4px;background:#1565c0;color:#fff;"
                  "font-weight:600;text-decoration:none")  # a link that looks like what it does
        return (f'<p style="color:#1b5e20"><strong>Archived</strong> as <code>{escape(evidence.run_id)}</code>.</p>'
                f"<p>{relative_link(evidence.html, 'Open the evidence', button)}</p>")
    if isinstance(error, RunError):
        return (f'<p role="alert" style="color:#b00020">The run failed: {escape(error.ename)}: {escape(error.evalue)}. '
                f"The partial notebook is kept at <code>{escape(error.notebook_path)}</code>.</p>")
    return f'<p role="alert" style="color:#b00020">Not submitted: {escape(error)}</p>'


def not_submitted(problems: list[tuple[str, str]]) -> str:
    """The message shown after a Submit that found problems: how many, and the first few, each
    as (field label, message); every one is also shown next to its field."""
    listed = "".join(f"<li>{escape(label)}: {escape(message)}</li>" for label, message in problems[:SHOWN])
    more = f"<li>and {len(problems) - SHOWN} more</li>" if len(problems) > SHOWN else ""
    return (f'<div role="alert" style="color:#b00020"><p>Not submitted: {len(problems)} problem(s), each shown '
            f"next to its field; the first has the focus.</p><ul>{listed}{more}</ul></div>")


class ProcessForm:
    """The frame every process form shares: who, which subject (a system, an item of it, or the
    organisation), when; the answers, built from the process's answers model; drafts saved as the
    person types; and Submit through the same pipeline as the CLI.

    A form opens with the subject's draft if there is one, else with the answers of its latest
    record (the approved one, else the newest that did not fail), and says which it started from.

    A subclass sets ``process``, ``body_title`` and ``custom``: for an answers field, by its
    dotted path (``risks.owner``), a :class:`~workbench.ui.builder.Spec`,
    :class:`~workbench.ui.builder.Items` or :class:`~workbench.ui.builder.Rows`, or a
    :class:`~workbench.ui.fields.Part` subclass that shows the field its own way. A process
    without a form of its own gets this class itself, built from its answers model alone.

    Parameters
    ----------
    workspace : Workspace
        Where drafts are saved and evidence is archived.
    system_id, period, assessor, item_id : str
        Values to start with (from the template's parameters).
    process : str
        The process, for a form that serves any (default: the class's ``process``).
    """

    process = ""
    body_title = "Answers"
    custom: dict[str, Spec | Items | Rows | type[Part]] = {}

    def __init__(self, workspace, system_id: str = "", period: str = "", assessor: str = "", item_id: str = "",
                 process: str = ""):
        from workbench.config import role_title
        from workbench.processes import get_process
        from workbench.records.identity import signing_people
        from workbench.systems import ORGANISATION

        self.process = process or self.process
        process = get_process(self.process)
        self.item_kind = process.item_kind
        self.workspace = workspace
        self.context = workspace.validation_context()
        self.systems = {s.id: s for s in workspace.register.systems()}
        self.status = w.HTML()
        self.revealed = False  # Submit was pressed: every message shows, touched or not
        self.refused = False  # the outcome says what stopped the last Submit
        self.drafts = DraftKeeper(workspace, self.process, self.status)
        self._choices: dict[Callable, list] = {}
        role = process.role
        assessors = [(f"{p.name} ({p.id})", p.id) for p in signing_people(workspace, role)]  # who acts is who signs
        self.assessors = assessors
        if process.subject == "organisation":
            subjects = [(f"{workspace.config.organisation.name} (organisation-wide)", ORGANISATION)]
            system_id = ORGANISATION
        else:
            subjects = [(f"{s.name} ({s.id})", s.id) for s in self.systems.values()]
        items = [choice("item", self.item_kind.replace("-", " ").capitalize(), [], required=True)
                 ] if process.subject == "item" else []
        self.header: dict[str, Field] = {f.key: f for f in (
            choice("system", "AI system" if role == "assessor" else "Subject", subjects, required=True),
            *items,
            choice("assessor", role_title(role)[:1].upper() + role_title(role)[1:], assessors, required=True),
            text("period", "Period (e.g. 2026-Q4)", value=period),
            day("effective_date", "Effective date"),
        )}
        self.origin = w.HTML()
        self.submit_button = w.Button(description="Submit", icon="check", button_style="success",
                                      tooltip="Validate, run headless on a clean kernel, archive the evidence")
        self.submit_button.on_click(lambda _b: self.submit())
        self.progress = w.IntProgress(value=0, min=0, max=3, description="Progress",
                                      layout=w.Layout(visibility="hidden"))
        self.outcome = w.HTML()
        self.summary = w.HTML()
        self.body = Editor(self, process.answers)
        with self.quiet():
            self.body.clear()  # the lists of known things need the whole body to list their rows
        self.widget = w.VBox([
            w.HTML(STYLE),
            w.HTML("<h3>1. Assessment</h3><p><small>Fields marked * are required.</small></p>"),
            *[f.box for f in self.header.values()], self.origin,
            w.HTML(f"<h3>2. {escape(self.body_title)}</h3>"), self.body.box,
            w.HTML("<h3>3. Submit</h3>"), self.summary, self.outcome, self.submit_button, self.progress,
            self.status,
        ])
        self.widget.add_class("aims-form")
        held = [v for _, v in assessors]
        if assessor in held or len(held) == 1:
            self.header["assessor"].value = assessor if assessor in held else held[0]
        reactions = {"system": self._system_changed, "item": self._subject_changed}
        for key, field in self.header.items():
            field.on_change(lambda key=key, react=reactions.get(key, self.changed): self._header_edited(key, react))
        if system_id in [value for _, value in subjects]:
            self.header["system"].value = system_id
        if items and item_id in [value for _, value in self.header["item"].widget.options]:
            self.header["item"].value = item_id

    def carried(self, answers: dict) -> dict:
        """What of the latest record's answers a new version starts from (default: all of them)."""
        return answers

    def fresh(self) -> tuple[dict, str] | None:
        """The answers a subject with no record and no draft starts from, and the line (HTML) that says where
        they come from (default: none, the form starts empty)."""
        return None

    def show(self) -> None:
        """Display the form in the notebook."""
        from IPython.display import display

        display(self.widget)

    @property
    def system_id(self) -> str:
        return self.header["system"].value or ""

    @property
    def system(self):
        return self.systems.get(self.system_id)

    @property
    def item_id(self) -> str:
        """The item of the system the record is about (empty for a process about the system itself)."""
        return (self.header["item"].value or "") if "item" in self.header else ""

    @property
    def draft_key(self) -> str:
        """Whose draft this is: the system, or ``system/item`` (empty until the item is chosen)."""
        if "item" not in self.header:
            return self.system_id
        return f"{self.system_id}/{self.item_id}" if self.system_id and self.item_id else ""

    def part(self, name: str) -> Part:
        """What shows answers field ``name``."""
        return self.body.fields[name]

    def choices(self, options: Callable[["ProcessForm"], list]) -> list:
        """The options ``options(self)`` gives, asked once per form."""
        if options not in self._choices:
            self._choices[options] = options(self)
        return self._choices[options]

    @contextmanager
    def quiet(self):
        """Fill inputs without reacting to each change: no validation, no draft saved."""
        paused, self.drafts.paused = self.drafts.paused, True
        try:
            yield
        finally:
            self.drafts.paused = paused

    def answers(self) -> dict:
        """The answers as typed so far (not yet validated)."""
        return self.body.value

    def load(self, data: dict) -> None:
        """Fill the answers from a draft or an earlier record."""
        self.body.load(data)

    def state(self) -> dict:
        """Everything the draft keeps: header fields and answers."""
        return {"assessor": self.header["assessor"].value, "period": self.header["period"].value,
                "effective_date": self.header["effective_date"].value, **self.answers()}

    def latest(self) -> dict | None:
        """The subject's latest record of this process: the approved one, else the newest that did not fail."""
        if not self.draft_key:
            return None
        return self.workspace.register.latest_evidence(self.system_id, self.process, self.item_id)

    def _header_edited(self, key: str, react: Callable[[], None]) -> None:
        """A header field changed: its message goes (unless it is still missing), then the form reacts."""
        field = self.header[key]
        field.show(REQUIRED if field.required and not field.filled else "")
        react()

    def _system_changed(self) -> None:
        self._offer_assessors()
        if "item" in self.header:
            items = self.workspace.register.items(self.system_id, self.item_kind) if self.system_id else []
            with self.quiet():  # the item resets with its options: open the subject once, below
                self.header["item"].widget.options = [("(choose)", None)] + [(f"{i.name} ({i.id})", i.id)
                                                                             for i in items]
        self._subject_changed()

    def _offer_assessors(self) -> None:
        """Offer the system's RACI assessors alone when it names them (the others' runs are refused)."""
        from workbench.processes import get_process

        allowed = (self.workspace.config.responsible(self.system_id, "assessors")
                   if get_process(self.process).role == "assessor" and self.system_id else None)
        offered = [(label, pid) for label, pid in self.assessors if allowed is None or pid in allowed]
        field = self.header["assessor"]
        chosen = field.value
        with self.quiet():
            field.widget.options = [("(choose)", None)] + offered
            held = [pid for _, pid in offered]
            field.value = chosen if chosen in held else held[0] if len(held) == 1 else None

    def _subject_changed(self) -> None:
        from workbench.pipeline.run import read_record

        if self.drafts.paused:
            return
        self.revealed = False
        with self.quiet():
            self.body.clear()
            draft = self.drafts.load(self.draft_key)
            latest = self.latest()
            self.origin.value = started_from(latest, draft is not None) if self.draft_key else ""
            if draft is not None:
                for key in ("assessor", "period", "effective_date"):
                    if draft.get(key):
                        self.header[key].value = draft[key]
                self.load(draft)
            elif latest is not None:
                self.load(self.carried(read_record(self.workspace, latest)["answers"]))
            elif self.draft_key and (first := self.fresh()) is not None:
                self.load(first[0])
                self.origin.value = first[1]
        self.validate()

    def changed(self, name: str = "") -> None:
        """React to any edit of answers field ``name`` (none: the header): rebuild the lists that
        follow it, refresh the summary, save the draft."""
        if self.drafts.paused:
            return
        self.body.follow(name)
        self.summarise()
        self.drafts.save(self.draft_key, self.state())

    def summarise(self) -> None:
        """Refresh the line above Submit: how many items, and how many messages."""
        bad = self.body.count() + sum(f.count() for f in self.header.values())
        parts = [p for p in (self.body.summary(),) if p] + (
            [f'<span style="color:#b00020">{bad} problem(s) shown</span>'] if bad else [])
        self.summary.value = "<p>" + "; ".join(parts) + "</p>" if parts else ""
        if self.refused and not bad:  # every problem fixed: the list of what stopped Submit is history
            self.outcome.value, self.refused = "", False

    def fields(self) -> list[Field]:
        """Every input of the form."""
        return list(self.header.values()) + self.body.inputs()

    def reveal(self, touched: bool = True) -> None:
        """Show every field's message (Submit), or hide them all (``touched=False``: archived)."""
        self.revealed = touched
        for field in self.fields():
            field.reveal(touched)
        self.summarise()

    def first_problem(self) -> Field | None:
        """The first input, top to bottom, that shows a message; its item or section is opened."""
        return next((f for f in self.header.values() if f.problem), None) or self.body.first_problem()

    def validate(self) -> int:
        """Validate every field; return how many problems are shown."""
        count = self.body.validate(self.context)
        for key in ("system", "item", "assessor"):
            if key not in self.header:
                continue
            missing = not self.header[key].value
            self.header[key].show(REQUIRED if missing else "")
            count += missing
        self.summarise()
        return count

    def submit(self):
        """Validate everything, then run, render and archive through the same pipeline as the CLI.

        Returns the archived evidence, or ``None`` when the input had problems or the run failed.
        """
        from workbench.pipeline.run import execute_request
        from workbench.pipeline.request import build_request

        self.outcome.value = ""
        self.progress.layout.visibility = "visible"
        self.progress.value, self.progress.description = 1, "Validating"
        try:
            request = build_request(self.workspace, self.process, self.system_id, self.answers(),
                                    period=self.header["period"].value,
                                    assessor=self.header["assessor"].value or "",
                                    effective_date=self.header["effective_date"].value or "", item_id=self.item_id)
        except InputError as err:
            self.reveal()
            for p in err.problems:
                if p.field in self.header:
                    self.header[p.field].show(p.message)
            self.body.place([p for p in err.problems if p.field not in self.header])
            self.summarise()
            self.progress.layout.visibility = "hidden"
            shown = [(f.label, f.text) for f in self.fields() if f.problem]
            self.outcome.value = not_submitted(shown or [(p.field, p.message) for p in err.problems])
            self.refused = True
            first = self.first_problem()
            if first is not None:
                first.focus()
            return None
        self.progress.value, self.progress.description = 2, "Running"
        self.submit_button.disabled = True
        try:
            evidence = execute_request(self.workspace, request)
        except Exception as err:  # shown to the person; a failed run is already recorded
            self.outcome.value = submit_outcome(error=err)
            return None
        finally:
            self.submit_button.disabled = False
            self.progress.layout.visibility = "hidden"
        self.progress.value, self.progress.description = 3, "Archived"
        self.reveal(False)
        self.outcome.value = submit_outcome(evidence)
        self.submit_button.focus()  # the outcome sits right above the button: in view
        self.drafts.discard(self.draft_key)
        return evidence


def process_form(workspace, process: str, system_id: str = "", item_id: str = "", period: str = "",
                 assessor: str = "") -> ProcessForm:
    """The widget form of ``process``: its own (``Process.form``), else one built from its answers model."""
    from workbench.processes import get_process

    proc = get_process(process)
    form_class = proc.load(proc.form) if proc.form else ProcessForm
    return form_class(workspace, system_id=system_id, period=period, assessor=assessor, item_id=item_id,
                      process=proc.name)
