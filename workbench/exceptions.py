"""The workbench's error hierarchy: every error carries the facts a person needs to fix it."""

from __future__ import annotations

from dataclasses import dataclass


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which field, what value, and what is allowed.

    Parameters
    ----------
    field : str
        Dotted path of the field, for example ``risks[0].inherent_likelihood``.
    value : object
        The value that was given.
    message : str
        What is wrong and what would be allowed.
    """

    field: str
    value: object
    message: str

    def __str__(self) -> str:
        if self.message == "is required":
            return f"{self.field}: is required"
        return f"{self.field}: {self.message} (got {_show(self.value)})"


def _show(value: object, limit: int = 240) -> str:
    """The value as given, cut short only when it is longer than any file path a person would type."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InputError(WorkbenchError, ValueError):
    """Bad input: a field holds a value that is not allowed. Nothing was written."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem, context: str = ""):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.context = context
        head = f"{context}: " if context else ""
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            super().__init__(head + lines[0])
        else:
            super().__init__(head + f"{len(lines)} problems\n  " + "\n  ".join(lines))

    @classmethod
    def single(cls, field: str, value: object, message: str) -> "InputError":
        """Build an error about one field."""
        return cls(Problem(field, value, message))


class UnknownRecordError(InputError):
    """A reference to a record (system, evidence, person, control) that does not exist."""


class NotYoursError(InputError):
    """Someone tried to act as a person they are not (another person named under JupyterHub, a hub user
    who is no person, a visitor in another user's server): refused, nothing recorded."""


class AlreadyRecordedError(InputError):
    """Another writer recorded the same thing first (a review of the same subject and period); nothing was archived."""


class WorkspaceError(WorkbenchError):
    """The workspace is missing, not a workspace, or its configuration is broken."""

    exit_code = 2


class TimestampError(WorkbenchError):
    """The time-stamping authority could not be reached, or its reply is not a timestamp it may give.

    Nothing was recorded.

    Parameters
    ----------
    url : str
        The authority's URL, from the configuration's ``anchor.tsa_url``.
    problem : str
        What went wrong.
    """

    def __init__(self, url: str, problem: str):
        self.url = url
        self.problem = problem
        super().__init__(f"time-stamping authority {url}: {problem}; nothing was recorded")


class RunError(WorkbenchError):
    """A run of a process template failed; its partial notebook is kept as a failed run.

    Parameters
    ----------
    run_id : str
        The failed run's id.
    notebook_path : str
        Where the partial notebook was kept.
    ename, evalue : str
        The error's name and value as the kernel reported them.
    """

    exit_code = 1

    def __init__(self, run_id: str, notebook_path: str, ename: str, evalue: str):
        self.run_id = run_id
        self.notebook_path = notebook_path
        self.ename = ename
        self.evalue = evalue
        super().__init__(
            f"run {run_id} failed: {ename}: {evalue}\n  partial notebook kept at {notebook_path}"
        )
