"""The workspace: a folder the user owns, holding configuration, register, evidence and drafts."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path

import yaml

from workbench.config import Configuration, configuration_model, default_configuration
from workbench.content import ContentPack, load_content
from workbench.exceptions import InputError, WorkspaceError
from workbench.pipeline.archive import LEDGER_FILE
from workbench.records.acts import REGISTRARS, Act
from workbench.register import Register, shown
from workbench.validate import check_not_after, model_from, require_plain_text, safe_load

CONFIG_FILE = "workbench.yaml"
CONFIGURATION_DIR = "_configuration"  # in the evidence folder; not a slug, so never a system's folder
REGISTER_FILE = "register.db"
REGISTER_VAR = "WORKBENCH_REGISTER_URL"
ENV_VAR = "WORKBENCH_WORKSPACE"
ACTS = {"system": Act("recorded_by", REGISTRARS, "registering an AI system"),
        "item": Act("recorded_by", REGISTRARS, "registering an AI system's item"),
        "event": Act("recorded_by", (), "recording an event of an AI system")}


class Workspace:
    """An opened workspace.

    Parameters
    ----------
    root : str or Path
        The workspace folder; it must hold ``workbench.yaml`` (see :func:`init_workspace`).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not (self.root / CONFIG_FILE).is_file():
            raise WorkspaceError(
                f"{self.root} is not a workspace (no {CONFIG_FILE}); create one with 'workbench init PATH'")

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    @cached_property
    def recorded_configuration(self) -> tuple[Path, str] | None:
        """The configuration in force as the ledger records it: its archived file and SHA-256 (``None`` in
        a workspace an earlier version made, until its configuration is recorded).

        Only a configuration signed by an AIMS manager of the one before it counts (see
        :func:`workbench.records.configuration.configuration_chain`); a planted file or entry does not.
        """
        from workbench.records.configuration import configuration_chain

        chain, _problems = configuration_chain(self.evidence_dir)
        if not chain:
            return None
        entry, config = chain[-1]
        self.__dict__["config"] = config
        return self.evidence_dir / entry["path"] / CONFIG_FILE, entry["files"][CONFIG_FILE]

    @cached_property
    def config(self) -> Configuration:
        """The configuration in force: the last one recorded in the ledger (see
        :mod:`workbench.records.configuration`), else ``workbench.yaml``."""
        if self.recorded_configuration is not None:
            return self.__dict__["config"]
        path = self.root / CONFIG_FILE
        return parse_configuration(path.read_bytes(), str(path))

    @property
    def configuration_pending(self) -> bool:
        """Whether ``workbench.yaml`` differs from the configuration in force (an edit not recorded yet)."""
        recorded = self.recorded_configuration
        return recorded is None or hashlib.sha256((self.root / CONFIG_FILE).read_bytes()).hexdigest() != recorded[1]

    def forget_configuration(self) -> None:
        """Read the configuration again on next use (after one was recorded)."""
        for name in ("recorded_configuration", "config"):
            self.__dict__.pop(name, None)

    @cached_property
    def content(self) -> ContentPack:
        """The content pack, with any file in the workspace's ``content/`` taking precedence."""
        return load_content(self.root / "content")

    @property
    def register_url(self) -> str:
        """The register's URL: ``$WORKBENCH_REGISTER_URL``, else the configuration's ``register_url``, else
        ``register.db`` in the workspace."""
        url = os.environ.get(REGISTER_VAR) or self.config.register_url
        return url or f"sqlite:///{self.root / REGISTER_FILE}"

    @cached_property
    def register(self) -> Register:
        """The register database.

        Raises
        ------
        InputError
            The workspace's ``register.db`` is missing while its ledger has entries (the register is
            elsewhere, named by a URL not set now, or was deleted): no empty register is made in its place.
        """
        url = self.register_url
        ledger = self.evidence_dir / LEDGER_FILE
        named = os.environ.get(REGISTER_VAR) or self.config.register_url
        if not named and not (self.root / REGISTER_FILE).exists() and ledger.exists() and ledger.stat().st_size:
            raise InputError.single("register_url", url, f"the register is missing while the ledger has entries: "
                                    f"set {REGISTER_VAR} or register_url to where the register is, or make it "
                                    "again from the ledger: workbench register rebuild")
        return Register(url)

    def new_register(self) -> Register:
        """Make the workspace's missing ``register.db`` (a rebuild fills it from the ledger)."""
        self.__dict__["register"] = Register(self.register_url)
        return self.register

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging"

    def inside(self, path: Path) -> Path:
        """Return ``path`` resolved, refusing anything that would land outside the workspace."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise InputError.single("path", str(path), f"must stay inside the workspace {self.root}")
        return resolved

    def validation_context(self) -> dict:
        """What answer models check references against: people, tiers, controls, taxonomy."""
        return {
            "people": {p.id for p in self.config.persons()},
            "tiers": list(self.config.tiers),
            "content": self.content,
            "workspace": self,
        }

    def add_system(self, record: dict, person: str = ""):
        """Validate one system record against this configuration (owner, tier) and register it, signed by
        ``person`` (an AIMS manager or system owner whose key is held; see ``acting_person``)."""
        from workbench.systems import AISystem

        return self._record_systems([model_from(AISystem, record, self.validation_context(), what="system")],
                                    person)[0]

    def add_systems(self, records: list[dict], person: str = "") -> list:
        """Validate system records against this configuration (owners, tiers) and register them: all of
        them, or none if any id is taken."""
        from workbench.systems import parse_systems

        return self._record_systems(parse_systems(records, self.validation_context()), person)

    def registrar(self, person: str = ""):
        """Who registers systems and items: an AIMS manager or a system owner, by their key."""
        from workbench.records.identity import acting_person

        signer = acting_person(self, person, "recorded_by", role="aims_manager")
        if not set(REGISTRARS) & set(signer.roles):
            allowed = ", ".join(p.id for p in self.config.people if set(REGISTRARS) & set(p.roles)) or "nobody yet"
            raise InputError.single("recorded_by", signer.id, f"only an AIMS manager or a system owner registers AI "
                                    f"systems and their items; people who may: {allowed}")
        return signer

    def _record_systems(self, systems: list, person: str) -> list:
        from workbench.pipeline.archive import append_locked, locked
        from workbench.pipeline.indexing import system_facts
        from workbench.pipeline.recovery import index_entries, recover_locked

        signer = self.registrar(person)
        with locked(self.evidence_dir):
            recover_locked(self)
            registered = {s.id for s in self.register.systems()}
            taken = sorted(s.id for s in systems if s.id in registered)
            if taken:
                raise InputError.single("id", taken[0], "is already registered; choose another id")
            now = datetime.now(timezone.utc)
            index_entries(self, [append_locked(self.evidence_dir, {**system_facts(s, now), "recorded_by": signer.id},
                                               signer) for s in systems])
        return systems

    def add_item(self, system_id: str, record: dict, person: str = ""):
        """Validate an item (a dataset, a supplier, ...) and register it under system ``system_id``, signed by
        ``person`` (as :meth:`add_system`); an id the system already has is an error."""
        from workbench.pipeline.archive import append_locked, locked
        from workbench.pipeline.indexing import item_facts
        from workbench.pipeline.recovery import index_entry, recover_locked
        from workbench.systems import Item

        item = model_from(Item, record, what="item")
        signer = self.registrar(person)
        with locked(self.evidence_dir):
            recover_locked(self)
            self.register.system(system_id)
            if item.id in {i.id for i in self.register.items(system_id)}:
                raise InputError.single("id", item.id, f"is already an item of {system_id}; choose another id")
            entry = append_locked(self.evidence_dir, {**item_facts(system_id, item, datetime.now(timezone.utc)),
                                                      "recorded_by": signer.id}, signer)
            index_entry(self, entry)
        return item

    def record_item_version(self, system_id: str, item, facts: dict, signer, table: str) -> dict:
        """Record the next version of an item's register entry (a dataset's, a supplier's): a ledger entry of
        kind ``item.kind`` holding ``facts``, signed by ``signer``, after registering the item itself when
        the system does not have it yet; return the version's row of ``table``.

        Its ledger entry names the item as ``<kind>_id`` and the version as ``<kind>_seq`` (``dataset_id``,
        ``dataset_seq``); an id the system uses for an item of another kind is an error.
        """
        from workbench.pipeline.archive import append_locked, locked
        from workbench.pipeline.indexing import item_facts
        from workbench.pipeline.recovery import index_entry, recover_locked

        key = {f"{item.kind}_id": item.id}
        with locked(self.evidence_dir):
            recover_locked(self)
            self.register.system(system_id)
            now = datetime.now(timezone.utc)
            items = {i.id: i for i in self.register.items(system_id)}
            if item.id in items and items[item.id].kind != item.kind:
                raise InputError.single("id", item.id, f"is already a {items[item.id].kind} of {system_id}; "
                                        "choose another id")
            if item.id not in items:
                index_entry(self, append_locked(self.evidence_dir, {**item_facts(system_id, item, now),
                                                                    "recorded_by": signer.id}, signer))
            seq = 1 + max((r["seq"] for r in self.register.rows(table, system_id=system_id, **key)), default=0)
            index_entry(self, append_locked(self.evidence_dir, {
                "kind": item.kind, "system_id": system_id, **key, f"{item.kind}_seq": seq, **facts,
                "recorded_by": signer.id, "recorded_at": now.isoformat(timespec="seconds")}, signer))
        return self.register.rows(table, system_id=system_id, **key, seq=seq)[0]

    def current_item_versions(self, table: str, kind: str, system_id: str | None = None) -> list[dict]:
        """The latest version's row of ``table`` for every item of ``kind`` (of one system, or all), by system
        and item id: the current entries of a register :meth:`record_item_version` keeps."""
        latest: dict[tuple[str, str], dict] = {}
        for row in self.register.rows(table, **({"system_id": system_id} if system_id else {})):
            key = (row["system_id"], row[f"{kind}_id"])
            if key not in latest or row["seq"] > latest[key]["seq"]:
                latest[key] = row
        return [latest[k] for k in sorted(latest)]

    def check_not_ahead(self, field: str, day: date, why: str = "") -> None:
        """Refuse a date more than ``review.future_days`` after today (an effective date, an event's), naming
        ``field``; ``why`` adds to the rule's words."""
        days = self.config.review.future_days
        check_not_after(field, day, date.today() + timedelta(days=days),
                        f"must be at most {days} days after today (review.future_days{why})")

    def add_event(self, system_id: str, kind: str, occurred_on: date | str, note: str = "", person: str = "") -> dict:
        """Record an event of a system that makes its review due early (one of ``review.triggers``:
        a new model version, a new dataset, an incident), signed by ``person`` (anyone whose key is held);
        return its row."""
        from workbench.records.identity import acting_person
        from workbench.pipeline.archive import append_locked, locked
        from workbench.pipeline.indexing import event_facts
        from workbench.pipeline.recovery import index_entry, recover_locked

        triggers = self.config.review.triggers
        if kind not in triggers:
            raise InputError.single("kind", kind, f"allowed: {', '.join(triggers)}")
        if isinstance(occurred_on, str):
            try:
                occurred_on = date.fromisoformat(occurred_on)
            except ValueError:
                raise InputError.single("date", occurred_on, "must be a date written YYYY-MM-DD") from None
        if not isinstance(note, str) or len(note) > 5000:
            raise InputError.single("note", note, "must be text of at most 5000 characters")
        require_plain_text("note", note)
        self.check_not_ahead("date", occurred_on, "; an event dated ahead keeps the system's reviews due")
        signer = acting_person(self, person, "recorded_by", role="aims_manager")
        with locked(self.evidence_dir):
            recover_locked(self)
            self.register.system(system_id)
            entry = append_locked(self.evidence_dir, {**event_facts(system_id, kind, occurred_on, note,
                                                                    datetime.now(timezone.utc)),
                                                      "recorded_by": signer.id}, signer)
            index_entry(self, entry)
        return next(e for e in self.register.events(system_id) if e["ledger_hash"] == entry["hash"])

    def frame(self, table: str):
        """A register table as a pandas DataFrame."""
        return self.register.frame(table)


def parse_configuration(text: bytes, what: str) -> Configuration:
    """Validate a configuration file's bytes; ``WorkspaceError`` names the file and the problem."""
    try:
        data = safe_load(text.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise WorkspaceError(f"{what} is not valid YAML: {err}") from None
    try:
        return model_from(configuration_model(), data, what=what)
    except InputError as err:
        raise WorkspaceError(str(err)) from None


def init_workspace(path: str | Path, organisation: str = "My organisation", config: dict | None = None) -> Workspace:
    """Create a workspace folder with a starting configuration, recorded in the ledger, a register and
    an evidence folder.

    The configuration must name an AIMS manager whose key this process holds (see
    :mod:`workbench.signing`): they sign the first configuration.

    Raises
    ------
    WorkspaceError
        If ``path`` already holds a workspace.
    InputError
        If nobody in the configuration can sign it; nothing is written.
    """
    root = Path(path)
    if (root / CONFIG_FILE).exists():
        raise WorkspaceError(f"{root.resolve()} is already a workspace")
    data = config or default_configuration(organisation)
    parsed = model_from(configuration_model(), data, what="configuration")
    from workbench.records.identity import acting_person

    founder = acting_person(None, config=parsed, role="aims_manager")
    url = os.environ.get(REGISTER_VAR) or parsed.register_url
    if url:  # a database server's register: reached, of this schema and empty before anything is written
        register = Register(url)
        try:
            if register.head() != {"seq": 0, "hash": "0" * 64} or register.count("evidence"):
                raise InputError.single("register_url", shown(url), "holds another workspace's register; give each "
                                        "workspace a database of its own (an empty one)")
        finally:
            register.close()
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("evidence", "drafts"):
        (root / sub).mkdir(exist_ok=True)
    header = ("# AIMS Workbench workspace configuration. Edit it to suit your organisation;\n"
              "# 'workbench schema configuration' prints what each field allows.\n")
    (root / CONFIG_FILE).write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                    encoding="utf-8")
    workspace = Workspace(root)
    workspace.register  # creates the database and its tables
    from workbench.records.configuration import record_configuration

    entry = record_configuration(workspace, "workspace created", founder.id)
    workspace.register.index([], head=entry)  # the register is this ledger's from its first entry
    return workspace


def find_workspace(path: str | Path | None = None) -> Workspace:
    """Open the workspace named by ``path``, else ``$WORKBENCH_WORKSPACE``, else the current folder."""
    return Workspace(path or os.environ.get(ENV_VAR) or Path.cwd())
