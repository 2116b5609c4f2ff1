"""The register: AI systems and their items, evidence records, sign-offs and the records that are
not notebook processes, in SQLite by default (SQLAlchemy 2). Each process adds its own tables on
:class:`Base` through its :class:`~workbench.processes.Process` declaration.

The register is an index of the ledger: its rows are written only by
:func:`workbench.pipeline.recovery.index_entry` and :meth:`Register.index`, from ledger entries, so
``workbench verify`` can compare it with the register the ledger implies and ``workbench register
rebuild`` can make it again. Every table is one call away as a pandas DataFrame:
``Register.frame("risks")``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import (JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, case, create_engine, delete,
                        event, func, insert, inspect, select, update)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.schema import sort_tables

from workbench.exceptions import InputError, UnknownRecordError
from workbench.systems import AISystem, Item


class Base(DeclarativeBase):
    pass


class SystemRow(Base):
    __tablename__ = "systems"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    lifecycle_stage: Mapped[str] = mapped_column(String(40))
    deployment_context: Mapped[str] = mapped_column(Text)
    affected_stakeholders: Mapped[list] = mapped_column(JSON)
    personal_data_categories: Mapped[list] = mapped_column(JSON)
    tier: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ItemRow(Base):
    """An item of an AI system that records can be about: a dataset, a model version, a supplier, ..."""

    __tablename__ = "items"
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EvidenceRow(Base):
    __tablename__ = "evidence"
    run_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    process: Mapped[str] = mapped_column(String(64), index=True)
    # an AI system's id, or 'organisation' for an organisation-wide run (checked before the run)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    # the item of the system the run is about, or '' for a run about the system (or organisation) itself
    item_id: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    period: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    path: Mapped[str] = mapped_column(Text)
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    notebook_sha256: Mapped[str | None] = mapped_column(String(64))
    results_sha256: Mapped[str | None] = mapped_column(String(64))
    answers_sha256: Mapped[str] = mapped_column(String(64))
    ledger_hash: Mapped[str | None] = mapped_column(String(64))
    workbench_version: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    # the process's one line about the record (Process.headline), for the portfolio and the side panel
    headline: Mapped[str] = mapped_column(Text, default="", server_default="")
    # a periodic review's round for its subject and period (1, or more when forced); empty for other runs
    review_round: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # who confirmed a scheduler's recalculation (status 'recalculated' until then); empty for any other record
    confirmed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (Index("uq_evidence_review", "system_id", "item_id", "process", "period", "review_round",
                            unique=True),)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the ledger entry that records it: the event's key, since its id is only this register's
    ledger_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class NonconformityRow(Base):
    __tablename__ = "nonconformities"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str] = mapped_column(String(200))
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    grade: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    evidence_ref: Mapped[str] = mapped_column(String(200))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # nonconformity.finding_key: the same finding is one nonconformity (empty in registers made before it)
    finding_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the day it was found (an audit's date), which due dates may not precede (empty before: opened_at's day)
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index("uq_nonconformities_finding", "finding_key", unique=True),)


class ActionUpdateRow(Base):
    __tablename__ = "action_updates"
    nc_id: Mapped[str] = mapped_column(ForeignKey("nonconformities.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(30))
    root_cause: Mapped[str] = mapped_column(Text)
    correction: Mapped[str] = mapped_column(Text)
    corrective_action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    effectiveness_check: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    # nonconformity.ActionState's 10.2 fields (empty in registers made before them)
    consequences: Mapped[str] = mapped_column(Text, default="")
    similar: Mapped[str] = mapped_column(Text, default="")
    aims_changes: Mapped[str] = mapped_column(Text, default="")
    effectiveness_evidence: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class SignoffRow(Base):
    __tablename__ = "signoffs"
    signoff_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    person: Mapped[str] = mapped_column(String(64))
    roles: Mapped[list] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    path: Mapped[str] = mapped_column(Text)
    record_sha256: Mapped[str] = mapped_column(String(64))
    ledger_hash: Mapped[str] = mapped_column(String(64))



class ConfirmationRow(Base):
    """A person's confirmation of a scheduler's recalculation: the record becomes theirs, ``submitted``."""

    __tablename__ = "confirmations"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    person: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class DocumentRow(Base):
    """One version of an entry in the register of documented information (7.5); never edited."""

    __tablename__ = "documented_information"
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    requirement: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(Text)
    location_sha256: Mapped[str | None] = mapped_column(String(64))
    last_review: Mapped[date] = mapped_column(Date)
    next_review: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class CompetenceRow(Base):
    """A competence record (7.2): who, in which role, with which competence, shown by what, until when."""

    __tablename__ = "competence"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(64))
    competence: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    expires: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class LedgerHeadRow(Base):
    """The last ledger entry this register indexes (one row): where recovery resumes. Not a record,
    so not among the tables ``verify`` compares; a register made by an earlier version has none."""

    __tablename__ = "ledger_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


CORE_TABLES = {"systems": SystemRow, "items": ItemRow, "evidence": EvidenceRow, "events": EventRow,
               "nonconformities": NonconformityRow, "action_updates": ActionUpdateRow, "signoffs": SignoffRow,
               "confirmations": ConfirmationRow, "documented_information": DocumentRow, "competence": CompetenceRow}


def known_tables() -> dict[str, type[Base]]:
    """The core tables and those of every installed process, by name."""
    from workbench.processes import process_tables

    return {**CORE_TABLES, **process_tables()}


def table(name: str) -> type[Base]:
    """The register table called ``name``: a core table or one a process declares."""
    known = known_tables()
    if name not in known:
        raise InputError.single("table", name, f"unknown table; allowed: {', '.join(known)}")
    return known[name]


def key_columns(model: type[Base]) -> tuple[str, ...]:
    """The columns that name a row of ``model`` in every register: its primary key, or ``ledger_hash``
    where the primary key is a number only this register gave (an event's id)."""
    primary = tuple(c.name for c in model.__table__.primary_key.columns)
    return ("ledger_hash",) if primary == ("id",) and model.__table__.c.id.autoincrement is True else primary


def local_columns(model: type[Base]) -> set[str]:
    """Columns whose values only this register gave, which the ledger does not record."""
    return {"id"} if key_columns(model) == ("ledger_hash",) else set()


def _typed(model: type[Base], row: dict) -> dict:
    """``row`` with the ISO text a ledger entry holds turned into the dates its columns take."""
    out = dict(row)
    for column in model.__table__.columns:
        value = out.get(column.name)
        if isinstance(value, str):
            if isinstance(column.type, DateTime):
                out[column.name] = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                out[column.name] = date.fromisoformat(value)
    return out


def _complete(table_: Any, rows: list[dict]) -> list[dict]:
    """Rows for one multi-row insert: each with every column any of them names, a missing one at its
    column's default (an executemany takes one set of keys)."""
    names = {k for row in rows for k in row}
    defaults = {c.name: (c.default.arg if c.default is not None and c.default.is_scalar else None)
                for c in table_.columns if c.name in names}
    return [{**defaults, **row} for row in rows]


DRIVERS = {"postgresql": "postgresql+psycopg"}  # the driver the [postgres] extra installs


def shown(url: str) -> str:
    """A register URL as it may be printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a URL>"


def engine(url: str, foreign_keys: bool = True):
    """A SQLAlchemy engine for a register URL: ``postgresql://`` uses psycopg 3, SQLite waits for a busy
    file and enforces foreign keys (unless ``foreign_keys`` is false, as a migration needs).

    Raises
    ------
    InputError
        The URL is not one, or its database's driver is not installed (naming the extra that has it).
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError.single("register_url", shown(url), "is not a database URL; use sqlite:///PATH or "
                                "postgresql://USER:PASSWORD@HOST:PORT/DATABASE") from None
    parsed = parsed.set(drivername=DRIVERS.get(parsed.drivername, parsed.drivername))
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InputError.single("register_url", shown(url), "names a database the register does not support; "
                                "allowed: sqlite, postgresql")
    try:
        # a server's times come back in UTC, as SQLite keeps them, whatever the server's own time zone
        made = (create_engine(parsed) if backend == "sqlite" else
                create_engine(parsed, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}))
    except ModuleNotFoundError as err:
        fix = ("install the extra: pip install 'aims-workbench[postgres]'" if err.name == "psycopg" else
               "use postgresql://..., whose driver (psycopg 3) the extra installs: pip install 'aims-workbench[postgres]'")
        raise InputError.single("register_url", shown(url), f"needs a database driver that is not installed "
                                f"({err.name}); {fix}") from None
    if backend == "sqlite" and foreign_keys:
        event.listen(made, "connect", _sqlite_pragmas)
    return made


