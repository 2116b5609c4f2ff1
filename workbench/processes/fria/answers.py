"""What a deployer records in a fundamental rights impact assessment (EU AI Act Art. 27(1)(a) to (f)):
the answers model, with the rules between its parts (every risk of harm has a measure, every reference
names something the assessment holds)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from workbench.validate import RUN_ID_PATTERN, RUN_ID_RULE, Slug, Strict, known_person, repeated_ids

# the rights of the Charter of Fundamental Rights of the EU (its articles) a credit, hiring or service decision
# most often touches
RIGHTS = {
    "human-dignity": "Human dignity (Art. 1)",
    "private-life": "Respect for private and family life (Art. 7)",
    "data-protection": "Protection of personal data (Art. 8)",
    "expression-information": "Freedom of expression and information (Art. 11)",
    "occupation": "Freedom to choose an occupation and right to engage in work (Art. 15)",
    "non-discrimination": "Non-discrimination (Art. 21)",
    "equality-women-men": "Equality between women and men (Art. 23)",
    "rights-of-the-child": "The rights of the child (Art. 24)",
    "rights-of-the-elderly": "The rights of the elderly (Art. 25)",
    "persons-with-disabilities": "Integration of persons with disabilities (Art. 26)",
    "working-conditions": "Fair and just working conditions (Art. 31)",
    "social-security": "Social security and social assistance (Art. 34)",
    "consumer-protection": "Consumer protection (Art. 38)",
    "good-administration": "Right to good administration (Art. 41)",
    "effective-remedy": "Right to an effective remedy and to a fair trial (Art. 47)",
}
ShortId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$")]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
GROUP = re.compile(r"[^=]{1,100}=.{1,200}")


def check_group(value: str) -> str:
    """A group of a fairness measurement, written ``attribute=group``."""
    if not GROUP.fullmatch(value):
        raise ValueError("must be a sensitive attribute and one of its groups written attribute=group, "
                         "like age_band=55+")
    return value


Group = Annotated[str, AfterValidator(check_group)]


class UseProcess(Strict):
    """(a) One of the deployer's processes in which the system is used."""

    name: Line = Field(description="the deployer's process, e.g. personal-loan underwriting")
    use: Text = Field(description="how the system is used in it: what it is given, what it returns, who acts on it")
    intended_purpose: Text = Field(description="how this use keeps within the provider's intended purpose")


class UsePeriod(Strict):
    """(b) When and how often the system is intended to be used."""

    start: date = Field(description="first use, or the planned first use (YYYY-MM-DD)")
    end: date | None = Field(default=None, description="last planned use; empty: until it is withdrawn")
    frequency: Line = Field(description="how often it is used, e.g. every application, about 1,200 a week")

    @model_validator(mode="after")
    def _ordered(self) -> "UsePeriod":
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period_of_use.end: {self.end.isoformat()} is before the start "
                             f"{self.start.isoformat()}; give a later date or leave it empty (until withdrawn)")
        return self


class AffectedCategory(Strict):
    """(c) A category of natural persons or a group likely to be affected in this context of use."""

    id: Slug = Field(description="a short name for it, e.g. loan-applicants")
    name: Line = Field(description="who they are")
    description: str = Field(default="", max_length=5000, description="how the use affects them")
    vulnerable: bool = Field(default=False, description="people in a vulnerable situation (children, the elderly, "
                                                        "persons with disabilities, people in financial difficulty)")
    groups: list[Group] = Field(default_factory=list, max_length=50,
                                description="groups of the impact assessment's fairness measurement it includes, "
                                            "as attribute=group, e.g. age_band=55+")


class ProviderInformation(Strict):
    """(d) The provider's information the assessment takes into account: its instructions for use (Art. 13)."""

    document: Line = Field(description="the instructions for use (Art. 13): title and version")
    reference: Line = Field(description="where they are kept: a document id, a register entry or a web address")
    received_on: date | None = Field(default=None, description="when the deployer received this version")


class HarmRisk(Strict):
    """(d) A specific risk of harm likely to affect a category of persons."""

    id: ShortId = Field(description="e.g. H1")
    title: Line
    description: Text = Field(description="how the harm comes about in this context of use")
    affected: list[Slug] = Field(min_length=1, max_length=30, description="the affected categories (c) it harms, by id")
    rights: list[Literal[tuple(RIGHTS)]] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=15, description="the fundamental rights at stake")
    provider_section: str = Field(default="", max_length=300,
                                  description="where the provider's information names this risk; empty: it does not")


