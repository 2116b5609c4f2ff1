"""The public system card: built field by field from an allow-list, never by removing private fields
from the internal card; refused before a run when its text names a person, an e-mail address or a
path; rendered as a small self-contained page with no script at all."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Callable

from pydantic import BaseModel, ConfigDict

from workbench.exceptions import Problem

TEMPLATE = "public_card.html.j2"
FILE = "public-card.html"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB = re.compile(r"\bhttps?://[^\s<>\"']+", re.I)  # a web address is how the public raises a concern
PATHS = (re.compile(r"(?<![\w/:.])(?:~|[A-Za-z]:)?[/\\][\w.-]+[/\\][\w.\\/-]*"),  # /srv/ws, C:\ws, ~/ws
         re.compile(r"\b[\w.-]+(?:/[\w.-]+)+\.[A-Za-z][A-Za-z0-9]{0,7}\b"),  # data/train.csv
         re.compile(r"\bfile:/", re.I))


class Public(BaseModel):
    """A part of the public card: refuses any field it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PublicDataset(Public):
    name: str
    role: str
    source: str


class PublicFigure(Public):
    measure: str
    subject: str
    value: float
    threshold: float | None
    breach: bool
    measured_on: date


class PublicImpact(Public):
    level: str
    assessed_on: date


class PublicCategory(Public):
    category: str
    title: str
    assessed_on: date


class PublicRisk(Public):
    title: str
    residual_band: str
    treatment: str
    controls: list[str]


class PublicExplanation(Public):
    model_name: str
    top_features: list[str]
    measured_on: date


class PublicCard(Public):
    """What the public card shows: these fields and no other; each optional one only when marked public."""

    organisation: str
    system_name: str
    version: int
    effective_date: date
    notices: list[str]
    purpose: str | None = None
    intended_uses: list[str] | None = None
    prohibited_uses: list[str] | None = None
    users: list[str] | None = None
    affected: list[str] | None = None
    datasets: list[PublicDataset] | None = None
    performance: list[PublicFigure] | None = None
    fairness: list[PublicFigure] | None = None
    impact_level: PublicImpact | None = None
    eu_ai_act: PublicCategory | None = None
    human_oversight: str | None = None
    limitations: list[str] | None = None
    residual_risks: list[PublicRisk] | None = None
    raise_concern: str | None = None
    what_it_depends_on: list[PublicExplanation] | None = None


def _figure(f) -> PublicFigure:
    return PublicFigure(measure=f.measure, subject=f.subject, value=f.value, threshold=f.threshold, breach=f.breach,
                        measured_on=f.measured_on)


# The allow-list: each field the organisation may mark public, and how it is made from what the card
# knows (answers, the register's system, the facts). Nothing else reaches the public card.
ALLOWED: dict[str, Callable] = {
    "purpose": lambda a, s, f: s["purpose"],
    "intended_uses": lambda a, s, f: a["intended_uses"],
    "prohibited_uses": lambda a, s, f: a["prohibited_uses"],
    "users": lambda a, s, f: a["users"],
    "affected": lambda a, s, f: a["affected"] or s["affected_stakeholders"],
    "datasets": lambda a, s, f: [PublicDataset(name=d.name, role=d.role, source=d.source) for d in f.datasets],
    "performance": lambda a, s, f: [_figure(x) for x in f.performance],
    "fairness": lambda a, s, f: [_figure(x) for x in f.fairness],
    "impact_level": lambda a, s, f: f.impact and PublicImpact(level=f.impact.level, assessed_on=f.impact.assessed_on),
    "eu_ai_act": lambda a, s, f: f.impact and PublicCategory(category=f.impact.category, title=f.impact.category_title,
                                                             assessed_on=f.impact.assessed_on),
    "human_oversight": lambda a, s, f: a["human_oversight"],
    "limitations": lambda a, s, f: a["limitations"],
    "residual_risks": lambda a, s, f: [PublicRisk(title=r.title, residual_band=r.residual_band, treatment=r.treatment,
                                                  controls=r.controls) for r in f.residual_risks],
    "raise_concern": lambda a, s, f: a["raise_concern"],
    "what_it_depends_on": lambda a, s, f: [PublicExplanation(model_name=e.model_name, top_features=e.top_features,
                                                             measured_on=e.measured_on) for e in f.explanations],
}
PUBLIC_FIELDS = tuple(ALLOWED)
MEASURED = {"performance": "performance figures", "fairness": "fairness figures", "impact_level": "impact level",
            "eu_ai_act": "EU AI Act category", "residual_risks": "residual risks",
            "what_it_depends_on": "measurements of what the model depends on"}


