"""Measurements of the monitoring plan (ISO/IEC 42001 9.1): every value stored with its period and
source record, so each measure has a history.

A measurement is a signed ``measurement`` entry of the hash-chained ledger, indexed into the
``measurements`` table (so ``workbench verify`` checks it and ``workbench register rebuild`` restores
it). :func:`take_measures` computes the plan's register and run measures; :func:`record_measurement`
records a value a person measured. A measure is measured once per period (per system, for a measure
taken per system): taking it again for the same period is skipped, unless asked for, when the new
value is appended as a correction (the next ``seq``); the highest ``seq`` counts, and the earlier
values stay in the ledger and the register.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone

from workbench.exceptions import InputError
from workbench.processes.objectives.plan import (FREQUENCIES, ObjectivesAnswers, bounds, frequency_of, parse_source,
                                                 period_of)
from workbench.systems import ORGANISATION
from workbench.validate import model_from, require_plain_text

KIND = "measurement"
MANAGER = "aims_manager"
NAME = "objectives"
ROW_FIELDS = ("measure_id", "period", "subject", "seq", "value", "unit", "source", "source_ref", "note")


def current_plan(workspace) -> tuple[dict, ObjectivesAnswers] | None:
    """The latest objectives record that did not fail, with its answers (the plan in force)."""
    from workbench.pipeline.run import read_record

    records = [r for r in workspace.register.evidence_list(process=NAME) if r["status"] != "failed"]
    if not records:
        return None
    record = max(records, key=lambda r: (r["effective_date"], r["recorded_at"]))
    answers = model_from(ObjectivesAnswers, read_record(workspace, record)["answers"],
                         what=f"the AI objectives of {record['run_id']}")
    return record, answers


def require_plan(workspace) -> tuple[dict, ObjectivesAnswers]:
    """The plan in force, or an ``InputError`` saying how to make one."""
    found = current_plan(workspace)
    if found is None:
        raise InputError.single("plan", "", "no AI objectives record yet: 'workbench run objectives --answers ...' "
                                "archives the objectives and their monitoring plan")
    return found


def _measure(plan: ObjectivesAnswers, field: str, measure_id: str):
    known = [m.id for m in plan.measures]
    if measure_id not in known:
        raise InputError.single(field, measure_id, f"unknown measure; allowed: {', '.join(known)}")
    return plan.measure(measure_id)


def measurements(workspace, measure_id: str | None = None) -> list[dict]:
    """The value that counts of every (measure, period, subject): its highest ``seq``; by measure,
    subject and period start."""
    latest: dict[tuple, dict] = {}
    for row in workspace.register.rows("measurements", **({"measure_id": measure_id} if measure_id else {})):
        key = (row["measure_id"], row["period"], row["subject"])
        if key not in latest or row["seq"] > latest[key]["seq"]:
            latest[key] = row
    return sorted(latest.values(), key=lambda r: (r["measure_id"], r["subject"], bounds(r["period"])[0]))


def compute(workspace, measure, on: date) -> list[tuple[str, float, str]]:
    """The values of one register or run measure as of ``on``: ``(subject, value, source record)``; empty
    when there is nothing to measure."""
    from workbench.processes.objectives.sources import AGGREGATIONS, register_measures, run_values

    kind, name, path = parse_source(measure.source)
    if kind == "register":
        value, query = register_measures()[name].compute(workspace, on)
        return [] if value is None else [(ORGANISATION, float(value), f"{measure.source}: {query}")]
    if kind != "run":
        return []
    found = [(subject, run_id, value) for subject, run_id, value in run_values(workspace, name, path, on)
             if value is not None]
    if not found:
        return []
    if measure.aggregate == "each":
        return [(subject, value, f"{run_id}: results.{path}") for subject, run_id, value in found]
    value = AGGREGATIONS[measure.aggregate]([v for _s, _r, v in found], measure.limit)
    return [(ORGANISATION, float(value), f"{measure.aggregate} of results.{path} over "
             + ", ".join(f"{run_id} ({subject}: {v:g})" for subject, run_id, v in found))]


def take_measures(workspace, on: date | None = None, period: str = "", person: str = "", again: bool = False,
                  only: list[str] | None = None, today: date | None = None) -> list[dict]:
    """Compute and record every register and run measure of the plan in force; return one outcome per
    measure and subject (``taken``, ``corrected``, ``skipped``, ``no value`` or ``manual``).

    Parameters
    ----------
    on : date, optional
        The date measured (default today); each measure's period is the one of its frequency that holds it.
    period : str, optional
        Instead of ``on``: one period (``2026-11``, ``2026-Q4``, ``2026-H2``, ``2026``); the measures of its
        frequency are taken as of its last day (or today, for the period in progress).
    person : str
        Who takes them (a person whose key is held; a periodic review passes the scheduler).
    again : bool
        Take a measure already measured for its period again, as a correction.
    only : list of str, optional
        Only these measures of the plan.
    """
    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    today = today or date.today()
    record, plan = require_plan(workspace)
    chosen = [_measure(plan, f"measures[{i}]", m) for i, m in enumerate(only)] if only else list(plan.measures)
    if period:
        try:
            frequency = frequency_of(period)
        except ValueError:
            raise InputError.single("period", period, "must be a month, quarter, half or year: 2026-11, 2026-Q4, "
                                    "2026-H2 or 2026") from None
        if bounds(period)[0] > today:
            raise InputError.single("period", period, f"has not started yet (today is {today})")
        chosen = [m for m in chosen if m.frequency == frequency]
        if not chosen:
            used = sorted({m.frequency for m in plan.measures}, key=FREQUENCIES.index)
            raise InputError.single("period", period, f"no measure of the plan is measured {frequency}; the plan's "
                                    f"frequencies: {', '.join(used)}")
        on = min(bounds(period)[1], today)
    on = on or today
    if on > today:
        raise InputError.single("date", on.isoformat(), f"is in the future (today is {today})")
    signer = acting_person(workspace, person, "recorded_by")
    outcomes, computed = [], []
    for measure in chosen:
        measured = period or period_of(on, measure.frequency)
        if measure.kind == "manual":
            outcomes.append({"measure": measure.id, "period": measured, "subject": "", "status": "manual",
                             "detail": "measured by a person: workbench measure record"})
            continue
        values = compute(workspace, measure, on)
        if not values:
            outcomes.append({"measure": measure.id, "period": measured, "subject": "", "status": "no value",
                             "detail": f"nothing to measure in the register on {on}"})
        computed += [(measure, measured, subject, value, ref) for subject, value, ref in values]
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        rows = []
        for measure, measured, subject, value, ref in computed:
            earlier = workspace.register.rows("measurements", measure_id=measure.id, period=measured, subject=subject)
            outcome = {"measure": measure.id, "period": measured, "subject": subject, "value": value, "detail": ref}
            if earlier and not again:
                last = max(earlier, key=lambda r: r["seq"])
                outcomes.append({**outcome, "status": "skipped", "value": last["value"],
                                 "detail": f"already measured for {measured}; take it again to correct it"})
                continue
            outcomes.append({**outcome, "status": "corrected" if earlier else "taken"})
            rows.append({"measure_id": measure.id, "period": measured, "subject": subject,
                         "seq": 1 + max((r["seq"] for r in earlier), default=0), "value": value,
                         "unit": measure.unit, "source": measure.source, "source_ref": ref,
                         "note": "correction" if earlier else ""})
        if rows:
            index_entry(workspace, append_locked(workspace.evidence_dir, _entry(rows, "taken", on, record, signer),
                                                 signer))
    return outcomes


def record_measurement(workspace, measure_id: str, value: float, period: str, person: str = "", note: str = "",
                       subject: str = ORGANISATION, correct: bool = False, today: date | None = None) -> dict:
    """Record a value a person measured for one period; return its register row.

    A manual measure is recorded by the person who measures it or an AIMS manager. A measure the
    workbench takes may be recorded by hand only with a ``note`` saying where the value comes from (a
    period before the workbench kept the register). A second value for the same period is refused
    unless ``correct``, which appends it as a correction with its ``note``.
    """
    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    today = today or date.today()
    record, plan = require_plan(workspace)
    measure = _measure(plan, "measure", measure_id)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError.single("value", value, "must be a finite number")
    try:
        frequency = frequency_of(period)
    except ValueError:
        frequency = ""
    if frequency != measure.frequency:
        raise InputError.single("period", period, f"measure {measure.id} is measured {measure.frequency}: give a "
                                f"period like {period_of(today, measure.frequency)}")
    if bounds(period)[0] > today:
        raise InputError.single("period", period, f"has not started yet (today is {today})")
    if measure.per_system:
        known = {s.id for s in workspace.register.systems()}
        if subject not in known:
            raise InputError.single("subject", subject, f"measure {measure.id} is measured per AI system; "
                                    f"allowed: {', '.join(sorted(known))}")
    elif subject != ORGANISATION:
        raise InputError.single("subject", subject, f"measure {measure.id} is one value for the organisation")
    note = note.strip()
    if measure.kind != "manual" and not note:
        raise InputError.single("note", "", f"measure {measure.id} is taken from {measure.source} "
                                "('workbench measure take'); recording it by hand needs a note saying where the "
                                "value comes from")
    if len(note) > 2000:
        raise InputError.single("note", note[:40] + "...", "at most 2000 characters")
    require_plain_text("note", note)
    signer = acting_person(workspace, person, "recorded_by", role="aims_manager")
    refused = recorder_refusal(measure.id, measure.measured_by, signer)
    if refused:
        raise InputError.single("recorded_by", signer.id, refused)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        earlier = workspace.register.rows("measurements", measure_id=measure.id, period=period, subject=subject)
        if earlier and not correct:
            last = max(earlier, key=lambda r: r["seq"])
            raise InputError.single("period", period, f"measure {measure.id} already has {last['value']:g} for "
                                    f"{period}; recording a correction says so (--correct, with a note)")
        if earlier and not note:
            raise InputError.single("note", "", "a correction says why the earlier value was wrong")
        seq = 1 + max((r["seq"] for r in earlier), default=0)
        row = {"measure_id": measure.id, "period": period, "subject": subject, "seq": seq, "value": float(value),
               "unit": measure.unit, "source": measure.source,
               "source_ref": f"recorded by {signer.id}", "note": note}
        index_entry(workspace, append_locked(workspace.evidence_dir,
                                             _entry([row], "recorded", min(bounds(period)[1], today), record, signer),
                                             signer))
    return workspace.register.rows("measurements", measure_id=measure.id, period=period, subject=subject, seq=seq)[0]


def recorder_refusal(measure_id: str, measured_by: str, person) -> str | None:
    """Why ``person`` may not record a value of a measure by hand, or ``None``: who measures it
    (``measured_by``) or an AIMS manager does."""
    if person.id != measured_by and MANAGER not in person.roles:
        return f"measure {measure_id} is recorded by who measures it ({measured_by}) or an AIMS manager"
    return None


def measurement_refusal(config, entry: dict, ledger) -> str | None:
    """Why the signer of a ``measurement`` entry recorded by hand could not record it under the plan it names
    (:func:`recorder_refusal`), or ``None``; measures the workbench takes may be taken by anyone."""
    if entry.get("method") != "recorded":
        return None
    plan_run = entry.get("plan_run")
    plan = ledger.results(plan_run) if (ledger.run(plan_run) or {}).get("process") == NAME else None
    if plan is None:
        return f"names {plan_run!r} as its plan, which is no readable AI objectives record of the ledger"
    measured_by = {m.get("id"): m.get("measured_by") for m in plan.get("measures", [])}
    rows = entry.get("measurements")
    if not isinstance(rows, list):
        return "holds no list of measurements"
    for row in rows:
        measure_id = row.get("measure_id") if isinstance(row, dict) else None
        if not isinstance(measure_id, str) or measure_id not in measured_by:
            return f"measure {measure_id!r} is not in its plan {plan_run}"
        refused = recorder_refusal(measure_id, measured_by[measure_id], config.person(entry["signature"]["by"]))
        if refused:
            return refused
    return None


def _entry(rows: list[dict], method: str, on: date, record: dict, signer) -> dict:
    return {"kind": KIND, "method": method, "taken_on": on.isoformat(), "plan_run": record["run_id"],
            "measurements": rows, "recorded_by": signer.id,
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def measurement_rows(entry: dict) -> dict[str, list[dict]]:
    """The register rows of a ``measurement`` ledger entry: one per measurement it holds."""
    return {"measurements": [{**{k: m[k] for k in ROW_FIELDS}, "method": entry["method"],
                              "taken_on": entry["taken_on"], "plan_run": entry["plan_run"],
                              "recorded_by": entry["recorded_by"], "recorded_at": entry["recorded_at"]}
                             for m in entry["measurements"]]}
