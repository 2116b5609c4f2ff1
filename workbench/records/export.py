"""Export register tables as CSV or XLSX that a spreadsheet opens without running anything."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from workbench.pipeline.archive import write_atomic
from workbench.workspace import Workspace

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
MAX_WIDTH = 60  # characters; longer text wraps in the cell instead of widening the sheet


def neutralise(value: object) -> object:
    """Prefix a text cell a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def readable(value: object) -> object:
    """Render a list or mapping (a JSON column) as text a person reads, ``C1; C3`` or ``k: v; ...``;
    other values are returned as they are."""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(readable(v)) for v in value)
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{k}: {readable(v)}" for k, v in value.items())
    return value


def _cell(value: object) -> object:
    """A register value as it goes into a spreadsheet: readable, neutralised, missing as empty."""
    if isinstance(value, (list, tuple, dict)):
        return neutralise(readable(value))
    if pd.isna(value):
        return None
    return neutralise(value)


def export_csv(workspace: Workspace, table: str, path: Path) -> int:
    """Write register ``table`` to ``path`` as UTF-8 CSV with formula injection neutralised; returns the row count."""
    frame = workspace.register.frame(table)
    safe = frame.apply(lambda column: column.map(_cell))
    # quote every text cell: pandas leaves a lone CR unquoted, which would split the row
    write_atomic(Path(path), safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8"))
    return len(frame)


def _xlsx_value(value: object) -> object:
    """``_cell`` for openpyxl: dates stay dates, and a time with a zone becomes UTC (Excel holds none)."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return _cell(value)


def export_xlsx(workspace: Workspace, table: str, path: Path) -> int:
    """Write register ``table`` to ``path`` as an XLSX workbook, one sheet named after the table, with
    a frozen header row, formula injection neutralised, lists as text and dates as dates (times in UTC);
    returns the row count."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    frame = workspace.register.frame(table)
    book = Workbook()
    sheet = book.active
    sheet.title = table[:31]  # Excel's limit on a sheet name
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_xlsx_value(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.iter_cols(), start=1):
        width = max(_width(cell.value) for cell in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH) + 2
        if width > MAX_WIDTH:
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(Path(path), buffer.getvalue())
    return len(frame)


def _width(value: object) -> int:
    """Characters a cell needs to show ``value``."""
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0
