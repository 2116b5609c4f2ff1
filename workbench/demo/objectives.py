"""The demo's AI objectives and monitoring plan, established six months ago, with the measurements of
the months and quarters since: earlier periods recorded from the monthly AIMS report (before the
workbench kept the register), this period taken from the register and the runs.

Two flaws for the evidence to show: the staff training objective is past its due date and off track,
and its measure has not been recorded for two quarters, a gap in monitoring.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

from workbench.processes.objectives.plan import period_of
from workbench.scheduling.cadence import add_months

REPORT = "from the monthly AIMS report, before the workbench kept the register"


def measure(id_, name, method, source, unit, direction, frequency, target=None, threshold=None, **extra) -> dict:
    return {"id": id_, "name": name, "method": method, "source": source, "unit": unit, "direction": direction,
            "target": target, "threshold": threshold, "frequency": frequency, "measured_by": "priya",
            "evaluated_by": "david", **extra}


def answers(today: date) -> dict:
    """Four objectives and a plan of six measures."""
    def due(months: int) -> str:
        return add_months(today, months).isoformat()

    return {
        "objectives": [
            {"id": "risk-current", "objective": "Keep the risk assessment of every high-tier AI system current",
             "owner": "priya", "measure": "high-risk-current", "target": 100, "due_date": due(3),
             "actions": ["Schedule the periodic review monthly", "Confirm each recalculation within 10 days"]},
            {"id": "no-overdue-actions", "objective": "Close corrective actions by their due date", "owner": "priya",
             "measure": "overdue-actions", "target": 0, "due_date": due(4),
             "actions": ["Review open actions in the monthly AIMS meeting", "Escalate actions 7 days before due"]},
            {"id": "stage-1-ready", "objective": "Be ready for the stage 1 certification audit", "owner": "david",
             "measure": "readiness", "target": 80, "due_date": due(6),
             "actions": ["Work through the gap analysis implementation plan", "Hold the first management review"],
             "resources": "An AIMS manager at 50% and an external readiness review."},
            {"id": "staff-trained", "objective": "Train 90% of staff in AI roles in the AI policy and procedures",
             "owner": "priya", "measure": "staff-trained", "target": 90, "due_date": (today - timedelta(days=40)).isoformat(),
             "actions": ["E-learning module on the AI policy", "Workshop on risk and impact assessment for assessors"]},
        ],
        "measures": [
            measure("high-risk-current", "High-tier systems with a current risk assessment",
                    "Share of high-tier systems whose risk assessment is not due or overdue by the review policy.",
                    "register:high-tier-risk-current", "%", "higher is better", "monthly", 100, 80),
            measure("impact-current", "Systems with a current impact assessment",
                    "Share of registered systems whose impact assessment is not due or overdue.",
                    "register:impact-current", "%", "higher is better", "monthly", 100, 60),
            measure("overdue-actions", "Overdue corrective actions",
                    "Corrective actions past their due date and still open or in progress.",
                    "register:overdue-actions", "count", "lower is better", "monthly", 0, 2),
            measure("readiness", "Certification readiness", "Overall readiness of the latest gap analysis.",
                    "register:readiness", "%", "higher is better", "quarterly", 80, 40),
            measure("impact-score", "Impact score per system",
                    "Current impact score (after mitigation) of each system's latest impact assessment.",
                    "run:impact-assessment:score.current", "score", "lower is better", "quarterly", threshold=22),
            measure("staff-trained", "Staff in AI roles trained",
                    "Completed training records over staff in AI roles, from the HR learning system.",
                    "manual", "%", "higher is better", "quarterly", 90, 70),
        ],
    }


# The values of earlier periods, oldest first, as the monthly AIMS report gave them.
MONTHLY = {"high-risk-current": [50, 50, 50, 100, 100], "impact-current": [33.3, 33.3, 33.3, 66.7, 66.7],
           "overdue-actions": [0, 1, 1, 2, 3]}
QUARTERLY = {"readiness": [31.5, 38.0]}
IMPACT = {"credit-scoring": 18, "cv-screening": 31, "support-assistant": 19}  # last quarter, per system
TRAINED = [41, 55]  # the two quarters before the last: nobody recorded the last one


def run_objectives(workspace, examples: Path, progress):
    """Archive the objectives record six months back, record the earlier periods, take this period's."""
    from workbench.pipeline.run import run_process
    from workbench.processes.objectives.measurements import record_measurement, take_measures

    today = date.today()
    established = add_months(today, -6).replace(day=1)
    answers_file = examples / "objectives.yaml"
    answers_file.write_text(yaml.safe_dump(answers(today), sort_keys=False))
    progress("archiving the AI objectives and monitoring plan ...")
    evidence = run_process(workspace, "objectives", "", answers_file, assessor="priya", effective_date=established)
    for measure_id, values in MONTHLY.items():
        for back, value in zip(range(len(values), 0, -1), values):
            record_measurement(workspace, measure_id, value, period_of(add_months(today, -back), "monthly"),
                               person="priya", note=REPORT)
    for measure_id, values in QUARTERLY.items():
        for back, value in zip(range(len(values), 0, -1), values):
            record_measurement(workspace, measure_id, value, period_of(add_months(today, -3 * back), "quarterly"),
                               person="priya", note=REPORT)
    for system_id, value in IMPACT.items():
        record_measurement(workspace, "impact-score", value, period_of(add_months(today, -3), "quarterly"),
                           person="priya", note=REPORT, subject=system_id)
    for back, value in zip((3, 2), TRAINED):
        record_measurement(workspace, "staff-trained", value, period_of(add_months(today, -3 * back), "quarterly"),
                           person="priya", note="HR learning system export")
    progress("taking this period's measures ...")
    take_measures(workspace, today, person="priya")
    return evidence
