"""The command of the fundamental rights impact assessment: ``workbench fria prefill``."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from workbench.cli import open_workspace, workspace_option


@click.group()
def fria() -> None:
    """The fundamental rights impact assessment of an AI system (EU AI Act Art. 27)."""


@fria.command("prefill")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system.")
def fria_prefill(workspace_path: Path | None, system_id: str) -> None:
    """Print answers (YAML) a first FRIA of a system starts from: what its latest impact assessment says,
    citing its run id; fill in what is empty and run it with 'workbench run fundamental-rights-impact'."""
    from workbench.processes.fria.assessment import prefill

    click.echo(yaml.safe_dump(prefill(open_workspace(workspace_path), system_id), sort_keys=False,
                              allow_unicode=True), nl=False)