def public_card(answers: dict, system: dict, facts, organisation: str, version: int, on: date) -> PublicCard:
    """The public card: the fields ``answers["public"]`` marks, each made by :data:`ALLOWED`, and the
    notices of the stale inputs behind them."""
    marked = [name for name in PUBLIC_FIELDS if name in answers["public"]]
    return PublicCard(organisation=organisation, system_name=system["name"], version=version, effective_date=on,
                      notices=_notices(marked, facts), **{name: ALLOWED[name](answers, system, facts) for name in marked})


def _notices(marked: list[str], facts) -> list[str]:
    """A notice for each measured public field whose record is missing or older than the review interval."""
    from workbench.processes.system_card.facts import EXPLAIN, IMPACT, RISK

    notices = []
    for name in (n for n in marked if n in MEASURED):
        if name == "what_it_depends_on":  # one record per model the system has, and none without a model
            notices += [f"No {EXPLAIN} of model {m.split(' of ', 1)[1]} is recorded yet." for m in facts.missing
                        if m.startswith(f"{EXPLAIN} of ")]
            notices += [f"What {e.model_name} depends on was measured on {e.measured_on.isoformat()}, more than "
                        f"{facts.interval_months} months before this card: it may no longer hold."
                        for e in facts.explanations if e.stale]
            continue
        process = RISK if name == "residual_risks" else IMPACT
        source = next((s for s in facts.sources if s.process == process), None)
        if source is None:
            notices.append(f"No {process.replace('-', ' ')} is recorded yet, so this card shows no {MEASURED[name]}.")
        elif source.stale:
            notices.append(f"The {MEASURED[name]} date from {source.effective_date.isoformat()}, more than "
                           f"{facts.interval_months} months before this card: they may no longer hold.")
    return notices


def leaks(card: PublicCard, people, root: str) -> list[Problem]:
    """Every text of ``card`` that names a person (id, name or e-mail), holds an e-mail address or a path
    (the workspace's ``root`` or any file path): a public card names roles and channels, not people or files."""
    words = [(p.name, "names the person", False) for p in people] + [(p.id, "names the person id", True)
                                                                       for p in people]
    found = []
    for path, text in _texts(card.model_dump(mode="json")):
        plain = WEB.sub(" ", text)
        reason = next((f"{what} {who!r}" for who, what, bounded in words if who and re.search(
            (r"(?<![\w-])" + re.escape(who) + r"(?![\w-])") if bounded else re.escape(who), text, re.I)), None)
        if reason is None and EMAIL.search(text):
            reason = f"holds the e-mail address {EMAIL.search(text).group()!r}"
        if reason is None and (root in text or any(p.search(plain) for p in PATHS)):
            reason = "holds a file path"
        if reason:
            found.append(Problem(f"public card: {path}", text, f"{reason}; a public card names roles, teams and web "
                                 "addresses, never people, e-mail addresses or files: reword it where it comes from, "
                                 "or leave the field out of public"))
    return found


def _texts(value, path: str = ""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string((files(__package__) / TEMPLATE).read_text(encoding="utf-8"))


def render(record: dict) -> str:
    """The public card of an archived record (``results.json``) as a self-contained page without script."""
    card = PublicCard.model_validate(record["results"]["public"])
    return _template().render(card=card, fields=PUBLIC_FIELDS, run_id=record["run_id"])
