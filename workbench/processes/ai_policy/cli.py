"""The AI policy's commands: ``workbench policy acknowledge`` and ``workbench policy status``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option


@click.group()
def policy() -> None:
    """Acknowledge the AI policy in force (7.3) and see who has not."""


@policy.command("acknowledge")
@workspace_option
@click.option("--version", default="", help="The version acknowledged (default: the one in force).")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def policy_acknowledge(workspace_path: Path | None, version: str, person: str) -> None:
    """Record, signed, that you have read the AI policy in force."""
    from workbench.processes.ai_policy.acknowledgements import acknowledge

    row = acknowledge(open_workspace(workspace_path), person, version)
    click.echo(f"{row['person']} acknowledged the AI policy {row['version']} ({row['policy_run']})")


@policy.command("status")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def policy_status_cmd(workspace_path: Path | None, as_json: bool) -> None:
    """The version in force, the latest awaiting approval, the review date, and who has not acknowledged."""
    from workbench.processes.ai_policy.acknowledgements import policy_status

    status = policy_status(open_workspace(workspace_path))
    if as_json:
        echo_json(status)
        return
    latest, in_force = status["latest"], status["in_force"]
    if latest is None:
        click.echo("no AI policy recorded yet: 'workbench run ai-policy --answers policy.yaml'")
        return
    if in_force is None or latest["run_id"] != in_force["run_id"]:
        click.echo(f"awaiting approval: version {latest['version']} ({latest['run_id']}, {latest['status']})")
    if in_force is None:
        click.echo("in force: none (no version approved by top management)")
        return
    click.echo(f"in force: version {in_force['version']} ({in_force['run_id']}), review by {in_force['review_date']}"
               + (" (overdue)" if status["review_overdue"] else ""))
    for row in status["acknowledged"]:
        click.echo(f"acknowledged      {row['person']:<12} {row['recorded_at']}")
    for person in status["not_acknowledged"]:
        click.echo(f"not acknowledged  {person}")
