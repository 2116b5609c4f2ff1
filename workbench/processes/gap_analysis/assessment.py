"""The gap analysis (certification readiness): every requirement of clauses 4 to 10 and every
Annex A control rated on a maturity scale, readiness per clause, per area and overall, the gaps
ranked, and an implementation plan of actions that close them.

Readiness of a group (a clause 4 to 10, or an Annex A area A.2 to A.10) is the mean maturity of
its items divided by 5; overall readiness is the weighted mean of the group means divided by 5,
with the weights of the workspace's ``readiness`` configuration (by default the mandatory clauses
weigh more than the Annex A areas).

An average hides what an auditor would not: a clause requirement rated below the configured
minimum is a blocker, listed apart from the percentage. A control the newest Statement of
Applicability excludes is left out of the readiness and the ranking, and listed with its
justification.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.records.citations import resolve
from workbench.processes.gap_analysis.settings import Readiness
from workbench.content import ContentPack, load_content
from workbench.validate import Strict, check_complete, check_planned, known_person, repeated_ids

NAME = "gap-analysis"
CONTEXT_CLAUSES = ("4.1", "4.2", "4.3")  # kept in the context record (process ``context``)

MAX_MATURITY = 5


def requirement_ids(content: ContentPack) -> list[str]:
    """The leaf requirements of clauses 4 to 10 (sub-clauses without children), in order."""
    parents = {c.parent for c in content.clauses}
    return [c.id for c in content.clauses if c.parent and c.id not in parents]


def group_of(item: str, content: ContentPack) -> str:
    """The clause (``"6"``) or Annex A area (``"A.6"``) an item's readiness counts toward."""
    if item.startswith("A."):
        area = content.control(item).area
        parents = {a.id: a.parent for a in content.areas}
        return parents.get(area) or area
    return item.split(".")[0]


class Rating(Strict):
    """The current state of one requirement or control."""

    item: str = Field(description="a clause requirement (e.g. 6.1.2) or an Annex A control (e.g. A.6.2.4)")
    maturity: int = Field(ge=0, le=MAX_MATURITY, description="0 not started to 5 optimised")
    notes: str = Field(default="", max_length=5000)
    evidence: list[str] = Field(default_factory=list, max_length=50, description="archived evidence ids")


