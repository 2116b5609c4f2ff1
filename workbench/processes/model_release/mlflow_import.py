"""Import a registered model's versions from an MLflow tracking server (the ``[mlflow]`` extra): each version
becomes a model version item of an AI system, and its run's metrics the figures of a draft release record,
which a person completes (requirements, criteria, who checked) in the form or an answers file.

Only an HTTP tracking server is read (``http://`` or ``https://``): a ``file:`` or database URI would let the
client open local paths. Nothing is imported unless every version reads cleanly.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from workbench.exceptions import InputError
from workbench.processes.model_release.assessment import KIND
from workbench.validate import require_slug

PROCESS = "model-release"
MAX_ID = 64


@dataclass(frozen=True)
class ImportedVersion:
    """One model version read from MLflow, and what the import did with it."""

    item_id: str
    version: str
    run_id: str
    metrics: dict[str, float]
    skipped: list[str]  # metrics that are not finite numbers
    registered: bool  # False: the item was already registered, left as it was


def item_id(prefix: str, version: str) -> str:
    """The item id of a version: ``<prefix>-v<version>``, a slug of at most 64 characters."""
    suffix = f"-v{re.sub(r'[^a-z0-9]+', '-', version.lower()).strip('-')}"
    return prefix[:MAX_ID - len(suffix)].rstrip("-") + suffix


def slug(text: str) -> str:
    """``text`` lowercased with every run of other characters made one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_ID].rstrip("-")


def client(tracking_uri: str):
    """An MLflow client of the tracking server at ``tracking_uri``, failing fast when it is unreachable."""
    if not re.fullmatch(r"https?://[^\s'\"]+", tracking_uri):
        raise InputError.single("tracking_uri", tracking_uri, "must be an MLflow tracking server's http:// or "
                                "https:// address, e.g. http://127.0.0.1:5000")
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise InputError.single("tracking_uri", tracking_uri, "reading MLflow needs the mlflow extra: "
                                "pip install 'aims-workbench[mlflow]'") from None
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # a wrong address fails now, not after minutes
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def read_versions(tracking_uri: str, model: str, prefix: str) -> list[tuple[str, dict, object]]:
    """Every version of the registered model ``model``, oldest first: (item id, metrics, model version)."""
    if not model or len(model) > 256 or "'" in model or any(ord(c) < 32 for c in model):
        raise InputError.single("model", model, "must be a registered model's name (no quotes, at most 256 "
                                "characters)")
    found = client(tracking_uri)
    try:
        versions = found.search_model_versions(f"name='{model}'")
        if not versions:
            known = [m.name for m in found.search_registered_models(max_results=50)]
            raise InputError.single("model", model, f"is not a registered model at {tracking_uri}; registered: "
                                    f"{', '.join(known) or 'none'}")
        read = []
        for v in sorted(versions, key=lambda v: int(v.version)):
            metrics = dict(found.get_run(v.run_id).data.metrics) if v.run_id else {}
            read.append((item_id(prefix, str(v.version)), metrics, v))
    except InputError:
        raise
    except Exception as err:  # the client's errors (unreachable, refused, not found) name no field: say which
        raise InputError.single("tracking_uri", tracking_uri, f"reading model {model!r} failed: "
                                f"{type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''}") from None
    return read


def import_versions(workspace, system_id: str, tracking_uri: str, model: str, prefix: str = "",
                    person: str = "") -> list[ImportedVersion]:
    """Register each version of MLflow's registered model ``model`` as a model version item of ``system_id``
    (signed by ``person``, an AIMS manager or system owner) and put its run's metrics in a draft release
    record of it; a version already registered is left as it was, and so is a draft a person started."""
    from workbench.ui.drafts import load_draft, save_draft

    workspace.register.system(system_id)
    prefix = prefix or slug(model)
    require_slug("prefix", prefix)
    read = read_versions(tracking_uri, model, prefix)
    items = {i.id: i for i in workspace.register.items(system_id)}
    for item, _metrics, v in read:
        if item in items and items[item].kind != KIND:
            raise InputError.single("model", model, f"version {v.version} would be item {item}, which is already a "
                                    f"{items[item].kind} of {system_id}; choose another --prefix")
    imported = []
    for item, metrics, v in read:
        finite = {name: float(value) for name, value in sorted(metrics.items()) if math.isfinite(value)}
        skipped = sorted(set(metrics) - set(finite))
        registered = item not in items
        if registered:
            workspace.add_item(system_id, {
                "id": item, "kind": KIND, "name": f"{model} version {v.version}"[:200],
                "description": f"MLflow registered model {model} version {v.version}, run {v.run_id}, "
                               f"source {v.source}, at {tracking_uri}"[:5000]}, person=person)
        key = f"{system_id}/{item}"
        if load_draft(workspace, PROCESS, key) is None and workspace.register.latest_evidence(
                system_id, PROCESS, item) is None:
            save_draft(workspace, PROCESS, key, draft(model, v, finite, tracking_uri))
        imported.append(ImportedVersion(item, str(v.version), v.run_id or "", finite, skipped, registered))
    return imported


def draft(model: str, version, metrics: dict[str, float], tracking_uri: str) -> dict:
    """The draft release record of an imported version: its label, its run's metrics and where they come from."""
    return {"version": str(version.version),
            "verification": {**_checked_on(version.creation_timestamp),
                             "method": f"Metrics of MLflow run {version.run_id} (registered model {model} version "
                                       f"{version.version}, {tracking_uri})"[:2000],
                             "metrics": [{"name": name, "value": value} for name, value in metrics.items()]}}


def _checked_on(timestamp) -> dict:
    """The day a version was created as the draft's ``checked_on``; none (the person fills it in) when the
    server's timestamp is missing or no date: a server's number crashes no import."""
    try:
        return {"checked_on": datetime.fromtimestamp(timestamp / 1000, tz=timezone.utc).date().isoformat()}
    except (TypeError, ValueError, OverflowError, OSError):
        return {}
