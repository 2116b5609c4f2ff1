"""Concerns about AI systems (ISO/IEC 42001 A.3.3): anyone whose key the configuration pins raises one,
from JupyterLab, Voila or the CLI, in their own name or anonymously.

An anonymous concern names nobody. Its ledger entry holds the text, a salted commitment to the
reporter (SHA-256 of a random salt and their person id) and, for each key the configuration pins
for an AIMS manager, a sealed box (X25519, libsodium's ``crypto_box_seal``, to the Ed25519 key
converted) holding the reporter's signed statement "I raised this concern" with the salt. Only
an AIMS manager's private key opens it: nobody else can learn who raised it from the ledger, the
register, the evidence or an export, and the commitment stops a box being swapped later. The entry
itself is not signed by a person (a signature would name the reporter); ``verify`` accepts that
only for an anonymous concern with its commitment and boxes. Each reveal is a signed
``concern-reveal`` entry: who looked, when, not what they saw.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime, timezone

from workbench.exceptions import InputError, UnknownRecordError
from workbench.validate import require_plain_text

KIND = "concern"
REVEAL_KIND = "concern-reveal"
ANONYMOUS = "anonymous"
MANAGER = "aims_manager"
STATEMENT = "concern-reporter"


def _curve_public(line: str) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519

    from workbench.signing import parse_public_key

    raw = parse_public_key(line).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return crypto_sign_ed25519_pk_to_curve25519(raw)


def _curve_private(key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from nacl.bindings import crypto_sign_ed25519_sk_to_curve25519

    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return crypto_sign_ed25519_sk_to_curve25519(seed + public)


def commitment(salt: str, person_id: str) -> str:
    """The salted commitment to a reporter that an anonymous concern's entry carries."""
    return hashlib.sha256(bytes.fromhex(salt) + person_id.encode()).hexdigest()


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def raise_concern(workspace, system_id: str, text: str, anonymous: bool = False, person: str = "") -> dict:
    """Record a concern about system ``system_id`` raised by ``person`` (whose key is held); anonymous,
    their identity is sealed for the AIMS managers alone. Return the concern's register row."""
    from nacl.public import PublicKey, SealedBox

    from workbench.pipeline.archive import append_locked, locked
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person
    from workbench.signing import fingerprint

    workspace.register.system(system_id)
    if not isinstance(text, str) or not text.strip() or len(text) > 10000:
        raise InputError.single("text", text if isinstance(text, str) else repr(text),
                                "must say what the concern is, in 1 to 10000 characters")
    text = require_plain_text("text", text.strip())
    signer = acting_person(workspace, person, "raised_by")
    managers = [(p.id, line) for p in workspace.config.people_with(MANAGER) for line in p.keys]
    if anonymous and not managers:
        raise InputError.single("anonymous", True, "no AIMS manager has a key pinned in the configuration to seal "
                                "the reporter's identity for: raise it in your own name, or ask for one to be pinned")
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        concern_id = _next_id(workspace)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        facts = {"kind": KIND, "concern_id": concern_id, "system_id": system_id, "text": text,
                 "anonymous": anonymous, "raised_at": now}
        if not anonymous:
            entry = append_locked(workspace.evidence_dir, {**facts, "raised_by": signer.id}, signer)
        else:
            salt = os.urandom(32).hex()
            statement = signer.sign({"kind": STATEMENT, "concern_id": concern_id, "system_id": system_id,
                                     "text_sha256": _text_digest(text), "raised_at": now, "salt": salt})
            plain = json.dumps(statement, sort_keys=True).encode()
            sealed: dict[str, dict[str, str]] = {}
            for manager, line in managers:
                box = SealedBox(PublicKey(_curve_public(line))).encrypt(plain)
                sealed.setdefault(manager, {})[fingerprint(line)] = base64.b64encode(box).decode()
            entry = append_locked(workspace.evidence_dir, {
                **facts, "raised_by": ANONYMOUS, "reporter_commitment": commitment(salt, signer.id),
                "identity_visible_to": {"role": MANAGER, "people": sorted(sealed)}, "sealed_reporter": sealed})
        index_entry(workspace, entry)
    return concern(workspace, concern_id)


def _next_id(workspace) -> str:
    from workbench.pipeline.archive import ledger_entries

    taken = {r["concern_id"] for r in workspace.register.rows("concerns")}
    taken |= {e["concern_id"] for e in ledger_entries(workspace.evidence_dir) if e.get("kind") == KIND}
    n = len(taken) + 1
    while f"con-{n:04d}" in taken:
        n += 1
    return f"con-{n:04d}"


