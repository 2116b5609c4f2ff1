"""Review status of each AI system, computed from the register's evidence records.

A system is *overdue* when a process's next review date (its latest effective date plus the
cadence of the system's tier) has passed, or when nothing was ever archived for it; *awaiting
approval* when its latest evidence is submitted but not yet approved; *due* when a next review
falls within :data:`DUE_WINDOW_DAYS`; otherwise *current*. When several apply, the first in
:data:`STATES` wins: an overdue review is more urgent than a pending approval.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from .systems import AISystem

STATES = ("overdue", "awaiting approval", "due", "current")
CADENCE_MONTHS = {"high": 6, "medium": 12, "low": 12}
DEFAULT_CADENCE_MONTHS = 12
DUE_WINDOW_DAYS = 30
NOT_EVIDENCE = ("failed",)
EVIDENCE_HTML = "evidence.html"


def cadence_months(tier: str) -> int:
    """Months between reviews for a tier (tiers not listed in :data:`CADENCE_MONTHS` get 12)."""
    return CADENCE_MONTHS.get(tier, DEFAULT_CADENCE_MONTHS)


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later, clamped to the end of a shorter month (31 Aug + 6 = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_state(next_review: date, today: date) -> str:
    """``overdue``, ``due`` or ``current`` for a next review date seen from ``today``."""
    if next_review < today:
        return "overdue"
    if next_review <= today + timedelta(days=DUE_WINDOW_DAYS):
        return "due"
    return "current"


@dataclass(frozen=True)
class ProcessReview:
    """The latest archived run of one process for one system, and when it is next due."""

    process: str
    run_id: str
    effective_date: date
    next_review: date
    state: str


@dataclass(frozen=True)
class SystemReview:
    """Where one AI system stands: its state, why, and its latest evidence record (``None`` if
    none), whose ``html`` is the evidence file's path relative to the workspace."""

    system_id: str
    name: str
    tier: str
    owner: str
    state: str
    reason: str
    next_review: date | None
    latest: dict | None
    processes: list[ProcessReview] = field(default_factory=list)

    def as_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings)."""
        data = asdict(self)
        data["next_review"] = self.next_review.isoformat() if self.next_review else None
        for review in data["processes"]:
            review["effective_date"] = review["effective_date"].isoformat()
            review["next_review"] = review["next_review"].isoformat()
        if self.latest:
            data["latest"] = {k: v.isoformat() if isinstance(v, date) else v for k, v in self.latest.items()}
        return data


def system_review(system: AISystem, records: list[dict], today: date) -> SystemReview:
    """Review status of ``system`` from its evidence records (register rows, any order).

    Failed runs are not evidence and are ignored.
    """
    kept = sorted((r for r in records if r["system_id"] == system.id and r["status"] not in NOT_EVIDENCE),
                  key=lambda r: (r["recorded_at"], r["run_id"]), reverse=True)
    base = {"system_id": system.id, "name": system.name, "tier": system.tier, "owner": system.owner}
    if not kept:
        return SystemReview(**base, state="overdue", reason="no evidence archived yet", next_review=None,
                            latest=None)
    months = cadence_months(system.tier)
    latest_by_process: dict[str, dict] = {}
    for record in kept:
        best = latest_by_process.get(record["process"])
        if best is None or record["effective_date"] > best["effective_date"]:
            latest_by_process[record["process"]] = record
    reviews = []
    for process, record in sorted(latest_by_process.items()):
        next_review = add_months(record["effective_date"], months)
        reviews.append(ProcessReview(process, record["run_id"], record["effective_date"], next_review,
                                     date_state(next_review, today)))
    soonest = min(reviews, key=lambda r: r.next_review)
    latest = {**kept[0], "html": f"evidence/{kept[0]['path']}/{EVIDENCE_HTML}"}
    candidates = [(soonest.state, f"{soonest.process} next review {soonest.next_review.isoformat()} "
                                  f"({months}-monthly for tier {system.tier})")]
    if latest["status"] == "submitted":
        candidates.append(("awaiting approval", f"{latest['run_id']} is submitted, not yet approved"))
    state, reason = min(candidates, key=lambda c: STATES.index(c[0]))
    return SystemReview(**base, state=state, reason=reason, next_review=soonest.next_review,
                        latest=latest, processes=reviews)


def system_reviews(workspace, today: date | None = None) -> list[SystemReview]:
    """Review status of every registered system of ``workspace``, by system id."""
    today = today or date.today()
    records = workspace.register.evidence_list()
    return [system_review(s, records, today) for s in workspace.register.systems()]
