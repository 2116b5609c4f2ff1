"""Acknowledgements of the AI policy (ISO/IEC 42001 7.3): each person of the configuration acknowledges
the version in force, the latest one top management approved; a new approved version starts again.

An acknowledgement is a signed ``policy-acknowledgement`` entry of the hash-chained ledger, indexed
into the ``policy_acknowledgements`` table; who acknowledges is who signs.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from workbench.exceptions import InputError
from workbench.processes.ai_policy.assessment import NAME

KIND = "policy-acknowledgement"


def policy_records(workspace) -> list[dict]:
    """Every policy record that neither failed nor was rejected, oldest first, each with its ``version``
    and ``review_date``."""
    rows = {r["run_id"]: r for r in workspace.register.rows("ai_policies")}
    records = [{**r, "version": rows[r["run_id"]]["version"], "review_date": rows[r["run_id"]]["review_date"]}
               for r in workspace.register.evidence_list(process=NAME)
               if r["status"] not in ("failed", "rejected") and r["run_id"] in rows]
    return sorted(records, key=lambda r: (r["effective_date"], r["recorded_at"]))


def policy_status(workspace, today: date | None = None) -> dict:
    """The latest policy record, the version in force (the latest approved), its review, and who has and
    has not acknowledged it."""
    today = today or date.today()
    records = policy_records(workspace)
    approved = [r for r in records if r["status"] == "approved"]
    in_force = approved[-1] if approved else None
    acknowledged = ({row["person"]: row for row in workspace.register.rows(
        "policy_acknowledgements", policy_run=in_force["run_id"])} if in_force else {})
    people = [p.id for p in workspace.config.persons()]
    return {"latest": records[-1] if records else None, "in_force": in_force,
            "review_overdue": bool(in_force and in_force["review_date"] < today),
            "acknowledged": [acknowledged[p] for p in people if p in acknowledged],
            "not_acknowledged": [p for p in people if p not in acknowledged] if in_force else []}


def acknowledge(workspace, person: str = "", version: str = "") -> dict:
    """Record that the person who signs has read the AI policy in force and rewrite the portfolio; return
    the register row.

    Parameters
    ----------
    person : str
        Which person acts, among those whose keys you hold.
    version : str
        The version acknowledged (default: the one in force); any other is refused.

    Raises
    ------
    InputError
        No approved policy, a version that is unknown, unapproved or superseded, or one already acknowledged.
    """
    from workbench.pipeline.archive import append_locked, ledger_entries, locked
    from workbench.pipeline.portfolio import build_index
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    signer = acting_person(workspace, person)
    refused = acknowledger_refusal(signer)
    if refused:
        raise InputError.single("person", signer.id, refused)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        status = policy_status(workspace)
        in_force = status["in_force"]
        records = {r["version"]: r for r in policy_records(workspace)}
        if version and version not in records:
            raise InputError.single("version", version,
                                    f"is no AI policy version; recorded: {', '.join(records) or 'none'}")
        if in_force is None:
            raise InputError.single("version", version, "no version of the AI policy is approved by top management "
                                    "yet: there is nothing in force to acknowledge")
        target = records[version] if version else in_force
        if target["status"] != "approved":
            raise InputError.single("version", target["version"], f"is not approved by top management (status "
                                    f"{target['status']}); acknowledge the version in force, {in_force['version']}")
        if target["run_id"] != in_force["run_id"]:
            raise InputError.single("version", target["version"], f"is superseded by version {in_force['version']} "
                                    f"({in_force['run_id']}); acknowledge that one")
        done = [a for a in status["acknowledged"] if a["person"] == signer.id]
        if done:
            raise InputError.single("person", signer.id, f"acknowledged version {in_force['version']} already, at "
                                    f"{done[0]['recorded_at']}")
        evidence = next(e for e in ledger_entries(workspace.evidence_dir)
                        if e.get("kind") == "evidence" and e.get("run_id") == in_force["run_id"])
        entry = {"kind": KIND, "person": signer.id, "policy_run": in_force["run_id"], "version": in_force["version"],
                 "policy_hash": evidence["hash"],
                 "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        index_entry(workspace, append_locked(workspace.evidence_dir, entry, signer))
    build_index(workspace)  # the portfolio's flags of who has not acknowledged
    return workspace.register.rows("policy_acknowledgements", policy_run=in_force["run_id"], person=signer.id)[0]


def acknowledger_refusal(person) -> str | None:
    """Why ``person`` may not acknowledge the AI policy, or ``None``: the scheduler identity reads no policy."""
    from workbench.config import SCHEDULER

    return "is the scheduler identity: a person acknowledges the policy" if SCHEDULER in person.roles else None


def acknowledgement_refusal(config, entry: dict, _ledger) -> str | None:
    """:func:`acknowledger_refusal` of the signer of a ``policy-acknowledgement`` entry."""
    by = entry["signature"]["by"]
    refused = acknowledger_refusal(config.person(by))
    return f"{by} {refused}" if refused else None


def acknowledgement_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``policy-acknowledgement`` ledger entry."""
    return {"policy_acknowledgements": [{k: entry[k] for k in ("policy_run", "person", "version", "policy_hash",
                                                               "recorded_at")}]}


def portfolio_flags(workspace) -> list:
    """The latest policy awaiting approval, a review date passed, and each person who has not
    acknowledged the version in force."""
    from workbench.records.documented_information import Flag

    status = policy_status(workspace)
    latest, in_force = status["latest"], status["in_force"]
    flags = []
    if latest is not None and latest["status"] != "approved":
        flags.append(Flag("unapproved", latest["run_id"], f"AI policy {latest['version']}", "5.2",
                          "awaits approval by top management (a sign-off by someone holding top_management)"
                          + (f"; version {in_force['version']} stays in force" if in_force else "")))
    if in_force is None:
        return flags
    if status["review_overdue"]:
        flags.append(Flag("overdue", in_force["run_id"], f"AI policy {in_force['version']}", "A.2.4",
                          f"its review date {in_force['review_date']} has passed"))
    names = {p.id: p.name for p in workspace.config.people}
    flags += [Flag("unacknowledged", person, f"AI policy {in_force['version']}: {names[person]}", "7.3",
                   f"{person} has not acknowledged version {in_force['version']}")
              for person in status["not_acknowledged"]]
    return flags
