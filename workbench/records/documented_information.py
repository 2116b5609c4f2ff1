"""The register of documented information (ISO/IEC 42001 7.5) and the competence records (7.2).

The standard's required documented information is derived from the content pack (every clause
marked ``documented_information``) and named, where the standard names it, as the items a
certification body asks for. Each entry has an owner, a version, a location and review dates.
A location is either an archived evidence id, which must resolve in the register, or a file
inside the workspace, whose SHA-256 is recorded and checked again. Entries are never edited:
a change is a new version, appended to the register and to the hash-chained ledger.

Flags: a required item with no entry is *missing*; an entry whose next review date has passed
is *overdue* (due on the day itself is not yet overdue); a location that no longer resolves or
whose file changed is flagged too, and so is a competence record past its expiry date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator, model_validator

from workbench.pipeline.archive import append_locked, locked, sha256_file
from workbench.exceptions import InputError
from workbench.records.acts import Act
from workbench.validate import Slug, Strict, check_not_after, check_planned, known_person, load_data, model_from

# Items the standard names, each with the clause that requires it (titles paraphrased).
NAMED = (
    ("aims-scope", "Scope of the AI management system", "4.3"),
    ("ai-policy", "AI policy", "5.2"),
    ("risk-criteria", "AI risk criteria and actions on risks and opportunities", "6.1.1"),
    ("soa", "Statement of Applicability and risk treatment plan", "6.1.3"),
    ("ai-objectives", "AI objectives and plans to reach them", "6.2"),
    ("competence-records", "Evidence of competence", "7.2"),
    ("risk-assessment-results", "Results of AI risk assessments", "8.2"),
    ("risk-treatment-results", "Results of AI risk treatment", "8.3"),
    ("impact-assessment-results", "Results of AI system impact assessments", "8.4"),
    ("monitoring-results", "Monitoring and measurement results", "9.1"),
    ("audit-programme", "Internal audit programme and audit results", "9.2.2"),
    ("management-review-results", "Results of management reviews", "9.3.3"),
    ("nonconformities", "Nonconformities, actions taken and corrective-action results", "10.2"),
)
ACTS = {"documented-information": Act("recorded_by", (), "recording documented information"),
        "competence": Act("recorded_by", (), "recording a competence")}  # any person of the configuration
KINDS = ("missing", "overdue", "unresolved", "changed", "expired")


@dataclass(frozen=True)
class Requirement:
    """One piece of documented information the standard requires."""

    key: str
    title: str
    clause: str


@dataclass(frozen=True)
class Flag:
    """Something wrong with the register: a missing item, an overdue review, a broken location."""

    kind: str
    key: str
    title: str
    clause: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def required_items(content) -> list[Requirement]:
    """The documented information the standard requires: the named items, then one item for every
    other clause the content pack marks as requiring documented information."""
    items = [Requirement(key, title, clause) for key, title, clause in NAMED]
    named = {clause for _, _, clause in NAMED}
    clauses = {c.id: c for c in content.clauses}
    for clause in content.clauses:
        if clause.documented_information and clause.id not in named:
            items.append(Requirement(f"clause-{clause.id.replace('.', '-')}", clauses[clause.id].title, clause.id))
    return sorted(items, key=lambda r: _clause_order(r.clause))


def _clause_order(clause: str) -> tuple[int, ...]:
    return tuple(int(part) for part in clause.split("."))


class DocumentEntry(Strict):
    """One entry of the register of documented information, as a person records it."""

    id: Slug = Field(description="a safe slug naming the document, e.g. ai-policy")
    title: str = Field(min_length=1, max_length=200)
    requirement: str = Field(default="", max_length=64,
                             description="the required item it satisfies (see 'workbench docs required'); "
                                         "empty for documented information the organisation adds")
    owner: str = Field(min_length=1, max_length=64, description="person id of the owner")
    version: str = Field(min_length=1, max_length=40)
    location: str = Field(min_length=1, max_length=1000,
                          description="an archived evidence id, or a file path inside the workspace")
    last_review: date
    next_review: date

    _owner = field_validator("owner")(known_person)

    @field_validator("requirement")
    @classmethod
    def _known_requirement(cls, value: str, info: ValidationInfo) -> str:
        content = (info.context or {}).get("content")
        if value and content is not None:
            keys = [r.key for r in required_items(content)]
            if value not in keys:
                raise ValueError(f"unknown required item; allowed: {', '.join(keys)}")
        return value

    @model_validator(mode="after")
    def _review_order(self) -> "DocumentEntry":
        if self.next_review <= self.last_review:
            raise ValueError(f"next_review {self.next_review} must come after last_review {self.last_review}")
        return self


class CompetenceRecord(Strict):
    """Evidence that a person is competent for an AIMS role."""

    person: str = Field(min_length=1, max_length=64, description="person id")
    role: str = Field(min_length=1, max_length=64, description="the AIMS role, e.g. auditor")
    competence: str = Field(min_length=1, max_length=2000, description="the competence the role requires")
    evidence: str = Field(min_length=1, max_length=1000,
                          description="an archived evidence id, or a file path inside the workspace")
    expires: date | None = Field(default=None, description="when the evidence stops counting, if ever")

    _person = field_validator("person")(known_person)


def locate(workspace, field: str, location: str) -> str | None:
    """Check a location and return the SHA-256 to record: ``None`` for an archived evidence id,
    the file's hash for a file inside the workspace. Anything else is an ``InputError``."""
    if workspace.register.rows("evidence", run_id=location):
        from workbench.records.citations import resolve

        resolve(workspace, field, location)
        return None
    if "/" not in location and "." not in location:
        raise InputError.single(field, location, "is neither an archived evidence id nor a file in the workspace")
    path = workspace.inside(workspace.root / location)
    if not path.is_file():
        raise InputError.single(field, location, "no such file in the workspace, and not an archived evidence id")
    return sha256_file(path)


