"""The model versions' commands: ``workbench model import-mlflow``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import open_workspace, workspace_option


@click.group()
def model() -> None:
    """Model versions of AI systems and their release records (A.6.2)."""


@model.command("import-mlflow")
@workspace_option
@click.option("--tracking-uri", required=True, help="The MLflow tracking server, e.g. http://127.0.0.1:5000.")
@click.option("--model", "name", required=True, help="The registered model's name in MLflow.")
@click.option("--system", "system_id", required=True, help="Id of the AI system the versions belong to.")
@click.option("--prefix", default="", help="Item ids are PREFIX-vN (default: the model's name as a slug).")
@click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")
def model_import_mlflow(workspace_path: Path | None, tracking_uri: str, name: str, system_id: str, prefix: str,
                        person: str) -> None:
    """Register each version of an MLflow registered model as a model version of the system, its run's
    metrics in a draft release record (needs the mlflow extra)."""
    from workbench.processes.model_release.mlflow_import import import_versions

    for v in import_versions(open_workspace(workspace_path), system_id, tracking_uri, name, prefix, person):
        state = "registered" if v.registered else "already registered"
        skipped = f"; not a number, left out: {', '.join(v.skipped)}" if v.skipped else ""
        click.echo(f"{v.item_id:<30} version {v.version:<6} {state}, {len(v.metrics)} metric(s) from run "
                   f"{v.run_id or '(none)'}{skipped}")
