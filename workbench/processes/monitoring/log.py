"""Reading a period's prediction log and the reference dataset, each checked before anything runs:
a bad file gets an error naming the field, the value and what is allowed, and nothing is written.

Only the columns the answers name are read (pyarrow for both CSV and Parquet), so a wide log costs
what its monitored columns cost.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from workbench.exceptions import InputError
from workbench.processes.monitoring.answers import MonitoringAnswers

SUFFIXES = (".csv", ".parquet")
TRUE, FALSE = ("1", "true", "1.0"), ("0", "false", "0.0")


@dataclass
class Log:
    """A prediction log read and checked: the rows of the period, with typed columns."""

    frame: object  # pandas DataFrame: timestamps in UTC, prediction 0/1, label 0/1 or NaN, score float
    relative: str
    path: Path
    start: date
    end: date


@dataclass
class ReferenceData:
    """The reference dataset read and checked: its feature (and score) columns."""

    frame: object
    source: str  # "dataset" or "path"
    dataset_id: str
    location: str
    path: Path
    registered_sha256: str


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a run's period: ``2026``, ``2026-H2``, ``2026-Q4`` or ``2026-11``."""
    year, _, part = period.partition("-")
    y = int(year)
    if not part:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 + 6 * (int(part[1]) - 1)
        last = first + 5
    elif part[0] == "Q":
        first = 1 + 3 * (int(part[1]) - 1)
        last = first + 2
    else:
        first = last = int(part)
    return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def window(answers: MonitoringAnswers, period: str) -> tuple[date, date]:
    """The days monitored: the answers' period, else the run's."""
    if answers.period_start is not None:
        return answers.period_start, answers.period_end
    return period_bounds(period)


def workspace_file(workspace, field: str, relative: str) -> Path:
    """A CSV or Parquet file inside the workspace, refusing absolute paths and ways out of it."""
    if Path(relative).is_absolute():
        raise InputError.single(field, relative, "must be a path relative to the workspace, e.g. "
                                "logs/credit-scoring/2026-11.parquet")
    try:
        path = workspace.inside(workspace.root / relative)
    except InputError:
        raise InputError.single(field, relative,
                                "must stay inside the workspace (no '..', no link out of it)") from None
    if path.suffix.lower() not in SUFFIXES:
        raise InputError.single(field, relative, "must be a .csv or .parquet file")
    if not path.is_file():
        raise InputError.single(field, relative, "no such file in the workspace")
    return path


def _header(field: str, relative: str, path: Path) -> list[str]:
    from workbench.processes.data_quality.assessment import columns_of

    try:
        names, has_rows = columns_of(path)
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise InputError.single(field, relative, f"cannot be read: {err}") from None
    if not has_rows:
        raise InputError.single(field, relative, "holds no rows: nothing to monitor")
    return names


def _require(names: list[str], wanted: list[tuple[str, str]], relative: str) -> None:
    for field, column in wanted:
        if column not in names:
            raise InputError.single(field, column, f"is not a column of {relative}; its columns: "
                                    f"{', '.join(map(str, names[:30]))}")


def read_columns(path: Path, columns: list[str]):
    """Only ``columns`` of a CSV or Parquet file, read with pyarrow."""
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path, columns=columns)
    return pd.read_csv(path, usecols=columns, engine="pyarrow")


def _where(path: Path, index: int) -> str:
    """A row as a person finds it: a CSV's line (after its header), a Parquet file's row."""
    return f"line {index + 2}" if path.suffix.lower() == ".csv" else f"row {index + 1}"


