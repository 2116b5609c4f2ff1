"""What changed between two versions of a process's record: every answer, score, level and metric."""

from __future__ import annotations

from typing import Any

MAX_CHANGES = 500


def _key(item: Any, index: int) -> str:
    if isinstance(item, dict):
        if isinstance(item.get("id"), str):
            return item["id"]
        inner = item.get("risk")
        if isinstance(inner, dict) and isinstance(inner.get("id"), str):
            return inner["id"]
    return str(index)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested JSON into ``{"results.risks[R1].residual.band": "Medium", ...}``.

    Items of a list that carry an ``id`` (or a ``risk.id``) are keyed by it, so that inserting a risk
    does not make every later risk look changed. Lists of plain values stay whole.
    """
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        out = {}
        for index, item in enumerate(data):
            out.update(flatten(item, f"{prefix}[{_key(item, index)}]"))
        return out
    return {prefix: data}


def changes(previous: dict, current: dict) -> list[dict]:
    """Every path whose value differs, was added or was removed, in a stable order."""
    before, after = flatten(previous), flatten(current)
    found = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            found.append({"field": path, "before": before[path], "after": None, "change": "removed"})
        elif path not in before:
            found.append({"field": path, "before": None, "after": after[path], "change": "added"})
        elif before[path] != after[path]:
            found.append({"field": path, "before": before[path], "after": after[path], "change": "changed"})
    return found[:MAX_CHANGES]


def compared_record(record: dict) -> dict:
    """The part of a results.json that versions are compared on: the answers and the results.

    A result that embeds a copy of the answered item (an assessed risk's ``risk``) drops the copy:
    the answers already show its changes once.
    """
    return {"answers": record.get("answers", {}), "results": _without_copies(record.get("results", {}))}


def _without_copies(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: ({"id": v["id"]} if k == "risk" and isinstance(v, dict) and "id" in v else _without_copies(v))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_without_copies(v) for v in data]
    return data
