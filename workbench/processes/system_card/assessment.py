"""The system card of one AI system (ISO/IEC 42001 A.8.2, A.6.2.7, A.8.5): what only people know
(intended and prohibited uses, users, oversight, limitations, how to raise a concern, which fields are
public), and what the register and the system's latest records say, each fact dated."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from workbench.exceptions import InputError
from workbench.processes.system_card.facts import Facts, assemble
from workbench.processes.system_card.public import PUBLIC_FIELDS, PublicCard, leaks, public_card
from workbench.validate import Strict, known_person, repeated_ids

NAME = "system-card"
Use = Annotated[str, Field(min_length=1, max_length=500)]


class SystemCardAnswers(Strict):
    """What the people responsible for the system state on its card."""

    intended_uses: list[Use] = Field(min_length=1, max_length=30, description="what the system is meant to be used for")
    prohibited_uses: list[Use] = Field(min_length=1, max_length=30, description="uses it must not be put to")
    users: list[Use] = Field(min_length=1, max_length=30, description="who uses it: roles, teams, customers")
    affected: list[Use] = Field(default_factory=list, max_length=30,
                                description="who is affected by it; empty: the register's affected stakeholders")
    human_oversight: str = Field(min_length=1, max_length=5000, description="how people oversee it and step in")
    oversight_owner: str = Field(min_length=1, max_length=64,
                                 description="person id of who is accountable for the oversight (never public)")
    limitations: list[Use] = Field(min_length=1, max_length=30, description="known limitations")
    raise_concern: str = Field(min_length=1, max_length=2000,
                               description="how anyone raises a concern about it: a web form, a phone line, a team")
    internal_notes: str = Field(default="", max_length=5000, description="notes for staff only (never public)")
    public: list[Literal[PUBLIC_FIELDS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="the fields the organisation publishes on the public card")

    _owner = field_validator("oversight_owner")(known_person)

    @field_validator("public")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        if repeated_ids(value):
            raise ValueError(f"each field is named once; repeated: {', '.join(repeated_ids(value))}")
        return value


class SystemCardResults(BaseModel):
    """The card as of its effective date: the system, the dated facts, what is stale, and the public card."""

    organisation: str
    system: dict
    version: int
    effective_date: date
    facts: Facts
    stale: list[str] = Field(description="each input that is missing or older than the review interval")
    public: PublicCard


def stale_inputs(facts: Facts) -> list[str]:
    """Each source older than the review interval, and each input with no record, in words."""
    old = [f"{s.process}{f' of {s.item_id}' if s.item_id else ''} {s.run_id} of {s.effective_date.isoformat()} is "
           f"older than the review interval ({facts.interval_months} months)" for s in facts.sources if s.stale]
    return old + [f"no {name} is recorded" for name in facts.missing]


def assess(answers: SystemCardAnswers, workspace, request) -> SystemCardResults:
    """Assemble the card from the answers, the register and the system's latest records."""
    system = request.system.model_dump(mode="json")
    facts = assemble(workspace, request.system, request.effective_date)
    version = 1 + sum(r["status"] != "failed" for r in workspace.register.evidence_list(request.system.id, NAME))
    organisation = workspace.config.organisation.name
    return SystemCardResults(
        organisation=organisation, system=system, version=version, effective_date=request.effective_date,
        facts=facts, stale=stale_inputs(facts),
        public=public_card(answers.model_dump(mode="json"), system, facts, organisation, version,
                           request.effective_date))


def check(workspace, request) -> None:
    """Before anything runs: the public card names no person, e-mail address or path."""
    card = assess(request.answers, workspace, request).public
    problems = leaks(card, workspace.config.persons(), str(workspace.root))
    if problems:
        raise InputError(problems)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per card: its version, its stale inputs and what it publishes."""
    public = [name for name in PUBLIC_FIELDS if results["public"].get(name) is not None]
    return {"system_cards": [{"version": results["version"], "stale_inputs": len(results["stale"]),
                              "public_fields": public}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    stale = len(results["stale"])
    return (f"version {results['version']}; " + (f"{stale} stale input(s)" if stale else "inputs current")
            + f"; {sum(results['public'].get(n) is not None for n in PUBLIC_FIELDS)} public field(s)")
