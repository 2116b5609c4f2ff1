"""Shared fixtures: real workspaces on disk, the demo data, and the tool tiers."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from keys import KEYS, KEYS_DIR
from workers import RUN, made_once
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration, run_demo
from workbench.workspace import Workspace, init_workspace

HERE = Path(__file__).parent
ROOT = HERE.parent


# the files that take longest (each a few minutes: a fresh venv, a Dask cluster, a plug-in's venv, reviews, kills),
# started first so that no worker of ./dev test is left running one of them alone at the end
SLOW_FIRST = ("test_wheel.py", "test_dask_executor.py", "test_plugin.py", "test_review.py", "test_faults.py",
              "test_scheduler_job.py")


def pytest_collection_modifyitems(items):
    """Put the tests of the slowest files first; the others keep their order."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of this test session (Debian's postgresql), started on first use."""
    from postgres import Server, binaries

    if binaries() is None:
        pytest.skip("Debian's postgresql is not installed (./dev test installs it when run as root)")
    server = Server().start()
    yield server
    server.stop()


class Backend:
    """The register's database in a test module run over both: ``sqlite`` (register.db in the
    workspace) or ``postgresql`` (a new database on the test server for each workspace)."""

    def __init__(self, name: str, server=None):
        self.name, self.server = name, server

    def config(self, config: dict) -> dict:
        """A workspace configuration whose register is on this backend."""
        return {**config, "register_url": self.server.new_database()} if self.server else config

    def copied(self, workspace: Workspace, monkeypatch) -> Workspace:
        """``workspace`` (a copy of another's folder) with a register of its own: on PostgreSQL a copy of
        the database, named by ``WORKBENCH_REGISTER_URL``."""
        if self.server:
            monkeypatch.setenv("WORKBENCH_REGISTER_URL", self.server.clone(workspace.register_url))
        return Workspace(workspace.root)

    def __repr__(self) -> str:
        return self.name


def pytest_generate_tests(metafunc):
    """A module's tests that use one of its ``REGISTER_BACKENDS`` fixtures run on SQLite and, when marked
    ``both_registers`` (the module or the test), on PostgreSQL too; SQLite-only tests share the module's
    SQLite fixtures with the others, so nothing slow is built twice."""
    wanted = getattr(metafunc.module, "REGISTER_BACKENDS", ())
    if set(wanted) & set(metafunc.fixturenames):
        both = metafunc.definition.get_closest_marker("both_registers") is not None
        metafunc.parametrize("register_backend", ["sqlite", "postgresql"] if both else ["sqlite"], indirect=True,
                             scope="module")


@pytest.fixture(scope="module")
def register_backend(request) -> Backend:
    """The register backend of a module's tests: SQLite, or each in turn in a module that names its
    ``REGISTER_BACKENDS`` (see ``pytest_generate_tests``); the ``workspace`` fixture, and the module's
    own that ask, put the register there."""
    name = getattr(request, "param", "sqlite")
    return Backend(name, request.getfixturevalue("postgres") if name == "postgresql" else None)


@pytest.fixture
def workspace(tmp_path: Path, register_backend) -> Workspace:
    """A fresh workspace with the demo people and the three demo systems, no evidence yet (its register on
    the module's backend, see ``register_backend``)."""
    ws = init_workspace(tmp_path / "ws", config=register_backend.config(demo_configuration(KEYS)))
    ws.add_systems(SYSTEMS)
    return ws


@pytest.fixture
def answers() -> dict:
    """Valid risk assessment answers for the credit-scoring demo system (a deep copy to edit)."""
    return copy.deepcopy(ANSWERS["credit-scoring"])


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per test run with real papermill runs (by one of its workers).

    Its evidence has the default static charts, as ``workbench demo`` makes it; interactive charts
    are tested on runs of their own (tests/test_interactive_charts.py).
    """
    if not RUN:
        root = tmp_path_factory.mktemp("demo") / "demo-workspace"
        run_demo(root, progress=lambda _msg: None, keys=KEYS_DIR)
        return root
    shared = tmp_path_factory.getbasetemp().parent / "demo"  # the workers' base folders' parent
    made_once(shared, lambda folder: run_demo(folder / "demo-workspace", progress=lambda _msg: None, keys=KEYS_DIR))
    root = tmp_path_factory.mktemp("demo") / "demo-workspace"  # each worker reads a copy of its own
    shutil.copytree(shared / "demo-workspace", root)
    return root


@pytest.fixture(scope="module")
def copy_of_demo(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A private copy of the demo workspace that one test module may add to."""
    root = tmp_path_factory.mktemp("demo-copy") / "ws"
    shutil.copytree(demo_root, root)
    return Workspace(root)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's Chromium; skip (locally) when it is not installed."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not path:
        pytest.skip("Debian's chromium is not installed (./dev test installs it when run as root)")
    return path


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbench's wheel, built once per test session (for the tests marked ``wheel``)."""
    from subprocesses import build_wheel

    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory):
    """A real RFC 3161 time-stamping authority on 127.0.0.1 (``openssl ts``), the one a workspace pins."""
    from tsa import LocalTSA

    authority = LocalTSA(tmp_path_factory.mktemp("tsa") / "trusted")
    yield authority
    authority.close()


@pytest.fixture(scope="session")
def rogue_tsa(tmp_path_factory: pytest.TempPathFactory):
    """Another TSA with the same names as ``tsa`` and keys of its own, which no workspace pins."""
    from tsa import LocalTSA

    authority = LocalTSA(tmp_path_factory.mktemp("tsa") / "rogue")
    yield authority
    authority.close()
