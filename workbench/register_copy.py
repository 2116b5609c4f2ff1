"""Move a whole register between databases (SQLite and PostgreSQL, either way): every table, in the
order their foreign keys need, in one transaction on the target, then checked: the same rows in every
table, by count and by a hash of the rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import DateTime, Integer, delete, func, inspect, insert, select, text
from sqlalchemy.schema import sort_tables

from workbench.exceptions import InputError
from workbench.register import LedgerHeadRow, Register, known_tables, shown

VERSION_TABLE = "alembic_version"  # the schema version, which the target's own stamp records


@dataclass
class Copied:
    """What a copy moved: rows per table, and each table's row hash (the same in both registers)."""

    counts: dict[str, int]
    hashes: dict[str, str]


def register_tables() -> list:
    """Every table of a register, a table after those it refers to."""
    return sort_tables([LedgerHeadRow.__table__, *(m.__table__ for m in known_tables().values())])


def _plain(value):
    if isinstance(value, datetime):  # SQLite keeps UTC without its zone; PostgreSQL gives it back with it
        return (value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def table_hash(register: Register, table) -> tuple[int, str]:
    """A table's row count and the SHA-256 of its rows (each as JSON, sorted): the same in any database."""
    with register.engine.connect() as connection:
        rows = [json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, default=str)
                for row in connection.execute(select(table)).mappings()]
    return len(rows), hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


def _unknown_tables(register: Register) -> list[str]:
    names = set(inspect(register.engine).get_table_names()) - {VERSION_TABLE}
    return sorted(names - {t.name for t in register_tables()})


def copy_register(source: Register, target_url: str, replace: bool = False) -> Copied:
    """Copy every table of ``source`` into the register at ``target_url`` and check the copy.

    Parameters
    ----------
    source : Register
        The register to copy (left as it is).
    target_url : str
        An empty database, or a register of this schema; made when it is a SQLite file not there yet.
    replace : bool
        Replace the rows of a target register that holds any (else it is refused).

    Raises
    ------
    InputError
        The target is the source, holds rows (without ``replace``), is unreachable or of another schema,
        either holds a table this workbench does not know; or the copy does not match (rolled back).
    """
    if shown(target_url) == shown(source.url):
        raise InputError.single("to", shown(target_url), "is the register being copied; name another database")
    unknown = _unknown_tables(source)
    if unknown:
        raise InputError.single("tables", unknown, "are in the register but no installed process declares them; "
                                "install the processes that made them before copying")
    target = Register(target_url)  # reached, of this schema (or made so when empty)
    try:
        unknown = _unknown_tables(target)
        if unknown:
            raise InputError.single("to", shown(target_url), f"holds tables this workbench does not know ({unknown}); "
                                    "copy into an empty database")
        tables = register_tables()
        held = {t.name: n for t in tables if t is not LedgerHeadRow.__table__ and (n := _count(target, t))}
        if held and not replace:
            raise InputError.single("to", shown(target_url), f"already holds a register ({sum(held.values())} rows "
                                    f"in {', '.join(sorted(held))}); copy into an empty database, or pass --replace")
        with target.engine.begin() as into, source.engine.connect() as source_connection:
            for table in reversed(tables):  # a row before the rows it refers to
                into.execute(delete(table))
            for table in tables:
                rows = [_for_target(table, dict(r)) for r in source_connection.execute(select(table)).mappings()]
                if rows:
                    into.execute(insert(table), rows)
            if into.dialect.name == "postgresql":  # a counted key goes on after the rows copied
                for table in tables:
                    for column in table.primary_key.columns:
                        if isinstance(column.type, Integer) and column.autoincrement is True:
                            into.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                              f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
        counts, hashes = {}, {}
        for table in tables:
            (count, digest), expected = table_hash(target, table), table_hash(source, table)
            if (count, digest) != expected:
                raise InputError.single("to", shown(target_url), f"the copy of table {table.name} does not match: "
                                        f"{count} rows (hash {digest[:12]}), the register has {expected[0]} "
                                        f"(hash {expected[1][:12]})")
            counts[table.name], hashes[table.name] = count, digest
        return Copied(counts, hashes)
    finally:
        target.close()


def _count(register: Register, table) -> int:
    with register.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def _for_target(table, row: dict) -> dict:
    """A row as the target takes it: a time SQLite kept without its zone is UTC."""
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(column.type, DateTime) and isinstance(value, datetime) and value.tzinfo is None:
            row[column.name] = value.replace(tzinfo=timezone.utc)
    return row

