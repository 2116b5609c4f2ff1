"""Drafts: what a person has typed into a form so far, kept in the workspace until they submit.

A draft is raw form state, not validated answers; it is never evidence.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from workbench.pipeline.archive import write_atomic
from workbench.validate import require_slug
from workbench.workspace import Workspace


def draft_path(workspace: Workspace, process: str, key: str):
    """Where the draft of ``process`` for ``key`` lives: a system id, or ``system/item`` for an item of it."""
    require_slug("process", process)
    system, _, item = key.partition("/")
    require_slug("system", system)
    if item:
        require_slug("item", item)
    return workspace.drafts_dir / process / (f"{system}/{item}.json" if item else f"{system}.json")


def save_draft(workspace: Workspace, process: str, key: str, data: dict) -> datetime:
    """Save a draft atomically and return when it was saved."""
    path = draft_path(workspace, process, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = datetime.now(timezone.utc)
    record = {"saved_at": saved.isoformat(timespec="seconds"), "data": data}
    write_atomic(path, json.dumps(record, indent=1, default=str, ensure_ascii=False).encode())
    return saved


def load_draft(workspace: Workspace, process: str, key: str) -> tuple[dict, str] | None:
    """Return ``(data, saved_at)`` of a saved draft, or ``None`` if there is none or it is unreadable."""
    path = draft_path(workspace, process, key)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return record["data"], record["saved_at"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard_draft(workspace: Workspace, process: str, key: str) -> None:
    """Delete a draft if it exists."""
    draft_path(workspace, process, key).unlink(missing_ok=True)
