"""The ``workbench`` command: a thin layer over the library for people and schedulers.

Exit status: 0 on success, 2 for bad input, 1 when a run fails.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .exceptions import WorkbenchError

workspace_option = click.option(
    "--workspace", "-w", "workspace_path", type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: $WORKBENCH_WORKSPACE, then the current folder).")


def _workspace(path: Path | None):
    from .workspace import find_workspace

    return find_workspace(path)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as err:
            click.secho(f"error: {err}", fg="red", err=True)
            sys.exit(err.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """AIMS Workbench: run an ISO/IEC 42001 AI management system from notebooks."""


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", default="My organisation", show_default=True, help="Organisation name.")
def init(path: Path, organisation: str) -> None:
    """Create a workspace at PATH: configuration, register and evidence folder."""
    from .workspace import init_workspace

    ws = init_workspace(path, organisation=organisation)
    click.echo(f"workspace created at {ws.root}\nedit {ws.root / 'workbench.yaml'} to add your people and risk criteria")


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace an earlier demo workspace at PATH.")
def demo(path: Path, replace: bool) -> None:
    """Create a demo workspace at PATH and archive three risk assessments."""
    from .demo import run_demo

    evidence = run_demo(path, replace=replace, progress=click.echo)
    root = path.resolve()
    click.echo(f"\ndemo workspace: {root}")
    click.echo("evidence (open in any browser, offline):")
    for item in evidence:
        click.echo(f"  {item.html}")
    click.echo(f"example answers to copy and edit: {root / 'examples'}")


@main.group()
def system() -> None:
    """Register and list AI systems."""


@system.command("add")
@workspace_option
@click.option("--id", "system_id", required=True, help="Safe slug, e.g. credit-scoring.")
@click.option("--name", required=True)
@click.option("--owner", required=True, help="Person id of the system owner.")
@click.option("--purpose", required=True)
@click.option("--lifecycle-stage", required=True, help="inception, design-development, ..., retirement.")
@click.option("--deployment-context", required=True)
@click.option("--stakeholder", "affected_stakeholders", multiple=True, required=True, help="Repeat for each.")
@click.option("--personal-data", "personal_data_categories", multiple=True, help="Repeat for each category.")
@click.option("--tier", required=True, help="One of the tiers in the configuration.")
def system_add(workspace_path: Path | None, **fields) -> None:
    """Register one AI system."""
    ws = _workspace(workspace_path)
    fields["id"] = fields.pop("system_id")
    added = ws.add_system({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()})
    click.echo(f"registered {added.id}")


@system.command("import")
@workspace_option
@click.argument("file", type=click.Path(path_type=Path))
def system_import(workspace_path: Path | None, file: Path) -> None:
    """Register every system in a YAML or CSV FILE (all or none)."""
    from .systems import read_systems_file

    ws = _workspace(workspace_path)
    added = ws.add_systems(read_systems_file(file))
    click.echo(f"registered {len(added)} systems: {', '.join(s.id for s in added)}")


@system.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def system_list(workspace_path: Path | None, as_json: bool) -> None:
    """List the registered AI systems."""
    systems = _workspace(workspace_path).register.systems()
    if as_json:
        _echo_json([s.model_dump() for s in systems])
        return
    for s in systems:
        click.echo(f"{s.id:<24} {s.tier:<8} {s.lifecycle_stage:<22} {s.name}")


@system.command("show")
@workspace_option
@click.argument("system_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def system_show(workspace_path: Path | None, system_id: str, as_json: bool) -> None:
    """Show one AI system."""
    found = _workspace(workspace_path).register.system(system_id).model_dump()
    if as_json:
        _echo_json(found)
        return
    for key, value in found.items():
        click.echo(f"{key:<26} {', '.join(value) if isinstance(value, list) else value}")


@main.command("run")
@workspace_option
@click.argument("process")
@click.option("--system", "system_id", required=True, help="Id of the AI system.")
@click.option("--answers", required=True, help="YAML or JSON answers file, or a JSON string.")
@click.option("--period", default="", help="Review period, e.g. 2026-Q4 (default: quarter of the effective date).")
@click.option("--assessor", default="", help="Person id of the assessor (default: the current user).")
@click.option("--effective-date", default="", help="Date the assessment speaks for, YYYY-MM-DD (default: today).")
@click.option("--timeout", type=int, default=None, help="Seconds a single cell may run.")
def run_cmd(workspace_path: Path | None, process: str, system_id: str, answers: str, period: str,
            assessor: str, effective_date: str, timeout: int | None) -> None:
    """Run PROCESS (e.g. risk-assessment) headless and archive its evidence."""
    from .pipeline import run_process

    evidence = run_process(_workspace(workspace_path), process, system_id, answers, period=period,
                           assessor=assessor, effective_date=effective_date, timeout=timeout)
    click.echo(f"evidence {evidence.run_id}\n  {evidence.html}")


@main.command("notebook")
@workspace_option
@click.argument("process")
@click.option("--system", "system_id", required=True, help="Id of the AI system.")
def notebook_cmd(workspace_path: Path | None, process: str, system_id: str) -> None:
    """Create a notebook for PROCESS and one system in the workspace's drafts, ready to open."""
    from .pipeline import prepare_notebook

    path = prepare_notebook(_workspace(workspace_path), process, system_id)
    click.echo(f"{path}\nopen it in JupyterLab and run all cells to get the form")


