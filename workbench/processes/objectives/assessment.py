"""The AI objectives record (ISO/IEC 42001 6.2, 9.1): the objectives and monitoring plan as answered,
each objective's progress and each measure's trend from the measurements held when it runs, and the
gaps in monitoring."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from workbench.processes.objectives.measurements import current_plan, measurements
from workbench.processes.objectives.plan import ObjectivesAnswers
from workbench.processes.objectives.trends import gaps, objective_progress, trends
from workbench.validate import check_planned

HISTORY = 12  # periods of each measure shown in the record


class ObjectivesResults(BaseModel):
    """The plan with the progress and trends the register shows on ``as_of``."""

    as_of: date
    objectives: list[dict] = Field(description="each objective with its progress")
    measures: list[dict] = Field(description="each measure of the plan with its latest status")
    trends: list[dict] = Field(description="each measure's series per subject")
    gaps: list[dict] = Field(description="measures with no measurement in their frequency window")


def assess(answers: ObjectivesAnswers, workspace) -> ObjectivesResults:
    """Progress and trends of the answered plan from the measurements the register holds today."""
    today = date.today()
    rows = measurements(workspace)
    series = trends(answers, rows, until=today)
    for t in series:
        t.points = t.points[-HISTORY:]
    latest = {t.measure: t for t in series}
    return ObjectivesResults(
        as_of=today, objectives=objective_progress(answers, series, today),
        measures=[{**m.model_dump(mode="json"), "status": latest[m.id].status if m.id in latest else "no data"}
                  for m in answers.measures],
        trends=[t.as_dict() for t in series],
        gaps=gaps(answers, rows, today, in_force=in_force_since(workspace) or today))


def check(workspace, request) -> None:
    """Before anything runs: no objective is due past the planning horizon of the record's day, where it
    could never be flagged overdue."""
    for i, objective in enumerate(request.answers.objectives):
        check_planned(f"objectives[{i}].due_date", objective.due_date, request.effective_date)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One row per objective and per measure of the plan."""
    return {"objectives": [{"objective_id": o["id"], "objective": o["objective"], "owner": o["owner"],
                            "measure_id": o["measure"], "target": o["target"],
                            "due_date": date.fromisoformat(o["due_date"])} for o in results["objectives"]],
            "measures": [{"measure_id": m["id"], **{k: m[k] for k in (
                "name", "source", "unit", "direction", "target", "threshold", "frequency", "measured_by",
                "evaluated_by")}} for m in results["measures"]]}


def headline(results: dict) -> str:
    """One line for the portfolio: the objectives by status, and the gaps in monitoring."""
    counts: dict[str, int] = {}
    for o in results["objectives"]:
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    gap = len(results["gaps"])
    return (f"{len(results['objectives'])} objective(s): " + ", ".join(f"{n} {s}" for s, n in counts.items())
            + f"; {len(results['measures'])} measure(s)" + (f", {gap} gap(s) in monitoring" if gap else ""))


def in_force_since(workspace) -> date | None:
    """The effective date of the first AI objectives record: since then measures are due."""
    dates = [r["effective_date"] for r in workspace.register.evidence_list(process="objectives")
             if r["status"] != "failed"]
    return min(dates, default=None)


def monitoring_gaps(workspace, today: date | None = None) -> list[dict]:
    """The gaps in monitoring of the plan in force (none without a plan)."""
    found = current_plan(workspace)
    if found is None:
        return []
    return gaps(found[1], measurements(workspace), today or date.today(), in_force=in_force_since(workspace))


def portfolio_flags(workspace) -> list:
    """The gaps in monitoring, as the portfolio lists flags beside documented information's."""
    from workbench.records.documented_information import Flag

    return [Flag("gap", g["measure"], f"Measure {g['name']}", "9.1", g["message"]) for g in monitoring_gaps(workspace)]


def review_measures(workspace, today: date, person: str) -> list[str]:
    """On every periodic review: take the plan's measures for their periods (those already measured are
    skipped), and say what was taken and which measures are gaps in monitoring."""
    from workbench.processes.objectives.measurements import take_measures

    if current_plan(workspace) is None:
        return []
    outcomes = take_measures(workspace, today, person=person, today=today)
    taken = [o for o in outcomes if o["status"] == "taken"]
    found = monitoring_gaps(workspace, today)
    return ([f"objectives: took {len(taken)} measurement(s) of {len({o['measure'] for o in taken})} measure(s)"]
            + [f"objectives: gap in monitoring: {g['measure']}: {g['message']}" for g in found])
