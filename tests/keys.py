"""The demo people's signing keys for the test session, held outside every workspace.

Importing this module makes the keys and puts all of them in the key ring (``WORKBENCH_SIGNING_KEY``),
so tests act as any demo person, and the kernels and commands they start inherit the ring. A test
that checks who may act narrows the ring with ``monkeypatch.setenv``.
"""

import os
import tempfile
from pathlib import Path

from workbench.demo import demo_keys
from workbench.signing import KEY_VAR, load_key, public_key_line
from workers import RUN, made_once

# one set for all the run's workers, who share the demo workspace
KEYS_DIR = (made_once(Path(tempfile.gettempdir()) / f"workbench-test-keys-{RUN}", demo_keys) if RUN
            else Path(tempfile.mkdtemp(prefix="workbench-test-keys-")))
KEYS = demo_keys(KEYS_DIR)
os.environ[KEY_VAR] = os.pathsep.join(str(p) for p in KEYS.values())
PUBLIC = {person: public_key_line(load_key(path)) for person, path in KEYS.items()}


def nothing_archived(workspace) -> bool:
    """Whether the evidence folder holds only what ``init`` recorded (the first configuration) and the
    registered systems, items and events: no run, sign-off or other record."""
    from workbench.pipeline.archive import ledger_entries

    kinds = {e["kind"] for e in ledger_entries(workspace.evidence_dir)}
    names = {p.name for p in workspace.evidence_dir.iterdir()}
    return (kinds <= {"configuration", "system", "item", "event"}
            and names <= {"ledger.jsonl", "SHA256SUMS", "_configuration", ".lock", ".pending"})


def record(root):
    """Record the workspace's edited ``workbench.yaml`` as priya, the demo's AIMS manager; return it reopened."""
    from workbench.records.configuration import record_configuration
    from workbench.workspace import Workspace

    record_configuration(Workspace(root), "changed by a test", "priya")
    return Workspace(root)
