"""The workspace configuration: organisation, people and roles, tiers, the review policy, the time-stamping
authority that anchors the ledger, and one section per installed process that has settings (``risk_criteria``, ...)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, create_model, field_validator, model_validator

from workbench.exceptions import InputError
from workbench.validate import Slug, Strict, repeated_ids

if TYPE_CHECKING:
    from cryptography import x509

ROLES = ("aims_manager", "assessor", "reviewer", "approver", "auditor", "top_management", "system_owner", "scheduler")
SCHEDULER = "scheduler"  # the role of the identity that records the periodic review's recalculations, never a person's
SCHEDULER_PERSON = {"id": "scheduler", "name": "Review scheduler", "email": "", "roles": [SCHEDULER]}


def role_title(role: str) -> str:
    """A role as people write it in a sentence: ``aims_manager`` is "AIMS manager", ``top_management`` "top management"."""
    return " ".join("AIMS" if word == "aims" else word for word in role.split("_"))


class Organisation(Strict):
    """Who runs this AI management system."""

    name: str = Field(min_length=1, max_length=200)
    scope: str = Field(default="", max_length=2000)


class Person(Strict):
    """Someone who takes part in the AIMS, with the roles they hold."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=200)
    roles: list[Literal[ROLES]] = Field(min_length=1)  # type: ignore[valid-type]
    keys: list[str] = Field(default_factory=list, max_length=10,
                            description="OpenSSH public keys (ssh-ed25519 ...) whose signatures are this person's acts")
    hub_user: str = Field(default="", max_length=200, pattern=r"^[^\s/]*$",
                          description="their JupyterHub user name, when it is not their id: under JupyterHub "
                                      "the hub's signed-in user acts as this person and no other")

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        from workbench.signing import parse_public_key

        for line in value:
            parse_public_key(line)
        return [" ".join(line.split()[:2]) for line in value]


class ReviewPolicy(Strict):
    """When AI systems are assessed again: an interval per tier, and events that make a review due early."""

    interval_months: dict[str, int] = Field(
        default_factory=lambda: {"high": 3, "medium": 6, "low": 12},
        description="months between reviews, per tier")
    grace_days: int = Field(default=14, ge=0, le=365, description="days after the due date before a review is overdue")
    future_days: int = Field(default=3, ge=0, le=31,
                             description="days after today an effective date may lie (a later one would silence reviews)")
    processes: list[Slug] = Field(default_factory=lambda: periodic_processes(), min_length=1,
                                  description="the processes a periodic review runs for each system "
                                              "(default: those that declare themselves periodic)")
    triggers: list[Slug] = Field(default_factory=lambda: ["new-model-version", "new-dataset", "incident"],
                                 description="event kinds that make a review due at once")
    scheduler: Slug = Field(default="scheduler", description="id of the scheduler identity (an entry of people holding "
                                                             "the scheduler role only) recorded as the assessor of "
                                                             "the periodic review's recalculations")

    @model_validator(mode="before")
    @classmethod
    def _no_reviewer(cls, data):
        """Configurations written before the scheduler identity carry an empty ``reviewer``; a named one
        would record a person for a run they did not make."""
        if isinstance(data, dict) and "reviewer" in data:
            if data["reviewer"]:
                raise ValueError("reviewer is replaced by scheduler: scheduled runs are recorded as the "
                                 "scheduler's recalculations, never as a person's assessment; remove it")
            data = {k: v for k, v in data.items() if k != "reviewer"}
        return data

    @field_validator("interval_months")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        for tier, months in value.items():
            if not 1 <= months <= 60:
                raise ValueError(f"interval for tier {tier!r} must be 1 to 60 months")
        return value


# each responsibility of a system's RACI, with the roles one of which its people must hold
RESPONSIBILITIES = {
    "owner": ("system_owner", "aims_manager"),
    "assessors": ("assessor",),
    "approvers": ("reviewer", "approver"),
    "monitoring": ("assessor", "system_owner"),
    "incident_contacts": ("aims_manager", "system_owner"),
}