class PlannedAction(Strict):
    """An action of the implementation plan that closes a gap."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", description="short id, e.g. P1")
    item: str = Field(description="the clause requirement or control the action closes the gap of")
    action: str = Field(min_length=1, max_length=2000)
    owner: str = Field(min_length=1, max_length=64, description="person id")
    start_date: date
    due_date: date

    _owner_known = field_validator("owner")(known_person)

    @model_validator(mode="after")
    def _dates(self) -> "PlannedAction":
        if self.due_date < self.start_date:
            raise ValueError(f"due_date {self.due_date} is before start_date {self.start_date}")
        return self


class GapAnalysisAnswers(Strict):
    """Ratings of every requirement and control, and the plan that closes the gaps."""

    model_config = ConfigDict(json_schema_extra={"title": "Gap analysis answers"})

    scope: str = Field(min_length=1, max_length=5000, description="what the analysis covers")
    ratings: list[Rating] = Field(min_length=1, max_length=200)
    actions: list[PlannedAction] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> "GapAnalysisAnswers":
        content: ContentPack = (info.context or {}).get("content") or load_content()
        expected = requirement_ids(content) + content.control_ids()
        check_complete([r.item for r in self.ratings], expected,
                       unknown="ratings name unknown items {}; allowed: the leaf requirements of clauses 4 to 10 "
                               f"({expected[0]} to 10.2) and the Annex A controls",
                       repeated="ratings rate an item more than once: {}",
                       missing="a gap analysis rates every requirement and control; missing: {}")
        ids = [a.id for a in self.actions]
        dupes = repeated_ids(ids)
        if dupes:
            raise ValueError(f"action ids must be unique; repeated: {', '.join(dupes)}")
        bad = [f"{a.id} ({a.item})" for a in self.actions if a.item not in expected]
        if bad:
            raise ValueError(f"actions must link a clause requirement or control; unknown: {', '.join(bad)}")
        return self


class GroupReadiness(BaseModel):
    """Readiness of one clause or Annex A area, with its worked calculation."""

    group: str
    title: str
    kind: Literal["clause", "area"]
    items: int
    mean_maturity: float
    weight: float
    readiness: float
    calculation: str


class Gap(BaseModel):
    """A requirement or control below the target maturity."""

    rank: int
    item: str
    kind: Literal["clause", "control"]
    title: str
    group: str
    maturity: int
    target: int
    gap: int
    documented_information: bool = Field(description="the standard requires documented information here")
    register_flags: list[str] = Field(description="flags of the register of documented information for this clause")
    notes: str
    actions: list[str]


class Blocker(BaseModel):
    """A clause requirement below the minimum: a certification audit would raise a nonconformity."""

    item: str
    title: str
    maturity: int
    minimum: int
    notes: str
    actions: list[str]


class Excluded(BaseModel):
    """A control the SoA excludes, left out of readiness and the ranking."""

    item: str
    title: str
    maturity: int
    justification: str
    soa_run: str


class Unsupported(BaseModel):
    """A rating of 4.1 to 4.3 above "not started" with no context record behind it."""

    item: str
    maturity: int
    message: str


class Progress(BaseModel):
    """Readiness of one group now and in the previous gap analysis."""

    group: str
    before: float | None
    after: float
    change: float | None


class GapAnalysisResults(BaseModel):
    """Every computed result of a gap analysis."""

    groups: list[GroupReadiness]
    overall: float
    overall_calculation: str
    clause_readiness: float
    control_readiness: float
    gaps: list[Gap]
    target: int
    blockers: list[Blocker] = Field(description="clause requirements below the minimum, apart from the average")
    minimum: int
    excluded: list[Excluded] = Field(description="controls the SoA excludes, out of readiness and the ranking")
    di_flags: list[dict] = Field(description="flags of the register of documented information when the analysis ran")
    previous_run: str | None
    progress: list[Progress]
    evidence: dict[str, list[dict]] = Field(description="item -> cited evidence: run_id, process, system_id, path")
    plan: list[PlannedAction] = Field(description="the implementation plan, by start date")
    context: dict | None = Field(default=None, description="the latest context record on the effective date, cited "
                                                           "for 4.1 to 4.3: run_id, path, effective_date, flags")
    unsupported: list[Unsupported] = Field(default_factory=list,
                                           description="ratings of 4.1 to 4.3 above 0 with no context record")


def check(workspace, request) -> None:
    """Every cited evidence id must resolve to archived evidence, and no action is due past the planning
    horizon."""
    for i, rating in enumerate(request.answers.ratings):
        for j, run_id in enumerate(rating.evidence):
            resolve(workspace, f"ratings[{i}].evidence[{j}]", run_id)
    for i, action in enumerate(request.answers.actions):
        check_planned(f"actions[{i}].due_date", action.due_date, request.effective_date)


def readiness(ratings: dict[str, int], content: ContentPack, policy: Readiness) -> tuple[list[GroupReadiness], float, str]:
    """Readiness per clause and Annex A area, and overall, with the worked calculations.

    Parameters
    ----------
    ratings : dict
        Item id -> maturity 0 to 5.
    content : ContentPack
        Where items belong.
    policy : Readiness
        The weights.
    """
    members: dict[str, list[int]] = {}
    for item, maturity in ratings.items():
        members.setdefault(group_of(item, content), []).append(maturity)
    titles = {c.id: c.title for c in content.clauses} | {a.id: a.title for a in content.areas}
    order = [c.id for c in content.clauses if not c.parent] + [a.id for a in content.areas if not a.parent]
    groups = []
    for group in order:
        if group not in members:
            continue
        values = members[group]
        mean = sum(values) / len(values)
        groups.append(GroupReadiness(
            group=group, title=titles.get(group, group), kind="area" if group.startswith("A.") else "clause",
            items=len(values), mean_maturity=round(mean, 4), weight=policy.weight(group),
            readiness=round(mean / MAX_MATURITY, 4),
            calculation=f"({' + '.join(map(str, values))}) / {len(values)} = {mean:.2f}; {mean:.2f} / 5 = "
                        f"{mean / MAX_MATURITY:.1%}"))
    total_weight = sum(g.weight for g in groups)
    weighted = sum(g.weight * g.mean_maturity for g in groups)
    overall = weighted / total_weight / MAX_MATURITY if total_weight else 0.0
    terms = " + ".join(f"{g.weight:g} × {g.mean_maturity:.2f}" for g in groups)
    calculation = (f"({terms}) / {total_weight:g} = {weighted / total_weight if total_weight else 0:.2f}; "
                   f"/ 5 = {overall:.1%}")
    return groups, round(overall, 4), calculation


def _kind_readiness(groups: list[GroupReadiness], kind: str) -> float:
    chosen = [g for g in groups if g.kind == kind]
    weight = sum(g.weight for g in chosen)
    return round(sum(g.weight * g.readiness for g in chosen) / weight, 4) if weight else 0.0


def rank_gaps(ratings: list[Rating], content: ContentPack, target: int, actions: list[PlannedAction],
              register_flags: dict[str, list[str]] | None = None) -> list[Gap]:
    """Every item below ``target``: clause requirements before controls, then the largest gap
    first, then the standard's order. Clauses that require documented information are flagged."""
    clauses = {c.id: c for c in content.clauses}
    order = {item: i for i, item in enumerate(requirement_ids(content) + content.control_ids())}
    register_flags = register_flags or {}
    planned: dict[str, list[str]] = {}
    for a in actions:
        planned.setdefault(a.item, []).append(a.id)
    below = [r for r in ratings if r.maturity < target]
    below.sort(key=lambda r: (r.item.startswith("A."), -(target - r.maturity), order[r.item]))
    gaps = []
    for rank, r in enumerate(below, start=1):
        is_control = r.item.startswith("A.")
        gaps.append(Gap(
            rank=rank, item=r.item, kind="control" if is_control else "clause",
            title=content.control(r.item).title if is_control else clauses[r.item].title,
            group=group_of(r.item, content), maturity=r.maturity, target=target, gap=target - r.maturity,
            documented_information=not is_control and clauses[r.item].documented_information,
            register_flags=[] if is_control else register_flags.get(r.item, []),
            notes=r.notes, actions=planned.get(r.item, [])))
    return gaps


