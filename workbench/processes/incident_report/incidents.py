"""The incident register (ISO/IEC 42001 A.8.4, A.8.5, 10.2; EU AI Act Art. 73): one record per
incident of an AI system, and its timeline.

An incident is an item of its system (kind ``incident``). Its first state is a signed ``incident``
entry of the hash-chained ledger; every later change (containment, a communication, the root cause,
the nonconformity it opened, closure) is an ``incident-update`` entry holding the whole new state,
so nothing recorded is ever edited and the timeline is the ledger's. Recording an incident also
records an ``incident`` event, which makes the system's reviews (its risk and impact assessments)
due, as any event does. A serious incident of a high-risk system runs a clock: its report to the
market surveillance authority is due a configured number of calendar days after awareness.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Literal

from pydantic import Field, field_validator, model_validator

from workbench.exceptions import InputError, UnknownRecordError
from workbench.processes.incident_report.settings import GROUNDS, IncidentSettings
from workbench.validate import Strict, check_not_after, known_person, model_from, require_plain_text

KIND = "incident"
UPDATE_KIND = "incident-update"
SECTION = "incidents"
AUTHORITY = "market-surveillance-authority"
RECIPIENTS = (AUTHORITY, "affected-persons", "provider", "deployer", "internal", "other")
EDITABLE = ("title", "what_happened", "severity", "harm_category", "affected", "affected_count", "serious",
            "serious_ground", "root_cause")
CLOCK_ATTENTION = ("due", "overdue")


class Containment(Strict):
    """One action taken to contain the incident or its harm."""

    action: str = Field(min_length=1, max_length=2000)
    by: str = Field(min_length=1, max_length=64, description="person id of who took it")
    on: date

    _by = field_validator("by")(known_person)


class Communication(Strict):
    """One communication made about the incident: to whom, when, what."""

    recipient: Literal[RECIPIENTS] = Field(description="who it went to: " + ", ".join(RECIPIENTS))
    to: str = Field(min_length=1, max_length=200, description="the body or people it went to, by name")
    on: date
    what: str = Field(min_length=1, max_length=5000)


class IncidentState(Strict):
    """Everything known of an incident after one entry of its timeline (every field, not only the changed)."""

    title: str = Field(min_length=1, max_length=200)
    what_happened: str = Field(min_length=1, max_length=10000)
    detected_on: date = Field(description="when it was detected")
    detected_by: str = Field(min_length=1, max_length=200,
                             description="who or what detected it: a person, a monitoring alert, a complaint")
    aware_on: date = Field(description="when the organisation became aware of it: the reporting clock starts here")
    severity: str = Field(min_length=1, max_length=64, description="a level of the severity scale in workbench.yaml")
    harm_category: str = Field(min_length=1, max_length=64, description="one of the harm categories in workbench.yaml")
    affected: list[str] = Field(min_length=1, max_length=50, description="who was affected (groups of people)")
    affected_count: int | None = Field(default=None, ge=0, description="how many people, where known")
    serious: bool = Field(default=False, description="a serious incident in the EU AI Act's sense (Art. 3(49))")
    serious_ground: Literal[("",) + GROUNDS] = Field(
        default="", description="for a serious incident, which: " + ", ".join(GROUNDS))
    containment: list[Containment] = Field(default_factory=list, max_length=200)
    communications: list[Communication] = Field(default_factory=list, max_length=200)
    root_cause: str = Field(default="", max_length=5000)
    nonconformity: str = Field(default="", max_length=64, description="id of the nonconformity it opened")
    concern: str = Field(default="", max_length=64, description="id of the concern it came from")
    status: Literal["open", "closed"] = "open"
    lessons_learned: str = Field(default="", max_length=10000)
    closed_on: date | None = None

    @field_validator("affected")
    @classmethod
    def _short(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item.strip() or len(item) > 200:
                raise ValueError("each affected group is 1 to 200 characters")
        return [item.strip() for item in value]

    @model_validator(mode="after")
    def _consistent(self) -> "IncidentState":
        if self.serious and not self.serious_ground:
            raise ValueError(f"serious_ground: a serious incident says which it is: {', '.join(GROUNDS)}")
        if not self.serious and self.serious_ground:
            raise ValueError("serious_ground: only a serious incident has one (set serious)")
        if self.aware_on < self.detected_on:
            raise ValueError("aware_on: the organisation cannot become aware before the incident is detected")
        for i, c in enumerate(self.communications):
            if c.on < self.detected_on:
                raise ValueError(f"communications[{i}].on: {c.on} is before the incident was detected")
        if self.status == "closed":
            if not self.root_cause:
                raise ValueError("root_cause: an incident is closed once its root cause is known")
            if not self.lessons_learned:
                raise ValueError("lessons_learned: closing an incident records the lessons learned")
            if self.closed_on is None or self.closed_on < self.aware_on:
                raise ValueError("closed_on: the day it was closed, not before the organisation became aware")
        return self


def settings(workspace) -> IncidentSettings:
    """The ``incidents`` section of the configuration in force."""
    return getattr(workspace.config, SECTION)


def validated(workspace, data: dict, what: str = "incident", before: dict | None = None) -> IncidentState:
    """Validate a state against the model, the configuration's scales and today; the dates of the
    containment actions and communications of the state ``before`` an update were checked when recorded."""
    state = model_from(IncidentState, data, workspace.validation_context(), what=what)
    scale = settings(workspace)
    if state.severity not in scale.severity:
        raise InputError.single("severity", state.severity, f"allowed (the scale in workbench.yaml, least severe "
                                f"first): {', '.join(scale.severity)}")
    if state.harm_category not in scale.harm_categories:
        raise InputError.single("harm_category", state.harm_category,
                                f"allowed: {', '.join(scale.harm_categories)}")
    today = date.today()
    happened = [(name, getattr(state, name)) for name in ("detected_on", "aware_on", "closed_on")]
    for name, items in (("containment", state.containment), ("communications", state.communications)):
        known = len((before or {}).get(name, []))
        happened += [(f"{name}[{i}].on", item.on) for i, item in enumerate(items) if i >= known]
    for name, day in happened:  # a communication dated ahead would mark the authority report made
        check_not_after(name, day, today, "is in the future; the timeline records what has happened, by today")
    return state


def authority_due(aware_on: date, ground: str, scale: IncidentSettings) -> date:
    """The day the report to the market surveillance authority is due: awareness plus the ground's
    period in calendar days (weekends count; a report on the due day is on time)."""
    return aware_on + timedelta(days=scale.authority_periods.days(ground))


def authority_clock(state: dict, tier: str, scale: IncidentSettings, today: date) -> dict:
    """Where an incident's report to the authority stands on ``today``.

    Returns a dict with ``status``: ``not required`` (not serious, or not a high-risk system),
    ``reported`` or ``reported late`` (a communication to the authority on or before, or after, the
    due day), ``overdue`` (past the due day, not reported), ``due`` (within ``due_within_days`` of
    it) or ``running``; and ``due_on``, ``reported_on``, ``period_days``, ``days_left``, ``rule``.
    """
    high_risk = tier in scale.high_risk_tiers
    if not (state["serious"] and high_risk):
        why = "not a serious incident" if not state["serious"] else f"tier {tier!r} is not a high-risk tier"
        return {"status": "not required", "due_on": None, "reported_on": None, "period_days": None,
                "days_left": None, "rule": why}
    aware = _day(state["aware_on"])
    ground = state["serious_ground"]
    due = authority_due(aware, ground, scale)
    reports = sorted(_day(c["on"]) for c in state["communications"] if c["recipient"] == AUTHORITY)
    reported = reports[0] if reports else None
    if reported:
        status = "reported" if reported <= due else "reported late"
    elif today > due:
        status = "overdue"
    elif (due - today).days <= scale.due_within_days:
        status = "due"
    else:
        status = "running"
    days = scale.authority_periods.days(ground)
    return {"status": status, "due_on": due.isoformat(), "reported_on": reported.isoformat() if reported else None,
            "period_days": days, "days_left": (due - today).days,
            "rule": f"{ground}: aware on {aware.isoformat()} + {days} calendar days = {due.isoformat()}"}


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def add_incident(workspace, system_id: str, data: dict, person: str = "") -> dict:
    """Record an incident of system ``system_id`` (its first state), signed by ``person`` (an AIMS manager
    or a system owner); record the ``incident`` event that makes the system's reviews due; return it."""
    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.indexing import event_facts, item_facts
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.systems import Item

    workspace.register.system(system_id)
    data = dict(data)
    for name in ("status", "lessons_learned", "closed_on", "nonconformity"):
        if data.get(name) and not (name == "status" and data[name] == "open"):
            raise InputError.single(name, data[name], "is set by 'workbench incident close' and by the incident "
                                    "report, not when an incident is recorded")
    state = validated(workspace, data)
    signer = workspace.registrar(person)
    if state.concern:
        from workbench.processes.incident_report.concerns import concern

        if concern(workspace, state.concern)["system_id"] != system_id:
            raise InputError.single("concern", state.concern, f"is a concern about another system, not {system_id}")
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        incident_id = _next_id(workspace)
        now = datetime.now(timezone.utc)
        index_entry(workspace, append_locked(workspace.evidence_dir, {
            **item_facts(system_id, Item(id=incident_id, kind=KIND, name=state.title, description=""), now),
            "recorded_by": signer.id}, signer))
        event = ""
        if KIND in workspace.config.review.triggers:
            entry = append_locked(workspace.evidence_dir, {
                **event_facts(system_id, KIND, state.aware_on, f"{incident_id}: {state.title}", now),
                "recorded_by": signer.id}, signer)
            index_entry(workspace, entry)
            event = entry["hash"]
        index_entry(workspace, append_locked(workspace.evidence_dir, {
            "kind": KIND, "system_id": system_id, "incident_id": incident_id, "event": event,
            "state": state.model_dump(mode="json"), "recorded_by": signer.id,
            "recorded_at": now.isoformat(timespec="seconds")}, signer))
    return current(workspace, incident_id)


