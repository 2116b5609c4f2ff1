"""Validation at the edges: safe identifiers, answer files, and pydantic errors made readable."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from workbench.exceptions import InputError, Problem

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)
SLUG_RULE = "a safe slug: 1 to 64 lowercase letters, digits and inner hyphens, like 'credit-scoring'"
MAX_ANSWERS_BYTES = 5_000_000
PLANNING_YEARS = 5  # a due or review date further ahead keeps its reminder silent beyond a certification cycle

M = TypeVar("M", bound=BaseModel)
# libyaml's loader where PyYAML was built with it: about ten times faster on the content pack
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# C0 controls other than tab and line breaks, DEL and C1: NUL ends strings in C, BEL and ESC drive terminals
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def no_control_characters(value: Any) -> Any:
    """Refuse text (in a value, a list or a mapping) holding control characters other than tab and line breaks."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        if found:
            raise ValueError(f"must not contain control characters (found U+{ord(found.group()):04X}); "
                             "allowed: text, tabs and line breaks")
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            no_control_characters(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_control_characters(key)
            no_control_characters(item)
    return value


def require_plain_text(field: str, value: str) -> str:
    """Check free text given outside a model (a note, a reason, a concern) as :class:`Strict` checks a
    model's: an ``InputError`` naming the field when it holds control characters."""
    try:
        return no_control_characters(value)
    except ValueError as err:
        raise InputError.single(field, value, str(err)) from None


class Strict(BaseModel):
    """A model that refuses unknown fields and control characters, and strips whitespace around text:
    every model where data enters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    _plain_text = field_validator("*")(no_control_characters)


class _StrictLoader(_SAFE_LOADER):
    """Safe YAML without aliases and without repeated keys.

    Nested aliases expand exponentially (a few hundred bytes take gigabytes), and a repeated key
    would silently keep only its last value; no file the workbench reads needs either.
    """

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, "aliases (*name) are not allowed", node.start_mark)
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            key = (key_node.tag, key_node.value) if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key_node.value!r}",
                                                        key_node.start_mark)
            keys.add(key)
        return super().construct_mapping(node, deep)


def safe_load(text: str) -> Any:
    """Parse YAML (configuration, content, system files) with the fastest safe loader, refusing
    aliases and repeated keys."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader


def check_slug(value: str) -> str:
    """Return ``value`` if it is a safe slug, else raise ``ValueError`` saying what is allowed."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise ValueError(f"must be {SLUG_RULE}")
    return value


Slug = Annotated[str, AfterValidator(check_slug)]


def repeated_ids(ids: list) -> list:
    """The ids that occur more than once in ``ids``, sorted."""
    from collections import Counter

    return sorted(i for i, n in Counter(ids).items() if n > 1)


def known_person(value: str, info: ValidationInfo) -> str:
    """A field validator: ``value`` is empty or the id of a person in the configuration (passed as
    the ``people`` of the validation context; without it, any id passes)."""
    people = (info.context or {}).get("people")
    if value and people and value not in people:
        raise ValueError(f"unknown person; allowed: {', '.join(sorted(people))}")
    return value


def check_complete(given: list, expected: list, unknown: str, repeated: str, missing: str) -> None:
    """Refuse a list of ids that names one not ``expected``, names one twice, or leaves one out.

    Each message is a format string whose ``{}`` receives the offending ids, comma-separated.
    """
    for message, ids in ((unknown, [i for i in given if i not in expected]), (repeated, repeated_ids(given)),
                         (missing, [i for i in expected if i not in given])):
        if ids:
            raise ValueError(message.format(", ".join(ids)))


def check_not_after(field: str, day: date | None, latest: date, rule: str) -> None:
    """Refuse a date after ``latest`` (a date that happened after today, a due date past the horizon): an
    ``InputError`` naming ``field`` and the date, saying ``rule`` and the latest date allowed."""
    if day is not None and day > latest:
        raise InputError.single(field, day.isoformat(), f"{rule}: {latest.isoformat()} or earlier")


def planning_horizon(since: date) -> date:
    """The latest due or review date a record made on ``since`` may set: ``PLANNING_YEARS`` later (a later one
    would keep its reminder silent for decades, and year 9999 leaves no room for date arithmetic)."""
    year = min(since.year + PLANNING_YEARS, date.max.year)
    return since.replace(year=year, day=28) if (since.month, since.day) == (2, 29) else since.replace(year=year)


def check_planned(field: str, day: date | None, since: date) -> None:
    """Refuse a due or review date more than ``PLANNING_YEARS`` after ``since`` (the day it is set)."""
    check_not_after(field, day, planning_horizon(since),
                    f"must be at most {PLANNING_YEARS} years after {since.isoformat()}, or its reminder stays silent")


def require_slug(field: str, value: object) -> str:
    """Check an identifier given outside a model (a CLI option, a path parameter)."""
    try:
        return check_slug(value)  # type: ignore[arg-type]
    except ValueError as err:
        raise InputError.single(field, value, str(err)) from None


RUN_ID_CODE = "[a-z]{1,8}"  # a process's code, which starts each of its run ids
RUN_ID_PATTERN = rf"^{RUN_ID_CODE}-\d{{8}}T\d{{6}}Z-[0-9a-f]{{6}}$"
RUN_ID_RULE = "a run id such as 'ra-20261127T174501Z-3f9a1c' (see 'workbench evidence list')"


def require_run_id(value: object, field: str = "run_id") -> str:
    """Check a run id given outside a model: it names a folder, so nothing else may pass."""
    if not isinstance(value, str) or not re.fullmatch(RUN_ID_PATTERN, value):
        raise InputError.single(field, value, f"must be {RUN_ID_RULE}")
    return value


def field_path(loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into ``risks[0].owner``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(answers)"


def problems_from(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Translate a pydantic ``ValidationError`` into problems naming field, value and rule."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and "[" in p))
        kind, ctx, value = item["type"], item.get("ctx", {}), item.get("input")
        message = _MESSAGES.get(kind, item["msg"].removeprefix("Value error, "))
        if kind.startswith(("date_", "datetime_")):
            message = "must be a date written YYYY-MM-DD"
        elif kind == "less_than_equal":
            message = f"must be at most {ctx.get('le')}"
        elif kind == "string_too_short":
            message = "must not be empty" if ctx.get("min_length") == 1 else f"must be at least {ctx.get('min_length')} characters"
        elif kind == "string_too_long":
            message = f"must be at most {ctx.get('max_length')} characters"
        elif kind in ("too_short", "too_long"):
            message = f"must have {'at least' if kind == 'too_short' else 'at most'} {ctx.get('min_length', ctx.get('max_length'))} item(s)"
        elif kind == "greater_than_equal":
            message = f"must be at least {ctx.get('ge')}"
        elif kind == "string_pattern_mismatch":
            message = pattern_rule(ctx.get("pattern", ""))
        if kind == "missing":
            value = None
        name = field_path(loc)
        problems.append(Problem(f"{prefix}{name}" if prefix else name, value, message))
    return problems


_SHORT_ID = re.compile(r"\^\[A-Za-z0-9\]\[A-Za-z0-9_\.-\]\{0,(\d+)\}\$")
_PATTERN_RULES = {
    SLUG_PATTERN: f"must be {SLUG_RULE}",
    r"^#[0-9a-fA-F]{6}$": "must be a colour written #RRGGBB, like #d32f2f",
    r"^https?://\S+$": "must be a web address starting with http:// or https://, without spaces",
    r"^[^\x00-\x1f]{1,100}$": "must be a column name of 1 to 100 characters, without control characters",
    r"^[^\s/]*$": "must be a JupyterHub user name, without spaces or slashes",
}


def pattern_rule(pattern: str) -> str:
    """What a field's pattern allows, in words (a regular expression means nothing to most users)."""
    if pattern in _PATTERN_RULES:
        return _PATTERN_RULES[pattern]
    short = _SHORT_ID.fullmatch(pattern)
    if short:
        return (f"must be a short id: a letter or digit, then up to {short.group(1)} letters, digits, "
                "dots, hyphens or underscores, like R1")
    return "is not in the form this field allows"


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
}


