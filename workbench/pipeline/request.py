"""A run request: the validated parameters of one process run, checked before anything runs."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from workbench.pipeline.archive import canonical_json
from workbench.exceptions import InputError
from workbench.processes import Process, get_process
from workbench.systems import ORGANISATION, AISystem
from workbench.validate import load_data, model_from, require_slug
from workbench.workspace import Workspace

PERIOD = re.compile(r"^\d{4}(?:-(?:Q[1-4]|H[12]|0[1-9]|1[0-2]))?$")
PERIOD_RULE = "a year, half, quarter or month: 2026, 2026-H2, 2026-Q4 or 2026-11"


@dataclass(frozen=True)
class RunRequest:
    """Everything one run needs, already validated."""

    process: Process
    system: AISystem
    answers: BaseModel
    period: str
    assessor: str
    effective_date: date

    @property
    def answers_json(self) -> dict:
        return self.answers.model_dump(mode="json")

    @property
    def answers_sha256(self) -> str:
        return hashlib.sha256(canonical_json(self.answers_json)).hexdigest()


def current_user() -> str:
    """Who is acting: ``JUPYTERHUB_USER`` if set, else the operating-system user."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def quarter_of(day: date) -> str:
    """The quarter a date falls in, as ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def build_request(workspace: Workspace, process: str | Process, system_id: str, answers: Any,
                  period: str = "", assessor: str = "", effective_date: str | date = "") -> RunRequest:
    """Validate every parameter of a run; raise ``InputError`` naming the first bad field.

    ``answers`` may be a dict, a JSON string, or a path to a YAML or JSON file.
    """
    proc = process if isinstance(process, Process) else get_process(process)
    system = subject(workspace, proc, system_id)
    data = load_data(answers)
    parsed = model_from(proc.answers, data, context=workspace.validation_context(), what="answers")
    day = _date("effective_date", effective_date) if effective_date else date.today()
    period = period or quarter_of(day)
    if not isinstance(period, str) or not PERIOD.fullmatch(period):
        raise InputError.single("period", period, f"must be {PERIOD_RULE}")
    who = assessor or current_user()
    people = {p.id: p for p in workspace.config.people}
    if who not in people:
        raise InputError.single("assessor", who, f"is not a person in the configuration; allowed: {', '.join(people)}")
    if proc.role not in people[who].roles:
        allowed = ", ".join(p.id for p in workspace.config.people_with(proc.role)) or "nobody holds it yet"
        raise InputError.single("assessor", who, f"does not hold the {proc.role} role; people who do: {allowed}")
    request = RunRequest(proc, system, parsed, period, who, day)
    if proc.check is not None:
        proc.check(workspace, request)
    return request


def subject(workspace: Workspace, process: Process, system_id: str) -> AISystem:
    """What a run is about: a registered AI system, or the organisation for an organisation-wide process.

    An organisation-wide process takes ``system_id`` empty or ``organisation``; its subject is
    not registered as an AI system, so it never shows among the systems.
    """
    if process.scope == "system":
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


def _date(field: str, value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError.single(field, value, "must be a date written YYYY-MM-DD") from None
