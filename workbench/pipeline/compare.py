"""What changed between two versions of a subject's record: every answer, score, level and metric,
and each item added or removed as a whole."""

from __future__ import annotations

import json
import re
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


DERIVED = {"calculation"}
"""Fields a summary leaves out: the working the record itself shows (the detail keeps them)."""
_MEMBER = re.compile(r"^(?:answers|results)\.([^.\[]+)(?:\[([^\]]+)\]|\.)?(.*)$")
_RUN = re.compile(r"^(.*?)(\d+)$")


def _words(path: str) -> str:
    """A field path in words: ``inherent.band`` -> "inherent band", ``controls[A.6.2.6].note`` ->
    "controls A.6.2.6 note"; dots inside ids (``A.6.2.4``) stay."""
    text = re.sub(r"\[([^\]]*)\]", r" \1 ", path.replace("_", " "))
    return " ".join(re.sub(r"(?<=[a-z]{2})\.(?=\w)", " ", text).replace(" .", " ").split())


def _value(value: Any, limit: int = 60) -> str:
    """A value as a summary shows it: lists joined, yes and no, long text cut short."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = ", ".join(_value(v) for v in value) or "none"
    elif value is None:
        text = "none"
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _natural(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key))


def _runs(keys: list[str]) -> str:
    """Keys in natural order, three or more consecutive ones collapsed: "R2 to R4, R7"."""
    runs: list[list[str]] = []
    for key in sorted(keys, key=_natural):
        match, last = _RUN.match(key), _RUN.match(runs[-1][-1]) if runs else None
        if match and last and match[1] == last[1] and int(match[2]) == int(last[2]) + 1:
            runs[-1].append(key)
        else:
            runs.append([key])
    return ", ".join(f"{r[0]} to {r[-1]}" if len(r) > 2 else ", ".join(r) for r in runs)


def summarise(found: list[dict]) -> list[dict]:
    """The changes in words, grouped by what they are about.

    A group is a top-level answer or result (``risks``, ``controls``, ``appetite``); its members are
    the list items by id (``R2``) or the keys of a mapping (``A.6.2.4``). Members added or removed
    whole are one line per kind, consecutive ids collapsed ("R2 to R4 removed"); a changed member is
    one line of its fields, each old → new.

    Returns
    -------
    list of dict
        ``{"group": "Risks", "lines": [{"members": "R2 to R4", "kind": "removed", "names": [...],
        "fields": [("inherent impact", "5", "4")]}, ...]}``, in the order the groups first change.
    """
    groups: dict[str, dict[str, dict]] = {}
    for c in sorted(found, key=lambda c: not c["field"].startswith("answers.")):
        match = _MEMBER.match(c["field"])
        if not match:
            continue
        group, item, rest = match[1], match[2], match[3].lstrip(".")
        member, field = (item, rest) if item is not None else (rest, "")
        entry = groups.setdefault(group, {}).setdefault(member, {"kind": "changed", "names": [], "fields": []})
        if member and not field and c["change"] != "changed":
            entry["kind"] = c["change"]
            name = c["before"] if c["change"] == "removed" else c["after"]
            if isinstance(name, str) and not name.startswith("{") and name != member and name not in entry["names"]:
                entry["names"].append(name)
        elif field.rsplit(".", 1)[-1] not in DERIVED:
            words = _words(field)
            before, after = _value(c["before"]), _value(c["after"])
            if before != after and (words, before, after) not in entry["fields"]:
                entry["fields"].append((words, before, after))
    summary = []
    for group, members in groups.items():
        lines = []
        for kind in ("added", "removed"):
            whole = [m for m, e in members.items() if e["kind"] == kind]
            if whole:
                lines.append({"members": _runs(whole), "kind": kind, "fields": [],
                              "names": [n for m in sorted(whole, key=_natural) for n in members[m]["names"]]})
        lines += [{"members": m, "kind": "changed", "names": [], "fields": e["fields"]}
                  for m, e in sorted(members.items(), key=lambda i: _natural(i[0]))
                  if e["kind"] == "changed" and e["fields"]]
        if lines:
            summary.append({"group": _words(group).capitalize(), "lines": lines})
    return summary