def check_url(url: str) -> None:
    """Refuse a register URL whose driver is missing or whose database cannot be reached; writes nothing.

    Raises
    ------
    InputError
        Naming what to fix (see :func:`engine` and :func:`unreachable`).
    """
    made = engine(url)
    try:
        with reached(made):
            pass
    finally:
        made.dispose()


class reached:
    """A connection to the register's database, or an error saying what to fix to reach it."""

    def __init__(self, engine_):
        self.engine = engine_

    def __enter__(self):
        try:
            self.connection = self.engine.connect()
        except DBAPIError as err:
            raise unreachable(self.engine.url, err) from None
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


def unreachable(url, err: DBAPIError) -> InputError:
    """The error for a database the register cannot open: what the server said, and what to fix."""
    said = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
    where = url.render_as_string(hide_password=True)
    if "password authentication failed" in said or "no password supplied" in said or "role" in said and "does not exist" in said:
        fix = "fix the user and password in register_url (workbench.yaml) or WORKBENCH_REGISTER_URL"
    elif "database" in said and "does not exist" in said:
        fix = f"create the database first (createdb {url.database}) or fix its name in the URL"
    elif url.get_backend_name() == "sqlite":
        fix = "fix the path in the URL, or the folder's permissions"
    else:
        fix = "start the database server, or fix the host and port in register_url or WORKBENCH_REGISTER_URL"
    return InputError.single("register_url", where, f"cannot open the register: {said}; {fix}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


class Register:
    """The workspace's register of record.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL: ``sqlite:///path/register.db`` by default, or a PostgreSQL URL.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = engine(url)
        from workbench import migrations

        with reached(self.engine) as connection:
            existing = set(inspect(connection).get_table_names())
            fresh = not existing
            if not fresh:
                migrations.check(connection, shown(url))
        # the core's tables and those of the processes discovery accepted (never a refused plug-in's); a
        # versioned register has the core's already, so only a process's new or third-party table is made
        missing = [t for t in (LedgerHeadRow.__table__, *(m.__table__ for m in known_tables().values()))
                   if t.name not in existing]
        if not missing:
            return
        with self.engine.begin() as connection:
            Base.metadata.create_all(connection, tables=missing)
            if fresh:  # a new register: this schema version, indexing the ledger from its start (its genesis)
                migrations.stamp(connection)
                connection.execute(insert(LedgerHeadRow.__table__).values(id=1, seq=0, hash="0" * 64))

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # systems

    def system(self, system_id: str) -> AISystem:
        """Return the registered system ``system_id``."""
        with Session(self.engine) as session:
            row = session.get(SystemRow, system_id)
            if row is None:
                known = list(session.scalars(select(SystemRow.id).order_by(SystemRow.id).limit(20)))
                allowed = ", ".join(known) if known else "none registered yet ('workbench system add')"
                raise UnknownRecordError.single("system", system_id, f"is not a registered AI system; registered: {allowed}")
            return AISystem.model_validate(_fields(row, AISystem.model_fields))

    def systems(self) -> list[AISystem]:
        """Every registered system, by id."""
        with Session(self.engine) as session:
            rows = session.scalars(select(SystemRow).order_by(SystemRow.id))
            return [AISystem.model_validate(_fields(r, AISystem.model_fields)) for r in rows]

    # items of systems

    def item(self, system_id: str, item_id: str, kind: str = "") -> Item:
        """Return item ``item_id`` of system ``system_id`` (of ``kind``, when given)."""
        self.system(system_id)
        with Session(self.engine) as session:
            row = session.get(ItemRow, (system_id, item_id))
            if row is None or (kind and row.kind != kind):
                known = [i.id for i in self.items(system_id, kind)]
                allowed = ", ".join(known) if known else f"none registered yet ('workbench item add --system {system_id}')"
                what = f"a {kind} of" if kind else "an item of"
                raise UnknownRecordError.single("item", item_id, f"is not {what} AI system {system_id}; registered: {allowed}")
            return Item.model_validate(_fields(row, Item.model_fields))

    def items(self, system_id: str | None = None, kind: str = "") -> list[Item]:
        """Registered items, by system and id, optionally of one system and one kind."""
        query = select(ItemRow).order_by(ItemRow.system_id, ItemRow.id)
        if system_id:
            query = query.where(ItemRow.system_id == system_id)
        if kind:
            query = query.where(ItemRow.kind == kind)
        with Session(self.engine) as session:
            return [Item.model_validate(_fields(r, Item.model_fields)) for r in session.scalars(query)]

    def item_rows(self) -> list[dict]:
        """Every registered item with its system id."""
        with Session(self.engine) as session:
            rows = session.scalars(select(ItemRow).order_by(ItemRow.system_id, ItemRow.id))
            return [_fields(r, ItemRow.__table__.columns.keys()) for r in rows]

    # evidence

    def index(self, batches: Iterable[dict[str, list[dict]]], head: dict | None = None,
              replacing: Iterable[tuple[str, dict]] = ()) -> None:
        """Add the rows of ledger entries (one ``{table: [row, ...]}`` per entry) in one transaction.

        A ``signoffs`` row also sets its evidence's status to its decision: the status column is the
        register's index of the ledger (the archive is never edited), read by ``workbench evidence
        list``, the portfolio and the review status. Dates may be given as ISO text, as the ledger
        holds them.

        Parameters
        ----------
        batches : iterable of dict
            The rows each entry adds (:func:`workbench.pipeline.indexing.entry_rows`).
        head : dict, optional
            The last ledger entry indexed (its ``seq`` and ``hash``), where recovery resumes.
        replacing : iterable of (str, dict)
            Rows removed first, by primary key (rows an earlier version kept without a ledger entry).

        Raises
        ------
        InputError
            A row whose key is already recorded; nothing is written.
        """
        added: dict[Any, list[dict]] = {}
        decisions, confirmations = [], []
        for rows in batches:
            for name, items in rows.items():
                model = table(name)
                added.setdefault(model.__table__, []).extend(_typed(model, item) for item in items)
                if model is SignoffRow:
                    decisions += [(item["run_id"], item["decision"]) for item in items]
                if model is ConfirmationRow:
                    confirmations += [(item["run_id"], item["person"]) for item in items]
        evidence = EvidenceRow.__table__
        with Session(self.engine) as session:
            for name, row in replacing:
                model = table(name)
                keys = [c.name for c in model.__table__.primary_key.columns]
                session.execute(delete(model).where(*(getattr(model, k) == row[k] for k in keys)))
            try:
                for each in sort_tables(added):  # a row after the rows it refers to
                    changes = ([(run_id, {"status": decision}) for run_id, decision in decisions]
                               if each is SignoffRow.__table__ else [])
                    if each is ConfirmationRow.__table__:
                        changes = [(run_id, {"confirmed_by": person, "status": case(
                            (evidence.c.status == "recalculated", "submitted"), else_=evidence.c.status)})
                            for run_id, person in confirmations]
                    for run_id, values in changes:
                        if not session.execute(update(evidence).where(evidence.c.run_id == run_id)
                                               .values(**values)).rowcount:
                            raise UnknownRecordError.single("evidence", run_id, "is not an evidence id")
                    if added[each]:  # an empty list would insert one row of defaults
                        session.execute(insert(each), _complete(each, added[each]))  # one statement per table
                if head is not None:
                    session.merge(LedgerHeadRow(id=1, seq=head["seq"], hash=head["hash"]))
                session.commit()
            except IntegrityError as err:
                raise InputError.single("register", str(err.params)[:200],
                                        f"is already recorded ({err.orig})") from None

    def head(self) -> dict | None:
        """The last ledger entry this register indexes (``seq``, ``hash``); ``None`` in a register made
        by an earlier version, which kept no head."""
        with Session(self.engine) as session:
            row = session.get(LedgerHeadRow, 1)
            return None if row is None else {"seq": row.seq, "hash": row.hash}

    def record_evidence(self, entry: dict, rows: dict[str, list[dict]] | None = None) -> None:
        """Add one evidence row and its process's rows (``{"risks": [...]}``, given without the
        subject's ``run_id``, ``system_id`` and ``item_id``) in one transaction."""
        self.index([{"evidence": [entry], **subject_rows(entry, rows or {})}])

    def record_signoff(self, row: dict) -> None:
        """Add one sign-off and set its evidence's status (``approved`` or ``rejected``) in one transaction."""
        self.index([{"signoffs": [row]}])

    def keys(self, name: str) -> set[tuple]:
        """The key (:func:`key_columns`) of every row of a table."""
        model = table(name)
        columns = [getattr(model, c) for c in key_columns(model)]
        with Session(self.engine) as session:
            return {tuple(r) for r in session.execute(select(*columns))}

    def signoffs(self, run_id: str) -> list[dict]:
        """The sign-offs of one evidence record, oldest first."""
        query = select(SignoffRow).where(SignoffRow.run_id == run_id).order_by(SignoffRow.signed_at)
        with Session(self.engine) as session:
            return [_fields(r, SignoffRow.__table__.columns.keys()) for r in session.scalars(query)]

    def evidence(self, run_id: str) -> dict:
        """Return the evidence record ``run_id``."""
        with Session(self.engine) as session:
            row = session.get(EvidenceRow, run_id)
            if row is None:
                raise UnknownRecordError.single("evidence", run_id, "is not an evidence id; see 'workbench evidence list'")
            return _fields(row, EvidenceRow.__table__.columns.keys())

    def evidence_list(self, system_id: str | None = None, process: str | None = None,
                      item_id: str | None = None) -> list[dict]:
        """Evidence records, newest first, optionally for one system, process or item (``""``: none)."""
        query = select(EvidenceRow).order_by(EvidenceRow.recorded_at.desc())
        if system_id:
            query = query.where(EvidenceRow.system_id == system_id)
        if process:
            query = query.where(EvidenceRow.process == process)
        if item_id is not None:
            query = query.where(EvidenceRow.item_id == item_id)
        with Session(self.engine) as session:
            return [_fields(r, EvidenceRow.__table__.columns.keys()) for r in session.scalars(query)]

    # events that make a review due early

    def events(self, system_id: str | None = None) -> list[dict]:
        """Recorded events, oldest first."""
        query = select(EventRow).order_by(EventRow.occurred_on, EventRow.id)
        if system_id:
            query = query.where(EventRow.system_id == system_id)
        with Session(self.engine) as session:
            return [_fields(r, EventRow.__table__.columns.keys()) for r in session.scalars(query)]

    def latest_evidence(self, system_id: str, process: str, item_id: str = "", assessed: bool = False) -> dict | None:
        """The version a new run of a subject compares with and carries forward: the latest approved
        record, else the latest record that did not fail (by effective date, then recording time).

        ``assessed`` leaves out the recalculations no person has confirmed: what a person stands behind.
        """
        left_out = ("failed", "recalculated") if assessed else ("failed",)
        records = [r for r in self.evidence_list(system_id, process, item_id) if r["status"] not in left_out]
        approved = [r for r in records if r["status"] == "approved"]
        pool = approved or records
        return max(pool, key=lambda r: (r["effective_date"], r["recorded_at"]), default=None)

    def rows(self, name: str, **where) -> list[dict]:
        """Rows of a table as dicts, optionally where columns equal the given values."""
        columns = table(name).__table__.c
        query = select(columns).where(*(columns[k] == v for k, v in where.items()))
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def count(self, name: str) -> int:
        """How many rows a table holds."""
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(table(name)))

    def frame(self, name: str):
        """Return a register table as a pandas DataFrame: a core table (``systems``, ``items``,
        ``evidence``, ``signoffs``, ...) or a process's (``risks``, ``impact_assessments``, ...)."""
        import pandas as pd

        model = table(name)
        columns = model.__table__.columns.keys()
        with Session(self.engine) as session:
            rows = [_fields(r, columns) for r in session.scalars(select(model))]
        return pd.DataFrame(rows, columns=columns)


def subject_rows(evidence: dict, rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """A process's rows for one evidence record, with the subject filled in: ``run_id``, ``system_id``
    and, in a table of a process about items, ``item_id``."""
    filled = {}
    for name, items in rows.items():
        subject = {"run_id": evidence["run_id"], "system_id": evidence["system_id"]}
        if "item_id" in table(name).__table__.columns:
            subject["item_id"] = evidence.get("item_id", "")
        filled[name] = [{**subject, **r} for r in items]
    return filled


def _fields(row: Any, names: Iterable[str]) -> dict:
    return {name: getattr(row, name) for name in names}
