"""``workbench anchor``: an RFC 3161 timestamp of the ledger head from the configured time-stamping authority.

The message imprint is the head entry's own hash: SHA-256 over the canonical JSON of the entry
without its ``hash`` key (:func:`archive.entry_hash`). Since every entry names the hash of the one
before it, a token over the head vouches for the whole ledger up to it, and for every file hash the
ledger lists. ``openssl ts -verify -digest <hash> -in <seq>.tsr -CAfile <ca.pem>`` checks one by hand.

Each token is kept twice: in the ``anchor`` ledger entry appended after the head (``token``, base64
of the DER reply), and as ``evidence/anchors/<seq>.tsr``, which :mod:`verify` checks on its own, so
that cutting the ledger back past an anchor entry is still named. Neither survives someone who can
rewrite the whole workspace: a copy kept elsewhere, checked with ``workbench verify --anchor``, does.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from rfc3161_client import (HashAlgorithm, PKIStatus, TimestampRequestBuilder, VerificationError, VerifierBuilder,
                            decode_timestamp_response)
from rfc3161_client.tsp import TimeStampResponse

from workbench.exceptions import InputError, TimestampError, WorkbenchError
from workbench.pipeline.archive import append_locked, canonical_json, entry_hash, last_entry, locked, write_atomic
from workbench.workspace import Workspace

ANCHOR_DIR = "anchors"
TOKEN_SUFFIX = ".tsr"
SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
TIMEOUT_SECONDS = 30
MAX_REPLY_BYTES = 1 << 20


@dataclass(frozen=True)
class Anchor:
    """What ``workbench anchor`` recorded: the ledger entry and where the token file is."""

    entry: dict
    token_path: Path


def anchor_head(workspace: Workspace) -> Anchor:
    """Timestamp the ledger head with the configured TSA, keep the token and append an ``anchor`` entry.

    The lock is held from reading the head to appending the entry, so the entry follows the head it covers.
    A token file left without its entry (a writer killed in between) still vouches for what it covers.

    Raises
    ------
    InputError
        The configuration has no ``anchor`` section, or the ledger is empty.
    WorkbenchError
        The head's hash does not match its content.
    TimestampError
        The TSA is unreachable, answers with an error, refuses, or its reply does not verify; nothing is written.
    """
    from workbench.pipeline.recovery import recover_locked

    anchoring = workspace.config.anchor
    if anchoring is None:
        raise InputError.single("anchor", None, "the configuration needs an anchor section (tsa_url, certificates)")
    evidence = workspace.evidence_dir
    with locked(evidence):
        recover_locked(workspace)
        head = last_entry(evidence)
        if head is None:
            raise InputError.single("ledger", "empty", "anchoring needs at least one ledger entry")
        if entry_hash(head) != head["hash"]:
            raise WorkbenchError(f"ledger seq {head['seq']}: its hash does not match its content; nothing was "
                                 "anchored; run 'workbench verify'")
        content = canonical_json({k: v for k, v in head.items() if k != "hash"})
        reply = request_timestamp(anchoring.tsa_url, content, anchoring.trusted())
        token = reply.as_bytes()
        path = evidence / ANCHOR_DIR / f"{head['seq']}{TOKEN_SUFFIX}"
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, token)
        entry = append_locked(evidence, {
            "kind": "anchor", "anchored_seq": head["seq"], "anchored_hash": head["hash"],
            "tsa_url": anchoring.tsa_url, "gen_time": reply.tst_info.gen_time.isoformat(),
            "token": base64.b64encode(token).decode(), "recorded_at": datetime.now(timezone.utc).isoformat(
                timespec="seconds")})
    return Anchor(entry, path)


def request_timestamp(url: str, message: bytes, trusted: list[x509.Certificate]) -> TimeStampResponse:
    """Ask the TSA at ``url`` for a SHA-256 timestamp of ``message``; the reply must be granted, chain to
    ``trusted``, and carry this request's imprint and nonce.

    Raises
    ------
    TimestampError
        Naming the URL and what went wrong.
    """
    request = TimestampRequestBuilder().data(message).hash_algorithm(HashAlgorithm.SHA256).build()
    post = urllib.request.Request(url, data=request.as_bytes(), method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(post, timeout=TIMEOUT_SECONDS) as answer:
            data = answer.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as err:
        raise TimestampError(url, f"answered HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise TimestampError(url, f"cannot be reached ({getattr(err, 'reason', err)})") from None
    if len(data) > MAX_REPLY_BYTES:
        raise TimestampError(url, f"answered more than {MAX_REPLY_BYTES} bytes, which is no timestamp reply")
    try:
        reply = decode_timestamp_response(data)
    except ValueError:
        raise TimestampError(url, "answered something that is not an RFC 3161 timestamp reply") from None
    if reply.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(reply.status_string) or "no reason given"
        raise TimestampError(url, f"refused the request (status {PKIStatus(reply.status).name}: {said})")
    builder = VerifierBuilder.from_request(request)
    for certificate in trusted:
        builder = builder.add_root_certificate(certificate)
    try:
        builder.build().verify_message(reply, message)
    except VerificationError as err:
        raise TimestampError(url, f"its reply does not verify against anchor.certificates and this request ({err})") \
            from None
    return reply


def read_token(data: bytes, trusted: list[x509.Certificate]) -> tuple[str, datetime]:
    """Check a kept token: a granted reply, signed by a TSA whose certificate chains to ``trusted``,
    over a SHA-256 imprint.

    Returns
    -------
    tuple of (str, datetime)
        The hash it covers (hex) and the TSA's time.

    Raises
    ------
    ValueError
        Saying why the token is not valid.
    """
    try:
        reply = decode_timestamp_response(data)
    except ValueError:
        raise ValueError("not an RFC 3161 timestamp reply") from None
    imprint = reply.tst_info.message_imprint
    if imprint.hash_algorithm != SHA256_OID:
        raise ValueError(f"its imprint is not SHA-256 ({imprint.hash_algorithm.dotted_string})")
    builder = VerifierBuilder()
    for certificate in trusted:
        builder = builder.add_root_certificate(certificate)
    try:
        builder.build().verify(reply, imprint.message)
    except VerificationError as err:
        raise ValueError(f"its signature does not verify against anchor.certificates ({err})") from None
    return imprint.message.hex(), reply.tst_info.gen_time
