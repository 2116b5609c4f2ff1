"""Trends of the monitoring plan: each measure's series over periods, its status against its target
or threshold, the direction it moves in, each objective's progress, and the gaps in monitoring.

Plain functions of the plan and the measurements (rows of the ``measurements`` table), so they are
tested without a kernel and used alike by the objectives record, the management review and the portfolio.

- A value's status: ``breach`` beyond the threshold; else ``on target`` at or better than the target,
  ``off target`` short of it; ``within threshold`` for a measure with a threshold only.
- Its change: ``improving``, ``worsening`` or ``steady`` from the period before it, by the measure's direction.
- An objective is ``achieved`` once its measure's latest value reaches its target; ``off track`` when it
  has not and its due date has passed or its measure worsened in its last period; else ``on track``;
  ``no data`` without a measurement. A measure per system counts its worst system.
- A measure is a gap in monitoring when it has no measurement for the period in progress nor the one
  before it (its frequency window), once the plan was in force before that earlier period ended.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from workbench.processes.objectives.plan import bounds, period_of, previous, worse

EPSILON = 1e-9


@dataclass(frozen=True)
class Point:
    """One measurement in a series."""

    period: str
    value: float
    source_ref: str = ""
    method: str = "taken"


@dataclass
class Trend:
    """One measure's series for one subject (``organisation``, or a system for a measure per system)."""

    measure: str
    name: str
    subject: str
    unit: str
    direction: str
    target: float | None
    threshold: float | None
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> float | None:
        return self.points[-1].value if self.points else None

    @property
    def status(self) -> str:
        return status(self.direction, self.target, self.threshold, self.latest)

    @property
    def change(self) -> str:
        return change(self.direction, [p.value for p in self.points])

    def as_dict(self) -> dict:
        return {**asdict(self), "latest": self.latest, "status": self.status, "change": self.change}


def status(direction: str, target: float | None, threshold: float | None, value: float | None) -> str:
    """A value's status against a measure's threshold and target."""
    if value is None:
        return "no data"
    if threshold is not None and worse(direction, value, threshold):
        return "breach"
    if target is not None:
        return "off target" if worse(direction, value, target) else "on target"
    return "within threshold"


def change(direction: str, values: list[float]) -> str:
    """How the last value moved from the one before it: improving, worsening or steady ('' with one value)."""
    if len(values) < 2:
        return ""
    delta = values[-1] - values[-2]
    if abs(delta) < EPSILON:
        return "steady"
    return "improving" if (delta > 0) == (direction == "higher is better") else "worsening"


def trends(plan, rows: list[dict], since: date | None = None, until: date | None = None) -> list[Trend]:
    """Each measure's series per subject over the periods that end after ``since`` and start by ``until``,
    oldest first; a measure without a measurement in them has one empty series."""
    found: dict[tuple[str, str], Trend] = {}
    for measure in plan.measures:
        series = sorted((r for r in rows if r["measure_id"] == measure.id
                         and (since is None or bounds(r["period"])[1] > since)
                         and (until is None or bounds(r["period"])[0] <= until)),
                        key=lambda r: (r["subject"], bounds(r["period"])[0]))
        for row in series:
            key = (measure.id, row["subject"])
            if key not in found:
                found[key] = Trend(measure.id, measure.name, row["subject"], measure.unit, measure.direction,
                                   measure.target, measure.threshold)
            found[key].points.append(Point(row["period"], row["value"], row.get("source_ref", ""),
                                           row.get("method", "taken")))
        if not series:
            found[measure.id, ""] = Trend(measure.id, measure.name, "", measure.unit, measure.direction,
                                          measure.target, measure.threshold)
    return list(found.values())


def progress(objective, measure, series: list[Trend], today: date) -> dict:
    """An objective's progress from its measure's series (those of its subjects)."""
    kept = [t for t in series if t.points]
    base = {"id": objective.id, "objective": objective.objective, "owner": objective.owner,
            "measure": measure.id, "unit": measure.unit, "target": objective.target,
            "due_date": objective.due_date.isoformat(), "actions": list(objective.actions)}
    if not kept:
        return {**base, "status": "no data", "latest": None, "baseline": None, "share": None, "subject": ""}
    worst = kept[0]
    for t in kept[1:]:
        if worse(measure.direction, t.latest, worst.latest):
            worst = t
    latest, baseline = worst.latest, worst.points[0].value
    achieved = not worse(measure.direction, latest, objective.target)
    if achieved:
        state = "achieved"
    elif objective.due_date < today or worst.change == "worsening":
        state = "off track"
    else:
        state = "on track"
    span = objective.target - baseline
    share = 1.0 if achieved else (max(0.0, min(1.0, (latest - baseline) / span)) if abs(span) > EPSILON else 0.0)
    return {**base, "status": state, "latest": latest, "baseline": baseline, "share": round(share, 3),
            "subject": worst.subject, "change": worst.change, "since": worst.points[0].period}


def objective_progress(plan, series: list[Trend], today: date) -> list[dict]:
    """Every objective's progress."""
    return [progress(o, plan.measure(o.measure), [t for t in series if t.measure == o.measure], today)
            for o in plan.objectives]


def gaps(plan, rows: list[dict], today: date, in_force: date) -> list[dict]:
    """The measures with no measurement in their frequency window (the period in progress and the one
    before it), once the plan, in force from ``in_force``, was in force before that earlier period ended."""
    found = []
    for measure in plan.measures:
        now = period_of(today, measure.frequency)
        before = previous(now)
        if in_force > bounds(before)[1]:
            continue
        periods = sorted((r["period"] for r in rows if r["measure_id"] == measure.id), key=lambda p: bounds(p)[0])
        if now in periods or before in periods:
            continue
        last = periods[-1] if periods else ""
        found.append({"measure": measure.id, "name": measure.name, "frequency": measure.frequency,
                      "last_period": last, "measured_by": measure.measured_by,
                      "message": f"{measure.frequency} measure with no measurement for {before} nor {now}; "
                                 + (f"last measured for {last}" if last else "never measured")})
    return found


def from_dict(data: dict) -> Trend:
    """A trend as :meth:`Trend.as_dict` wrote it (in a ``results.json``)."""
    fields = {k: data[k] for k in ("measure", "name", "subject", "unit", "direction", "target", "threshold")}
    return Trend(**fields, points=[Point(**p) for p in data["points"]])


def by_measure(series: list[Trend]) -> dict[str, list[Trend]]:
    """The series grouped by measure, in plan order."""
    grouped: dict[str, list[Trend]] = {}
    for t in series:
        grouped.setdefault(t.measure, []).append(t)
    return grouped
