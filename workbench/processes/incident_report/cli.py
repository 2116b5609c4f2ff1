"""The commands of incidents and concerns: ``workbench incident add|update|close|list|show`` and
``workbench concern raise|list|reveal``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option

as_option = click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")


@click.group()
def incident() -> None:
    """Record incidents of AI systems, their timeline and the report due to the authority (A.8.4, Art. 73)."""


@incident.command("add")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the incident happened to.")
@click.option("--file", "path", type=click.Path(path_type=Path), help="A YAML file with the incident's fields.")
@click.option("--title", default=None)
@click.option("--what", "what_happened", default=None, help="What happened.")
@click.option("--detected-on", default=None, help="YYYY-MM-DD")
@click.option("--detected-by", default=None, help="Who or what detected it (a person, an alert, a complaint).")
@click.option("--aware-on", default=None, help="YYYY-MM-DD: when the organisation became aware (the clock starts).")
@click.option("--severity", default=None, help="A level of the severity scale in workbench.yaml.")
@click.option("--harm", "harm_category", default=None, help="A harm category in workbench.yaml.")
@click.option("--affected", multiple=True, help="Who was affected (repeat for several groups).")
@click.option("--affected-count", type=int, default=None)
@click.option("--serious", "serious_ground", default=None,
              help="A serious incident (EU AI Act): death, widespread-infringement, critical-infrastructure or "
                   "other-serious-harm.")
@click.option("--concern", default=None, help="Id of the concern it came from.")
@as_option
def incident_add(workspace_path: Path | None, system_id: str, path: Path | None, person: str, affected: tuple,
                 serious_ground: str | None, **fields) -> None:
    """Record an incident (it makes the system's reviews due)."""
    from workbench.processes.incident_report.incidents import add_incident
    from workbench.validate import load_data

    data = load_data(path, field="file") if path else {}
    data.update({k: v for k, v in fields.items() if v is not None})
    if affected:
        data["affected"] = list(affected)
    if serious_ground:
        data.update(serious=True, serious_ground=serious_ground)
    row = add_incident(open_workspace(workspace_path), system_id, data, person)
    click.echo(f"recorded incident {row['incident_id']} of {system_id}; authority report: {_clock(row)}")


@incident.command("update")
@workspace_option
@click.argument("incident_id")
@click.option("--title", default=None)
@click.option("--what", "what_happened", default=None)
@click.option("--severity", default=None)
@click.option("--harm", "harm_category", default=None)
@click.option("--affected", multiple=True)
@click.option("--affected-count", type=int, default=None)
@click.option("--serious", "serious_ground", default=None, help="Mark it serious, on this ground.")
@click.option("--not-serious", is_flag=True, help="It proved not to be a serious incident.")
@click.option("--root-cause", default=None)
@click.option("--containment", default=None, help="A containment action taken.")
@click.option("--containment-by", default="", help="Person id of who took it (default: who acts).")
@click.option("--containment-on", default="", help="YYYY-MM-DD (default: today).")
@click.option("--communication-to", "recipient", default=None,
              help="A communication made, to: market-surveillance-authority, affected-persons, provider, deployer, "
                   "internal, other.")
@click.option("--to", "to_whom", default="", help="The body or people it went to, by name.")
@click.option("--on", "told_on", default="", help="YYYY-MM-DD of the communication (default: today).")
@click.option("--message", default="", help="What was communicated.")
@click.option("--note", default="")
@as_option
def incident_update(workspace_path: Path | None, incident_id: str, affected: tuple, serious_ground: str | None,
                    not_serious: bool, containment: str | None, containment_by: str, containment_on: str,
                    recipient: str | None, to_whom: str, told_on: str, message: str, note: str, person: str,
                    **fields) -> None:
    """Append an entry to an incident's timeline."""
    from datetime import date

    from workbench.processes.incident_report.incidents import update_incident

    workspace = open_workspace(workspace_path)
    if affected:
        fields["affected"] = list(affected)
    if serious_ground:
        fields.update(serious=True, serious_ground=serious_ground)
    if not_serious:
        fields.update(serious=False, serious_ground="")
    acting = person or (workspace.registrar(person).id if containment and not containment_by else "")
    action = ({"action": containment, "by": containment_by or acting, "on": containment_on or date.today().isoformat()}
              if containment else None)
    told = ({"recipient": recipient, "to": to_whom, "on": told_on or date.today().isoformat(), "what": message}
            if recipient else None)
    row = update_incident(workspace, incident_id, person, note, action, told, **fields)
    click.echo(f"updated incident {incident_id} (timeline entry {row['seq']}); authority report: {_clock(row)}")


@incident.command("close")
@workspace_option
@click.argument("incident_id")
@click.option("--lessons", "lessons_learned", required=True, help="The lessons learned.")
@click.option("--root-cause", default="", help="The root cause, if not recorded yet.")
@click.option("--closed-on", default=None, help="YYYY-MM-DD (default: today).")
@as_option
def incident_close(workspace_path: Path | None, incident_id: str, lessons_learned: str, root_cause: str,
                   closed_on: str | None, person: str) -> None:
    """Close an incident with its lessons learned."""
    from workbench.processes.incident_report.incidents import close_incident

    row = close_incident(open_workspace(workspace_path), incident_id, lessons_learned, person, closed_on, root_cause)
    click.echo(f"closed incident {incident_id} on {row['closed_on']}")


@incident.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system's incidents.")
@click.option("--overdue", is_flag=True, help="Only those whose authority report is overdue; exit 1 if any (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def incident_list(workspace_path: Path | None, system_id: str | None, overdue: bool, as_json: bool) -> None:
    """List incidents with where their report to the authority stands."""
    from workbench.processes.incident_report.incidents import incidents

    rows = incidents(open_workspace(workspace_path), system_id)
    if overdue:
        rows = [r for r in rows if r["clock"]["status"] == "overdue"]
    if as_json:
        echo_json(rows)
    else:
        for r in rows:
            click.echo(f"{r['incident_id']:<9} {r['system_id']:<20} {r['status']:<6} {r['severity']:<10} "
                       f"authority report: {_clock(r):<28} {r['title']}")
        if overdue and not rows:
            click.echo("no authority report is overdue")
    if overdue and rows:
        sys.exit(1)


@incident.command("show")
@workspace_option
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def incident_show(workspace_path: Path | None, incident_id: str, as_json: bool) -> None:
    """Show an incident and its whole timeline."""
    from workbench.processes.incident_report.incidents import current, timeline

    workspace = open_workspace(workspace_path)
    row, entries = current(workspace, incident_id), timeline(workspace, incident_id)
    if as_json:
        echo_json({**row, "timeline": entries})
        return
    click.echo(f"{row['incident_id']} of {row['system_id']}: {row['title']} ({row['status']}, {row['severity']})")
    click.echo(f"authority report: {_clock(row)}; nonconformity: {row['nonconformity'] or 'none yet'}")
    for e in entries:
        click.echo(f"  {e['seq']:>3} {e['updated_at']:%Y-%m-%d %H:%M} {e['updated_by']:<12} {e['note'] or '-'}"
                   f"{' [' + ', '.join(e['changed']) + ']' if e['changed'] else ''}")


def _clock(row: dict) -> str:
    clock = row["clock"]
    if clock["status"] == "not required":
        return "not required"
    return f"{clock['status']} (due {clock['due_on']})"


@click.group()
def concern() -> None:
    """Raise a concern about an AI system, in your name or anonymously (A.3.3)."""


@concern.command("raise")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the concern is about.")
@click.option("--text", required=True, help="What the concern is.")
@click.option("--anonymous", is_flag=True, help="Only an AIMS manager may learn who raised it.")
@as_option
def concern_raise(workspace_path: Path | None, system_id: str, text: str, anonymous: bool, person: str) -> None:
    """Raise a concern about an AI system."""
    from workbench.processes.incident_report.concerns import raise_concern

    row = raise_concern(open_workspace(workspace_path), system_id, text, anonymous, person)
    click.echo(f"recorded concern {row['concern_id']} about {system_id}"
               + (f"; who raised it is sealed for the AIMS manager(s) {row['identity_visible_to']}" if anonymous else ""))


@concern.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system's concerns.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def concern_list(workspace_path: Path | None, system_id: str | None, as_json: bool) -> None:
    """List concerns (an anonymous one shows no reporter)."""
    from workbench.processes.incident_report.concerns import concerns

    rows = concerns(open_workspace(workspace_path), system_id)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['concern_id']:<9} {r['system_id']:<20} {r['raised_at']:%Y-%m-%d} {r['raised_by']:<12} "
                   f"{('incident ' + r['incident']) if r['incident'] else 'no incident':<18} {r['text'][:80]}")