class Responsibilities(Strict):
    """Who does what for one AI system (ISO/IEC 42001 5.3, A.3.2): its owner (accountable), who assesses
    it, who approves its records, who monitors it in production and who is contacted about its incidents.

    A list left empty keeps the role rules alone for that responsibility.
    """

    owner: Slug = Field(description="person id of who is accountable for the AI system")
    assessors: list[Slug] = Field(default_factory=list, max_length=50,
                                  description="person ids of who runs its assessments (the forms offer only them)")
    approvers: list[Slug] = Field(default_factory=list, max_length=50,
                                  description="person ids of who signs off its records (nobody else may)")
    monitoring: list[Slug] = Field(default_factory=list, max_length=50,
                                   description="person ids of who monitors it in production")
    incident_contacts: list[Slug] = Field(default_factory=list, max_length=50,
                                          description="person ids of who is contacted about its incidents")

    def people(self, responsibility: str) -> list[str]:
        """The person ids holding ``responsibility`` (one of :data:`RESPONSIBILITIES`)."""
        value = getattr(self, responsibility)
        return [value] if isinstance(value, str) else list(value)


class Anchoring(Strict):
    """The RFC 3161 time-stamping authority (TSA) that ``workbench anchor`` asks to timestamp the ledger head.

    ``certificates`` is inline PEM (a YAML block after ``|``), not a path: the CA certificates the
    TSA's own certificate chains to, up to and including a root. A token is trusted only if it
    chains to one of them.
    """

    tsa_url: str = Field(pattern=r"^https?://\S+$", max_length=2000,
                         description="where timestamp requests are POSTed (application/timestamp-query)")
    certificates: str = Field(min_length=1, max_length=200_000,
                              description="PEM certificates of the TSA's CA chain, up to and including a root")

    @field_validator("certificates")
    @classmethod
    def _pem(cls, value: str) -> str:
        from cryptography import x509  # not imported with the configuration: only where anchors are used

        try:
            x509.load_pem_x509_certificates(value.encode())
        except ValueError:
            raise ValueError("must be one or more PEM certificates (-----BEGIN CERTIFICATE----- ...)") from None
        return value

    def trusted(self) -> list[x509.Certificate]:
        """The pinned certificates."""
        from cryptography import x509

        return x509.load_pem_x509_certificates(self.certificates.encode())


