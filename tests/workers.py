"""What the test workers of one run share (``./dev test`` runs pytest-xdist workers): the demo people's
keys and the demo workspace, each made once by the first worker that needs it while the others wait."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of one run; unset without xdist


def made_once(folder: Path, make: Callable[[Path], object]) -> Path:
    """``folder``, filled by ``make(folder)`` once for all the run's workers (the others wait for it)."""
    made = folder.with_name(folder.name + ".made")
    with open(folder.with_name(folder.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            made.touch()
    return folder