@concern.command("reveal")
@workspace_option
@click.argument("concern_id")
@as_option
def concern_reveal(workspace_path: Path | None, concern_id: str, person: str) -> None:
    """Show who raised an anonymous concern (an AIMS manager only; the reveal is recorded)."""
    from workbench.processes.incident_report.concerns import reveal

    found = reveal(open_workspace(workspace_path), concern_id, person)
    if not found["anonymous"]:
        click.echo(f"{concern_id} was raised in their own name by {found['reporter']}")
        return
    click.echo(f"{concern_id} was raised by {found['reporter']} ({found['name']}, {found['email'] or 'no e-mail'}); "
               f"signature {found['signature']}; this reveal is recorded in the ledger")


@concern.command("form")
@workspace_option
@click.option("--system", "system_id", default="", help="The AI system chosen first (default: the first registered).")
@click.option("--port", default=8866, show_default=True, help="Port on 127.0.0.1 to serve the form on.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; open the address Voila prints.")
def concern_form(workspace_path: Path | None, system_id: str, port: int, no_browser: bool) -> None:
    """Serve the concern form with Voila, for someone who does not code; Ctrl-C stops it."""
    from workbench.processes.incident_report.concern_form import concern_notebook
    from workbench.ui.voila import serve

    workspace = open_workspace(workspace_path)
    serve(workspace, concern_notebook(workspace, system_id), port, not no_browser)
