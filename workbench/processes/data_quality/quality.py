"""Data quality, measured (ISO/IEC 42001 A.7.4): the checks an assessment declares, built as a
pandera schema and run over the dataset's file, each figure against its threshold.

Figures: completeness per column (share of non-empty cells), validity per check (share of the
non-empty cells, or rows, that pass), duplicate rows, label balance (share of the rarest label),
the share of each group of a sensitive attribute against its reference share, and, for a dataset
declared free of direct identifiers, e-mail addresses, phone numbers and payment card numbers
found in its free-text columns.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from workbench.validate import Strict

TYPES = ("integer", "number", "text", "category", "date", "boolean")
OPERATORS = {"<": "lt", "<=": "le", "==": "eq", "!=": "ne", ">=": "ge", ">": "gt"}
SAMPLE = 5  # failing values shown per check
COLUMN = r"^[^\x00-\x1f]{1,100}$"
IDENTIFIERS = {
    "e-mail address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "phone number": re.compile(r"(?<![\w+])\+?\d[\d ()-]{7,}\d(?!\w)"),
    "payment card number": re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"),
}


class ColumnCheck(Strict):
    """What one column must hold."""

    column: str = Field(pattern=COLUMN)
    type: Literal[TYPES] = "text"
    minimum: float | None = Field(default=None, description="lowest allowed value (numbers)")
    maximum: float | None = Field(default=None, description="highest allowed value (numbers)")
    allowed: list[str] = Field(default_factory=list, max_length=500, description="the values allowed (categories)")
    unique: bool = Field(default=False, description="no value may repeat (an identifier)")
    completeness: float = Field(default=1.0, ge=0, le=1, description="lowest share of non-empty cells")
    validity: float = Field(default=1.0, ge=0, le=1, description="lowest share of non-empty cells that pass")

    @model_validator(mode="after")
    def _range(self) -> "ColumnCheck":
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum:g} is above maximum {self.maximum:g}")
        return self


class RowCheck(Strict):
    """A rule between two columns of each row, e.g. ``start_date <= end_date``."""

    left: str = Field(pattern=COLUMN)
    operator: Literal[tuple(OPERATORS)]
    right: str = Field(pattern=COLUMN)
    validity: float = Field(default=1.0, ge=0, le=1, description="lowest share of rows that pass")

    @property
    def name(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Representation(Strict):
    """The share each group of a sensitive attribute should have (for example population shares)."""

    attribute: str = Field(pattern=COLUMN)
    reference: dict[str, float] = Field(min_length=2, max_length=100,
                                        description="group -> reference share; the shares add up to 1")
    tolerance: float = Field(default=0.8, gt=0, le=1,
                             description="lowest ratio of a group's share in the data to its reference share")

    @model_validator(mode="after")
    def _shares(self) -> "Representation":
        total = sum(self.reference.values())
        if any(v <= 0 for v in self.reference.values()) or abs(total - 1) > 0.01:
            raise ValueError(f"reference shares must be above 0 and add up to 1 (they add up to {total:g})")
        return self


class QualityChecks(Strict):
    """Everything a data quality assessment measures."""

    columns: list[ColumnCheck] = Field(min_length=1, max_length=500)
    row_checks: list[RowCheck] = Field(default_factory=list, max_length=100)
    duplicates: float = Field(default=0.0, ge=0, le=1, description="highest share of rows that repeat an earlier row")
    label: str = Field(default="", max_length=100, description="the label column, whose balance is measured")
    label_balance: float = Field(default=0.1, ge=0, le=0.5, description="lowest share of the rarest label")
    representation: list[Representation] = Field(default_factory=list, max_length=20)
    free_of_direct_identifiers: bool = Field(default=False, description="the dataset is declared to hold no "
                                             "e-mail addresses, phone numbers or payment card numbers")
    text_columns: list[str] = Field(default_factory=list, max_length=100,
                                    description="free-text columns scanned for direct identifiers")

    def named_columns(self) -> list[tuple[str, str]]:
        """Every (field, column) the checks name, for the error that says which one a file lacks."""
        named = [(f"columns[{i}].column", c.column) for i, c in enumerate(self.columns)]
        for i, r in enumerate(self.row_checks):
            named += [(f"row_checks[{i}].left", r.left), (f"row_checks[{i}].right", r.right)]
        named += [(f"representation[{i}].attribute", r.attribute) for i, r in enumerate(self.representation)]
        named += [(f"text_columns[{i}]", c) for i, c in enumerate(self.text_columns)]
        return named + ([("label", self.label)] if self.label else [])


class Figure(BaseModel):
    """One measured figure against its threshold."""

    measure: str
    subject: str
    value: float
    threshold: float
    bound: Literal["min", "max"]
    breach: bool
    failing: int = 0
    sample: list[str] = []


class GroupShare(BaseModel):
    """A group's share of the rows against its reference share."""

    attribute: str
    group: str
    count: int
    share: float
    reference: float
    ratio: float
    breach: bool


