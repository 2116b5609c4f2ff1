"""The process contract, and the registry of installed processes fed by the ``workbench.processes``
entry point group.

A process is a plug-in: one package (``workbench/processes/<name>/`` here, or a package of its
own) that ships its answers model, assessment, report sections, form, template, register tables
and settings, and declares them in one :class:`Process`. The core never imports a process by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Callable, Literal

from pydantic import BaseModel

from workbench.exceptions import InputError, WorkbenchError
from workbench.records.acts import Act
from workbench.validate import RUN_ID_CODE, SLUG_PATTERN

ENTRY_POINT_GROUP = "workbench.processes"
SUBJECTS = ("organisation", "system", "item")
TEMPLATE = "template.ipynb"
SETTINGS_SECTION = "[a-z][a-z0-9_]{0,39}"
ATTACHMENT = "[a-z][a-z0-9-]{0,39}[.]html"
CORE_FILES = ("evidence.html", "notebook.ipynb", "results.json", "error.txt")


@dataclass(frozen=True)
class Process:
    """An AIMS process that the workbench runs from a notebook template.

    Parameters
    ----------
    name : str
        Name used on the command line, e.g. ``risk-assessment``.
    code : str
        Short prefix for run ids, e.g. ``ra``.
    title : str
        Title shown on evidence.
    clauses : tuple of str
        The ISO/IEC 42001 clauses and Annex A controls the process serves.
    package : str
        The process's package (``__package__``); it holds the template as ``template.ipynb``.
    answers : type of BaseModel
        The model that validates answers.
    assess : callable
        ``assess(answers, workspace) -> BaseModel`` computes every result; one that takes a third
        parameter gets the run request too (its system and item: the dataset a measurement reads).
    report : str
        Module whose functions draw the evidence sections, e.g. ``workbench.processes.soa.report``.
    form : str, optional
        ``module:Class`` of the widget form, imported only in a kernel that shows it; without one the
        form is built from ``answers`` alone (:class:`workbench.ui.form.ProcessForm`).
    subject : {"system", "organisation", "item"}
        What one record is about: an AI system, the organisation (the reserved id
        ``organisation``), or an item of a system of kind ``item_kind`` (a dataset, a supplier).
    item_kind : str
        The kind of item a record is about, for ``subject="item"``.
    role : str
        The role the person running it must hold (``assessor``; ``auditor`` for an audit).
    index : callable
        ``index(results) -> {table: [row, ...]}``: the rows a run adds to the process's ``tables``.
    tables : tuple of type
        The process's register tables: SQLAlchemy classes on :class:`workbench.register.Base`. Those
        ``index`` fills have ``run_id`` and ``system_id`` columns (and ``item_id``, for a process
        about items), which the register fills in.
    acts : dict of str to Act
        ``{ledger kind: Act}`` for every kind of ``records``: the field naming who made such an entry (who
        signs it), the roles one of which they hold, and any rule that reads the entry
        (:class:`workbench.records.acts.Act`); the recording code enforces it, ``workbench verify``
        re-applies it with the configuration in force then.
    settings : tuple of (str, type of BaseModel), optional
        The process's section of ``workbench.yaml`` and the model (with defaults) that validates it.
    commands : str
        ``module:attribute`` of a click command or group added to the ``workbench`` CLI (several,
        separated by spaces).
    periodic : bool
        Whether the periodic review re-runs it by default (``review.processes`` in the configuration).
    breaches : callable
        ``breaches(results) -> [message, ...]``: thresholds the results breach; a periodic review
        opens a nonconformity for each.
    acceptance : callable, optional
        ``acceptance(workspace, results) -> (role, reason) or None``: a record only ``role`` may
        approve, and why (residual risks above appetite).
    approval : callable, optional
        ``approval(workspace, results, person) -> str or None``: why ``person`` (a person id) may not
        approve a record whatever their roles (a model release whose acceptance criteria are not met, or
        that they verified themselves), or ``None``; it never refuses a rejection.
    headline : callable, optional
        ``headline(results) -> str``: one line about a record, shown in the portfolio and side panel.
    portfolio : callable, optional
        ``portfolio(workspace, latest) -> [svg, ...]``: charts of the process's latest records
        (``latest`` is their evidence rows) for the portfolio page.
    check : callable, optional
        ``check(workspace, request)`` checks answers against the register before anything runs
        (references, impartiality) and raises ``InputError``.
    archived : callable, optional
        ``archived(workspace, evidence, results)`` acts on a run once it is archived and
        registered (for example an audit opens its nonconformities).
    flags : callable, optional
        ``flags(workspace) -> [Flag, ...]``: entries of the process's own registers that need
        attention (a dataset file that changed), shown in the portfolio beside documented information's.
    attachments : dict of str to callable, optional
        ``{file name: make(record) -> text}``: files a run archives beside its evidence, made from
        its ``results.json`` record (a system card's public card); hashed and signed with the rest.
    inputs : tuple of str, optional
        Processes whose records of the same system feed this one: a record of one of them made
        after this process's latest record makes its review due (a system card's sources).
    on_review : callable, optional
        ``on_review(workspace, today, person) -> [line, ...]``: what every periodic review does for the
        process besides re-running its records, acting as ``person`` (the scheduler); the lines say what
        it did (the AI objectives take the measures of their monitoring plan).
    measures : dict of str to (str, str, callable), optional
        ``{name: (title, unit, measure)}``: register measures the AI objectives' monitoring plan may use
        (``register:<name>``). ``measure(workspace, on) -> (value, query)`` gives the number as of the date
        ``on`` (``None`` when there is nothing to measure) and, in words, what it counted.
    review_section : callable, optional
        ``review_section(workspace, since, today) -> section or None``: the process's input to the
        management review (9.3.2) since the previous review (``since``; ``None`` before the first), as
        ``{"title", "clause", "note", "columns", "rows"}``.
    reads : callable, optional
        ``reads(workspace, request) -> [path, ...]``: the workspace files, relative to it, a run reads
        besides the configuration, content, register and archived results (the data files its answers or
        its item name); a run computed on another machine is given these and nothing else.
    """

    name: str
    code: str
    title: str
    clauses: tuple[str, ...]
    package: str
    answers: type[BaseModel]
    assess: Callable[[Any, Any], BaseModel]
    report: str
    form: str = ""
    subject: Literal["organisation", "system", "item"] = "system"
    item_kind: str = ""
    role: str = "assessor"
    index: Callable[[dict], dict[str, list[dict]]] = lambda _results: {}
    tables: tuple[type, ...] = ()
    records: dict[str, Callable[[dict], dict[str, list[dict]]]] = field(default_factory=dict)
    acts: dict[str, Act] = field(default_factory=dict)
    settings: tuple[str, type[BaseModel]] | None = None
    commands: str = ""
    periodic: bool = False
    breaches: Callable[[dict], list[str]] = lambda _results: []
    acceptance: Callable[[Any, dict], tuple[str, str] | None] | None = None
    approval: Callable[[Any, dict, str], str | None] | None = None
    headline: Callable[[dict], str] | None = None
    portfolio: Callable[[Any, list[dict]], list[str]] | None = None
    check: Callable[[Any, Any], None] | None = None
    archived: Callable[[Any, Any, dict], None] | None = None
    flags: Callable[[Any], list] | None = None
    attachments: dict[str, Callable[[dict], str]] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    on_review: Callable[[Any, Any, str], list[str]] | None = None
    measures: dict[str, tuple[str, str, Callable[[Any, Any], tuple[float | None, str]]]] = field(default_factory=dict)
    review_section: Callable[[Any, Any, Any], dict | None] | None = None
    reads: Callable[[Any, Any], list[str]] | None = None

    @property
    def template(self) -> Traversable:
        """The process's notebook template, found inside its own package."""
        return files(self.package) / TEMPLATE

    def results(self, request, workspace) -> BaseModel:
        """The results of a run request, computed by ``assess``."""
        from inspect import signature

        if len(signature(self.assess).parameters) >= 3:
            return self.assess(request.answers, workspace, request)
        return self.assess(request.answers, workspace)

    def load(self, dotted: str) -> Any:
        """Import ``module`` or ``module:attribute`` named by this process (lazily)."""
        from importlib import import_module

        module, _, attribute = dotted.partition(":")
        loaded = import_module(module)
        return getattr(loaded, attribute) if attribute else loaded


