"""A run request: the validated parameters of one process run, checked before anything runs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import BaseModel

from workbench.config import SCHEDULER
from workbench.pipeline.archive import canonical_json
from workbench.exceptions import InputError
from workbench.processes import Process, get_process
from workbench.records.identity import acting_person
from workbench.signing import Signer
from workbench.systems import ORGANISATION, AISystem, Item
from workbench.validate import load_data, model_from, require_slug
from workbench.workspace import Workspace

PERIOD = re.compile(r"^(?!0000)\d{4}(?:-(?:Q[1-4]|H[12]|0[1-9]|1[0-2]))?$")  # year 0000 has no days
PERIOD_RULE = "a year, half, quarter or month: 2026, 2026-H2, 2026-Q4 or 2026-11 (of a year from 0001)"


@dataclass(frozen=True)
class RunRequest:
    """Everything one run needs, already validated."""

    process: Process
    system: AISystem
    answers: BaseModel
    period: str
    assessor: str
    effective_date: date
    item: Item | None = None
    signer: Signer | None = None
    # a scheduler's run: the record whose answers it recalculates unchanged, and the person behind them
    recalculates: str = ""
    answers_by: str = ""

    @property
    def item_id(self) -> str:
        """The id of the item the run is about, or ``""`` for a run about the system or organisation."""
        return self.item.id if self.item else ""

    @property
    def subject_path(self) -> str:
        """Where the subject's records live under ``evidence/``: its versions are siblings there."""
        parts = [self.system.id, self.process.name] + ([self.item.id] if self.item else [])
        return "/".join(parts)

    @property
    def answers_json(self) -> dict:
        return self.answers.model_dump(mode="json")

    @property
    def answers_sha256(self) -> str:
        return hashlib.sha256(canonical_json(self.answers_json)).hexdigest()


def quarter_of(day: date) -> str:
    """The quarter a date falls in, as ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def build_request(workspace: Workspace, process: str | Process, system_id: str, answers: Any,
                  period: str = "", assessor: str = "", effective_date: str | date = "",
                  item_id: str = "", signed: bool = True) -> RunRequest:
    """Validate every parameter of a run; raise ``InputError`` naming the first bad field.

    ``answers`` may be a dict, a JSON string, or a path to a YAML or JSON file; ``item_id`` names
    the item of the system a process about items is run for. The assessor is who signs (see
    :func:`~workbench.records.identity.acting_person`); ``signed=False`` only checks the person
    named, for the template's kernel, which renders a run its caller signs. An assessor holding the
    scheduler role makes the run a recalculation: its answers must be those of the subject's latest
    record a person stands behind, unchanged.
    """
    proc = process if isinstance(process, Process) else get_process(process)
    system = subject(workspace, proc, system_id)
    item = subject_item(workspace, proc, system, item_id)
    data = load_data(answers)
    parsed = model_from(proc.answers, data, context=workspace.validation_context(), what="answers")
    day = _date("effective_date", effective_date) if effective_date else date.today()
    workspace.check_not_ahead("effective_date", day)
    period = period or quarter_of(day)
    if not isinstance(period, str) or not PERIOD.fullmatch(period):
        raise InputError.single("period", period, f"must be {PERIOD_RULE}")
    people = {p.id: p for p in workspace.config.people}
    signer = acting_person(workspace, assessor, "assessor", role=proc.role) if signed else None
    who = signer.id if signer else assessor
    if who not in people:
        raise InputError.single("assessor", who, f"is not a person in the configuration; allowed: {', '.join(people)}")
    request = RunRequest(proc, system, parsed, period, who, day, item, signer=signer)
    if SCHEDULER in people[who].roles:
        request = _recalculation(workspace, request)
    elif proc.role not in people[who].roles:
        allowed = ", ".join(p.id for p in workspace.config.people_with(proc.role)) or "nobody holds it yet"
        raise InputError.single("assessor", who, f"does not hold the {proc.role} role; people who do: {allowed}")
    if not request.recalculates:
        _responsible(workspace, request)
    if proc.check is not None:
        proc.check(workspace, request)
    return request


def _responsible(workspace: Workspace, request: RunRequest) -> None:
    refusal = raci_refusal(workspace.config, request.process, request.system.id, request.assessor)
    if refusal:
        raise InputError.single("assessor", request.assessor, refusal)


def raci_refusal(config, process: Process, system_id: str, assessor: str) -> str | None:
    """Why ``assessor`` may not assess ``system_id``: a system whose RACI names assessors is assessed by them
    alone; processes run in another role (an incident report, by an AIMS manager) keep their role rule."""
    if process.role != "assessor" or process.subject == "organisation":
        return None
    allowed = config.responsible(system_id, "assessors")
    if allowed is None or assessor in allowed:
        return None
    return f"responsibilities: the RACI of {system_id} names who assesses it: {', '.join(allowed)}"


def _recalculation(workspace: Workspace, request: RunRequest) -> RunRequest:
    """The scheduler's run: the same answers as the latest record a person stands behind, nothing else."""
    source = workspace.register.latest_evidence(request.system.id, request.process.name, request.item_id,
                                                assessed=True)
    if source is None:
        raise InputError.single("assessor", request.assessor, "is the scheduler, which only recalculates the answers "
                                "of a person's earlier record; there is none for this subject: a person assesses it")
    if source["answers_sha256"] != request.answers_sha256:
        raise InputError.single("assessor", request.assessor, f"is the scheduler, which only recalculates the answers "
                                f"of {source['run_id']} unchanged; other answers are a person's assessment")
    return replace(request, recalculates=source["run_id"], answers_by=source["confirmed_by"] or source["assessor"])


def subject(workspace: Workspace, process: Process, system_id: str) -> AISystem:
    """What a run is about: a registered AI system, or the organisation for an organisation-wide process.

    An organisation-wide process takes ``system_id`` empty or ``organisation``; its subject is
    not registered as an AI system, so it never shows among the systems.
    """
    if process.subject != "organisation":
        return workspace.register.system(require_slug("system", system_id))
    if system_id not in ("", ORGANISATION):
        raise InputError.single("system", system_id,
                                f"{process.name} is organisation-wide; leave the system out or give '{ORGANISATION}'")
    config = workspace.config
    manager = next(iter(config.people_with("aims_manager")), config.people[0])
    return AISystem.model_construct(
        id=ORGANISATION, name=config.organisation.name, owner=manager.id,
        purpose=config.organisation.scope or "the AI management system", lifecycle_stage="operation-monitoring",
        deployment_context=config.organisation.scope, affected_stakeholders=[], personal_data_categories=[],
        tier="")


def subject_item(workspace: Workspace, process: Process, system: AISystem, item_id: str) -> Item | None:
    """The item of ``system`` a run is about, for a process about items; ``None`` for any other process."""
    if process.subject != "item":
        if item_id:
            raise InputError.single("item", item_id, f"{process.name} is about the {process.subject} itself; "
                                    "leave the item out")
        return None
    if not item_id:
        known = ", ".join(i.id for i in workspace.register.items(system.id, process.item_kind)) or "none registered yet"
        raise InputError.single("item", item_id, f"{process.name} is about a {process.item_kind} of the system: "
                                f"name one; registered for {system.id}: {known}")
    return workspace.register.item(system.id, require_slug("item", item_id), process.item_kind)


def _date(field: str, value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError.single(field, value, "must be a date written YYYY-MM-DD") from None
