"""A real PostgreSQL server for the tests: Debian's ``postgresql`` (``./dev test`` installs it when run
as root), a new cluster in a temporary folder on a free port, a fresh database per test."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import socket
import subprocess
import tempfile
from pathlib import Path

from workbench.register import Register

USER, PASSWORD = "workbench", "s3cret-register"


def binaries() -> Path | None:
    """Debian's PostgreSQL programs (initdb, pg_ctl), the newest installed; ``None`` without any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL cluster in ``folder``: password authentication over TCP on 127.0.0.1, run as the
    ``postgres`` system user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bin = binaries()
        # its own folder under the system's temporary one: the postgres user cannot enter pytest's
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-postgres-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._names = itertools.count(1)
        self._template = ""

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> "Server":
        password = self.folder / "password"
        password.write_text(PASSWORD)
        if self.as_user:
            account = pwd.getpwnam("postgres")
            for path in (self.folder, password):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={password}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-sync")
        password.unlink()
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -F -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                  "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        subprocess.Popen(["rm", "-rf", str(self.folder)], start_new_session=True)  # the databases: the session's end
        # need not wait for the disk

    def url(self, database: str = "postgres", user: str = USER, password: str = PASSWORD, port: int | None = None) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{port or self.port}/{database}"

    def clone(self, url: str) -> str:
        """The URL of a new database holding a copy of the one at ``url`` (nobody may be connected to it)."""
        import psycopg

        name = f"register_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return self.url(name)

    def new_database(self, register: bool = True) -> str:
        """The URL of a new database: holding a new register (copied from a template made once), or empty."""
        import psycopg

        if register and not self._template:
            self._template = self.new_database(register=False)
            Register(self._template).close()
        name = f"register_{next(self._names)}"
        template = f'TEMPLATE "{self._template.rsplit("/", 1)[1]}"' if register else "TEMPLATE template0"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}" {template}')
        return self.url(name)