def previous_analysis(workspace) -> dict | None:
    """The results.json of the latest archived gap analysis, or ``None``."""
    from workbench.processes.soa.assessment import latest_runs

    runs = latest_runs(workspace, NAME)
    if not runs:
        return None
    return json.loads((workspace.evidence_dir / runs[0]["path"] / "results.json").read_text(encoding="utf-8"))


def progress(groups: list[GroupReadiness], overall: float, previous: dict | None) -> list[Progress]:
    """Readiness per group and overall against the previous analysis (``before`` None if new)."""
    before = {g["group"]: g["readiness"] for g in (previous or {}).get("results", {}).get("groups", [])}
    if previous:
        before["overall"] = previous["results"]["overall"]
    rows = []
    for group, after in [(g.group, g.readiness) for g in groups] + [("overall", overall)]:
        old = before.get(group)
        rows.append(Progress(group=group, before=old, after=after,
                             change=None if old is None else round(after - old, 4)))
    return rows


def context_support(workspace, ratings: list[Rating], on: date) -> tuple[dict | None, list[Unsupported]]:
    """The latest context record effective on or before ``on`` (cited for 4.1 to 4.3), or, without one, the
    ratings of 4.1 to 4.3 above "not started" that nothing supports."""
    from workbench.processes.context.assessment import context_results, latest_context

    record = latest_context(workspace, on)
    if record is None:
        return None, [Unsupported(item=r.item, maturity=r.maturity,
                                  message=f"{r.item} is rated {r.maturity} with no context record of the organisation "
                                          f"on or before {on.isoformat()} behind it ('workbench run context')")
                      for r in ratings if r.item in CONTEXT_CLAUSES and r.maturity > 0]
    flags = [f"{f['clause']} {f['subject']}: {f['message']}" for f in context_results(workspace, record)["flags"]]
    return {"run_id": record["run_id"], "process": record["process"], "system_id": record["system_id"],
            "path": record["path"], "effective_date": record["effective_date"].isoformat(), "flags": flags}, []