@main.command()
@click.argument("process")
def schema(process: str) -> None:
    """Print the JSON Schema of PROCESS's answers (or of 'configuration' or 'system')."""
    from .config import Configuration
    from .processes import get_process
    from .systems import AISystem

    models = {"configuration": Configuration, "system": AISystem}
    model = models[process] if process in models else get_process(process).answers
    _echo_json(model.model_json_schema())


@main.group()
def evidence() -> None:
    """List and show archived evidence."""


@evidence.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system.")
@click.option("--process", default=None, help="Only this process.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evidence_list(workspace_path: Path | None, system_id: str | None, process: str | None, as_json: bool) -> None:
    """List evidence records, newest first."""
    records = _workspace(workspace_path).register.evidence_list(system_id, process)
    if as_json:
        _echo_json(records)
        return
    for r in records:
        click.echo(f"{r['run_id']:<32} {r['status']:<10} {r['system_id']:<20} {r['process']:<18} {r['period']}")


@evidence.command("show")
@workspace_option
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evidence_show(workspace_path: Path | None, run_id: str, as_json: bool) -> None:
    """Show one evidence record and where its files are."""
    from .validate import require_run_id

    ws = _workspace(workspace_path)
    record = ws.register.evidence(require_run_id(run_id))
    record["folder"] = str(ws.evidence_dir / record["path"])
    record["signoffs"] = ws.register.signoffs(run_id)
    if as_json:
        _echo_json(record)
        return
    for key, value in record.items():
        if value is not None:
            click.echo(f"{key:<18} {value}")


@main.group()
def signoff() -> None:
    """Approve or reject evidence (segregation of duties applies)."""


def _signoff_command(decision: str):
    @signoff.command(decision, help=f"{decision.capitalize()} the evidence RUN_ID with a comment.")
    @workspace_option
    @click.argument("run_id")
    @click.option("--comment", required=True, help="Why; required.")
    @click.option("--as", "person", default="", help="Person id (default: $JUPYTERHUB_USER, then the OS user).")
    def command(workspace_path: Path | None, run_id: str, comment: str, person: str) -> None:
        from .signoff import sign_off

        done = sign_off(_workspace(workspace_path), run_id, decision, comment, person=person)
        click.echo(f"{done.ledger_entry['decision']} {run_id} by {done.ledger_entry['person']}\n  {done.record}")

    return command


for _decision in ("approve", "reject"):
    _signoff_command(_decision)


@main.command("verify")
@workspace_option
def verify_cmd(workspace_path: Path | None) -> None:
    """Re-hash every archived file, walk the ledger's hash chain; exit 1 naming each problem."""
    from .verify import verify

    report = verify(_workspace(workspace_path))
    for finding in report.findings:
        click.echo(str(finding), err=True)
    if not report.ok:
        click.secho(f"verify: {len(report.findings)} problem(s) in {report.entries} ledger entries, "
                    f"{report.files} files", fg="red", err=True)
        sys.exit(1)
    click.echo(f"verify: ok, {report.entries} ledger entries, {report.files} files")


@main.command("export")
@workspace_option
@click.argument("table")
@click.option("--csv", "csv_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write; cells a spreadsheet would run as a formula are made text.")
def export_cmd(workspace_path: Path | None, table: str, csv_file: Path) -> None:
    """Export a register TABLE (systems, evidence, risks, signoffs) as CSV."""
    from .export import export_csv

    rows = export_csv(_workspace(workspace_path), table, csv_file)
    click.echo(f"{rows} rows of {table} written to {csv_file}")
