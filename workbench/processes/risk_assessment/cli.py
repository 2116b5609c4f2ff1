"""The risk treatment commands: ``workbench treatment list``, ``update``, ``history`` and ``accept``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option


@click.group()
def treatment() -> None:
    """Risk treatments (8.3): list, update, history; accept a residual risk above appetite."""


@treatment.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this AI system.")
@click.option("--overdue", is_flag=True, help="Only overdue treatments.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def treatment_list(workspace_path: Path | None, system_id: str | None, overdue: bool, as_json: bool) -> None:
    """List the risks of each system's latest risk assessment with their treatment; a residual level is a
    forecast until its treatment is verified effective."""
    from workbench.processes.risk_assessment.treatment import treatments

    found = [t for t in treatments(open_workspace(workspace_path), system_id) if t["overdue"] or not overdue]
    if as_json:
        echo_json(found)
        return
    for t in found:
        flags = ([click.style("OVERDUE", fg="red", bold=True)] if t["overdue"] else []) + (
            [f"accepted by {t['accepted_by']}" if t["accepted_by"] else click.style("NOT ACCEPTED", fg="red", bold=True)]
            if t["above_appetite"] else [])
        click.echo(f"{t['ref']:<36} {t['status']:<19} {t['option']:<9} {str(t['due_date']):<11} {t['owner']:<10} "
                   f"residual {t['residual_band']} ({t['residual_basis']})  {'  '.join(flags)}")


@treatment.command("update")
@workspace_option
@click.argument("risk")
@click.option("--status", default="", help="planned, in progress, done or verified effective.")
@click.option("--option", default="", help="avoid, mitigate (modify the risk), share or accept (retain it).")
@click.option("--control", "controls", multiple=True, help="Annex A control put in place, e.g. A.6.2.4 (repeat; "
                                                           "replaces the list).")
@click.option("--owner", default="", help="Person id of the treatment owner.")
@click.option("--due", "due_date", default="", help="Due date, YYYY-MM-DD (not before the risk assessment).")
@click.option("--implementation", default="", help="What was done to treat the risk (needed for done).")
@click.option("--effectiveness-check", default="", help="How effectiveness was checked (needed to verify).")
@click.option("--evidence", "effectiveness_evidence", multiple=True,
              help="Evidence that the treatment works (needed to verify; repeat): a run id, doc:ID, nc:ID, "
                   "interview:/sample:/record:YYYY-MM-DD:description.")
@click.option("--note", default="", help="What happened.")
@click.option("--by", "updated_by", default="", help="Which person acts, among those whose signing keys you hold.")
def treatment_update(workspace_path: Path | None, risk: str, updated_by: str, **changes) -> None:
    """Append an update to the treatment of RISK, given as RUN#RISK (history is kept)."""
    from workbench.processes.risk_assessment.treatment import update_treatment

    row = update_treatment(open_workspace(workspace_path), risk, updated_by=updated_by, **changes)
    click.echo(f"{row['system_id']} {row['risk_id']} update {row['seq']}: {row['status']}, due {row['due_date']}")


@treatment.command("history")
@workspace_option
@click.argument("risk")
def treatment_history(workspace_path: Path | None, risk: str) -> None:
    """Show every update of the treatment of RISK (RUN#RISK), oldest first."""
    from workbench.processes.risk_assessment.treatment import assessed_risk, history_rows

    ws = open_workspace(workspace_path)
    evidence, assessed = assessed_risk(ws, risk)
    rows = history_rows(ws, evidence["system_id"], assessed["risk"]["id"])
    if not rows:
        click.echo("no update yet: the treatment is as the risk assessment planned it")
    for r in rows:
        click.echo(f"{r['seq']:>3} {r['updated_at']:%Y-%m-%d %H:%M} {r['updated_by']:<10} {r['status']:<19} "
                   f"due {r['due_date']}  {r['note']}")


@treatment.command("accept")
@workspace_option
@click.argument("risk")
@click.option("--reason", required=True, help="Why the residual risk above appetite is accepted.")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def treatment_accept(workspace_path: Path | None, risk: str, reason: str, person: str) -> None:
    """Accept the residual risk RISK (RUN#RISK) above appetite, saying why (the acceptance role only)."""
    from workbench.processes.risk_assessment.treatment import accept_risk

    row = accept_risk(open_workspace(workspace_path), risk, reason, person=person)
    click.echo(f"{row['system_id']} {row['risk_id']}: residual {row['residual_band']} accepted by {row['person']}")