class Measurement(BaseModel):
    """What the assessment measured in one file."""

    rows: int
    columns: int
    figures: list[Figure]
    groups: list[GroupShare]

    @property
    def breaches(self) -> list[Figure]:
        return [f for f in self.figures if f.breach]


def figure(measure: str, subject: str, value: float, threshold: float, bound: str, failing: int = 0,
           sample: list[str] = ()) -> Figure:
    """A figure, in breach when it is below a lowest (``min``) or above a highest (``max``) threshold."""
    value = round(float(value), 6)
    breach = value < threshold if bound == "min" else value > threshold
    return Figure(measure=measure, subject=subject, value=value, threshold=threshold, bound=bound, breach=breach,
                  failing=failing, sample=[str(s)[:200] for s in sample][:SAMPLE])


def read_frame(path: Path):
    """The dataset's rows: a CSV or Parquet file."""
    import pandas as pd

    return pd.read_csv(path, low_memory=False) if path.suffix.lower() == ".csv" else pd.read_parquet(path)


def schema(checks: QualityChecks):
    """The pandera schema of the checks: per column its type, range, allowed values and uniqueness;
    per row the rules between columns. Empty cells are left to completeness."""
    import pandera.pandas as pa

    columns = {}
    for c in checks.columns:
        rules = [pa.Check(rule, name=name) for name, rule in column_rules(c)]
        columns[c.column] = pa.Column(checks=rules, nullable=True, coerce=False, required=True)
    rows = [pa.Check(_compare(r), name=r.name) for r in checks.row_checks]
    return pa.DataFrameSchema(columns, checks=rows)


def plain(value: float) -> str:
    """A number as a person writes it: 1,000,000 and 0.5, never 1e+06."""
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def column_rules(c: ColumnCheck) -> list[tuple[str, object]]:
    """Each rule of a column as (name, function of the column's values -> passes); a value of the
    wrong type fails its type rule only, not the range."""
    import pandas as pd

    def numbers(series):
        return pd.to_numeric(series, errors="coerce")

    rules = []
    if c.minimum is not None:
        rules.append((f"at least {plain(c.minimum)}", lambda s: ~(numbers(s) < c.minimum)))
    if c.maximum is not None:
        rules.append((f"at most {plain(c.maximum)}", lambda s: ~(numbers(s) > c.maximum)))
    if c.allowed:
        rules.append(("one of the allowed values", lambda s: s.astype(str).isin(c.allowed)))
    if c.unique:
        rules.append(("unique", lambda s: ~s.duplicated(keep="first")))
    if c.type == "integer":
        rules.append(("an integer", lambda s: numbers(s).notna() & (numbers(s) == numbers(s).round())))
    elif c.type == "number":
        rules.append(("a number", lambda s: numbers(s).notna()))
    elif c.type == "date":
        rules.append(("a date", lambda s: pd.to_datetime(s, errors="coerce", format="mixed").notna()))
    elif c.type == "boolean":
        rules.append(("true or false", lambda s: s.astype(str).str.lower().isin(["true", "false", "1", "0"])))
    return rules


def _compare(rule: RowCheck):
    def check(frame):
        left, right = frame[rule.left], frame[rule.right]
        result = getattr(left, OPERATORS[rule.operator])(right)
        return result | left.isna() | right.isna()
    return check