def _next_id(workspace) -> str:
    """The next free id; the ledger counts too (a writer killed before its register row took its id)."""
    from workbench.pipeline.archive import ledger_entries

    taken = {r["incident_id"] for r in workspace.register.rows("incidents")}
    taken |= {e["incident_id"] for e in ledger_entries(workspace.evidence_dir) if e.get("kind") == KIND}
    n = len(taken) + 1
    while f"inc-{n:04d}" in taken:
        n += 1
    return f"inc-{n:04d}"


def update_incident(workspace, incident_id: str, person: str = "", note: str = "",
                    containment: dict | None = None, communication: dict | None = None, **changes) -> dict:
    """Append an entry to an incident's timeline; return the incident's new state.

    ``changes`` may set any of :data:`EDITABLE`; ``containment`` and ``communication`` each add one
    action or communication. A closed incident takes no update.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError.single(unknown[0], changes[unknown[0]], f"is not a field an update changes; allowed: "
                                f"{', '.join(EDITABLE)}, containment, communication, note "
                                "('workbench incident close' closes it)")
    changes = {k: v for k, v in changes.items() if v is not None}
    added = {}
    if containment:
        added["containment"] = model_from(Containment, containment, workspace.validation_context(), what="containment")
    if communication:
        added["communications"] = model_from(Communication, communication, workspace.validation_context(),
                                             what="communication")
    if not changes and not added and not note:
        raise InputError.single("update", incident_id, "changes nothing: give a field, a containment action, a "
                                "communication or a note")
    return _append_update(workspace, incident_id, person, note, changes, added)


def close_incident(workspace, incident_id: str, lessons_learned: str, person: str = "",
                   closed_on: date | str | None = None, root_cause: str = "") -> dict:
    """Close an incident with the lessons learned (and its root cause, if not recorded yet).

    A serious incident whose report to the authority is due is closed only once it was reported.
    """
    changes = {"status": "closed", "lessons_learned": lessons_learned, "closed_on": closed_on or date.today()}
    if root_cause:
        changes["root_cause"] = root_cause
    return _append_update(workspace, incident_id, person, "closed", changes, {})


def link_nonconformity(workspace, incident_id: str, nc_id: str, person: str = "") -> dict:
    """Record the nonconformity an incident opened (once) on its timeline."""
    return _append_update(workspace, incident_id, person, f"opened nonconformity {nc_id}", {"nonconformity": nc_id},
                          {})


def _append_update(workspace, incident_id: str, person: str, note: str, changes: dict, added: dict) -> dict:
    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.recovery import index_entry, recover_locked

    if len(note) > 5000:
        raise InputError.single("note", note[:40] + "...", "must be at most 5000 characters")
    require_plain_text("note", note)
    timeline(workspace, incident_id)
    signer = workspace.registrar(person)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        last = timeline(workspace, incident_id)[-1]  # decided under the lock: two updates never take one number
        if last["state"]["status"] == "closed":
            raise InputError.single("incident", incident_id, f"was closed on {last['state']['closed_on']}: a closed "
                                    "incident takes no update; record a new incident if it happened again")
        data = {**last["state"], **changes}
        for name, item in added.items():
            data[name] = [*data[name], item.model_dump(mode="json")]
        state = validated(workspace, data, what=f"incident {incident_id}", before=last["state"])
        if state.status == "closed":
            system = workspace.register.system(last["system_id"])
            clock = authority_clock(state.model_dump(mode="json"), system.tier, settings(workspace), date.today())
            if clock["status"] in ("running",) + CLOCK_ATTENTION:
                raise InputError.single("communications", "", f"{incident_id} is a serious incident of a high-risk "
                                        f"system: it is closed once its report to the market surveillance authority "
                                        f"(due {clock['due_on']}) is recorded ('workbench incident update "
                                        f"--to-authority ...')")
        before = last["state"]
        changed = sorted(k for k, v in state.model_dump(mode="json").items() if before.get(k) != v)
        entry = append_locked(workspace.evidence_dir, {
            "kind": UPDATE_KIND, "system_id": last["system_id"], "incident_id": incident_id,
            "update_seq": last["seq"] + 1, "state": state.model_dump(mode="json"), "changed": changed, "note": note,
            "updated_by": signer.id, "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return current(workspace, incident_id)


def incident_rows(entry: dict) -> dict[str, list[dict]]:
    """The register rows of an ``incident`` entry: the incident, and the first entry of its timeline."""
    return {"incidents": [{"incident_id": entry["incident_id"], "system_id": entry["system_id"],
                           "title": entry["state"]["title"], "event": entry["event"],
                           "recorded_by": entry["recorded_by"], "recorded_at": entry["recorded_at"]}],
            "incident_updates": [{"incident_id": entry["incident_id"], "seq": 1, "system_id": entry["system_id"],
                                  "state": entry["state"], "changed": [], "note": "recorded",
                                  "updated_by": entry["recorded_by"], "updated_at": entry["recorded_at"],
                                  "ledger_hash": entry["hash"]}]}


def update_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of an ``incident-update`` entry: one more entry of the timeline."""
    return {"incident_updates": [{"incident_id": entry["incident_id"], "seq": entry["update_seq"],
                                  "system_id": entry["system_id"], "state": entry["state"],
                                  "changed": entry["changed"], "note": entry["note"],
                                  "updated_by": entry["updated_by"], "updated_at": entry["recorded_at"],
                                  "ledger_hash": entry["hash"]}]}