class PluginError(WorkbenchError):
    """An installed process that breaks the contract; it is refused and the others keep working."""

    def __init__(self, package: str, entry: str, reason: str):
        self.package = package
        self.entry = entry
        self.reason = reason
        super().__init__(f"process {entry!r} from package {package!r} is refused: {reason}")


def _package(point: EntryPoint) -> str:
    dist = getattr(point, "dist", None)
    return dist.name if dist is not None else point.value.partition(":")[0]


def _load(point: EntryPoint, package: str) -> Process:
    """Load one entry point of ``package`` and check it honours the contract; raise ``PluginError`` naming it."""
    try:
        process = point.load()
    except Exception as err:  # any import error of a third-party package: refuse it, keep the others
        raise PluginError(package, point.name, f"cannot be imported ({type(err).__name__}: {err})") from None
    if not isinstance(process, Process):
        raise PluginError(package, point.name, f"{point.value} is a {type(process).__name__}, not a workbench Process")
    if process.name != point.name:
        raise PluginError(package, point.name, f"its entry point is named {point.name!r} but the process {process.name!r}")
    # the name and the code end up in folder names and run ids; a settings section is a configuration key
    if not re.fullmatch(SLUG_PATTERN, process.name):
        raise PluginError(package, point.name, f"its name {process.name!r} is not a safe slug such as 'risk-assessment'")
    if not re.fullmatch(RUN_ID_CODE, str(process.code)):
        raise PluginError(package, point.name, f"its run-id code {process.code!r} is not 1 to 8 lowercase letters")
    if not (isinstance(process.answers, type) and issubclass(process.answers, BaseModel)):
        raise PluginError(package, point.name, "answers is not a pydantic model class")
    if process.subject not in SUBJECTS:
        raise PluginError(package, point.name, f"subject {process.subject!r} is not one of {', '.join(SUBJECTS)}")
    if process.subject == "item" and not re.fullmatch(SLUG_PATTERN, str(process.item_kind)):
        raise PluginError(package, point.name, "a process about items names their item_kind, a slug such as 'supplier'")
    if process.settings is not None and not (
            re.fullmatch(SETTINGS_SECTION, str(process.settings[0]))
            and isinstance(process.settings[1], type) and issubclass(process.settings[1], BaseModel)):
        raise PluginError(package, point.name, "settings is not (section name in lowercase snake case, "
                                               "pydantic model class)")
    if not (isinstance(process.records, dict) and all(
            isinstance(kind, str) and re.fullmatch(SLUG_PATTERN, kind) and callable(rows)
            for kind, rows in process.records.items())):
        raise PluginError(package, point.name, "records is not {ledger kind (a slug): function of an entry}")
    if not (isinstance(process.acts, dict) and set(process.acts) == set(process.records)
            and all(isinstance(act, Act) for act in process.acts.values())):
        raise PluginError(package, point.name, "acts is not {ledger kind: Act} for each kind of its records "
                                               "(who acts, and the roles they need)")
    if not (isinstance(process.attachments, dict) and all(
            isinstance(name, str) and re.fullmatch(ATTACHMENT, name) and name not in CORE_FILES and callable(make)
            for name, make in process.attachments.items())):
        raise PluginError(package, point.name, "attachments is not {file name such as 'public-card.html': function "
                                               "of a record}, or names a file every run archives")
    if not (isinstance(process.inputs, tuple) and all(isinstance(n, str) and re.fullmatch(SLUG_PATTERN, n)
                                                      for n in process.inputs)):
        raise PluginError(package, point.name, "inputs is not a tuple of process names")
    try:
        found = process.template.is_file()
    except Exception:  # no such package, or a module that is not a package: no template either way
        found = False
    if not found:
        raise PluginError(package, point.name, f"its template {TEMPLATE} is missing from package {process.package!r}")
    return process