class Configuration(Strict):
    """Everything about an organisation's AIMS that the workbench needs, kept in the workspace."""

    organisation: Organisation
    people: list[Person] = Field(min_length=1)
    tiers: list[Slug] = Field(default_factory=lambda: ["high", "medium", "low"], min_length=1)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    evidence_charts: Literal["static", "interactive"] = Field(
        default="static", description="charts in evidence HTML: static SVG (small, no script) or interactive plotly")
    register_url: str = Field(default="", description="SQLAlchemy URL; empty: register.db in the workspace")
    anchor: Anchoring | None = Field(default=None, description="the time-stamping authority for 'workbench anchor'; "
                                                               "none: the ledger head is not anchored")
    responsibilities: dict[Slug, Responsibilities] = Field(
        default_factory=dict, description="the RACI of each AI system, by system id: its owner, assessors, approvers, "
                                          "monitoring and incident contacts; a system without one keeps the role rules")

    @model_validator(mode="after")
    def _unique_people(self) -> "Configuration":
        ids = [p.id for p in self.people]
        dupes = repeated_ids(ids)
        if dupes:
            raise ValueError(f"people: duplicate ids {dupes}")
        hub = repeated_ids([p.hub_user or p.id for p in self.people])
        if hub:
            raise ValueError(f"people: JupyterHub user(s) {', '.join(hub)} would be more than one person "
                             "(a person's hub_user, else their id, names one person)")
        pinned = repeated_ids([key for p in self.people for key in p.keys])
        if pinned:
            raise ValueError(f"people: a key is pinned for more than one person ({pinned[0][:40]}...); "
                             "a signature must name one person")
        missing = [t for t in self.tiers if t not in self.review.interval_months]
        if missing:
            raise ValueError(f"review.interval_months has no interval for tier(s) {', '.join(missing)}")
        for holder in self.people_with(SCHEDULER):
            if holder.id != self.review.scheduler:
                raise ValueError(f"people: {holder.id} holds the scheduler role, which only review.scheduler "
                                 f"({self.review.scheduler}) holds")
            if holder.roles != [SCHEDULER]:
                raise ValueError(f"people: the scheduler identity {holder.id} holds no other role than scheduler")
        scheduler = next((p for p in self.people if p.id == self.review.scheduler), None)
        if scheduler is not None and SCHEDULER not in scheduler.roles:
            raise ValueError(f"review.scheduler {scheduler.id!r} does not hold the scheduler role; it names the "
                             "scheduler identity, not a person")
        self._check_responsibilities()
        from workbench.processes import processes

        reviewable = [name for name, p in processes().items() if p.subject != "organisation"]
        unknown = [name for name in self.review.processes if name not in reviewable]
        if unknown:
            raise ValueError(f"review.processes: {', '.join(unknown)} cannot be reviewed per system; "
                             f"allowed: {', '.join(reviewable)}")
        return self

    def _check_responsibilities(self) -> None:
        """Everyone a RACI names is a person (not the scheduler identity) holding a role the responsibility allows."""
        people = {p.id: p for p in self.persons()}
        for system_id, raci in self.responsibilities.items():
            for responsibility, roles in RESPONSIBILITIES.items():
                where = f"responsibilities.{system_id}.{responsibility}"
                named = raci.people(responsibility)
                if repeated_ids(named):
                    raise ValueError(f"{where}: names {', '.join(repeated_ids(named))} twice")
                for person_id in named:
                    if person_id not in people:
                        raise ValueError(f"{where}: {person_id!r} is not a person; allowed: {', '.join(people)}")
                    if not set(roles) & set(people[person_id].roles):
                        allowed = ", ".join(p.id for p in people.values() if set(roles) & set(p.roles)) or "nobody"
                        needs = " or ".join(map(role_title, roles))
                        raise ValueError(f"{where}: {person_id} holds {', '.join(people[person_id].roles)}, and "
                                         f"{responsibility.replace('_', ' ')} needs {needs}; people who may: {allowed}")

    def responsible(self, system_id: str, responsibility: str) -> list[str] | None:
        """The people a system's RACI names for ``responsibility``, or ``None`` when it names nobody (the
        role rules alone apply)."""
        raci = self.responsibilities.get(system_id)
        return (raci.people(responsibility) or None) if raci else None

    def person(self, person_id: str) -> Person:
        """Return the person with this id (``KeyError`` if unknown)."""
        return {p.id: p for p in self.people}[person_id]

    def people_with(self, role: str) -> list[Person]:
        """Everyone who holds ``role``."""
        return [p for p in self.people if role in p.roles]

    def persons(self) -> list[Person]:
        """The people who can answer, own and act: everyone but the scheduler identity."""
        return [p for p in self.people if SCHEDULER not in p.roles]

    def scheduler(self) -> Person:
        """The scheduler identity (``review.scheduler``); an ``InputError`` if the configuration has none."""
        found = {p.id: p for p in self.people_with(SCHEDULER)}
        if self.review.scheduler not in found:
            raise InputError.single("review.scheduler", self.review.scheduler,
                                    "is not in people; add {id: scheduler, name: Review scheduler, roles: [scheduler]} "
                                    "so that the periodic review records its runs under its own identity")
        return found[self.review.scheduler]


def periodic_processes() -> list[str]:
    """The processes that declare the periodic review re-runs them."""
    from workbench.processes import processes

    return [name for name, p in processes().items() if p.periodic]


@lru_cache(maxsize=1)
def configuration_model() -> type[Configuration]:
    """The configuration model of this installation: the core, and each process's settings section."""
    from workbench.processes import processes

    sections = {p.settings[0]: (p.settings[1], Field(default_factory=p.settings[1]))
                for p in processes().values() if p.settings}
    return create_model("Configuration", __base__=Configuration, __doc__=Configuration.__doc__, **sections)


def default_configuration(organisation: str, keys: list[str] = ()) -> dict:
    """A starting configuration a user edits, with every process's settings at their defaults; its one
    person, the AIMS manager, has the public ``keys`` (and under JupyterHub is the hub's user, who makes it)."""
    import os

    from workbench.processes import processes

    sections = {p.settings[0]: p.settings[1]().model_dump(mode="json") for p in processes().values() if p.settings}
    manager = {"id": "aims-manager", "name": "AIMS manager", "email": "",
               "roles": ["aims_manager", "assessor", "reviewer"], "keys": list(keys)}
    hub = os.environ.get("JUPYTERHUB_USER", "")
    return {
        "organisation": {"name": organisation, "scope": ""},
        "people": [manager | ({"hub_user": hub} if hub else {}), SCHEDULER_PERSON],
        "tiers": ["high", "medium", "low"],
        "review": ReviewPolicy().model_dump(mode="json"),
        **sections,
        "register_url": "",
    }
