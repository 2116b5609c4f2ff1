"""The internal audit's commands: ``workbench audit plan``, ``list``, ``checklist`` and ``programme``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option


@click.group()
def audit() -> None:
    """Plan internal audits and list the audit programme."""


@audit.command("plan")
@workspace_option
@click.option("--id", "audit_id", required=True, help="Safe slug, e.g. ia-2026-q4.")
@click.option("--title", required=True)
@click.option("--objectives", required=True)
@click.option("--clause", "clauses", multiple=True, help="Clause in scope, e.g. 9.2 (repeat).")
@click.option("--control", "controls", multiple=True, help="Control in scope, e.g. A.6.2.4 (repeat).")
@click.option("--system", "systems", multiple=True, help="AI system in scope (repeat).")
@click.option("--criteria", required=True, help="What conformity is judged against.")
@click.option("--start", "start_date", required=True, help="YYYY-MM-DD.")
@click.option("--end", "end_date", required=True, help="YYYY-MM-DD.")
@click.option("--auditor", "auditors", multiple=True, required=True, help="Person id of an auditor (repeat).")
@click.option("--by", "planned_by", default="", help="Person id planning it (default: the current user).")
def audit_plan_cmd(workspace_path: Path | None, audit_id: str, planned_by: str, **fields) -> None:
    """Add an audit to the programme; an auditor who owns a system in scope is refused."""
    from workbench.processes.internal_audit.assessment import checklist, plan_audit

    ws = open_workspace(workspace_path)
    plan = plan_audit(ws, {"id": audit_id, **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}},
                      planned_by=planned_by)
    click.echo(f"planned {plan.id}: {len(checklist(ws, plan))} checklist items")


@audit.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def audit_list(workspace_path: Path | None, as_json: bool) -> None:
    """List the audit programme."""
    rows = open_workspace(workspace_path).register.rows("audits")
    if as_json:
        echo_json(rows)
        return
    for a in sorted(rows, key=lambda r: r["start_date"]):
        click.echo(f"{a['id']:<24} {a['start_date']} to {a['end_date']}  {', '.join(a['auditors']):<16} {a['title']}")


@audit.command("checklist")
@workspace_option
@click.argument("audit_id")
def audit_checklist(workspace_path: Path | None, audit_id: str) -> None:
    """Print the checklist an audit's scope generates."""
    from workbench.processes.internal_audit.assessment import audit_plan, checklist

    ws = open_workspace(workspace_path)
    for item in checklist(ws, audit_plan(ws, audit_id)):
        note = "" if item.applicable else "  (excluded by the SoA: not applicable allowed)"
        click.echo(f"{item.id:<10} {item.kind:<8} {item.title}{note}")
        if item.soa_ref:
            click.echo(f"{'':<19} SoA row {item.soa_ref}: {item.soa_decision}")


@audit.command("programme")
@workspace_option
@click.option("--years", default=3, show_default=True, help="Length of the audit cycle.")
@click.option("--as-of", "as_of", default="", help="A day of the cycle, YYYY-MM-DD (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def audit_programme(workspace_path: Path | None, years: int, as_of: str, as_json: bool) -> None:
    """Show what the audit cycle covers and flag the clause requirements and controls it does not."""
    from datetime import date

    from workbench.exceptions import InputError
    from workbench.processes.internal_audit.assessment import programme_coverage

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise InputError.single("as_of", as_of, "must be a date YYYY-MM-DD") from None
    coverage = programme_coverage(open_workspace(workspace_path), day, years)
    if as_json:
        echo_json({**coverage.model_dump(mode="json"), "uncovered_clauses": coverage.uncovered("clauses"),
                   "uncovered_controls": coverage.uncovered("controls")})
        return
    click.echo(f"cycle {coverage.start} to {coverage.end} ({years} years)")
    for a in coverage.audits:
        click.echo(f"  {a['id']:<24} {a['start_date']}  {a['state']}")
    for kind, label in (("clauses", "clause requirements"), ("controls", "controls the SoA includes")):
        states = getattr(coverage, kind)
        missing = coverage.uncovered(kind)
        click.echo(f"{label}: {len(states) - len(missing)} of {len(states)} covered")
        if missing:
            click.echo(click.style(f"  NOT COVERED: {', '.join(missing)}", fg="red"))
