"""The dataset register's commands: ``workbench dataset add``, ``import``, ``list`` and ``check``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option


@click.group()
def dataset() -> None:
    """Register the datasets of AI systems (A.7), list them and check their files."""


@dataset.command("add")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the dataset belongs to.")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="A YAML file with the dataset's entry (see README: the dataset register).")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def dataset_add(workspace_path: Path | None, system_id: str, path: Path, person: str) -> None:
    """Register one dataset (or its next version) from a YAML file."""
    from workbench.processes.data_quality.datasets import add_dataset
    from workbench.validate import load_data

    row = add_dataset(open_workspace(workspace_path), system_id, load_data(path, field="file"), person)
    click.echo(f"registered dataset {row['dataset_id']} of {system_id}, version {row['seq']} "
               f"(SHA-256 {row['sha256'][:12]}...)")


@dataset.command("import")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the datasets belong to.")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def dataset_import(workspace_path: Path | None, system_id: str, path: Path, person: str) -> None:
    """Register every dataset of a YAML or CSV file (all are checked first)."""
    from workbench.processes.data_quality.datasets import import_datasets

    rows = import_datasets(open_workspace(workspace_path), system_id, path, person)
    click.echo(f"registered {len(rows)} dataset(s) of {system_id}: {', '.join(r['dataset_id'] for r in rows)}")


@dataset.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system's datasets.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def dataset_list(workspace_path: Path | None, system_id: str | None, as_json: bool) -> None:
    """List the current version of every dataset."""
    from workbench.processes.data_quality.datasets import datasets

    rows = datasets(open_workspace(workspace_path), system_id)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['system_id']:<20} {r['dataset_id']:<22} v{r['seq']:<3} {r['role']:<16} {r['location']}")


@dataset.command("check")
@workspace_option
def dataset_check(workspace_path: Path | None) -> None:
    """Exit 1 when a registered file vanished or changed since it was registered (for cron)."""
    from workbench.processes.data_quality.datasets import flags

    found = flags(open_workspace(workspace_path))
    for f in found:
        click.echo(f"{f['flag']:<8} {f['system_id']}/{f['dataset_id']}: {f['message']}")
    if found:
        sys.exit(1)
    click.echo("every registered dataset file is as registered")
