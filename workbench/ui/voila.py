"""The form for someone who does not code: one process's notebook served by Voilà, and nothing else.

Voilà runs the notebook and shows its widgets, none of its code. ``workbench form`` starts it with
the workspace as Voilà's root, so the link Submit shows to the evidence (relative to the notebook's
folder, resolved against the page at the root) is redirected by Voilà to the file under
``/voila/files/``; and with only what the form needs: evidence files served from there, no other
file; the widget managers and no other JupyterLab extension (the AIMS Workbench one needs
JupyterLab's launcher, which Voilà has not); and the ``workbench`` Voilà template, Voilà's page less
the stylesheets it would fetch from a CDN.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workbench.resources import templates_dir
from workbench.workspace import Workspace

SERVED_FILES = [r"evidence/.+/evidence\.html"]  # relative to the workspace, Voilà's root
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
TEMPLATE = "workbench"


def voila_command(workspace: Workspace, notebook: Path, port: int, browser: bool = True) -> list[str]:
    """The command that serves ``notebook`` (a notebook in the workspace) with Voilà on 127.0.0.1:``port``."""
    return [sys.executable, "-m", "voila", str(notebook), f"--Voila.root_dir={workspace.root}",
            f"--port={port}", "--Voila.ip=127.0.0.1", "--token", f"--template={TEMPLATE}",
            *(f"--VoilaConfiguration.file_allowlist={pattern}" for pattern in SERVED_FILES),
            *(f"--VoilaConfiguration.extension_allowlist={name}" for name in EXTENSIONS),
            *([] if browser else ["--no-browser"])]


def voila_environment() -> dict[str, str]:
    """The environment Voilà runs in: this one, with the workbench's Voilà template found first."""
    found = [str(templates_dir()), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {**os.environ, "JUPYTER_PATH": os.pathsep.join(found)}


def serve(workspace: Workspace, notebook: Path, port: int, browser: bool = True) -> None:
    """Replace this process with Voilà serving ``notebook``; Ctrl-C stops it."""
    command = voila_command(workspace, notebook, port, browser)
    os.execve(command[0], command, voila_environment())