def _first(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def binary(values, field: str, column: str, path: Path, allow_missing: bool = False) -> np.ndarray:
    """A column of labels as floats 0.0 and 1.0 (NaN where missing, if allowed); any other value is
    an ``InputError`` naming the field, the row and the value."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        bad = ~(np.isin(numbers, (0.0, 1.0)) | (np.isnan(numbers) if allow_missing else False))
    else:
        text = values.astype("string").str.strip().str.lower()
        missing = text.isna() | (text == "")
        numbers = np.where(text.isin(TRUE).fillna(False), 1.0, np.where(text.isin(FALSE).fillna(False), 0.0, np.nan))
        known = ~np.isnan(numbers)
        bad = ~(known | (missing.to_numpy() if allow_missing else False))
    if bad.any():
        i = _first(bad)
        allowed = "0 or 1" + (", or an empty cell where not known" if allow_missing else "")
        raise InputError.single(field, column, f"must hold {allowed}; {_where(path, i)} holds {values.iloc[i]!r}")
    return numbers


def timestamps(values, column: str, path: Path):
    """A column of timestamps in UTC (a time without a zone is taken as UTC); a cell that is not a
    date and time is an ``InputError`` naming its row."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    if getattr(parsed.dt, "tz", None) is None:
        parsed = parsed.dt.tz_localize("UTC")
    else:
        parsed = parsed.dt.tz_convert("UTC")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = _first(bad)
        raise InputError.single("columns.timestamp", column, f"must hold dates and times (ISO 8601, e.g. "
                                f"2026-11-03T14:05:00Z); {_where(path, i)} holds {values.iloc[i]!r}")
    return parsed


def load_log(workspace, answers: MonitoringAnswers, period: str, numeric: dict[str, bool]) -> Log:
    """Read the period's prediction log and check every column the answers name.

    ``numeric`` tells which features the reference holds as numbers: the log must hold numbers there too.

    Raises
    ------
    InputError
        Naming the field and the value: a missing file or column, a timestamp that is no timestamp or
        falls outside the period (how many, and the first), a label that is not 0 or 1, a score that is
        not a number, a feature that is not a number where the reference has numbers, an empty group.
    """
    import pandas as pd

    c = answers.columns
    relative = answers.prediction_log.replace("{period}", period)
    path = workspace_file(workspace, "prediction_log", relative)
    wanted = [("columns.timestamp", c.timestamp), ("columns.prediction", c.prediction)]
    wanted += [("columns.score", c.score)] if c.score else []
    wanted += [("columns.label", c.label)] if c.label else []
    wanted += [(f"columns.features[{i}]", f) for i, f in enumerate(c.features)]
    wanted += [(f"columns.sensitive_features[{i}]", f) for i, f in enumerate(c.sensitive_features)]
    _require(_header("prediction_log", relative, path), wanted, relative)
    try:
        frame = read_columns(path, list(dict.fromkeys(column for _, column in wanted)))
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise InputError.single("prediction_log", relative, f"cannot be read: {err}") from None
    start, end = window(answers, period)
    when = timestamps(frame[c.timestamp], c.timestamp, path)
    low, high = pd.Timestamp(start, tz="UTC"), pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
    outside = ((when < low) | (when >= high)).to_numpy()
    if outside.any():
        i = _first(outside)
        raise InputError.single("prediction_log", relative, f"{int(outside.sum()):,} of {len(frame):,} rows have a "
                                f"timestamp outside the period {start} to {end}; the first is {_where(path, i)}: "
                                f"{when.iloc[i].isoformat()}")
    frame[c.timestamp] = when
    frame[c.prediction] = binary(frame[c.prediction], "columns.prediction", c.prediction, path)
    if c.label:
        frame[c.label] = binary(frame[c.label], "columns.label", c.label, path, allow_missing=True)
    if c.score:
        frame[c.score] = _numbers(frame[c.score], "columns.score", c.score, path, allow_missing=False)
        probabilities = [m.metric for m in answers.performance if m.metric in ("brier", "log_loss")]
        outside_unit = (frame[c.score] < 0) | (frame[c.score] > 1)
        if probabilities and outside_unit.any():
            i = _first(outside_unit.to_numpy())
            raise InputError.single("columns.score", c.score, f"must hold probabilities from 0 to 1 for "
                                    f"{' and '.join(probabilities)}; {_where(path, i)} holds "
                                    f"{frame[c.score].iloc[i]!r}")
    for i, feature in enumerate(c.features):
        if numeric.get(feature):
            frame[feature] = _numbers(frame[feature], f"columns.features[{i}]", feature, path, allow_missing=True)
    label = frame[c.label].to_numpy() if c.label else np.full(len(frame), np.nan)
    known = ~np.isnan(label)
    for i, column in enumerate(c.sensitive_features):
        values = frame[column]
        blank = (values.isna() | (values.astype("string").str.strip() == "")).to_numpy()
        if blank.any():
            raise InputError.single(f"columns.sensitive_features[{i}]", column,
                                    f"has an empty group: no value on {_where(path, _first(blank))}")
        codes, names = pd.factorize(values[known].astype(str), sort=True)
        positives = np.bincount(codes, weights=label[known], minlength=len(names))
        rows = np.bincount(codes, minlength=len(names))
        for counts, value, what in ((positives, 1, "positive"), (rows - positives, 0, "negative")):
            if (counts == 0).any():
                group = names[int(np.argmax(counts == 0))]
                raise InputError.single(f"columns.sensitive_features[{i}]", column,
                                        f"group {group!r} has no {what} true labels ({c.label}) in the period; "
                                        f"its {'true' if value else 'false'} positive rate is undefined")
    return Log(frame, relative, path, start, end)


def _numbers(values, field: str, column: str, path: Path, allow_missing: bool) -> np.ndarray:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(numbers) | (np.isnan(numbers) & (not allow_missing))
    else:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        blank = (values.isna() | (values.astype("string").str.strip() == "")).to_numpy()
        bad = (np.isnan(numbers) & ~(blank & allow_missing)) | np.isinf(numbers)
    if bad.any():
        i = _first(bad)
        raise InputError.single(field, column, f"must hold numbers{' (or an empty cell)' if allow_missing else ''}; "
                                f"{_where(path, i)} holds {values.iloc[i]!r}")
    return numbers


def load_reference(workspace, system_id: str, answers: MonitoringAnswers) -> ReferenceData:
    """Read the reference dataset's feature columns and, if it holds one, its score column."""
    from workbench.processes.data_quality.datasets import current, dataset_file, external

    reference = answers.reference
    if reference.dataset:
        row = current(workspace, system_id, reference.dataset)
        if external(row["location"]):
            raise InputError.single("reference.dataset", reference.dataset, f"is held at {row['location']}, outside "
                                    "the workspace: put a copy inside it and register that location")
        path = dataset_file(workspace, "reference.dataset", row["location"])
        if path.suffix.lower() not in SUFFIXES:
            raise InputError.single("reference.dataset", reference.dataset, "must be a .csv or .parquet file")
        field, location, source, registered = "reference.dataset", row["location"], "dataset", row["sha256"]
    else:
        path = workspace_file(workspace, "reference.path", reference.path)
        field, location, source, registered = "reference.path", reference.path, "path", ""
    names = _header(field, location, path)
    c = answers.columns
    _require(names, [(f"columns.features[{i}]", f) for i, f in enumerate(c.features)], f"the reference {location}")
    columns = list(c.features) + ([c.score] if c.score and c.score in names else [])
    try:
        frame = read_columns(path, columns)
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise InputError.single(field, location, f"cannot be read: {err}") from None
    return ReferenceData(frame, source, reference.dataset, location, path, registered)


def numeric_features(reference: ReferenceData, answers: MonitoringAnswers) -> dict[str, bool]:
    """Which features the reference holds as numbers (the others are categories)."""
    import pandas as pd

    frame = reference.frame
    return {f: bool(pd.api.types.is_numeric_dtype(frame[f]) and not pd.api.types.is_bool_dtype(frame[f]))
            for f in answers.columns.features}


def reads(workspace, request) -> list[str]:
    """The period's prediction log and the reference file a run reads (``Process.reads``)."""
    from workbench.processes.data_quality.datasets import current, external

    answers = request.answers
    files = [answers.prediction_log.replace("{period}", request.period)]
    if answers.reference.dataset:
        location = current(workspace, request.system.id, answers.reference.dataset)["location"]
        files += [] if external(location) else [location]
    else:
        files.append(answers.reference.path)
    return files