def _claims(process: Process) -> list[tuple[str, str]]:
    """What a process takes that no other may: its name, run-id code, settings section, table names,
    ledger kinds and register measures."""
    claims = [("name", process.name), ("run-id code", process.code)]
    if process.settings:
        claims.append(("settings section", process.settings[0]))
    return (claims + [("table", t.__tablename__) for t in process.tables]
            + [("ledger kind", kind) for kind in process.records]
            + [("register measure", name) for name in process.measures])


@lru_cache(maxsize=1)
def discover() -> tuple[dict[str, Process], tuple[PluginError, ...]]:
    """Every installed process by name, and the plug-ins refused (each naming its package).

    The workbench's own processes are loaded first, so a plug-in that reuses one of their names,
    run-id codes, settings sections or table names is the one refused.
    """
    from workbench.config import Configuration
    from workbench.pipeline.indexing import CORE_KINDS, EVIDENCE_KINDS
    from workbench.register import CORE_TABLES

    core_settings = set(Configuration.model_fields) | {name for name in dir(Configuration) if not name.startswith("_")}
    # a distribution's name is parsed from its metadata: once per entry point, not per use
    points = sorted(((point, _package(point)) for point in entry_points(group=ENTRY_POINT_GROUP)),
                    key=lambda found: (found[1] != "aims-workbench", found[0].name))
    taken = {("settings section", key): "the core configuration" for key in core_settings}
    taken.update({("table", name): "the core register" for name in CORE_TABLES})
    taken.update({("ledger kind", kind): "the core ledger" for kind in (*CORE_KINDS, *EVIDENCE_KINDS)})
    found: dict[str, Process] = {}
    refused: list[PluginError] = []
    for point, package in points:
        try:
            process = _load(point, package)
            clashes = [f"the {kind} {key!r} is taken by {taken[kind, key]}" for kind, key in _claims(process)
                       if (kind, key) in taken]
            if clashes:
                raise PluginError(package, point.name, "; ".join(clashes))
        except PluginError as err:
            refused.append(err)
            continue
        found[process.name] = process
        taken.update({claim: f"package {package!r}" for claim in _claims(process)})
    return dict(sorted(found.items())), tuple(refused)


def processes() -> dict[str, Process]:
    """Every installed process that honours the contract, by name."""
    return discover()[0]


def refused() -> tuple[PluginError, ...]:
    """The installed processes refused at discovery, each naming its package and why."""
    return discover()[1]


def get_process(name: str) -> Process:
    """Return the process called ``name``, or raise ``InputError`` listing the known ones."""
    known = processes()
    if name in known:
        return known[name]
    for err in refused():
        if err.entry == name:
            raise InputError.single("process", name, str(err))
    raise InputError.single("process", name, f"unknown process; allowed: {', '.join(known) or 'none installed'}")


def process_tables() -> dict[str, type]:
    """The register tables of every installed process, by table name."""
    return {t.__tablename__: t for p in processes().values() for t in p.tables}
