"""Export register tables as CSV that a spreadsheet opens without running anything."""

from __future__ import annotations

import csv
from pathlib import Path

from workbench.pipeline.archive import write_atomic
from workbench.workspace import Workspace

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(workspace: Workspace, table: str, path: Path) -> int:
    """Write register ``table`` to ``path`` as UTF-8 CSV with formula injection neutralised; returns the row count."""
    frame = workspace.register.frame(table)
    safe = frame.apply(lambda column: column.map(neutralise))
    # quote every text cell: pandas leaves a lone CR unquoted, which would split the row
    write_atomic(Path(path), safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8"))
    return len(frame)
