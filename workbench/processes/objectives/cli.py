"""The monitoring plan's commands: ``workbench measure take``, ``record``, ``list`` and ``gaps``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option


@click.group()
def measure() -> None:
    """Take and record the measures of the monitoring plan (9.1); list their history and gaps."""


@measure.command("take")
@workspace_option
@click.option("--period", default="", help="One period (2026-11, 2026-Q4, 2026-H2, 2026): its measures as of its end.")
@click.option("--date", "on", default=None, type=click.DateTime(["%Y-%m-%d"]),
              help="The date measured (default today): each measure for its period holding the date.")
@click.option("--measure", "only", multiple=True, help="Only this measure of the plan (repeatable).")
@click.option("--again", is_flag=True, help="Take a measure already measured for the period again, as a correction.")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def measure_take(workspace_path: Path | None, period: str, on, only: tuple[str, ...], again: bool, person: str,
                 as_json: bool) -> None:
    """Compute every register and run measure of the plan for its period; a period already measured is skipped."""
    from workbench.exceptions import InputError
    from workbench.processes.objectives.measurements import take_measures

    if period and on:
        raise InputError.single("date", on.date().isoformat(), "give --period or --date, not both")
    outcomes = take_measures(open_workspace(workspace_path), on.date() if on else None, period, person, again,
                             list(only) or None)
    if as_json:
        echo_json(outcomes)
        return
    for o in outcomes:
        value = f"{o['value']:g}" if o.get("value") is not None else "-"
        click.echo(f"{o['status']:<9} {o['measure']:<24} {o['period']:<8} {o['subject'] or '':<20} {value:>10}  "
                   f"{o['detail']}")


@measure.command("record")
@workspace_option
@click.argument("measure_id")
@click.argument("value", type=float)
@click.option("--period", required=True, help="The period measured, of the measure's frequency (2026-11, 2026-Q4).")
@click.option("--subject", default="organisation", help="The AI system, for a measure taken per system.")
@click.option("--note", default="", help="Where the value comes from; required for a correction or a measure "
                                         "the workbench takes.")
@click.option("--correct", is_flag=True, help="Append a correction of a value already recorded for the period.")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def measure_record(workspace_path: Path | None, measure_id: str, value: float, period: str, subject: str, note: str,
                   correct: bool, person: str) -> None:
    """Record the VALUE a person measured of MEASURE_ID for a period."""
    from workbench.processes.objectives.measurements import record_measurement

    row = record_measurement(open_workspace(workspace_path), measure_id, value, period, person, note, subject,
                             correct)
    click.echo(f"recorded {row['measure_id']} = {row['value']:g} {row['unit']} for {row['period']}"
               + (f" (correction {row['seq']})" if row["seq"] > 1 else ""))


@measure.command("list")
@workspace_option
@click.option("--measure", "measure_id", default=None, help="Only this measure.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def measure_list(workspace_path: Path | None, measure_id: str | None, as_json: bool) -> None:
    """List the history of every measure: the value that counts for each period."""
    from workbench.processes.objectives.measurements import measurements

    rows = measurements(open_workspace(workspace_path), measure_id)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['measure_id']:<24} {r['period']:<8} {r['subject']:<20} {r['value']:>10g} {r['unit']:<6} "
                   f"{r['method']:<8} {r['recorded_by']:<10} {r['source_ref'][:60]}")


@measure.command("gaps")
@workspace_option
def measure_gaps(workspace_path: Path | None) -> None:
    """Exit 1 when a measure has no measurement in its frequency window (for cron)."""
    from workbench.processes.objectives.assessment import monitoring_gaps

    found = monitoring_gaps(open_workspace(workspace_path), date.today())
    for g in found:
        click.echo(f"gap      {g['measure']}: {g['message']}")
    if found:
        sys.exit(1)
    click.echo("every measure of the plan has a measurement in its frequency window")
