"""Helpers for the tests that run the workbench in processes of its own: the built wheel in a fresh
virtual environment, and servers on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list, cwd: Path, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run ``cmd`` and assert it succeeds, showing the tail of its output when it does not."""
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def clean_env(tmp_path: Path, venv: Path | None = None) -> dict:
    """The environment without anything pointing at the checkout or its venv; a private Jupyter data dir."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_DATA_DIR",
                        "JUPYTER_CONFIG_DIR", "WORKBENCH_WORKSPACE", "WORKBENCH_REGISTER_URL")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
        env["VIRTUAL_ENV"] = str(venv)
    # a user-level kernel spec must not send the demo's kernel to another interpreter
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
    return env


def build_wheel(out: Path) -> Path:
    """Build the workbench's wheel into ``out`` and return it."""
    run([sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT], cwd=out, env=clean_env(out))
    wheels = sorted(out.glob("aims_workbench-*-py3-none-any.whl"))
    assert len(wheels) == 1, sorted(out.iterdir())
    return wheels[0]


def fresh_venv(tmp_path: Path, *packages: Path | str) -> tuple[Path, dict]:
    """A new virtual environment with ``packages`` installed (not editable); its folder and environment."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=clean_env(tmp_path))
    env = clean_env(tmp_path, venv)
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *packages], cwd=tmp_path, env=env)
    return venv, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120, probe: str = "/api/status") -> None:
    """Wait until ``url + probe`` answers (any HTTP status counts: the server is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[2:4]} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + probe, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{proc.args[2:4]} did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server: terminate, then kill if it has not ended within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
