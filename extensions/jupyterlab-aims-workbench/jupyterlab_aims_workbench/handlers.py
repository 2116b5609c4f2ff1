"""The endpoints behind the launcher cards and the side panel, all under ``/aims-workbench/``.

- ``GET processes``: the installed AIMS processes, with what a record is about (``subject``:
  ``system``, ``item`` of a system of ``item_kind``, or ``organisation``) and who fills it in.
- ``GET systems``: every AI system with its items, review status, latest evidence, the latest
  record of each process (and item) about it, and the flags of the processes' registers about it
  (an incident report overdue, a dataset file changed).
- ``GET organisation``: the latest organisation-wide record of each process, and the portfolio page.
- ``POST notebooks`` with ``{"process", "system_id", "item_id"}``: prepare a form notebook in the
  workspace's drafts (papermill prepare-only) and return its path for JupyterLab to open.
- ``POST review-notebook``: write the periodic review's notebook (``scheduled/periodic_review.ipynb``,
  for jupyter-scheduler) and return its path; one whose code differs is refused, never overwritten.
- ``GET identity``: who acts here (``person``, ``name``, ``roles``; ``hub_user`` under JupyterHub;
  ``signs``: whether the server holds their key; ``held``: the people whose keys it holds; in a plain
  JupyterLab with several, ``person`` is empty and the forms ask).
- ``POST signoff`` with ``{"run_id", "decision", "comment"}`` (``person`` optional): approve or reject
  a record as the person who acts, under the sign-off rules; answers the ledger entry's facts.

Who acts: under JupyterHub (the server's ``JUPYTERHUB_USER``), the hub's signed-in user, who must be
the server's owner and a person of the configuration; a request naming another person, a hub user
who is no person and another user visiting this server are refused with 403 (see
:mod:`workbench.records.identity`). In a plain JupyterLab, the person whose key the server holds.

A bad request gets a 4xx status and ``{"message": ...}``, never a 500.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from workbench.config import role_title
from workbench.exceptions import InputError, NotYoursError, UnknownRecordError, WorkspaceError
from workbench.pipeline.portfolio import INDEX_FILE, RECORD_STATUS, latest_records, process_title
from workbench.pipeline.run import HTML_FILE, prepare_notebook
from workbench.processes import processes
from workbench.records.identity import HUB_USER, hub_person, signing_people
from workbench.records.signoff import sign_off
from workbench.scheduling.notebook import review_notebook
from workbench.scheduling.status import system_reviews
from workbench.systems import ORGANISATION
from workbench.workspace import ENV_VAR, Workspace

MAX_BODY_BYTES = 10_000


class WorkbenchHandler(APIHandler):
    """Shared: the workspace, JSON bodies, and errors as 4xx JSON messages."""

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def workspace(self) -> Workspace:
        try:
            return Workspace(os.environ.get(ENV_VAR) or self.root_dir)
        except WorkspaceError as err:
            raise tornado.web.HTTPError(409, str(err)) from None

    def hub_person(self, workspace: Workspace):
        """Under JupyterHub, the person the signed-in user is (``None`` in a plain JupyterLab).

        Refused (:class:`NotYoursError`, 403): a user visiting another's server (it holds its owner's
        keys and acts as its owner), and a hub user who is no person of the configuration.
        """
        owner = os.environ.get(HUB_USER, "")
        if not owner:
            return None
        user = self.current_user.username
        if user != owner:
            raise NotYoursError.single("hub_user", user, f"this server is {owner}'s and acts as {owner}: "
                                       "sign in as yourself and use your own server")
        return hub_person(workspace.config, user)

    def served_path(self, path: Path) -> str | None:
        """``path`` relative to the server's root folder, or ``None`` when the server cannot reach it."""
        resolved = path.resolve()
        return resolved.relative_to(self.root_dir).as_posix() if resolved.is_relative_to(self.root_dir) else None

    def created(self, path: Path) -> None:
        """Answer 201 with the path of the notebook written, as JupyterLab opens it."""
        served = self.served_path(path)
        if served is None:
            raise tornado.web.HTTPError(
                409, f"the notebook {path} is outside the server's folder {self.root_dir}; "
                     f"start jupyter lab in the workspace or a folder above it")
        self.set_status(201)
        self.finish(json.dumps({"path": served}))

    def records(self, workspace: Workspace) -> dict[str, list[dict]]:
        """The latest record of each process (and item) about each subject, by system id (the
        organisation's too), in the order processes are installed: title, date, status and the URL
        path of its evidence."""
        rank = {name: i for i, name in enumerate(processes())}
        names = {(i["system_id"], i["id"]): i["name"] for i in workspace.register.item_rows()}
        found: dict[str, list[dict]] = {}
        for record in sorted(latest_records(workspace).values(),
                             key=lambda r: (r["item_id"], rank.get(r["process"], len(rank)))):
            subject, item_id = record["system_id"], record["item_id"]
            found.setdefault(subject, []).append({
                "run_id": record["run_id"], "process": record["process"], "title": process_title(record["process"]),
                "item_id": item_id, "item_name": names.get((subject, item_id), item_id),
                "headline": record["headline"], "effective_date": record["effective_date"].isoformat(),
                "status": RECORD_STATUS.get(record["status"], record["status"]),
                "url": self.served_path(workspace.evidence_dir / record["path"] / HTML_FILE)})
        return found

    def body(self) -> dict:
        if len(self.request.body) > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError as err:
            raise tornado.web.HTTPError(400, f"the request body is not JSON: {err}") from None
        except RecursionError:
            raise tornado.web.HTTPError(400, "the request body is nested too deeply: send a flat JSON object") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, "the request body must be a JSON object")
        return data

    def write_error(self, status_code: int, **kwargs) -> None:
        """Every error as ``{"message": ...}``; problems with input name field, value and what is allowed."""
        self.set_header("Content-Type", "application/json")
        error = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        body = {"message": message}
        if isinstance(error, InputError):
            body = {"message": str(error), "problems": [
                {"field": p.field, "value": str(p.value), "message": p.message} for p in error.problems]}
        self.finish(json.dumps(body))

    def _handle_request_exception(self, e: BaseException) -> None:
        if isinstance(e, InputError):
            status = 404 if isinstance(e, UnknownRecordError) else 403 if isinstance(e, NotYoursError) else 400
            self.log.info("AIMS Workbench: bad request: %s", e)
            self.send_error(status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)


class ProcessesHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(json.dumps([{"name": p.name, "code": p.code, "title": p.title, "clauses": list(p.clauses),
                                 "subject": p.subject, "item_kind": p.item_kind, "role": role_title(p.role)}
                                for p in processes().values()]))


class SystemsHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        workspace = self.workspace()
        records = self.records(workspace)
        items: dict[str, list[dict]] = {}
        for item in workspace.register.item_rows():
            items.setdefault(item["system_id"], []).append({k: item[k] for k in ("id", "kind", "name")})
        flags: dict[str, list[dict]] = {}
        for process in processes().values():  # what needs attention in a process's registers (an overdue report)
            for flag in process.flags(workspace) if process.flags else []:
                flags.setdefault(flag.key.partition("/")[0], []).append(flag.as_dict())
        found = []
        for review in system_reviews(workspace):
            data = review.as_json()
            data["items"] = items.get(review.system_id, [])
            data["flags"] = flags.get(review.system_id, [])
            if review.latest:
                latest = review.latest
                data["latest"] = {"run_id": latest["run_id"], "process": latest["process"],
                                  "item_id": latest["item_id"], "headline": latest["headline"],
                                  "effective_date": latest["effective_date"].isoformat(),
                                  "status": latest["status"],
                                  "url": self.served_path(workspace.root / latest["html"])}
            data["records"] = records.get(review.system_id, [])
            data.pop("processes")
            found.append(data)
        self.finish(json.dumps(found))


class OrganisationHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        workspace = self.workspace()
        portfolio = workspace.evidence_dir / INDEX_FILE
        self.finish(json.dumps({"name": workspace.config.organisation.name,
                                "records": self.records(workspace).get(ORGANISATION, []),
                                "portfolio": self.served_path(portfolio) if portfolio.is_file() else None}))


class NotebooksHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def post(self) -> None:
        data = self.body()
        for key in ("process", "system_id"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise InputError.single(key, data.get(key), "is required: a name such as 'risk-assessment'"
                                        if key == "process" else "is required: a registered system id")
        item_id = data.get("item_id", "")
        if not isinstance(item_id, str):
            raise InputError.single("item_id", item_id, "must be the id of an item of the system, or left out")
        workspace = self.workspace()
        self.hub_person(workspace)  # a form is for someone who may act here
        self.created(prepare_notebook(workspace, data["process"], data["system_id"], item_id))


class ReviewNotebookHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def post(self) -> None:
        self.created(review_notebook(self.workspace()))


class IdentityHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        workspace = self.workspace()
        person = self.hub_person(workspace)
        held = [p.id for p in signing_people(workspace)]  # under JupyterHub: the hub's user, if their key is held
        if person is None and len(held) == 1:
            person = workspace.config.person(held[0])
        self.finish(json.dumps({"hub_user": os.environ.get(HUB_USER, ""), "person": person.id if person else "",
                                "name": person.name if person else "", "roles": list(person.roles) if person else [],
                                "signs": person is not None and person.id in held, "held": held}))


class SignoffHandler(WorkbenchHandler):
    @tornado.web.authenticated
    def post(self) -> None:
        data = self.body()
        for key in ("run_id", "decision", "comment", "person"):
            if not isinstance(data.get(key, ""), str):
                raise InputError.single(key, data[key], "must be a string")
        workspace = self.workspace()
        self.hub_person(workspace)  # the signed-in user owns this server and is a person
        done = sign_off(workspace, data.get("run_id", ""), data.get("decision", ""), data.get("comment", ""),
                        person=data.get("person", ""))  # naming another than the hub's user is refused there
        entry = done.ledger_entry
        self.set_status(201)
        self.finish(json.dumps({k: entry[k] for k in ("signoff_id", "run_id", "decision", "person", "roles")}
                               | {"record": self.served_path(done.record)}))


def setup_handlers(server_app) -> None:
    """Register the endpoints on the server's web application."""
    web_app = server_app.web_app
    base = url_path_join(web_app.settings["base_url"], "aims-workbench")
    web_app.add_handlers(".*$", [
        (url_path_join(base, "processes"), ProcessesHandler),
        (url_path_join(base, "systems"), SystemsHandler),
        (url_path_join(base, "organisation"), OrganisationHandler),
        (url_path_join(base, "notebooks"), NotebooksHandler),
        (url_path_join(base, "review-notebook"), ReviewNotebookHandler),
        (url_path_join(base, "identity"), IdentityHandler),
        (url_path_join(base, "signoff"), SignoffHandler),
    ])
