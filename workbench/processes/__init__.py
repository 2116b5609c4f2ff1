"""The registry of AIMS processes, fed by the ``workbench.processes`` entry point group."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Callable

from pydantic import BaseModel

from workbench.exceptions import InputError

ENTRY_POINT_GROUP = "workbench.processes"


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
        The ISO/IEC 42001 clauses the process serves.
    package : str
        The process's package, which holds its template as ``template.ipynb``.
    answers : type of BaseModel
        The model that validates answers.
    assess : callable
        ``assess(answers, workspace) -> BaseModel`` computes every result.
    report : str
        Module whose functions draw the evidence sections, e.g. ``workbench.processes.risk_assessment.report``.
    form : str
        ``module:Class`` of the widget form, imported only in a kernel that shows it.
    index : callable
        ``index(results) -> {table: [row, ...]}``: the register rows a run adds besides its
        evidence record (for example one row per risk).
    breaches : callable
        ``breaches(results) -> [message, ...]``: thresholds the results breach; a periodic review
        opens a nonconformity for each.
    scope : str
        ``system`` for a run about one registered AI system, ``organisation`` for an
        organisation-wide run (its subject is the reserved id ``organisation``).
    role : str
        The role the person running it must hold (``assessor``; ``auditor`` for an audit).
    check : callable, optional
        ``check(workspace, request)`` checks answers against the register before anything runs
        (references, impartiality) and raises ``InputError``.
    archived : callable, optional
        ``archived(workspace, evidence, results)`` acts on a run once it is archived and
        registered (for example an audit opens its nonconformities).
    """

    name: str
    code: str
    title: str
    clauses: tuple[str, ...]
    package: str
    answers: type[BaseModel]
    assess: Callable[[Any, Any], BaseModel]
    report: str
    form: str
    index: Callable[[dict], dict[str, list[dict]]] = lambda _results: {}
    breaches: Callable[[dict], list[str]] = lambda _results: []
    scope: str = "system"
    role: str = "assessor"
    check: Callable[[Any, Any], None] | None = None
    archived: Callable[[Any, Any, dict], None] | None = None

    @property
    def template(self) -> Traversable:
        """The process's notebook template, found inside its own package."""
        return files(self.package) / "template.ipynb"

    def load(self, dotted: str) -> Any:
        """Import ``module`` or ``module:attribute`` named by this process (lazily)."""
        from importlib import import_module

        module, _, attribute = dotted.partition(":")
        loaded = import_module(module)
        return getattr(loaded, attribute) if attribute else loaded


@lru_cache(maxsize=1)
def processes() -> dict[str, Process]:
    """Every installed process by name."""
    found = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        process = point.load()
        found[process.name] = process
    return dict(sorted(found.items()))


def get_process(name: str) -> Process:
    """Return the process called ``name``, or raise ``InputError`` listing the known ones."""
    named = entry_points(group=ENTRY_POINT_GROUP, name=name)
    if named and (process := next(iter(named)).load()).name == name:
        return process  # loads one process, not all of them (a kernel needs only its own)
    known = processes()
    if name not in known:
        raise InputError.single("process", name, f"unknown process; allowed: {', '.join(known) or 'none installed'}")
    return known[name]
