"""A real MLflow tracking server for the tests: the full ``mlflow`` package in a virtual environment of its
own (``./dev test`` makes ``.venv/mlflow-server``: its pins, pyarrow below 26 among them, stay out of the
workbench's environment), started once per session with a SQLite store in a temporary folder on a free port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parent.parent
VAR = "WORKBENCH_MLFLOW_SERVER"  # another mlflow executable to start, e.g. from a conda environment


def binary() -> Path | None:
    """The ``mlflow`` executable that serves: ``$WORKBENCH_MLFLOW_SERVER``, else ``.venv/mlflow-server``'s."""
    path = Path(os.environ.get(VAR) or ROOT / ".venv" / "mlflow-server" / "bin" / "mlflow")
    return path if path.is_file() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``mlflow server`` with its backend store in a SQLite file and its artifacts in a folder."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-mlflow-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> "Server":
        log = open(self.folder / "server.log", "wb")
        self.process = subprocess.Popen(
            [str(binary()), "server", "--backend-store-uri", f"sqlite:///{self.folder / 'mlflow.db'}",
             "--artifacts-destination", str(self.folder / "artifacts"), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.folder)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mlflow server exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"mlflow server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)