def measure(frame, checks: QualityChecks) -> Measurement:
    """Measure every declared figure in ``frame`` (its columns checked to exist by the caller)."""
    import pandera.pandas as pa

    rows = len(frame)
    figures: list[Figure] = []
    for c in checks.columns:
        empty = frame[c.column].isna() | (frame[c.column].astype("string").str.strip() == "")
        missing = int(empty.sum())
        figures.append(figure("completeness", c.column, 1 - missing / rows, c.completeness, "min", missing,
                              [f"row {i + 2}" for i in empty[empty].index[:SAMPLE]]))
    try:
        schema(checks).validate(frame, lazy=True)
        failures = None
    except pa.errors.SchemaErrors as err:
        failures = err.failure_cases
    thresholds = {c.column: c for c in checks.columns}
    for c in checks.columns:
        filled = int(frame[c.column].notna().sum())
        for name, _rule in column_rules(c):
            failed = _failed(failures, c.column, name)
            figures.append(figure(f"validity: {name}", c.column, 1 - len(failed) / filled if filled else 1.0,
                                  thresholds[c.column].validity, "min", len(failed),
                                  [repr(v) for v in failed.head(SAMPLE)]))
    for r in checks.row_checks:
        failed = _failed(failures, None, r.name, frame)
        figures.append(figure("validity", r.name, 1 - len(failed) / rows, r.validity, "min", len(failed),
                              [f"row {i + 2}" for i in failed.index[:SAMPLE]]))
    repeated = frame.duplicated(keep="first")
    figures.append(figure("duplicate rows", "all columns", repeated.mean(), checks.duplicates, "max",
                          int(repeated.sum()), [f"row {i + 2}" for i in repeated[repeated].index[:SAMPLE]]))
    if checks.label:
        shares = frame[checks.label].value_counts(normalize=True, dropna=True)
        rarest = shares.idxmin() if len(shares) else ""
        figures.append(figure("label balance (share of the rarest label)", f"{checks.label} = {rarest}",
                              shares.min() if len(shares) > 1 else 0.0, checks.label_balance, "min"))
    groups = []
    for r in checks.representation:
        counts = frame[r.attribute].astype("string").value_counts(dropna=True)
        total = int(counts.sum())
        for group, reference in r.reference.items():
            count = int(counts.get(group, 0))
            share = count / total if total else 0.0
            ratio = share / reference
            groups.append(GroupShare(attribute=r.attribute, group=group, count=count, share=round(share, 6),
                                     reference=reference, ratio=round(ratio, 6), breach=ratio < r.tolerance))
            figures.append(figure("representation (share / reference share)", f"{r.attribute} = {group}", ratio,
                                  r.tolerance, "min", count))
    if checks.free_of_direct_identifiers:
        for column in checks.text_columns:
            text = frame[column].dropna().astype(str)
            for kind, pattern in IDENTIFIERS.items():
                found = text[text.str.contains(pattern)]
                if kind == "payment card number":
                    found = found[found.map(_has_card_number)]
                elif kind == "phone number":  # a card number is not also a phone number
                    found = found[found.map(lambda t: not _has_card_number(t) or len(pattern.findall(t)) > 1)]
                figures.append(figure(f"direct identifiers: {kind}", column, len(found), 0, "max", len(found),
                                      [_masked(v, pattern) for v in found.head(SAMPLE)]))
    return Measurement(rows=rows, columns=len(frame.columns), figures=figures, groups=groups)


def _failed(failures, column: str | None, check: str, frame=None):
    """The failing values of one check (a Series indexed by row), from pandera's failure cases."""
    import pandas as pd

    if failures is None:
        return pd.Series([], dtype=object)
    cases = failures[(failures["check"] == check) & failures["index"].notna()]
    if column is not None:
        cases = cases[cases["column"] == column]
    cases = cases.drop_duplicates("index")
    if frame is not None:
        return frame.loc[sorted(cases["index"].astype(int).unique())].iloc[:, 0]
    return pd.Series(cases["failure_case"].tolist(), index=cases["index"].astype(int).tolist())


def _has_card_number(text: str) -> bool:
    """Whether ``text`` holds a run of 13 to 19 digits that passes the Luhn check."""
    for match in IDENTIFIERS["payment card number"].finditer(text):
        digits = [int(d) for d in re.sub(r"\D", "", match.group())]
        total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
        if total % 10 == 0:
            return True
    return False


def _masked(text: str, pattern: re.Pattern) -> str:
    """The text with what was found masked but for its last two characters: evidence, not a leak."""
    return pattern.sub(lambda m: "•" * (len(m.group()) - 2) + m.group()[-2:], text)[:200]
