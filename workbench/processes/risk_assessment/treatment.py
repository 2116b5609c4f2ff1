"""Risk treatment results (ISO/IEC 42001 8.3, 6.1.3): each risk's treatment tracked to a verified
effect, and the acceptance of each residual risk above appetite.

A treatment is tracked per risk of an AI system (its id, e.g. ``R1``) across the system's risk
assessments, the way a corrective action is tracked per nonconformity: it changes only by appended
updates (ledger kind ``treatment-update``, a row of ``risk_treatments``), each holding the whole
state. Before the first update the state is the one the risk assessment planned (status ``planned``,
its treatment option, planned controls, owner and due date).

The rules are those of corrective actions (:mod:`workbench.records.nonconformity`): a treatment is
``done`` only once it says what was done (and, to modify a risk, which Annex A controls were put in
place); it is ``verified effective`` only by someone other than its owner, who says how and cites the
evidence; a due date never lies before the risk assessment it was made against. Until its treatment is
verified effective a risk's residual level is a forecast.

A residual risk above the appetite is accepted risk by risk (ledger kind ``risk-acceptance``, a row of
``risk_acceptances``) by a person holding the configured acceptance role, who is not the assessor of
the risk assessment, saying why; the acceptance holds while the risk's residual score is no higher
than the one accepted.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from pydantic import Field, ValidationInfo, field_validator

from workbench.exceptions import InputError, UnknownRecordError
from workbench.pipeline.archive import append_locked, locked
from workbench.processes.risk_assessment.assessment import TREATMENTS, content_of
from workbench.records.nonconformity import check_effectiveness
from workbench.validate import Strict, check_planned, known_person, model_from, require_plain_text

PROCESS = "risk-assessment"
STATUSES = ("planned", "in progress", "done", "verified effective")
OPEN_STATUSES = STATUSES[:2]
STATE_FIELDS = ("status", "option", "controls", "owner", "due_date", "implementation", "effectiveness_check",
                "effectiveness_evidence")
MIN_REASON = 20


class TreatmentState(Strict):
    """The state of one risk's treatment after an update: every field, not only the changed ones."""

    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    option: str = Field(json_schema_extra={"enum": list(TREATMENTS)},
                        description="avoid, mitigate (modify the risk), share, or accept (retain it)")
    controls: list[str] = Field(default_factory=list, max_length=38, description="Annex A control IDs it puts in place")
    owner: str = Field(min_length=1, max_length=64, description="person id of the treatment owner")
    due_date: date
    implementation: str = Field(default="", max_length=5000, description="what was done to treat the risk; "
                                                                         "required for done")
    effectiveness_check: str = Field(default="", max_length=5000,
                                     description="how effectiveness was checked; required to verify")
    effectiveness_evidence: list[str] = Field(default_factory=list, max_length=50,
                                              description="citations of the evidence that shows it works; "
                                                          "required to verify")
    note: str = Field(default="", max_length=5000)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"unknown status; allowed: {', '.join(STATUSES)}")
        return value

    @field_validator("option")
    @classmethod
    def _known_option(cls, value: str) -> str:
        if value not in TREATMENTS:
            raise ValueError(f"unknown treatment option; allowed: {', '.join(TREATMENTS)}")
        return value

    @field_validator("controls")
    @classmethod
    def _known_controls(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = content_of(info).control_ids()
        for item in value:
            if item not in ids:
                raise ValueError(f"unknown Annex A control {item!r}; allowed: {ids[0]} to {ids[-1]}, e.g. A.6.2.4")
        if len(set(value)) != len(value):
            raise ValueError("lists a control more than once")
        return value

    _owner_known = field_validator("owner")(known_person)


def parse_ref(ref: str) -> tuple[str, str]:
    """Split ``RUN#RISK`` into the run id of a risk assessment and a risk id."""
    run_id, sep, risk_id = ref.partition("#")
    if not sep or not run_id or not risk_id:
        raise InputError.single("risk", ref, "must name a risk of a risk assessment as RUN#RISK, e.g. "
                                             "ra-20261001T101500Z-3f9a1c#R1 ('workbench treatment list' shows them)")
    return run_id, risk_id


def assessed_risk(workspace, ref: str) -> tuple[dict, dict]:
    """The evidence row of the risk assessment ``RUN`` and its assessed risk ``RISK`` (from its archived results)."""
    from workbench.pipeline.run import read_record

    run_id, risk_id = parse_ref(ref)
    rows = workspace.register.rows("evidence", run_id=run_id)
    if not rows or rows[0]["process"] != PROCESS or rows[0]["status"] == "failed":
        raise UnknownRecordError.single("risk", ref, f"{run_id} is not an archived risk assessment; "
                                                     "see 'workbench evidence list --process risk-assessment'")
    risks = read_record(workspace, rows[0])["results"]["risks"]
    found = next((a for a in risks if a["risk"]["id"] == risk_id), None)
    if found is None:
        raise UnknownRecordError.single("risk", ref, f"{run_id} has no risk {risk_id}; its risks: "
                                                     f"{', '.join(a['risk']['id'] for a in risks)}")
    return rows[0], found


def planned_state(assessed: dict) -> dict:
    """The state a risk assessment plans for a risk's treatment, before any update."""
    risk = assessed["risk"]
    return {"status": "planned", "option": risk["treatment"], "controls": list(risk["planned_controls"]),
            "owner": risk["owner"], "due_date": risk["due_date"], "implementation": "", "effectiveness_check": "",
            "effectiveness_evidence": [], "note": ""}


def history_rows(workspace, system_id: str, risk_id: str) -> list[dict]:
    """Every update of one risk's treatment, oldest first."""
    return sorted(workspace.register.rows("risk_treatments", system_id=system_id, risk_id=risk_id),
                  key=lambda r: r["seq"])


def update_treatment(workspace, ref: str, updated_by: str = "", **changes) -> dict:
    """Append an update to the treatment of the risk ``RUN#RISK``; return the new state (its register row).

    ``changes`` may set ``status``, ``note`` and any of option, controls, owner, due date,
    implementation and effectiveness check and evidence; the rest carries over from the last update
    (before the first, from what the risk assessment planned).

    Raises
    ------
    InputError
        A bad field, a due date before the risk assessment, ``done`` without saying what was done (or,
        to modify a risk, without controls), or ``verified effective`` by the owner or without evidence.
    """
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    evidence, assessed = assessed_risk(workspace, ref)
    system_id, risk_id = evidence["system_id"], assessed["risk"]["id"]
    unknown = sorted(set(changes) - set(STATE_FIELDS) - {"note"})
    if unknown:
        raise InputError.single(unknown[0], changes[unknown[0]],
                                f"is not a treatment field; allowed: note, {', '.join(STATE_FIELDS)}")
    signer = acting_person(workspace, updated_by, "updated_by")
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        history = history_rows(workspace, system_id, risk_id)  # under the lock: two updates never take one number
        data = {k: history[-1][k] for k in STATE_FIELDS} if history else planned_state(assessed)
        data.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in changes.items()
                     if v not in (None, "", (), [])})
        data["note"] = changes.get("note") or ""
        state = model_from(TreatmentState, data, workspace.validation_context(), what=f"treatment of {ref}")
        _check_due(state, evidence["effective_date"], evidence["run_id"])
        _check_closing(workspace, state, signer.id)
        seq = history[-1]["seq"] + 1 if history else 1
        entry = append_locked(workspace.evidence_dir, {
            "kind": "treatment-update", "system_id": system_id, "risk_id": risk_id, "run_id": evidence["run_id"],
            "update_seq": seq, **state.model_dump(mode="json"), "updated_by": signer.id,
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return workspace.register.rows("risk_treatments", system_id=system_id, risk_id=risk_id, seq=seq)[0]


def _check_due(state: TreatmentState, assessed_on: date, run_id: str) -> None:
    if state.due_date < assessed_on:
        raise InputError.single("due_date", state.due_date.isoformat(),
                                f"is before the risk assessment {run_id} dated {assessed_on.isoformat()}; "
                                "allowed: that day or later")
    check_planned("due_date", state.due_date, date.today())


def _check_closing(workspace, state: TreatmentState, acting: str) -> None:
    """Refuse 'done' with nothing done, and 'verified effective' by the owner or without evidence."""
    if state.status not in ("done", "verified effective"):
        return
    if not state.implementation.strip():
        raise InputError.single("implementation", "", f"is required to set the status {state.status!r}: say what "
                                                      "was done to treat the risk")
    if state.option == "mitigate" and not state.controls:
        raise InputError.single("controls", [], f"is required to set the status {state.status!r} of a risk "
                                                "treated by mitigation: name the Annex A controls put in place")
    if state.status == "verified effective":
        check_effectiveness(workspace, state, acting, "treatment")


def treatment_rows(entry: dict) -> dict[str, list[dict]]:
    """The ``risk_treatments`` row of a ``treatment-update`` ledger entry."""
    return {"risk_treatments": [{
        "system_id": entry["system_id"], "risk_id": entry["risk_id"], "seq": entry["update_seq"],
        "run_id": entry["run_id"], **{k: entry[k] for k in STATE_FIELDS}, "note": entry["note"],
        "updated_by": entry["updated_by"], "updated_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def accept_risk(workspace, ref: str, reason: str, person: str = "") -> dict:
    """Record that ``person`` accepts the residual risk ``RUN#RISK`` above appetite, and why; return its row.

    Raises
    ------
    InputError
        The residual risk is within appetite (nothing to accept), the person does not hold the acceptance
        role or assessed the risk assessment, the reason is missing, or the risk is already accepted
        at this assessment.
    """
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    evidence, assessed = assessed_risk(workspace, ref)
    criteria = workspace.config.risk_criteria
    residual = assessed["residual"]
    if not criteria.above_appetite(residual["band"]):
        raise InputError.single("risk", ref, f"its residual level {residual['band']} ({residual['calculation']}) is "
                                             f"within the appetite ({criteria.appetite}): there is nothing to accept")
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
        raise InputError.single("reason", reason, f"say why the residual risk is accepted, in at least {MIN_REASON} "
                                                  "characters")
    if len(reason) > 5000:
        raise InputError.single("reason", reason, "must be at most 5000 characters")
    require_plain_text("reason", reason)
    signer = acting_person(workspace, person, "person", role=criteria.acceptance_role)
    refused = acceptor_refusal(workspace.config, signer, evidence)
    if refused:
        raise InputError.single("person", signer.id, refused)
    risk_id = assessed["risk"]["id"]
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        earlier = workspace.register.rows("risk_acceptances", run_id=evidence["run_id"], risk_id=risk_id)
        if earlier:
            raise InputError.single("risk", ref, f"already accepted by {earlier[0]['person']} at "
                                                 f"{earlier[0]['accepted_at']:%Y-%m-%d %H:%M}; one acceptance per "
                                                 "risk of an assessment")
        entry = append_locked(workspace.evidence_dir, {
            "kind": "risk-acceptance", "run_id": evidence["run_id"], "risk_id": risk_id,
            "system_id": evidence["system_id"], "residual_score": residual["score"], "residual_band": residual["band"],
            "person": signer.id, "reason": reason.strip(),
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return workspace.register.rows("risk_acceptances", run_id=evidence["run_id"], risk_id=risk_id)[0]


def acceptor_refusal(config, person, evidence: dict) -> str | None:
    """Why ``person`` may not accept the residual risks of the risk assessment ``evidence`` (its ledger entry)
    under ``config``, or ``None``: who accepts holds the acceptance role and did not assess it."""
    role = config.risk_criteria.acceptance_role
    if role not in person.roles:
        holders = ", ".join(p.id for p in config.people_with(role)) or "nobody yet"
        return (f"risk acceptance: only the {role} role accepts a residual risk above appetite; people who hold "
                f"it: {holders}")
    if person.id == evidence.get("assessor"):
        return (f"segregation of duties: {person.id} assessed {evidence.get('run_id')}; nobody accepts the risks "
                "of their own assessment")
    return None


def acceptance_refusal(config, entry: dict, ledger) -> str | None:
    """:func:`acceptor_refusal` of the signer of a ``risk-acceptance`` entry, for the assessment it names."""
    evidence = ledger.run(entry.get("run_id"))
    if evidence is None or evidence.get("process") != PROCESS:
        return f"accepts the risks of {entry.get('run_id')!r}, which is no risk assessment of the ledger"
    by = entry["signature"]["by"]
    refused = acceptor_refusal(config, config.person(by), evidence)
    return f"{by}: {refused}" if refused else None


def acceptance_rows(entry: dict) -> dict[str, list[dict]]:
    """The ``risk_acceptances`` row of a ``risk-acceptance`` ledger entry."""
    return {"risk_acceptances": [{
        **{k: entry[k] for k in ("run_id", "risk_id", "system_id", "residual_score", "residual_band", "person",
                                 "reason")}, "accepted_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def acceptance_of(workspace, system_id: str, risk_id: str, score: int) -> dict | None:
    """The latest acceptance of the system's risk ``risk_id`` that covers a residual ``score``, or ``None``."""
    rows = [r for r in workspace.register.rows("risk_acceptances", system_id=system_id, risk_id=risk_id)
            if r["residual_score"] >= score]
    return max(rows, key=lambda r: r["accepted_at"], default=None)


def current_state(workspace, system_id: str, assessed: dict) -> dict:
    """The treatment state of an assessed risk now: its last update, else what the assessment planned."""
    history = history_rows(workspace, system_id, assessed["risk"]["id"])
    if not history:
        return {**planned_state(assessed), "due_date": date.fromisoformat(assessed["risk"]["due_date"]),
                "updates": 0, "updated_by": "", "updated_at": None}
    last = history[-1]
    return {**{k: last[k] for k in STATE_FIELDS}, "note": last["note"], "updates": len(history),
            "updated_by": last["updated_by"], "updated_at": last["updated_at"]}


def latest_assessments(workspace, system_id: str | None = None) -> list[dict]:
    """The latest risk assessment that did not fail of each AI system (or of ``system_id``), as evidence rows."""
    latest: dict[str, dict] = {}
    for row in workspace.register.evidence_list(system_id, PROCESS):  # newest first
        if row["status"] != "failed" and row["system_id"] not in latest:
            latest[row["system_id"]] = row
    return [latest[s] for s in sorted(latest)]


def treatments(workspace, system_id: str | None = None, today: date | None = None) -> list[dict]:
    """Every risk of each system's latest risk assessment with its treatment now: status, whether the
    residual level is a forecast or verified, whether it is overdue, and its acceptance when above appetite."""
    from workbench.pipeline.run import read_record

    today = today or date.today()
    found = []
    for evidence in latest_assessments(workspace, system_id):
        for assessed in read_record(workspace, evidence)["results"]["risks"]:
            risk, residual = assessed["risk"], assessed["residual"]
            state = current_state(workspace, evidence["system_id"], assessed)
            accepted = (acceptance_of(workspace, evidence["system_id"], risk["id"], residual["score"])
                        if assessed["above_appetite"] else None)
            found.append({
                "ref": f"{evidence['run_id']}#{risk['id']}", "system_id": evidence["system_id"],
                "run_id": evidence["run_id"], "risk_id": risk["id"], "title": risk["title"],
                "residual_band": residual["band"], "residual_score": residual["score"],
                "residual_basis": "verified" if state["status"] == "verified effective" else "forecast",
                "above_appetite": assessed["above_appetite"], "accepted_by": accepted["person"] if accepted else "",
                "accepted_at": accepted["accepted_at"] if accepted else None,
                "acceptance_reason": accepted["reason"] if accepted else "",
                "overdue": state["status"] in OPEN_STATUSES and state["due_date"] < today, **state})
    return found


def verified_states(workspace, system_id: str) -> dict[str, dict]:
    """The risks of a system whose treatment's last update is ``verified effective``, by risk id: what a new
    risk assessment of the system reads to tell a verified residual level from a forecast."""
    last: dict[str, dict] = {}
    for row in workspace.register.rows("risk_treatments", system_id=system_id):
        if row["risk_id"] not in last or row["seq"] > last[row["risk_id"]]["seq"]:
            last[row["risk_id"]] = row
    return {risk_id: row for risk_id, row in last.items() if row["status"] == "verified effective"}


def portfolio_flags(workspace) -> list:
    """Treatments overdue, residual risks above appetite nobody accepted, and fairness risks an impact
    assessment proposed that the system's latest risk assessment does not carry."""
    from workbench.processes.risk_assessment.assessment import proposals_not_carried
    from workbench.pipeline.run import read_record
    from workbench.records.documented_information import Flag

    flags = []
    for t in treatments(workspace):
        if t["overdue"]:
            flags.append(Flag("overdue", t["ref"], f"Treatment of {t['system_id']} {t['risk_id']}: {t['title']}",
                              "8.3", f"{t['status']}, due {t['due_date'].isoformat()}, owner {t['owner']}"))
        if t["above_appetite"] and not t["accepted_by"]:
            flags.append(Flag("unaccepted", t["ref"], f"Residual risk {t['system_id']} {t['risk_id']}: {t['title']}",
                              "6.1.3", f"residual {t['residual_band']} ({t['residual_score']}) is above the appetite "
                                       f"and no {workspace.config.risk_criteria.acceptance_role} has accepted it "
                                       "('workbench treatment accept')"))
    for evidence in latest_assessments(workspace):
        risks = [a["risk"] for a in read_record(workspace, evidence)["results"]["risks"]]
        for p in proposals_not_carried(workspace, evidence["system_id"], risks)[1]:
            flags.append(Flag("not carried", f"{p.impact_run}#{p.risk_id}",
                              f"Fairness risk {evidence['system_id']} {p.risk_id}: {p.title}", "6.1.4",
                              f"proposed by the impact assessment {p.impact_run} but not in the latest risk "
                              f"assessment {evidence['run_id']}"))
    return flags