def concern_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``concern`` entry: never who raised an anonymous one."""
    visible = entry.get("identity_visible_to") or {}
    return {"concerns": [{"concern_id": entry["concern_id"], "system_id": entry["system_id"], "text": entry["text"],
                          "anonymous": entry["anonymous"], "raised_by": entry["raised_by"],
                          "identity_visible_to": ", ".join(visible.get("people", [])),
                          "raised_at": entry["raised_at"], "ledger_hash": entry["hash"]}]}


def reveal_rows(entry: dict) -> dict[str, list[dict]]:
    """The register row of a ``concern-reveal`` entry: who saw an anonymous reporter's identity, when."""
    return {"concern_reveals": [{"concern_id": entry["concern_id"], "person": entry["person"],
                                 "revealed_at": entry["recorded_at"], "ledger_hash": entry["hash"]}]}


def concern(workspace, concern_id: str) -> dict:
    """One concern's register row; ``UnknownRecordError`` naming the known ones."""
    rows = workspace.register.rows("concerns", concern_id=concern_id)
    if not rows:
        known = ", ".join(sorted(r["concern_id"] for r in workspace.register.rows("concerns"))[-20:]) or "none yet"
        raise UnknownRecordError.single("concern", concern_id, f"is not a concern id; known: {known}")
    return rows[0]


def concerns(workspace, system_id: str | None = None) -> list[dict]:
    """Every concern (of one system, or all), oldest first, with the incident each led to."""
    led = {}
    for row in workspace.register.rows("incident_updates", seq=1):
        if row["state"].get("concern"):
            led.setdefault(row["state"]["concern"], row["incident_id"])
    rows = workspace.register.rows("concerns", **({"system_id": system_id} if system_id else {}))
    return [{**r, "incident": led.get(r["concern_id"], "")} for r in sorted(rows, key=lambda r: r["concern_id"])]


def reveal(workspace, concern_id: str, person: str = "") -> dict:
    """Who raised an anonymous concern, for an AIMS manager alone: their key opens the sealed box, the
    reporter's signature and the commitment are checked, and the reveal is recorded (who looked, when).

    Raises
    ------
    InputError
        The acting person is not an AIMS manager, or the identity was not sealed to their key, or the
        sealed statement does not match the ledger's commitment.
    """
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox

    from workbench.pipeline.archive import append_locked, ledger_entries, locked
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person
    from workbench.signing import entry_problem, fingerprint

    row = concern(workspace, concern_id)
    if not row["anonymous"]:
        return {"concern_id": concern_id, "reporter": row["raised_by"], "anonymous": False}
    signer = acting_person(workspace, person, "person", role=MANAGER)
    if MANAGER not in signer.roles:
        raise InputError.single("person", signer.id, "may not see who raised an anonymous concern: only an AIMS "
                                f"manager (role {MANAGER}) may; {concern_id} is sealed for: "
                                f"{row['identity_visible_to'] or 'nobody'}")
    entry = next(e for e in ledger_entries(workspace.evidence_dir)
                 if e.get("kind") == KIND and e.get("concern_id") == concern_id)
    box = entry["sealed_reporter"].get(signer.id, {}).get(fingerprint(signer.public))
    if box is None:
        raise InputError.single("person", signer.id, f"{concern_id} was sealed for {row['identity_visible_to']}'s "
                                "keys pinned when it was raised; yours was not among them")
    try:
        statement = json.loads(SealedBox(PrivateKey(_curve_private(signer.key))).decrypt(base64.b64decode(box)))
    except (CryptoError, ValueError) as err:
        raise InputError.single("concern", concern_id, f"its sealed identity cannot be opened: {err}") from None
    reporter = statement.get("signature", {}).get("by", "")
    expected = {"kind": STATEMENT, "concern_id": concern_id, "system_id": entry["system_id"],
                "text_sha256": _text_digest(entry["text"]), "raised_at": entry["raised_at"]}
    if ({k: statement.get(k) for k in expected} != expected
            or commitment(statement.get("salt", ""), reporter) != entry["reporter_commitment"]):
        raise InputError.single("concern", concern_id, "its sealed statement does not match the ledger's "
                                "commitment: the box was swapped or damaged")
    problem = entry_problem(statement, workspace.config)
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        index_entry(workspace, append_locked(workspace.evidence_dir, {
            "kind": REVEAL_KIND, "concern_id": concern_id, "person": signer.id,
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, signer))
    person_row = workspace.config.person(reporter) if reporter in {p.id for p in workspace.config.people} else None
    return {"concern_id": concern_id, "anonymous": True, "reporter": reporter,
            "name": person_row.name if person_row else "", "email": person_row.email if person_row else "",
            "signature": "verified" if problem is None else f"not verified with the keys pinned now: {problem}"}
