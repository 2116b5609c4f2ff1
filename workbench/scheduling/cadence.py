"""When each system's next review is due: an interval per tier, brought forward by events.

A review of a (system, process) is *current* before its due date, *due* from the due date until
the grace period ends, and *overdue* after that. A system never assessed is due at once.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from workbench.config import ReviewPolicy


@dataclass(frozen=True)
class ReviewState:
    """Where one (system, process) stands against the review policy."""

    system_id: str
    process: str
    tier: str
    last_run_id: str | None
    last_effective: date | None
    last_status: str | None
    due_on: date | None
    status: str
    reason: str

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_state(system, process: str, records: list[dict], events: list[dict], policy: ReviewPolicy,
                 today: date) -> ReviewState:
    """Compute the review state of one system for one process.

    Parameters
    ----------
    system : AISystem
        The system (its tier sets the interval).
    process : str
        Process name.
    records : list of dict
        The system's evidence records for this process (any order; failed runs included).
    events : list of dict
        The system's recorded events (``kind``, ``occurred_on``).
    policy : ReviewPolicy
        Intervals, grace period and trigger kinds.
    today : date
        The day to judge against.
    """
    done = [r for r in records if r["status"] != "failed"]
    latest_any = max(records, key=lambda r: (r["recorded_at"], r["run_id"]), default=None)
    last_status = latest_any["status"] if latest_any else None
    if not done:
        return ReviewState(system.id, process, system.tier, None, None, last_status, None, "due",
                           "never assessed")
    last = max(done, key=lambda r: (r["effective_date"], r["recorded_at"], r["run_id"]))
    effective = last["effective_date"]
    due_on = add_months(effective, policy.interval_months[system.tier])
    reason = f"every {policy.interval_months[system.tier]} months for tier {system.tier}"
    triggered = [e for e in events if e["kind"] in policy.triggers and e["occurred_on"] > effective]
    if triggered:
        first = min(triggered, key=lambda e: e["occurred_on"])
        if first["occurred_on"] < due_on:
            due_on, reason = first["occurred_on"], f"{first['kind']} on {first['occurred_on'].isoformat()}"
    if today < due_on:
        status = "current"
    elif today <= due_on + timedelta(days=policy.grace_days):
        status = "due"
    else:
        status = "overdue"
    return ReviewState(system.id, process, system.tier, last["run_id"], effective, last_status, due_on, status,
                       reason)


def review_states(workspace, today: date | None = None, processes: list[str] | None = None) -> list[ReviewState]:
    """The review state of every registered system for every reviewed process."""
    today = today or date.today()
    policy = workspace.config.review
    register = workspace.register
    records: dict[tuple[str, str], list[dict]] = {}
    for record in register.evidence_list():
        records.setdefault((record["system_id"], record["process"]), []).append(record)
    events: dict[str, list[dict]] = {}
    for event in register.events():
        events.setdefault(event["system_id"], []).append(event)
    return [review_state(system, process, records.get((system.id, process), []), events.get(system.id, []),
                         policy, today)
            for system in register.systems() for process in processes or policy.processes]
