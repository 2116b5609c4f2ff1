"""When each subject's next review is due: an interval per tier, brought forward by events.

A subject is an AI system, or an item of one (a dataset, a supplier) for a process about items;
an item is reviewed on its system's tier. A review of a (subject, process) is *current* before its
due date, *due* from the due date until the grace period ends, and *overdue* after that. A
subject never assessed is due at once.

Only a person's record sets the clock and closes a trigger event: a run of their own, or the
scheduler's recalculation once a person has confirmed it. An unconfirmed recalculation changes no
due date; it makes its subject due (*awaiting confirmation*) at the latest from its own date.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from workbench.config import ReviewPolicy


@dataclass(frozen=True)
class ReviewState:
    """Where one (subject, process) stands against the review policy (``item_id`` empty: the system)."""

    system_id: str
    process: str
    tier: str
    last_run_id: str | None
    last_effective: date | None
    last_status: str | None
    due_on: date | None
    status: str
    reason: str
    item_id: str = ""
    awaiting_confirmation: str = ""  # the run id of a recalculation no person has confirmed yet

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)
    and to the last representable day (a stored date near year 9999 crashes no command)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_state(system, process: str, records: list[dict], events: list[dict], policy: ReviewPolicy,
                 today: date, item_id: str = "", inputs: list[dict] = ()) -> ReviewState:
    """Compute the review state of one subject (a system, or its item ``item_id``) for one process.

    Parameters
    ----------
    system : AISystem
        The system (its tier sets the interval).
    process : str
        Process name.
    records : list of dict
        The subject's evidence records for this process (any order; failed runs and recalculations included).
    events : list of dict
        The system's recorded events (``kind``, ``occurred_on``).
    policy : ReviewPolicy
        Intervals, grace period and trigger kinds.
    today : date
        The day to judge against.
    inputs : list of dict
        The system's records of the processes this one is made from (``Process.inputs``): one a person
        recorded after the subject's latest record makes the review due on the day it was recorded.
    """
    assessed = [r for r in records if r["status"] not in ("failed", "recalculated")]
    latest_any = max(records, key=lambda r: (r["recorded_at"], r["run_id"]), default=None)
    last_status = latest_any["status"] if latest_any else None
    if not assessed:
        return ReviewState(system.id, process, system.tier, None, None, last_status, None, "due",
                           "never assessed", item_id)
    last = max(assessed, key=_order)
    effective = last["effective_date"]
    due_on = add_months(effective, policy.interval_months[system.tier])
    reason = f"every {policy.interval_months[system.tier]} months for tier {system.tier}"
    triggered = [e for e in events if e["kind"] in policy.triggers and e["occurred_on"] > effective]
    if triggered:
        first = min(triggered, key=lambda e: e["occurred_on"])
        if first["occurred_on"] < due_on:
            due_on, reason = first["occurred_on"], f"{first['kind']} on {first['occurred_on'].isoformat()}"
    changed = [r for r in inputs if r["status"] not in ("failed", "recalculated")
               and (r["recorded_at"], r["run_id"]) > (last["recorded_at"], last["run_id"])]
    if changed:
        first = min(changed, key=lambda r: r["recorded_at"])
        if first["recorded_at"].date() < due_on:
            due_on, reason = first["recorded_at"].date(), f"its input {first['process']} {first['run_id']} is newer"
    waiting = max((r for r in records if r["status"] == "recalculated" and _order(r) > _order(last)), key=_order,
                  default=None)
    if waiting:
        if waiting["effective_date"] < due_on:
            due_on, reason = waiting["effective_date"], f"awaiting confirmation of {waiting['run_id']}"
        else:
            reason = f"awaiting confirmation of {waiting['run_id']} ({reason})"
    if today < due_on and not waiting:
        status = "current"
    elif today <= due_on + min(timedelta(days=policy.grace_days), date.max - due_on):
        status = "due"
    else:
        status = "overdue"
    return ReviewState(system.id, process, system.tier, last["run_id"], effective, last_status, due_on, status,
                       reason, item_id, waiting["run_id"] if waiting else "")


def _order(record: dict) -> tuple:
    """Which of a subject's records is later: by effective date, then recording time."""
    return record["effective_date"], record["recorded_at"], record["run_id"]


def review_states(workspace, today: date | None = None, processes: list[str] | None = None) -> list[ReviewState]:
    """The review state of every registered subject for every reviewed process: each system for a
    process about systems, each item of the process's kind for a process about items."""
    from workbench.processes import get_process

    today = today or date.today()
    policy = workspace.config.review
    register = workspace.register
    records: dict[tuple[str, str, str], list[dict]] = {}
    for record in register.evidence_list():
        records.setdefault((record["system_id"], record["item_id"], record["process"]), []).append(record)
    events: dict[str, list[dict]] = {}
    for event in register.events():
        events.setdefault(event["system_id"], []).append(event)
    items: dict[tuple[str, str], list[str]] = {}
    for item in register.item_rows():
        items.setdefault((item["system_id"], item["kind"]), []).append(item["id"])
    states = []
    for system in register.systems():
        for name in processes or policy.processes:
            process = get_process(name)
            subjects = items.get((system.id, process.item_kind), []) if process.subject == "item" else [""]
            inputs = [r for (system_id, _item, source), found in records.items()
                      if system_id == system.id and source in process.inputs for r in found]
            states.extend(review_state(system, name, records.get((system.id, item_id, name), []),
                                       events.get(system.id, []), policy, today, item_id, inputs)
                          for item_id in subjects)
    return states
