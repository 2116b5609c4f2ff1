"""Where a measure's value comes from: the register, the workbench's own runs, or a person.

Register measures are the ``measures`` of the installed processes (:class:`workbench.processes.Process`):
the objectives' own (:data:`MEASURES`), the incident register's open incidents, a plug-in's. A
measure's function takes ``(workspace, on)`` and returns ``(value, query)``: the number as of the date
``on`` (``None`` when there is nothing to measure), and in words what it counted, recorded as the
measurement's source record. A run source reads a number in the ``results`` of each system's latest
run of a process (any installed process: a monitoring process's ``results.json`` plugs in by its
path, with no code here naming it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import Callable


@dataclass(frozen=True)
class RegisterMeasure:
    """A measure computed from the register: its title, unit and function."""

    title: str
    unit: str
    function: Callable[[object, date], tuple[float | None, str]]

    def compute(self, workspace, on: date) -> tuple[float | None, str]:
        return self.function(workspace, on)


def register_measures() -> dict[str, RegisterMeasure]:
    """Every register measure the installed processes offer, by name (discovery keeps names unique)."""
    from workbench.processes import processes

    return {name: RegisterMeasure(*measure) for process in processes().values()
            for name, measure in process.measures.items()}


def _share_current(workspace, on: date, process: str, tiers: tuple[str, ...] | None) -> tuple[float | None, str]:
    from workbench.scheduling.cadence import review_states

    states = [s for s in review_states(workspace, on, [process]) if tiers is None or s.tier in tiers]
    who = f"{'/'.join(tiers)}-tier systems" if tiers else "systems"
    if not states:
        return None, f"no {who} registered on {on}"
    current = [s.system_id for s in states if s.status == "current"]
    return (round(100 * len(current) / len(states), 1),
            f"{len(current)} of {len(states)} {who} with a current {process} on {on}: {', '.join(current) or 'none'}")


def high_tier_risk_current(workspace, on: date) -> tuple[float | None, str]:
    """Share of high-tier systems whose risk assessment is current (not due, not overdue), in %."""
    return _share_current(workspace, on, "risk-assessment", ("high",))


def impact_current(workspace, on: date) -> tuple[float | None, str]:
    """Share of systems whose impact assessment is current, in %."""
    return _share_current(workspace, on, "impact-assessment", None)


def overdue_actions(workspace, on: date) -> tuple[float | None, str]:
    """Corrective actions past their due date and still open or in progress on ``on``."""
    from workbench.records.nonconformity import actions

    overdue = [a["nc_id"] for a in actions(workspace, on) if a["overdue"]]
    return float(len(overdue)), f"corrective actions overdue on {on}: {', '.join(overdue) or 'none'}"


def readiness(workspace, on: date) -> tuple[float | None, str]:
    """Overall readiness of the latest gap analysis effective on or before ``on``, in %."""
    from workbench.pipeline.run import read_record

    records = [r for r in workspace.register.evidence_list(process="gap-analysis")
               if r["status"] != "failed" and r["effective_date"] <= on]
    if not records:
        return None, f"no gap analysis effective on or before {on}"
    latest = max(records, key=lambda r: (r["effective_date"], r["recorded_at"]))
    overall = read_record(workspace, latest)["results"]["overall"]
    return round(100 * overall, 1), f"overall readiness of gap analysis {latest['run_id']}"


# Run sources: a number in each system's latest run of a process.

MEASURES = {  # the objectives' own register measures (``Process.measures``)
    "high-tier-risk-current": ("High-tier systems with a current risk assessment", "%", high_tier_risk_current),
    "impact-current": ("Systems with a current impact assessment", "%", impact_current),
    "overdue-actions": ("Overdue corrective actions", "count", overdue_actions),
    "readiness": ("Certification readiness (latest gap analysis)", "%", readiness),
}

AGGREGATIONS: dict[str, Callable[[list[float], float | None], float]] = {
    "mean": lambda values, _limit: round(fmean(values), 6),
    "min": lambda values, _limit: min(values),
    "max": lambda values, _limit: max(values),
    "sum": lambda values, _limit: sum(values),
    "count-above": lambda values, limit: float(sum(v > limit for v in values)),
    "count-below": lambda values, limit: float(sum(v < limit for v in values)),
}


def lookup(results: dict, path: str) -> float | None:
    """The number at a dotted ``path`` of ``results`` (list positions as numbers), or ``None`` when the
    path leads nowhere or to something that is not a number."""
    value = results
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, (int, float)) else None


def run_values(workspace, process: str, path: str, on: date) -> list[tuple[str, str, float | None]]:
    """(system, run id, value) of each subject's latest run of ``process`` effective on or before ``on``."""
    from workbench.pipeline.run import read_record

    latest: dict[tuple[str, str], dict] = {}
    for record in workspace.register.evidence_list(process=process):
        if record["status"] == "failed" or record["effective_date"] > on:
            continue
        key = (record["system_id"], record["item_id"])
        if key not in latest or (record["effective_date"], record["recorded_at"]) > (
                latest[key]["effective_date"], latest[key]["recorded_at"]):
            latest[key] = record
    return [(record["system_id"] + (f"/{record['item_id']}" if record["item_id"] else ""), record["run_id"],
             lookup(read_record(workspace, record)["results"], path)) for _key, record in sorted(latest.items())]