class OversightMeasure(Strict):
    """(e) A human oversight measure, as the instructions for use describe it."""

    measure: Text = Field(description="who oversees what, and how they can intervene or stop the system")
    instructions: Line = Field(description="the part of the instructions for use (Art. 13(3)(d)) it implements")
    responsible: str = Field(min_length=1, max_length=64, description="person id of who carries it out or leads it")

    _person = field_validator("responsible")(known_person)


class Measure(Strict):
    """(f) A measure taken if a risk of harm materialises."""

    id: ShortId = Field(description="e.g. M1")
    risks: list[ShortId] = Field(min_length=1, max_length=30, description="the risks (d) it answers, by id")
    measure: Text = Field(description="what is done, by whom, how fast")
    owner: str = Field(min_length=1, max_length=64, description="person id of who is accountable for it")

    _person = field_validator("owner")(known_person)


class Notification(Strict):
    """Art. 27(3): the notification of the results to the market surveillance authority."""

    notified: bool = Field(default=False, description="whether the authority has been notified of the results")
    notified_on: date | None = Field(default=None, description="when it was notified")
    authority: str = Field(default="", max_length=300, description="which market surveillance authority")
    reference: str = Field(default="", max_length=300, description="the submission's reference or receipt")

    @model_validator(mode="after")
    def _consistent(self) -> "Notification":
        if self.notified and (self.notified_on is None or not self.authority):
            raise ValueError("notification: a notification made names the authority and the date it was notified "
                             "(notified_on)")
        if not self.notified and self.notified_on is not None:
            raise ValueError(f"notification.notified_on: {self.notified_on.isoformat()} is given but notified is "
                             "false; set notified to true or leave the date empty")
        return self


class FriaAnswers(Strict):
    """The deployer's fundamental rights impact assessment of one AI system (EU AI Act Art. 27)."""

    impact_assessment: str = Field(default="", max_length=80,
                                   description="run id of the system's impact assessment it builds on; empty: the "
                                               "system's latest one a person stands behind")
    processes: list[UseProcess] = Field(min_length=1, max_length=20, description="(a) the deployer's processes "
                                                                                   "in which the system is used")
    period_of_use: UsePeriod = Field(description="(b) the period and frequency of intended use")
    affected: list[AffectedCategory] = Field(min_length=1, max_length=30,
                                             description="(c) the categories of persons and groups likely affected")
    provider_information: ProviderInformation = Field(description="(d) the provider's information taken into account")
    risks: list[HarmRisk] = Field(min_length=1, max_length=50, description="(d) the specific risks of harm")
    oversight: list[OversightMeasure] = Field(min_length=1, max_length=20,
                                              description="(e) the human oversight measures")
    measures: list[Measure] = Field(min_length=1, max_length=50,
                                    description="(f) the measures if the risks materialise")
    governance: Text = Field(description="(f) internal governance if a risk materialises: who decides, "
                                         "escalation, suspending use")
    complaints: Text = Field(description="(f) how affected persons complain and get an answer")
    notification: Notification = Field(default_factory=Notification,
                                       description="Art. 27(3): the notification of the results to the market "
                                                   "surveillance authority")
    dpia: str = Field(default="", max_length=500, description="Art. 27(4): the data protection impact assessment "
                                                              "(GDPR Art. 35) this complements, where one exists")

    @field_validator("impact_assessment")
    @classmethod
    def _run_id(cls, value: str) -> str:
        if value and not re.fullmatch(RUN_ID_PATTERN, value):
            raise ValueError(f"must be empty (the latest) or {RUN_ID_RULE}")
        return value

    @model_validator(mode="after")
    def _references(self) -> "FriaAnswers":
        for name, ids in (("affected", [c.id for c in self.affected]), ("risks", [r.id for r in self.risks]),
                          ("measures", [m.id for m in self.measures])):
            if repeated_ids(ids):
                raise ValueError(f"{name}: ids must be unique; repeated: {', '.join(repeated_ids(ids))}")
        categories, risks = [c.id for c in self.affected], [r.id for r in self.risks]
        for i, risk in enumerate(self.risks):
            unknown = [c for c in risk.affected if c not in categories]
            if unknown:
                raise ValueError(f"risks[{i}].affected: unknown category {', '.join(unknown)}; allowed (the "
                                 f"affected categories): {', '.join(categories)}")
        for i, measure in enumerate(self.measures):
            unknown = [r for r in measure.risks if r not in risks]
            if unknown:
                raise ValueError(f"measures[{i}].risks: unknown risk {', '.join(unknown)}; allowed: {', '.join(risks)}")
        answered = {r for m in self.measures for r in m.risks}
        for i, risk in enumerate(self.risks):
            if risk.id not in answered:
                raise ValueError(f"risks[{i}]: risk {risk.id} ({risk.title}) has no measure (f) to take if it "
                                 f"materialises; add a measure whose risks name {risk.id}")
        return self