def assess(answers: GapAnalysisAnswers, workspace, request=None) -> GapAnalysisResults:
    """Compute readiness, rank the gaps, compare with the previous gap analysis, and cite the context record
    for 4.1 to 4.3 (or flag the ratings it would support)."""
    from workbench.records.documented_information import flags

    from workbench.processes.soa.assessment import latest_soa

    content, policy = workspace.content, workspace.config.readiness
    soa = {r["control_id"]: r for r in latest_soa(workspace)}
    excluded = [Excluded(item=r.item, title=content.control(r.item).title, maturity=r.maturity,
                         justification=soa[r.item]["justification"], soa_run=soa[r.item]["run_id"])
                for r in answers.ratings if r.item in soa and not soa[r.item]["included"]]
    left_out = {e.item for e in excluded}
    rated = [r for r in answers.ratings if r.item not in left_out]
    groups, overall, calculation = readiness({r.item: r.maturity for r in rated}, content, policy)
    planned: dict[str, list[str]] = {}
    for a in answers.actions:
        planned.setdefault(a.item, []).append(a.id)
    titles = {c.id: c.title for c in content.clauses}
    blockers = [Blocker(item=r.item, title=titles[r.item], maturity=r.maturity, minimum=policy.minimum, notes=r.notes,
                        actions=planned.get(r.item, []))
                for r in rated if not r.item.startswith("A.") and r.maturity < policy.minimum]
    di_flags = [f.as_dict() for f in flags(workspace)]
    by_clause: dict[str, list[str]] = {}
    for f in di_flags:
        if f["clause"]:
            by_clause.setdefault(f["clause"], []).append(f"{f['kind']}: {f['title']}")
    previous = previous_analysis(workspace)
    evidence = {r.item: [{k: v for k, v in resolve(workspace, "evidence", run_id).items()
                          if k in ("run_id", "process", "system_id", "path")} for run_id in r.evidence]
                for r in answers.ratings if r.evidence}
    context, unsupported = context_support(workspace, answers.ratings,
                                           request.effective_date if request else date.today())
    if context:
        cited = {k: context[k] for k in ("run_id", "process", "system_id", "path")}
        for item in CONTEXT_CLAUSES:
            if cited["run_id"] not in [e["run_id"] for e in evidence.get(item, [])]:
                evidence.setdefault(item, []).append(cited)
    return GapAnalysisResults(
        groups=groups, overall=overall, overall_calculation=calculation,
        clause_readiness=_kind_readiness(groups, "clause"), control_readiness=_kind_readiness(groups, "area"),
        gaps=rank_gaps(rated, content, policy.target, answers.actions, by_clause),
        target=policy.target, blockers=blockers, minimum=policy.minimum, excluded=excluded, di_flags=di_flags,
        previous_run=previous["run_id"] if previous else None,
        progress=progress(groups, overall, previous), evidence=evidence,
        plan=sorted(answers.actions, key=lambda a: (a.start_date, a.due_date, a.id)),
        context=context, unsupported=unsupported)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per planned action."""
    return {"gap_actions": [
        {"action_id": a["id"], "item": a["item"], "action": a["action"], "owner": a["owner"],
         "start_date": date.fromisoformat(a["start_date"]), "due_date": date.fromisoformat(a["due_date"])}
        for a in results["plan"]]}


def plan_frame(workspace):
    """The implementation plan of the latest gap analysis as a pandas DataFrame."""
    import pandas as pd

    from workbench.processes.soa.assessment import latest_runs

    runs = latest_runs(workspace, NAME)
    rows = workspace.register.rows("gap_actions", run_id=runs[0]["run_id"]) if runs else []
    columns = list(workspace.register.frame("gap_actions").columns)
    return pd.DataFrame(sorted(rows, key=lambda r: (r["due_date"], r["action_id"])), columns=columns)


def headline(results: dict) -> str:
    """One line for the portfolio: the blockers first, then overall readiness and the number of gaps."""
    blockers = results.get("blockers", [])
    head = (f"{len(blockers)} blocker(s) ({', '.join(b['item'] for b in blockers)}); " if blockers else "no blocker; ")
    unsupported = results.get("unsupported", [])
    tail = (f"; {', '.join(u['item'] for u in unsupported)} rated with no context record" if unsupported else "")
    return (head + f"readiness {results['overall']:.0%}; {len(results['gaps'])} gap(s) below maturity "
                   f"{results['target']}" + tail)
