"""The demo people's signing keys for the test session, held outside every workspace.

Importing this module makes the keys and puts all of them in the key ring (``WORKBENCH_SIGNING_KEY``),
so tests act as any demo person, and the kernels and commands they start inherit the ring. A test
that checks who may act narrows the ring with ``monkeypatch.setenv``.
"""

import os
import tempfile
from pathlib import Path

from workbench.demo import demo_keys
from workbench.signing import KEY_VAR

KEYS_DIR = Path(tempfile.mkdtemp(prefix="workbench-test-keys-"))
KEYS = demo_keys(KEYS_DIR)
os.environ[KEY_VAR] = os.pathsep.join(str(p) for p in KEYS.values())
