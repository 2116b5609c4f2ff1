"""The register's schema versions (Alembic): every register records its version in
``alembic_version``; :func:`upgrade` (``workbench db upgrade``) brings an older register to the version
this workbench writes, and :func:`check` refuses any other.

The migrations in ``versions/`` cover the core tables and the built-in processes' tables. A
third-party process's tables are not versioned here: the register creates them when they are missing
(see :class:`workbench.register.Register`), and a plug-in that changes a table's columns ships its own
way to move the rows.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from workbench.exceptions import WorkbenchError

HERE = Path(__file__).parent


class SchemaError(WorkbenchError):
    """The register's schema is not the one this workbench writes: nothing was written."""

    exit_code = 2


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The schema version this workbench writes."""
    return _scripts().get_current_head()


def known() -> set[str]:
    """Every schema version this workbench knows."""
    return {s.revision for s in _scripts().walk_revisions()}


def stamp(connection) -> None:
    """Record this workbench's schema version in a register whose tables it has just made."""
    MigrationContext.configure(connection).stamp(_scripts(), "head")


def current(connection) -> str | None:
    """The register's schema version: ``None`` in a register made before schema versions, or an empty one."""
    return MigrationContext.configure(connection).get_current_revision()


def check(connection, where: str) -> None:
    """Refuse a register whose schema is older or newer than the one this workbench writes.

    Raises
    ------
    SchemaError
        Naming the version found, the one needed and what to run (``workbench db upgrade``) or
        install (a newer workbench).
    """
    found, needed = current(connection), head()
    if found == needed:
        return
    if found is None:
        raise SchemaError(f"register {where}: made before schema versions; this workbench writes schema {needed}. "
                          "Back it up, then run 'workbench db upgrade'")
    if found not in known():
        raise SchemaError(f"register {where}: schema {found} was written by a newer workbench (this one knows up to "
                          f"{needed}); install that workbench version or newer (pip install -U aims-workbench)")
    raise SchemaError(f"register {where}: schema {found} is older than {needed}, the one this workbench writes. "
                      "Back it up, then run 'workbench db upgrade'")


def is_empty(connection) -> bool:
    """Whether the database holds no table at all (a new register)."""
    return not inspect(connection).get_table_names()


def upgrade(engine) -> tuple[str | None, str]:
    """Bring the register on ``engine`` to this workbench's schema, in one transaction (on PostgreSQL; on
    SQLite each step commits). Returns the version before and after.

    ``engine`` must not enforce SQLite's foreign keys: a migration may copy a table others refer to.

    Raises
    ------
    SchemaError
        The register's schema is newer than this workbench's.
    """
    with engine.begin() as connection:
        before = current(connection)
        if before is not None and before not in known():
            check(connection, engine.url.render_as_string(hide_password=True))
        command.upgrade(_config(connection), "head")
    return before, head()


def upgrade_register(url: str) -> tuple[str | None, str]:
    """``workbench db upgrade``: bring the register at ``url`` to this workbench's schema (an empty
    database becomes a new register). Returns the version before and after.

    Raises
    ------
    InputError
        The database cannot be reached (naming what to fix).
    SchemaError
        The register's schema is newer than this workbench's.
    """
    from workbench.register import Register, engine, reached

    plain = engine(url, foreign_keys=False)
    try:
        with reached(plain) as connection:
            empty = is_empty(connection)
        if empty:
            Register(url).close()
            return None, head()
        return upgrade(plain)
    finally:
        plain.dispose()