def model_from(model: type[M], data: Any, context: dict | None = None, what: str = "") -> M:
    """Validate ``data`` into ``model``; raise ``InputError`` listing every problem."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as err:
        raise InputError(problems_from(err), context=what) from None


def reject_non_finite(value: Any, path: str = "") -> None:
    """Refuse NaN and infinities anywhere in parsed data: they are not valid answers."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError.single(path or "(answers)", value, "must be a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            reject_non_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            reject_non_finite(item, f"{path}[{i}]")


def load_data(source: str | Path | dict, field: str = "answers") -> dict:
    """Read answers given as a dict, a JSON string, or a path to a YAML or JSON file.

    Raises
    ------
    InputError
        If the file is missing, too large, not YAML/JSON, or not a mapping.
    """
    if isinstance(source, dict):
        data = source
    else:
        text = str(source)
        if text.lstrip().startswith("{"):
            data = _parse(text, field, text, as_json=True)
        else:
            path = Path(text)
            if not path.is_file():
                raise InputError.single(field, text, "no such file; give a YAML or JSON file or a JSON object")
            if path.stat().st_size > MAX_ANSWERS_BYTES:
                raise InputError.single(field, text, f"file is larger than {MAX_ANSWERS_BYTES} bytes")
            try:
                content = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise InputError.single(field, text, "file is not UTF-8 text") from None
            data = _parse(content, field, text, as_json=path.suffix.lower() == ".json")
    if not isinstance(data, dict):
        raise InputError.single(field, type(data).__name__, "must be a mapping of field names to values")
    try:
        reject_non_finite(data)
    except RecursionError:
        raise InputError.single(field, "(nested data)", "is nested too deeply to be answers") from None
    return data


def _parse(content: str, field: str, shown: str, as_json: bool) -> Any:
    try:
        if as_json:
            return json.loads(content)
        return safe_load(content)
    except RecursionError:
        raise InputError.single(field, shown, "is nested too deeply to be answers") from None
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        kind = "JSON" if as_json else "YAML"
        detail = str(err).splitlines()[0]
        raise InputError.single(field, shown, f"is not valid {kind}: {detail}") from None