def timeline(workspace, incident_id: str) -> list[dict]:
    """Every entry of one incident's timeline, oldest first."""
    rows = sorted(workspace.register.rows("incident_updates", incident_id=incident_id), key=lambda r: r["seq"])
    if not rows:
        known = ", ".join(sorted(r["incident_id"] for r in workspace.register.rows("incidents"))[-20:]) or "none yet"
        raise UnknownRecordError.single("incident", incident_id, f"is not an incident id; known: {known}")
    return rows


def incidents(workspace, system_id: str | None = None, today: date | None = None) -> list[dict]:
    """The current state of every incident (of one system, or all), with its authority clock, by id."""
    today = today or date.today()
    scale = settings(workspace)
    tiers = {s.id: s.tier for s in workspace.register.systems()}
    latest: dict[str, dict] = {}
    for row in workspace.register.rows("incident_updates", **({"system_id": system_id} if system_id else {})):
        if row["incident_id"] not in latest or row["seq"] > latest[row["incident_id"]]["seq"]:
            latest[row["incident_id"]] = row
    first = {r["incident_id"]: r for r in workspace.register.rows("incidents")}
    return [{"incident_id": key, "system_id": row["system_id"], "seq": row["seq"], **row["state"],
             "reported_by": first[key]["recorded_by"], "recorded_at": first[key]["recorded_at"],
             "updated_at": row["updated_at"], "event": first[key]["event"],
             "clock": authority_clock(row["state"], tiers.get(row["system_id"], ""), scale, today)}
            for key, row in sorted(latest.items())]


