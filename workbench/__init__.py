"""AIMS Workbench: run an ISO/IEC 42001 AI management system from Jupyter notebooks.

The pipeline is answers -> validate -> run -> render -> archive -> register; start with
:func:`init_workspace`, :class:`Workspace` and :func:`run_process`.
"""

__version__ = "0.1.0"

from workbench.exceptions import InputError, RunError, WorkbenchError, WorkspaceError  # noqa: E402
from workbench.workspace import Workspace, find_workspace, init_workspace  # noqa: E402


def __getattr__(name: str):
    # run_process loads papermill and nbformat (seconds of imports): only when it is asked for,
    # so that commands such as 'workbench verify' start quickly
    if name == "run_process":
        from workbench.pipeline.run import run_process

        return run_process
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


__all__ = ["InputError", "RunError", "WorkbenchError", "WorkspaceError", "Workspace", "find_workspace",
           "init_workspace", "run_process", "__version__"]