def document_entry(workspace, data: dict, prefix: str = "") -> DocumentEntry:
    """Validate one entry: its fields, a last review done by today, and a next review within the planning
    horizon of the last (a later one would keep the review reminder silent); ``prefix`` names it in a file."""
    entry = model_from(DocumentEntry, data, workspace.validation_context(),
                       what=prefix.rstrip(".") or "documented information")
    check_not_after(f"{prefix}last_review", entry.last_review, date.today(),
                    "is in the future; a review is recorded once it was done, by today")
    check_planned(f"{prefix}next_review", entry.next_review, entry.last_review)
    return entry


def add_document(workspace, data: dict, recorded_by: str = "") -> dict:
    """Validate one entry and append it as a new version (the first, or the next); return the row."""
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    entry = document_entry(workspace, data)
    digest = locate(workspace, "location", entry.location)
    signer = acting_person(workspace, recorded_by, "recorded_by")
    by = signer.id
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        versions = workspace.register.rows("documented_information", doc_id=entry.id)
        seq = 1 + max((r["seq"] for r in versions), default=0)
        ledger = append_locked(workspace.evidence_dir, {
            "kind": "documented-information", **entry.model_dump(mode="json", exclude={"id"}), "doc_id": entry.id,
            "doc_seq": seq, "location_sha256": digest, "recorded_by": by,
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, ledger)
    return workspace.register.rows("documented_information", doc_id=entry.id, seq=seq)[0]


def import_documents(workspace, source: str | Path | dict, recorded_by: str = "") -> list[dict]:
    """Add every entry of a YAML or JSON file holding ``documents: [...]``; all are checked first."""
    data = load_data(source, field="file")
    items = data.get("documents")
    if not isinstance(items, list) or not items:
        raise InputError.single("documents", items, "must be a non-empty list of entries")
    for i, item in enumerate(items):
        entry = document_entry(workspace, item, f"documents[{i}].")
        locate(workspace, f"documents[{i}].location", entry.location)
    return [add_document(workspace, item, recorded_by) for item in items]


def add_competence(workspace, data: dict, recorded_by: str = "") -> dict:
    """Validate and record one competence record; return the row."""
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    record = model_from(CompetenceRecord, data, workspace.validation_context(), what="competence record")
    digest = locate(workspace, "evidence", record.evidence)
    signer = acting_person(workspace, recorded_by, "recorded_by")
    by = signer.id
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        taken = {r["id"] for r in workspace.register.rows("competence")}
        n = len(taken) + 1
        while f"comp-{n:04d}" in taken:
            n += 1
        ledger = append_locked(workspace.evidence_dir, {
            "kind": "competence", "id": f"comp-{n:04d}", **record.model_dump(mode="json"), "evidence_sha256": digest,
            "recorded_by": by, "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer)
        index_entry(workspace, ledger)
    return workspace.register.rows("competence", id=f"comp-{n:04d}")[0]


def documents(workspace) -> list[dict]:
    """The current version of every entry, by id."""
    latest: dict[str, dict] = {}
    for row in workspace.register.rows("documented_information"):
        if row["doc_id"] not in latest or row["seq"] > latest[row["doc_id"]]["seq"]:
            latest[row["doc_id"]] = row
    return [latest[k] for k in sorted(latest)]


def competence_records(workspace) -> list[dict]:
    """Every competence record, by id."""
    return sorted(workspace.register.rows("competence"), key=lambda r: r["id"])


def _location_flag(workspace, location: str, recorded: str | None) -> tuple[str, str] | None:
    if recorded is None:
        records = workspace.register.rows("evidence", run_id=location)
        if not records or records[0]["status"] == "failed":
            return "unresolved", f"location {location} no longer resolves to archived evidence"
        return None
    path = workspace.root / location
    if not path.is_file():
        return "unresolved", f"file {location} is missing"
    if sha256_file(path) != recorded:
        return "changed", f"file {location} changed since it was recorded (SHA-256 differs)"
    return None


def located_files(workspace) -> list[str]:
    """The workspace files the register of documented information names by location (those
    :func:`flags` hashes), relative to the workspace; what is missing or outside it is left out."""
    named = [e["location"] for e in documents(workspace) if e["location_sha256"]]
    named += [c["evidence"] for c in competence_records(workspace) if c["evidence_sha256"]]
    found = []
    for location in named:
        path = workspace.root / location
        if path.is_file() and not Path(location).is_absolute() and path.resolve().is_relative_to(workspace.root):
            found.append(location)
    return found


def reads(workspace, request) -> list[str]:
    """What a run of a process that reports documented information reads (``Process.reads``)."""
    return located_files(workspace)


def flags(workspace, today: date | None = None) -> list[Flag]:
    """Everything the register should make someone act on, required items first, by clause."""
    today = today or date.today()
    found = []
    entries = documents(workspace)
    competence = competence_records(workspace)
    covered = {e["requirement"] for e in entries if e["requirement"]}
    if competence:
        covered.add("competence-records")
    for item in required_items(workspace.content):
        if item.key not in covered:
            found.append(Flag("missing", item.key, item.title, item.clause,
                              f"required by clause {item.clause} and not in the register"))
    clauses = {r.key: r.clause for r in required_items(workspace.content)}
    for e in entries:
        clause = clauses.get(e["requirement"], "")
        if e["next_review"] < today:
            found.append(Flag("overdue", e["doc_id"], e["title"], clause,
                              f"review was due {e['next_review'].isoformat()} ({(today - e['next_review']).days} days ago)"))
        problem = _location_flag(workspace, e["location"], e["location_sha256"])
        if problem:
            found.append(Flag(problem[0], e["doc_id"], e["title"], clause, problem[1]))
    for c in competence:
        if c["expires"] is not None and c["expires"] < today:
            found.append(Flag("expired", c["id"], f"{c['person']} as {c['role']}", "7.2",
                              f"competence evidence expired {c['expires'].isoformat()}"))
        problem = _location_flag(workspace, c["evidence"], c["evidence_sha256"])
        if problem:
            found.append(Flag(problem[0], c["id"], f"{c['person']} as {c['role']}", "7.2", problem[1]))
    return sorted(found, key=lambda f: (f.kind != "missing", _clause_order(f.clause) if f.clause else (99,), f.key))


def status(workspace, today: date | None = None) -> list[dict]:
    """One row per required item and per entry: what covers it and whether it is flagged."""
    today = today or date.today()
    by_key: dict[str, list[str]] = {}
    for f in flags(workspace, today):
        by_key.setdefault(f.key, []).append(f"{f.kind}: {f.message}")
    entries = documents(workspace)
    competence = competence_records(workspace)
    rows = []
    for item in required_items(workspace.content):
        covering = [e["doc_id"] for e in entries if e["requirement"] == item.key]
        if item.key == "competence-records" and competence:
            covering.append(f"{len(competence)} competence record(s)")
        rows.append({"key": item.key, "title": item.title, "clause": item.clause, "required": True,
                     "entries": covering, "flags": by_key.get(item.key, [])})
    for e in entries:
        rows.append({"key": e["doc_id"], "title": e["title"], "clause": "", "required": False,
                     "entries": [f"v{e['version']} ({e['owner']}) at {e['location']}, next review "
                                 f"{e['next_review'].isoformat()}"],
                     "flags": by_key.get(e["doc_id"], [])})
    return rows