def current(workspace, incident_id: str, today: date | None = None) -> dict:
    """One incident's current state with its clock; ``UnknownRecordError`` if there is none."""
    timeline(workspace, incident_id)
    return next(i for i in incidents(workspace, today=today) if i["incident_id"] == incident_id)


def flags(workspace, today: date | None = None) -> list[dict]:
    """The incidents whose report to the authority is due or overdue."""
    return [i for i in incidents(workspace, today=today) if i["clock"]["status"] in CLOCK_ATTENTION]


def portfolio_flags(workspace) -> list:
    """The same, as the portfolio lists flags beside documented information's."""
    from workbench.records.documented_information import Flag

    return [Flag(i["clock"]["status"], f"{i['system_id']}/{i['incident_id']}", f"Incident {i['title']}", "A.8.4",
                 f"report to the market surveillance authority {i['clock']['status']}: due {i['clock']['due_on']} "
                 f"({i['clock']['rule']})") for i in flags(workspace)]


def open_incidents(workspace, on: date) -> tuple[float | None, str]:
    """The incidents the organisation was aware of on ``on`` and had not closed (a register measure)."""
    found = [i["incident_id"] for i in incidents(workspace, today=on)
             if _day(i["aware_on"]) <= on and (i["status"] == "open" or (i["closed_on"] and _day(i["closed_on"]) > on))]
    return float(len(found)), f"incidents open on {on}: {', '.join(found) or 'none'}"


def review_section(workspace, since: date | None, today: date) -> dict | None:
    """Incidents and concerns since the previous management review (9.3.2), for its evidence."""
    from workbench.processes.incident_report.concerns import concerns

    after = (lambda day: since is None or _day(day) > since)
    rows = [["incident", i["incident_id"], i["system_id"], str(i["aware_on"]),
             f"{i['title']} ({i['severity']}, {i['status']}); report to the authority: {i['clock']['status']}"]
            for i in incidents(workspace, today=today) if after(i["aware_on"]) or i["status"] == "open"]
    rows += [["concern", c["concern_id"], c["system_id"], str(c["raised_at"])[:10],
              c["text"] + (f" (led to {c['incident']})" if c["incident"] else "")]
             for c in concerns(workspace) if after(str(c["raised_at"])[:10])]
    if not rows:
        return None
    return {"title": "Incidents and concerns", "clause": "9.3.2, 10.2",
            "note": "Incidents the organisation became aware of since the previous review or still open, and "
                    "concerns raised since then (an anonymous reporter is never named).",
            "columns": ["Kind", "Id", "AI system", "Since", "What"], "rows": rows}
