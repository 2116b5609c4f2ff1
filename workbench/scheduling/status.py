"""One review status per AI system, for the side panel and anyone who wants a single word.

It combines the schedule of every reviewed process (:mod:`workbench.scheduling.cadence`: current, due,
overdue; a due review whose scheduler's recalculation waits for a person is *awaiting confirmation*)
with the sign-off of the latest evidence (*awaiting approval* while it is submitted but not yet
approved). When several apply, the first in :data:`STATES` wins: an overdue review is more urgent
than a pending confirmation, and that than a pending approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workbench.scheduling.cadence import ReviewState, review_states

STATES = ("overdue", "awaiting confirmation", "awaiting approval", "due", "current")
EVIDENCE_HTML = "evidence.html"


@dataclass(frozen=True)
class SystemReview:
    """Where one AI system stands: its state, why, its next review, and its latest evidence record
    (``None`` if none), whose ``html`` is the evidence file's path relative to the workspace."""

    system_id: str
    name: str
    tier: str
    owner: str
    state: str
    reason: str
    next_review: date | None
    latest: dict | None
    processes: list[ReviewState] = field(default_factory=list)

    def as_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings)."""
        latest = None
        if self.latest:
            latest = {k: v.isoformat() if isinstance(v, date) else v for k, v in self.latest.items()}
        return {"system_id": self.system_id, "name": self.name, "tier": self.tier, "owner": self.owner,
                "state": self.state, "reason": self.reason,
                "next_review": self.next_review.isoformat() if self.next_review else None,
                "latest": latest, "processes": [p.as_dict() for p in self.processes]}


def system_review(system, states: list[ReviewState], records: list[dict]) -> SystemReview:
    """Combine one system's process review states and its evidence records into one status.

    Failed runs are not evidence and are ignored.
    """
    kept = sorted((r for r in records if r["system_id"] == system.id and r["status"] != "failed"),
                  key=lambda r: (r["recorded_at"], r["run_id"]), reverse=True)
    latest = {**kept[0], "html": f"evidence/{kept[0]['path']}/{EVIDENCE_HTML}"} if kept else None
    candidates = [("awaiting confirmation" if s.status == "due" and s.awaiting_confirmation else s.status,
                   f"{s.process}: {s.reason}" + (f", due {s.due_on.isoformat()}" if s.due_on else ""))
                  for s in states]
    if latest and latest["status"] == "submitted":
        candidates.append(("awaiting approval", f"{latest['run_id']} is submitted, not yet approved"))
    state, reason = min(candidates, key=lambda c: STATES.index(c[0]), default=("current", "nothing to review"))
    dues = [s.due_on for s in states if s.due_on]
    return SystemReview(system.id, system.name, system.tier, system.owner, state, reason,
                        min(dues) if dues else None, latest, list(states))


def system_reviews(workspace, today: date | None = None) -> list[SystemReview]:
    """Review status of every registered system of ``workspace``, by system id."""
    states: dict[str, list[ReviewState]] = {}
    for state in review_states(workspace, today):
        states.setdefault(state.system_id, []).append(state)
    records = workspace.register.evidence_list()
    return [system_review(s, states.get(s.id, []), records) for s in workspace.register.systems()]
