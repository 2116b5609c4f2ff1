"""Run a process template headless on a clean kernel with papermill."""

from __future__ import annotations

from pathlib import Path

from workbench.exceptions import WorkbenchError

RESULTS_MIMETYPE = "application/vnd.aims-workbench.results+json"
RESULTS_TAG = "workbench-results"
KERNEL = "python3"
# The kernel talks to us over loopback only; its start-up warnings would drown a scheduler's log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


class ExecutionFailed(WorkbenchError):
    """The kernel raised, timed out or died; the partial notebook was written to ``output``."""

    def __init__(self, ename: str, evalue: str):
        self.ename = ename
        self.evalue = evalue
        super().__init__(f"{ename}: {evalue}")


def execute(template: Path, output: Path, parameters: dict, cwd: Path, timeout: int | None = None,
            env: dict | None = None):
    """Execute ``template`` with ``parameters`` into ``output`` and return the executed notebook.

    ``env`` is the kernel's whole environment (default: this process's).

    Raises
    ------
    ExecutionFailed
        If a cell raised, the run timed out or the kernel died.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from workbench.pipeline.kernels import ENGINE

    try:
        return papermill.execute_notebook(
            str(template), str(output), parameters=parameters, kernel_name=KERNEL,
            progress_bar=False, log_output=False, cwd=str(cwd), execution_timeout=timeout,
            extra_arguments=KERNEL_ARGUMENTS, engine_name=ENGINE, shutdown_kernel="immediate",
            **({"kernel_env": env} if env is not None else {}),  # only our engine knows it
        )
    except PapermillExecutionError as err:
        raise ExecutionFailed(err.ename, _last_line(err.evalue)) from None
    except Exception as err:  # a dead kernel or a timeout surfaces as nbclient's own errors
        raise ExecutionFailed(type(err).__name__, _last_line(str(err))) from None


def _last_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return "\n".join(lines[-3:]) if lines else ""


def extract_results(nb) -> dict:
    """Return the results the template recorded (the output of its ``workbench-results`` cell)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIMETYPE in data:
                return dict(data[RESULTS_MIMETYPE])
    raise ExecutionFailed("MissingResults", "the template recorded no results (no workbench-results output)")


def prepare(template: Path, output: Path, parameters: dict) -> None:
    """Write a copy of ``template`` with ``parameters`` filled in, without running it."""
    import papermill

    papermill.execute_notebook(str(template), str(output), parameters=parameters, prepare_only=True,
                               kernel_name=KERNEL, progress_bar=False)
