"""What changed between two versions of a subject's record: every answer, score, level and metric,
and each item added or removed as a whole."""

from __future__ import annotations

import json
from typing import Any

MAX_CHANGES = 500


def _key(item: Any, index: int) -> str:
    """An item's key in a list: its ``id``, else the ``id`` of the one answered item it embeds."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), str):
            return item["id"]
        inner = [v["id"] for v in item.values() if isinstance(v, dict) and isinstance(v.get("id"), str)]
        if len(inner) == 1:
            return inner[0]
    return str(index)


def _walk(data: Any, prefix: str, leaves: dict[str, Any], items: dict[str, dict]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _walk(value, f"{prefix}.{key}" if prefix else str(key), leaves, items)
    elif isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        for index, item in enumerate(data):
            path = f"{prefix}[{_key(item, index)}]"
            items[path] = item
            _walk(item, path, leaves, items)
    else:
        leaves[prefix] = data


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested JSON into ``{"results.risks[R1].residual.band": "Medium", ...}``.

    Items of a list that carry an ``id`` (or embed one item that does) are keyed by it, so that
    inserting a risk does not make every later risk look changed. Lists of plain values stay whole.
    """
    leaves: dict[str, Any] = {}
    _walk(data, prefix, leaves, {})
    return leaves


def _label(item: dict) -> str:
    """How an added or removed item is named in the changes: its title or name, else its id."""
    for key in ("title", "name", "id"):
        if isinstance(item.get(key), str):
            return item[key]
    return json.dumps(item, ensure_ascii=False)[:200]


def _inside(path: str, item: str) -> bool:
    return path.startswith((item + ".", item + "["))


def changes(previous: dict, current: dict) -> list[dict]:
    """Every path whose value differs, in a stable order; an item present on one side only is one
    change, ``added`` or ``removed``, named by its title."""
    before, after, before_items, after_items = {}, {}, {}, {}
    _walk(previous, "", before, before_items)
    _walk(current, "", after, after_items)
    whole = {path: ("removed", item) for path, item in before_items.items() if path not in after_items}
    whole |= {path: ("added", item) for path, item in after_items.items() if path not in before_items}
    found = [{"field": path, "before": _label(item) if kind == "removed" else None,
              "after": _label(item) if kind == "added" else None, "change": kind}
             for path, (kind, item) in whole.items() if not any(_inside(path, q) for q in whole)]
    for path in sorted(before.keys() | after.keys()):
        if any(_inside(path, q) for q in whole):
            continue
        if path not in after:
            found.append({"field": path, "before": before[path], "after": None, "change": "removed"})
        elif path not in before:
            found.append({"field": path, "before": None, "after": after[path], "change": "added"})
        elif before[path] != after[path]:
            found.append({"field": path, "before": before[path], "after": after[path], "change": "changed"})
    return sorted(found, key=lambda c: c["field"])[:MAX_CHANGES]


def compared_record(record: dict) -> dict:
    """The part of a results.json that versions are compared on: the answers and the results.

    A result that embeds a copy of an answered item (an assessed risk's copy of the risk) keeps
    only the item's id: the answers already show its changes once.
    """
    answers = record.get("answers", {})
    answered: dict[str, Any] = {}
    _walk(answers, "", {}, answered)
    copies = {json.dumps(item, sort_keys=True) for item in answered.values()}
    return {"answers": answers, "results": _without_copies(record.get("results", {}), copies)}


def _without_copies(data: Any, copies: set[str]) -> Any:
    if isinstance(data, dict):
        if isinstance(data.get("id"), str) and json.dumps(data, sort_keys=True) in copies:
            return {"id": data["id"]}
        return {k: _without_copies(v, copies) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_copies(v, copies) for v in data]
    return data
