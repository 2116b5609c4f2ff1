"""The ``workbench`` command: a thin layer over the library for people and schedulers.

Exit status: 0 on success, 2 for bad input, 1 when a run fails.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from workbench import __version__
from workbench.exceptions import InputError, WorkbenchError

workspace_option = click.option(
    "--workspace", "-w", "workspace_path", type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: $WORKBENCH_WORKSPACE, then the current folder).")


def open_workspace(path: Path | None):
    from workbench.workspace import find_workspace

    workspace = find_workspace(path)
    if workspace.configuration_pending:
        click.secho("warning: workbench.yaml has edits that are not in force until an AIMS manager records "
                    "them ('workbench config record -m WHY')", fg="yellow", err=True)
    return workspace


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def process_commands() -> dict[str, click.Command]:
    """The commands installed processes add (``Process.commands``), by name.

    A process whose commands cannot be loaded, are not a click command or take a core command's name
    is left out with a warning naming its package; the other commands keep working.
    """
    from workbench.processes import processes

    found = {}
    for process in processes().values():
        for dotted in process.commands.split():
            try:
                command = process.load(dotted)
            except Exception as err:  # a third-party plug-in's import error must not break the CLI
                command, problem = None, f"cannot be imported ({type(err).__name__}: {err})"
            else:
                problem = "" if isinstance(command, click.Command) else "is not a click command"
            if command is not None and not problem and (command.name in main.commands or command.name in found):
                problem = f"is named {command.name!r}, which another command has"
            if problem:
                click.secho(f"warning: the commands of process {process.name!r} ({dotted}) {problem}; "
                            "left out", fg="yellow", err=True)
                continue
            found[command.name] = command
    return found


class _Group(click.Group):
    """The ``workbench`` group: the core commands, and those of the installed processes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(process_commands()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or process_commands().get(name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as err:
            click.secho(f"error: {err}", fg="red", err=True)
            sys.exit(err.exit_code)
        except OSError as err:  # a full disk, a file size limit, a read-only folder: what the writer left is rolled back
            click.secho(f"error: {err.filename or 'a file'}: {err.strerror or err}; "
                        "free space or fix permissions and run it again", fg="red", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """AIMS Workbench: run an ISO/IEC 42001 AI management system from notebooks."""


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", default="My organisation", show_default=True, help="Organisation name.")
def init(path: Path, organisation: str) -> None:
    """Create a workspace at PATH: configuration (recorded in the ledger, signed with your key), register
    and evidence folder. Without a signing key, one is made in ~/.config/aims-workbench/signing_key."""
    from workbench.config import default_configuration
    from workbench.scheduling.notebook import review_notebook
    from workbench.signing import DEFAULT_KEYS, key_ring, load_key, new_key, public_key_line
    from workbench.workspace import init_workspace

    if os.environ.get("WORKBENCH_REGISTER_URL"):  # a register that cannot be used stops init before any key is made
        from workbench.register import check_url

        check_url(os.environ["WORKBENCH_REGISTER_URL"])
    ring = key_ring()
    if ring:
        public = public_key_line(load_key(ring[0]))
    else:
        made = Path(DEFAULT_KEYS[0]).expanduser()
        public = new_key(made)
        click.echo(f"made your signing key {made} (keep it private; it signs your acts)")
    config = default_configuration(organisation, [public])
    ws = init_workspace(path, config=config)
    review_notebook(ws)
    click.echo(f"workspace created at {ws.root}\nedit {ws.root / 'workbench.yaml'} to add your people, their "
               "public keys and risk criteria, then record it: workbench config record -m WHY")


@main.group()
def key() -> None:
    """Your signing key: who acts is who signs."""


@key.command("new")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the private key (default: ~/.config/aims-workbench/signing_key).")
def key_new(out: Path | None) -> None:
    """Make an Ed25519 signing key and print the public line to pin in workbench.yaml (people[].keys)."""
    from workbench.signing import DEFAULT_KEYS, new_key

    path = out or Path(DEFAULT_KEYS[0]).expanduser()
    if path.exists():
        raise WorkbenchError(f"{path} exists already; keys are never overwritten")
    click.echo(f"private key: {path} (keep it private)\npublic key, for an AIMS manager to pin for you:\n"
               f"{new_key(path)}")


@key.command("show")
def key_show() -> None:
    """Print the public line and fingerprint of each key you hold."""
    from workbench.signing import fingerprint, key_ring, load_key, public_key_line

    for path in key_ring():
        line = public_key_line(load_key(path))
        click.echo(f"{path}\n  {line}\n  {fingerprint(line)}")


@main.group("config")
def config_group() -> None:
    """The configuration in the ledger: record a change (signed by an AIMS manager), see its history."""


@config_group.command("record")
@workspace_option
@click.option("-m", "--comment", required=True, help="Why the configuration changes.")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def config_record(workspace_path: Path | None, comment: str, person: str) -> None:
    """Record workbench.yaml as the configuration in force (until then, edits change nothing)."""
    from workbench.records.configuration import record_configuration

    entry = record_configuration(open_workspace(workspace_path), comment, person)
    click.echo(f"configuration {entry['number']} recorded by {entry['person']} (ledger seq {entry['seq']})")
    for change in entry["changes"]:
        click.echo(f"  {change}")


@config_group.command("history")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def config_history(workspace_path: Path | None, as_json: bool) -> None:
    """Who changed the configuration, when, why and what."""
    from workbench.records.configuration import history

    rows = history(open_workspace(workspace_path))
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['number']:>4}  {row['recorded_at']}  {row['person']}  {row['comment']}")
        for change in row["changes"]:
            click.echo(f"        {change}")


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace an earlier demo workspace at PATH.")
def demo(path: Path, replace: bool) -> None:
    """Create a demo workspace at PATH: a risk and an impact assessment per system, an SoA, an internal
    audit and its actions, documented information, a gap analysis and a management review."""
    from workbench.demo import run_demo

    evidence = run_demo(path, replace=replace, progress=click.echo)
    root = path.resolve()
    click.echo(f"\ndemo workspace: {root}")
    click.echo("evidence (open in any browser, offline):")
    for item in evidence:
        click.echo(f"  {item.html}")
    click.echo(f"portfolio (start here): {root / 'evidence' / 'index.html'}")
    click.echo(f"example answers to copy and edit: {root / 'examples'}")
    click.echo(f"the periodic review's notebook, for jupyter-scheduler: {root / 'scheduled' / 'periodic_review.ipynb'}")
    click.echo(f"the demo people's signing keys (to act as one: export WORKBENCH_SIGNING_KEY=PATH): "
               f"{root.with_name(root.name + '-keys')}")


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
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def system_add(workspace_path: Path | None, person: str, **fields) -> None:
    """Register one AI system."""
    ws = open_workspace(workspace_path)
    fields["id"] = fields.pop("system_id")
    added = ws.add_system({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}, person)
    click.echo(f"registered {added.id}")


@system.command("import")
@workspace_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def system_import(workspace_path: Path | None, file: Path, person: str) -> None:
    """Register every system in a YAML or CSV FILE (all or none)."""
    from workbench.systems import read_systems_file

    ws = open_workspace(workspace_path)
    added = ws.add_systems(read_systems_file(file), person)
    click.echo(f"registered {len(added)} systems: {', '.join(s.id for s in added)}")


@system.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def system_list(workspace_path: Path | None, as_json: bool) -> None:
    """List the registered AI systems."""
    systems = open_workspace(workspace_path).register.systems()
    if as_json:
        echo_json([s.model_dump() for s in systems])
        return
    for s in systems:
        click.echo(f"{s.id:<24} {s.tier:<8} {s.lifecycle_stage:<22} {s.name}")


@system.command("show")
@workspace_option
@click.argument("system_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def system_show(workspace_path: Path | None, system_id: str, as_json: bool) -> None:
    """Show one AI system."""
    found = open_workspace(workspace_path).register.system(system_id).model_dump()
    if as_json:
        echo_json(found)
        return
    for key, value in found.items():
        click.echo(f"{key:<26} {', '.join(value) if isinstance(value, list) else value}")


@main.group()
def item() -> None:
    """Register and list the items of AI systems that records can be about (datasets, suppliers, ...)."""


@item.command("add")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the item belongs to.")
@click.option("--id", "item_id", required=True, help="Safe slug, unique within the system, e.g. bureau-data.")
@click.option("--kind", required=True, help="What it is, e.g. dataset, model-version, supplier.")
@click.option("--name", required=True)
@click.option("--description", default="")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def item_add(workspace_path: Path | None, system_id: str, item_id: str, person: str, **fields) -> None:
    """Register one item of an AI system."""
    added = open_workspace(workspace_path).add_item(system_id, {"id": item_id, **fields}, person)
    click.echo(f"registered {added.kind} {added.id} of {system_id}")


@item.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system's items.")
@click.option("--kind", default="", help="Only items of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def item_list(workspace_path: Path | None, system_id: str | None, kind: str, as_json: bool) -> None:
    """List the registered items, by system."""
    rows = [r for r in open_workspace(workspace_path).register.item_rows()
            if (not system_id or r["system_id"] == system_id) and (not kind or r["kind"] == kind)]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['system_id']:<24} {r['id']:<24} {r['kind']:<16} {r['name']}")


@main.group()
def process() -> None:
    """The installed AIMS processes."""


@process.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def process_list(as_json: bool) -> None:
    """List the installed processes and any plug-in refused for breaking the contract (exit 1 then)."""
    from workbench.processes import processes, refused

    found = [{"name": p.name, "title": p.title, "subject": p.subject, "item_kind": p.item_kind,
              "package": p.package, "periodic": p.periodic, "clauses": list(p.clauses)} for p in processes().values()]
    problems = [str(err) for err in refused()]
    if as_json:
        echo_json({"processes": found, "refused": problems})
    else:
        for p in found:
            about = f"{p['subject']}" + (f" ({p['item_kind']})" if p["item_kind"] else "")
            click.echo(f"{p['name']:<22} {about:<22} {p['title']}  [{p['package']}]")
        for problem in problems:
            click.secho(f"refused: {problem}", fg="red", err=True)
    if problems:
        sys.exit(1)


@main.command("run")
@workspace_option
@click.argument("process")
@click.option("--system", "system_id", default="", help="Id of the AI system (leave out for organisation-wide processes).")
@click.option("--answers", required=True, help="YAML or JSON answers file, or a JSON string.")
@click.option("--period", default="", help="Review period, e.g. 2026-Q4 (default: quarter of the effective date).")
@click.option("--assessor", default="", help="Assessor: which person acts, among those whose signing keys you hold (default: the only one).")
@click.option("--effective-date", default="", help="Date the assessment speaks for, YYYY-MM-DD (default: today).")
@click.option("--timeout", type=int, default=None, help="Seconds a single cell may run.")
@click.option("--item", "item_id", default="", help="Id of the item of the system (a dataset, a supplier) for a process about items.")
def run_cmd(workspace_path: Path | None, process: str, system_id: str, answers: str, period: str,
            assessor: str, effective_date: str, timeout: int | None, item_id: str) -> None:
    """Run PROCESS (risk-assessment, soa, internal-audit, ...) headless and archive its evidence."""
    from workbench.pipeline.run import run_process

    evidence = run_process(open_workspace(workspace_path), process, system_id, answers, period=period,
                           assessor=assessor, effective_date=effective_date, timeout=timeout, item_id=item_id)
    click.echo(f"evidence {evidence.run_id}\n  {evidence.html}")


@main.group(invoke_without_command=True)
@workspace_option
@click.option("--due", "mode", flag_value="due", default=True, help="Review what is due or overdue (default).")
@click.option("--all", "mode", flag_value="all", help="Review every system and process.")
@click.option("--system", "system_id", default=None, help="Review this system only.")
@click.option("--period", default="", help="Period the runs speak for, e.g. 2026-Q4 (default: this quarter).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Runs at once (local executor; dask without --scheduler: local workers).")
@click.option("--executor", "executor_name", default="local", show_default=True,
              help="Where runs compute: local, dask, or another installed workbench.executors entry point.")
@click.option("--scheduler", default="", help="The Dask scheduler's address, e.g. tcp://10.0.0.5:8786 "
                                               "(dask executor; none: a cluster on this machine).")
@click.option("--timeout", type=int, default=600, show_default=True, help="Seconds a single cell may run.")
@click.option("--force", is_flag=True, help="Run even where the period already has evidence or a recalculation "
                                            "awaits confirmation.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the summary as JSON here.")
@click.option("--no-progress", is_flag=True, help="No progress bar (for logs).")
@click.pass_context
def review(ctx: click.Context, workspace_path: Path | None, mode: str, system_id: str | None, period: str,
           workers: int, executor_name: str, scheduler: str, timeout: int, force: bool, summary_path: Path | None,
           no_progress: bool) -> None:
    """Recalculate every due review headless as the scheduler, archive it, and say what is still overdue
    and what awaits a person's confirmation ('workbench review confirm').

    Runs compute where the executor puts them (this machine, or a Dask cluster's workers, which need no
    access to the workspace); this process alone archives them. Exit status 1 when a run failed, could
    not run, or a review is still overdue.
    """
    from workbench.scheduling.executor import get_executor
    from workbench.scheduling.review import plan_review, run_review, write_summary

    if ctx.invoked_subcommand:
        ctx.obj = workspace_path
        return
    ws = open_workspace(workspace_path)
    jobs, known = plan_review(ws, mode, system_id, period, force, timeout)
    executor = get_executor(executor_name, workers, scheduler)
    try:
        summary = run_review(ws, jobs, known, executor, progress=not no_progress, system_id=system_id)
    finally:
        executor.close()
    for o in summary.outcomes:
        detail = o.evidence or o.error
        click.echo(f"{o.status:<14} {o.system_id:<24} {o.process:<20} {o.run_id:<30} {detail}")
    for item in summary.overdue:
        click.echo(f"{'overdue':<14} {item['system_id']:<24} {item['process']:<20} due {item['due_on']}")
    for item in summary.awaiting:
        click.echo(f"{'unconfirmed':<14} {item['system_id']:<24} {item['process']:<20} "
                   f"{item['awaiting_confirmation']:<30} workbench review confirm {item['awaiting_confirmation']}")
    for note in summary.notes:
        click.echo(f"{'note':<14} {note}")
    counts = ", ".join(f"{n} {k}" for k, n in sorted(summary.counts().items())) or "nothing due"
    click.echo(f"review {summary.period}: {counts}; {len(summary.overdue)} overdue, "
               f"{len(summary.awaiting)} awaiting a person's confirmation")
    if summary_path:
        write_summary(summary, summary_path)
    sys.exit(0 if summary.ok else 1)


@review.command("confirm")
@workspace_option
@click.argument("run_id")
@click.option("--comment", required=True, help="What you checked and why the assessment stands; required.")
@click.option("--as", "person", default="", help="Person id (default: the one whose key you hold; under JupyterHub, the hub's user).")
@click.pass_obj
def review_confirm(group_workspace: Path | None, workspace_path: Path | None, run_id: str, comment: str,
                   person: str) -> None:
    """Confirm the scheduler's recalculation RUN_ID as your own assessment; it then goes to sign-off.

    Only a person holding the process's role (the assessor role for an assessment) confirms, and they
    may not sign it off afterwards.
    """
    from workbench.records.confirmation import confirm

    entry = confirm(open_workspace(workspace_path or group_workspace), run_id, comment, person=person)
    click.echo(f"confirmed {run_id} by {entry['person']}; it awaits sign-off")


@review.command("notebook")
@workspace_option
@click.option("--replace", is_flag=True, help="Overwrite a notebook there whose code differs.")
@click.pass_obj
def review_notebook_cmd(group_workspace: Path | None, workspace_path: Path | None, replace: bool) -> None:
    """Write the periodic review's notebook, naming this workspace, to scheduled/periodic_review.ipynb
    for jupyter-scheduler to run."""
    from workbench.scheduling.notebook import review_notebook

    path = review_notebook(open_workspace(workspace_path or group_workspace), replace)
    click.echo(f"{path}\nschedule it with jupyter-scheduler in a JupyterLab that holds the scheduler's key "
               "(WORKBENCH_SIGNING_KEY)")


@main.command()
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(workspace_path: Path | None, as_json: bool) -> None:
    """Show when each system's (and each item's) next review is due."""
    from workbench.scheduling.cadence import review_states

    states = review_states(open_workspace(workspace_path))
    if as_json:
        echo_json([s.as_dict() for s in states])
        return
    for s in states:
        subject = s.system_id + (f"/{s.item_id}" if s.item_id else "")
        click.echo(f"{s.status:<9} {subject:<24} {s.process:<20} due {str(s.due_on or 'now'):<11} {s.reason}")


@main.command()
@workspace_option
def index(workspace_path: Path | None) -> None:
    """Rebuild the portfolio index (evidence/index.html)."""
    from workbench.pipeline.portfolio import build_index

    click.echo(build_index(open_workspace(workspace_path)))


@main.group()
def event() -> None:
    """Record events that make a review due early."""


@event.command("add")
@workspace_option
@click.option("--system", "system_id", required=True)
@click.option("--kind", required=True, help="One of the triggers in the configuration, e.g. new-model-version.")
@click.option("--date", "occurred_on", required=True, help="YYYY-MM-DD")
@click.option("--note", default="")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def event_add(workspace_path: Path | None, system_id: str, kind: str, occurred_on: str, note: str, person: str) -> None:
    """Record an event for a system."""
    row = open_workspace(workspace_path).add_event(system_id, kind, occurred_on, note, person)
    click.echo(f"recorded {kind} for {system_id} on {row['occurred_on']}")


@main.command("notebook")
@workspace_option
@click.argument("process")
@click.option("--system", "system_id", default="",
              help="Id of the AI system (leave out for organisation-wide processes, or to choose it in the form).")
@click.option("--item", "item_id", default="", help="Id of the item of the system (a dataset, a supplier) for a process about items.")
def notebook_cmd(workspace_path: Path | None, process: str, system_id: str, item_id: str) -> None:
    """Create a notebook for PROCESS and one subject in the workspace's drafts, ready to open."""
    from workbench.pipeline.run import prepare_notebook

    path = prepare_notebook(open_workspace(workspace_path), process, system_id, item_id)
    click.echo(f"{path}\nopen it in JupyterLab and run all cells to get the form")


@main.command("form")
@workspace_option
@click.argument("process")
@click.option("--system", "system_id", default="", help="Id of the AI system (leave out to choose it in the form).")
@click.option("--item", "item_id", default="", help="Id of the item of the system, for a process about items.")
@click.option("--port", default=8866, show_default=True, help="Port on 127.0.0.1 to serve the form on.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; open the address Voilà prints.")
def form_cmd(workspace_path: Path | None, process: str, system_id: str, item_id: str, port: int,
             no_browser: bool) -> None:
    """Serve the form of PROCESS with Voilà, for someone who does not code: the form, no code, and the
    evidence Submit archives; Ctrl-C stops it."""
    from workbench.pipeline.run import prepare_notebook
    from workbench.ui.voila import serve

    workspace = open_workspace(workspace_path)
    serve(workspace, prepare_notebook(workspace, process, system_id, item_id), port, not no_browser)


@main.command()
@click.argument("process")
def schema(process: str) -> None:
    """Print the JSON Schema of PROCESS's answers (or of 'configuration' or 'system')."""
    from workbench.config import configuration_model
    from workbench.processes import get_process
    from workbench.systems import AISystem

    models = {"configuration": configuration_model(), "system": AISystem}
    model = models[process] if process in models else get_process(process).answers
    echo_json(model.model_json_schema())


@main.group()
def evidence() -> None:
    """List and show archived evidence."""


@evidence.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system.")
@click.option("--process", "process_name", default=None, help="Only this process.")
@click.option("--item", "item_id", default=None, help="Only records about this item.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evidence_list(workspace_path: Path | None, system_id: str | None, process_name: str | None,
                  item_id: str | None, as_json: bool) -> None:
    """List evidence records, newest first."""
    records = open_workspace(workspace_path).register.evidence_list(system_id, process_name, item_id)
    if as_json:
        echo_json(records)
        return
    for r in records:
        subject = r['system_id'] + (f"/{r['item_id']}" if r['item_id'] else '')
        click.echo(f"{r['run_id']:<32} {r['status']:<10} {subject:<20} {r['process']:<18} {r['period']}")


@evidence.command("show")
@workspace_option
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evidence_show(workspace_path: Path | None, run_id: str, as_json: bool) -> None:
    """Show one evidence record and where its files are."""
    from workbench.validate import require_run_id

    ws = open_workspace(workspace_path)
    record = ws.register.evidence(require_run_id(run_id))
    record["folder"] = str(ws.evidence_dir / record["path"])
    record["signoffs"] = ws.register.signoffs(run_id)
    if as_json:
        echo_json(record)
        return
    for key, value in record.items():
        if value is not None:
            click.echo(f"{key:<18} {value}")


@main.group()
def action() -> None:
    """Corrective actions of nonconformities: list, update, history."""


@action.command("list")
@workspace_option
@click.option("--overdue", is_flag=True, help="Only overdue actions.")
@click.option("--all", "show_all", is_flag=True, help="Include actions verified effective.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def action_list(workspace_path: Path | None, overdue: bool, show_all: bool, as_json: bool) -> None:
    """List corrective actions by due date; overdue ones are flagged."""
    from workbench.records.nonconformity import actions

    found = [a for a in actions(open_workspace(workspace_path), only_open=not show_all) if a["overdue"] or not overdue]
    if as_json:
        echo_json(found)
        return
    for a in found:
        flag = click.style("OVERDUE", fg="red", bold=True) if a["overdue"] else ""
        click.echo(f"{a['nc_id']:<9} {str(a['due_date']):<11} {a['status']:<19} {a['owner']:<10} "
                   f"{a['system_id']:<18} {a['grade']:<20} {flag}")


@action.command("update")
@workspace_option
@click.argument("nc_id")
@click.option("--status", default="", help="open, in progress, done or verified effective.")
@click.option("--note", default="", help="What happened.")
@click.option("--root-cause", default="")
@click.option("--correction", default="", help="The reaction: how the nonconformity was controlled and corrected.")
@click.option("--consequences", default="", help="How its consequences were dealt with.")
@click.option("--similar", default="", help="Whether similar nonconformities exist or could occur elsewhere.")
@click.option("--corrective-action", default="", help="What removes the cause.")
@click.option("--aims-changes", default="", help="Changes made to the AIMS, or why none are needed.")
@click.option("--owner", default="", help="Person id of the action owner.")
@click.option("--due", "due_date", default="", help="New due date, YYYY-MM-DD (not before the opening day).")
@click.option("--effectiveness-check", default="", help="How effectiveness was checked (needed to verify).")
@click.option("--evidence", "effectiveness_evidence", multiple=True,
              help="Evidence that the action works (needed to verify; repeat): a run id, doc:ID, nc:ID, "
                   "interview:/sample:/record:YYYY-MM-DD:description.")
@click.option("--by", "updated_by", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def action_update(workspace_path: Path | None, nc_id: str, updated_by: str, **changes) -> None:
    """Append an update to the corrective action of nonconformity NC_ID (history is kept)."""
    from workbench.records.nonconformity import update_action

    row = update_action(open_workspace(workspace_path), nc_id, updated_by=updated_by, **changes)
    click.echo(f"{nc_id} update {row['seq']}: {row['status']}, due {row['due_date']}")


@main.group("nc")
def nonconformity() -> None:
    """Nonconformities from any source: open one."""


@nonconformity.command("open")
@workspace_option
@click.option("--source", required=True, help="Where it was found: audit, review, incident, complaint, monitoring "
                                               "or external.")
@click.option("--system", "system_id", default="organisation", help="The AI system concerned (default: organisation).")
@click.option("--description", required=True, help="What does not conform, as a statement of fact.")
@click.option("--evidence", "evidence_ref", required=True,
              help="What shows it: a run id, doc:ID, nc:ID, interview:/sample:/record:YYYY-MM-DD:description.")
@click.option("--grade", default="minor nonconformity", help="major nonconformity or minor nonconformity.")
@click.option("--ref", "source_ref", default="", help="Where in the source: a complaint number, an incident id.")
@click.option("--owner", default="", help="Person id of the action owner (default: the system owner).")
@click.option("--due", "due_date", default=None, help="Due date, YYYY-MM-DD (default: in 30 days).")
@click.option("--by", "opened_by", default="", help="Which person acts, among those whose signing keys you hold.")
def nc_open(workspace_path: Path | None, **fields) -> None:
    """Record a nonconformity with its corrective action, status open."""
    from workbench.records.nonconformity import open_nonconformity

    nc_id = open_nonconformity(open_workspace(workspace_path), **fields)
    click.echo(f"opened {nc_id} ({fields['source']}, {fields['grade']})")


@action.command("history")
@workspace_option
@click.argument("nc_id")
def action_history_cmd(workspace_path: Path | None, nc_id: str) -> None:
    """Show every update of one corrective action, oldest first."""
    from workbench.records.nonconformity import action_history_rows

    for r in action_history_rows(open_workspace(workspace_path), nc_id):
        click.echo(f"{r['seq']:>3} {r['updated_at']:%Y-%m-%d %H:%M} {r['updated_by']:<10} {r['status']:<19} "
                   f"due {r['due_date']}  {r['note']}")


@main.group()
def signoff() -> None:
    """Approve or reject evidence (segregation of duties applies)."""


def _signoff_command(decision: str):
    @signoff.command(decision, help=f"{decision.capitalize()} the evidence RUN_ID with a comment.")
    @workspace_option
    @click.argument("run_id")
    @click.option("--comment", required=True, help="Why; required.")
    @click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
    def command(workspace_path: Path | None, run_id: str, comment: str, person: str) -> None:
        from workbench.records.signoff import sign_off

        done = sign_off(open_workspace(workspace_path), run_id, decision, comment, person=person)
        click.echo(f"{done.ledger_entry['decision']} {run_id} by {done.ledger_entry['person']}\n  {done.record}")

    return command


for _decision in ("approve", "reject"):
    _signoff_command(_decision)


@main.command("verify")
@workspace_option
@click.option("--anchor", "anchors", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A timestamp token kept outside the workspace (<seq>.tsr from 'workbench anchor'); repeat for each.")
def verify_cmd(workspace_path: Path | None, anchors: tuple[Path, ...]) -> None:
    """Re-hash every archived file, walk the ledger's hash chain, check every signature and the signer's
    role then, every anchor, and the register against the one the ledger implies;
    exit 1 naming each problem."""
    from workbench.pipeline.verify import verify

    report = verify(open_workspace(workspace_path), anchors)
    for finding in report.findings:
        click.echo(str(finding), err=True)
    if report.unsigned:
        click.echo(f"note: the first {report.unsigned} ledger entries predate signatures (an earlier version "
                   "made them before the configuration was recorded)", err=True)
    checked = ""
    if report.anchors:
        last = report.anchors[-1]
        checked = (f", {len(report.anchors)} anchor(s) checked, last covers seq {last.seq} "
                   f"at {last.gen_time.isoformat()}")
    if not report.ok:
        click.secho(f"verify: {len(report.findings)} problem(s) in {report.entries} ledger entries, "
                    f"{report.files} files{checked}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"verify: ok, {report.entries} ledger entries, {report.files} files{checked}")


@main.command("anchor")
@workspace_option
def anchor_cmd(workspace_path: Path | None) -> None:
    """Timestamp the ledger head with the configured time-stamping authority (RFC 3161) and record it."""
    from workbench.pipeline.anchor import anchor_head

    anchor = anchor_head(open_workspace(workspace_path))
    entry = anchor.entry
    click.echo(f"anchored ledger seq {entry['anchored_seq']} (hash {entry['anchored_hash']})\n"
               f"time-stamping authority {entry['tsa_url']}: {entry['gen_time']}\n"
               f"token: {anchor.token_path}\n"
               "copy the token out of the workspace (another machine or repository): whoever can rewrite the "
               "workspace can rewrite its anchors too; 'workbench verify --anchor COPY' checks against it")


@main.group("register")
def register_group() -> None:
    """The register, the index of the ledger that lists and pages read."""


@register_group.command("rebuild")
@workspace_option
def register_rebuild(workspace_path: Path | None) -> None:
    """Rebuild the register from the ledger and the archived results, replace it, rewrite the portfolio,
    and print the rows per table; exit 1 naming any ledger entry that cannot be indexed."""
    from workbench.pipeline.portfolio import build_index
    from workbench.pipeline.recovery import rebuild

    ws = open_workspace(workspace_path)
    done = rebuild(ws)
    for name, count in done.counts.items():
        click.echo(f"{name:<24} {count:>7}")
    for problem in done.problems:
        click.echo(problem, err=True)
    build_index(ws)
    click.echo(f"register rebuilt from {done.entries} ledger entries; portfolio rewritten")
    if done.problems:
        click.secho(f"register: {len(done.problems)} ledger entries could not be indexed", fg="red", err=True)
        sys.exit(1)


@register_group.command("copy")
@click.option("--to", "target", required=True, metavar="URL",
              help="The database to copy into: postgresql://USER:PASSWORD@HOST:PORT/DB or sqlite:///PATH.")
@click.option("--replace", is_flag=True, help="Replace the rows of a target that already holds a register.")
@workspace_option
def register_copy(target: str, replace: bool, workspace_path: Path | None) -> None:
    """Copy the whole register (every table) into another database, SQLite or PostgreSQL, and verify the
    copy: the same rows in every table, by count and hash. The workspace keeps using its register until
    its register_url (or WORKBENCH_REGISTER_URL) names the copy."""
    from workbench.register import shown
    from workbench.register_copy import copy_register

    ws = open_workspace(workspace_path)
    done = copy_register(ws.register, target, replace)
    for name, count in done.counts.items():
        click.echo(f"{name:<24} {count:>7}  {done.hashes[name][:16]}")
    click.echo(f"copied {sum(done.counts.values())} rows in {len(done.counts)} tables to {shown(target)}; "
               "every table's rows match. To use it, set register_url in workbench.yaml and record it "
               "(workbench config record -m WHY), or set WORKBENCH_REGISTER_URL")


@main.group("db")
def db_group() -> None:
    """The register's database: its schema version."""


@db_group.command("upgrade")
@workspace_option
def db_upgrade(workspace_path: Path | None) -> None:
    """Bring the workspace's register to the schema this workbench writes (back it up first)."""
    from workbench.migrations import upgrade_register
    from workbench.register import shown
    from workbench.workspace import find_workspace

    ws = find_workspace(workspace_path)
    before, after = upgrade_register(ws.register_url)
    if before == after:
        click.echo(f"register {shown(ws.register_url)}: schema {after}, nothing to upgrade")
    else:
        click.echo(f"register {shown(ws.register_url)}: schema {before or 'before versions'} -> {after}")


@main.command("export")
@workspace_option
@click.argument("table")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write; cells a spreadsheet would run as a formula are made text.")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path),
              help="XLSX workbook to write, one sheet named after the table; formulas made text as for --csv.")
def export_cmd(workspace_path: Path | None, table: str, csv_file: Path | None, xlsx_file: Path | None) -> None:
    """Export a register TABLE (systems, evidence, risks, signoffs) as CSV, XLSX or both; lists are
    written as text ("C1; C3")."""
    from workbench.records.export import export_csv, export_xlsx

    if csv_file is None and xlsx_file is None:
        raise InputError.single("output", None, "--csv FILE, --xlsx FILE or both")
    ws = open_workspace(workspace_path)
    for write, path in ((export_csv, csv_file), (export_xlsx, xlsx_file)):
        if path is not None:
            rows = write(ws, table, path)
            click.echo(f"{rows} rows of {table} written to {path}")


@main.group()
def docs() -> None:
    """The register of documented information (ISO/IEC 42001 7.5)."""


@docs.command("list")
@workspace_option
@click.option("--flagged", is_flag=True, help="Only what is flagged; exit status 1 when anything is (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def docs_list(workspace_path: Path | None, flagged: bool, as_json: bool) -> None:
    """List the required items and the entries with their flags (missing, overdue, changed, ...)."""
    from workbench.records.documented_information import flags, status

    ws = open_workspace(workspace_path)
    if flagged:
        found = [f.as_dict() for f in flags(ws)]
        if as_json:
            echo_json(found)
        for f in [] if as_json else found:
            click.echo(f"{f['kind']:<11} {f['clause'] or '-':<7} {f['key']:<32} {f['message']}")
        if not as_json:
            click.echo(f"{len(found)} flag(s)")
        sys.exit(1 if found else 0)
    rows = status(ws)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        mark = "FLAGGED" if r["flags"] else "ok"
        click.echo(f"{mark:<8} {r['clause'] or '-':<7} {r['key']:<32} {'; '.join(r['entries']) or 'no entry'}")
        for flag in r["flags"]:
            click.echo(f"{'':<17}{flag}")


@docs.command("required")
@workspace_option
def docs_required(workspace_path: Path | None) -> None:
    """List the documented information the standard requires (the keys a entry's --requirement takes)."""
    from workbench.records.documented_information import required_items

    for item in required_items(open_workspace(workspace_path).content):
        click.echo(f"{item.clause:<7} {item.key:<32} {item.title}")


@docs.command("add")
@workspace_option
@click.option("--id", "doc_id", required=True, help="Safe slug naming the document, e.g. ai-policy.")
@click.option("--title", required=True)
@click.option("--requirement", default="", help="Required item it satisfies (see 'workbench docs required').")
@click.option("--owner", required=True, help="Person id of the owner.")
@click.option("--version", "doc_version", required=True)
@click.option("--location", required=True, help="Archived evidence id, or a file path inside the workspace.")
@click.option("--last-review", required=True, help="YYYY-MM-DD")
@click.option("--next-review", required=True, help="YYYY-MM-DD")
@click.option("--by", "recorded_by", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def docs_add(workspace_path: Path | None, doc_id: str, doc_version: str, recorded_by: str, **fields) -> None:
    """Add an entry, or a new version of one (same --id)."""
    from workbench.records.documented_information import add_document

    row = add_document(open_workspace(workspace_path), {"id": doc_id, "version": doc_version, **fields}, recorded_by)
    click.echo(f"recorded {row['doc_id']} version {row['version']} (entry {row['seq']})")


@docs.command("import")
@workspace_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--by", "recorded_by", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def docs_import(workspace_path: Path | None, file: Path, recorded_by: str) -> None:
    """Add every entry of a YAML or JSON FILE holding 'documents: [...]' (all are checked first)."""
    from workbench.records.documented_information import import_documents

    rows = import_documents(open_workspace(workspace_path), file, recorded_by)
    click.echo(f"recorded {len(rows)} entries: {', '.join(r['doc_id'] for r in rows)}")


@main.group()
def competence() -> None:
    """Competence records (ISO/IEC 42001 7.2)."""


@competence.command("add")
@workspace_option
@click.option("--person", required=True, help="Person id.")
@click.option("--role", required=True, help="The AIMS role, e.g. auditor.")
@click.option("--competence", "required_competence", required=True, help="The competence the role requires.")
@click.option("--evidence", required=True, help="Archived evidence id, or a file path inside the workspace.")
@click.option("--expires", default=None, help="YYYY-MM-DD, if the evidence expires.")
@click.option("--by", "recorded_by", default="", help="Which person acts, among those whose signing keys you hold (default: the only one).")
def competence_add(workspace_path: Path | None, person: str, role: str, required_competence: str, evidence: str,
                   expires: str | None, recorded_by: str) -> None:
    """Record a person's competence for a role."""
    from workbench.records.documented_information import add_competence

    row = add_competence(open_workspace(workspace_path), {"person": person, "role": role, "competence": required_competence,
                                                      "evidence": evidence, "expires": expires}, recorded_by)
    click.echo(f"recorded {row['id']}: {row['person']} as {row['role']}")


@competence.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def competence_list(workspace_path: Path | None, as_json: bool) -> None:
    """List the competence records."""
    from workbench.records.documented_information import competence_records

    rows = competence_records(open_workspace(workspace_path))
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:<10} {r['person']:<10} {r['role']:<14} expires {str(r['expires'] or 'never'):<11} "
                   f"{r['competence']}")
