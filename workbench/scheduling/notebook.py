"""The periodic review's notebook in a workspace, ready for jupyter-scheduler.

jupyter-scheduler runs a copy of the notebook in a staging folder of its own, and replaces a cell
tagged ``injected-parameters`` with the job's parameters; so the copy cannot find its workspace from
where it runs, and a papermill-injected workspace would be lost. The workspace's notebook therefore
names its workspace as the default of its parameters cell.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat

from workbench.exceptions import InputError
from workbench.pipeline.run import notebook_code
from workbench.resources import notebooks_dir
from workbench.workspace import Workspace

REVIEW_NOTEBOOK = Path("scheduled") / "periodic_review.ipynb"
_WORKSPACE_DEFAULT = re.compile(r'^workspace: str = "".*$', re.MULTILINE)


def review_notebook(workspace: Workspace, replace: bool = False) -> Path:
    """Write the periodic review's notebook for ``workspace`` to ``scheduled/periodic_review.ipynb``.

    Parameters
    ----------
    workspace : Workspace
        The workspace the notebook reviews; its path becomes the ``workspace`` default.
    replace : bool
        Overwrite a notebook there whose code differs (edited, planted, or written for the
        workspace at another path); without it such a notebook is refused and left as it is.

    Returns
    -------
    Path
        The notebook; an existing one whose code is the template's for this workspace is kept.

    Raises
    ------
    InputError
        The notebook there differs and ``replace`` is false, or ``scheduled/`` or the notebook
        is a link.
    """
    folder = workspace.root / REVIEW_NOTEBOOK.parent
    target = workspace.root / REVIEW_NOTEBOOK
    for path in (folder, target):
        if path.is_symlink():
            raise InputError.single("notebook", str(path), f"is a link to {path.resolve()}; the periodic review's "
                                    "notebook must be a plain file in a folder of the workspace")
    nb = nbformat.read(notebooks_dir() / REVIEW_NOTEBOOK.name, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = _WORKSPACE_DEFAULT.sub(
        f"workspace: str = {json.dumps(str(workspace.root), ensure_ascii=False)}  # the workspace this notebook "
        "reviews (jupyter-scheduler runs a copy elsewhere)", cell.source)
    folder.mkdir(exist_ok=True)
    fresh = folder / f".{target.stem}.tmp-{os.getpid()}.ipynb"
    try:
        nbformat.write(nb, fresh)
        if target.exists() and not replace and notebook_code(target) != notebook_code(fresh):
            raise InputError.single("notebook", str(target), "holds code that is not the periodic review's for this "
                                    "workspace; move it away or write it again with "
                                    "'workbench review notebook --replace'")
        if replace or not target.exists():
            os.replace(fresh, target)
    finally:
        fresh.unlink(missing_ok=True)
    return target
