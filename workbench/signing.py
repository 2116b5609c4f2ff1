"""Signed acts: SSH signatures (the ``SSHSIG`` format git and ``ssh-keygen -Y`` use) over ledger entries.

Who acts is who signs. A person's private key is held outside the workspace; the configuration
pins their public keys (``people[].keys``). Every act the rules depend on is a ledger entry whose
``signature`` is checked against the keys pinned for its signer, so a typed name, an environment
variable or an edited register cannot make someone else the actor. Signatures are standard
``SSHSIG`` (namespace ``aims-workbench``): ``ssh-keygen -Y verify`` checks them too.

The keys a process holds (its key ring) are the files named by ``WORKBENCH_SIGNING_KEY``
(several separated by ``:``), else ``~/.config/aims-workbench/signing_key`` and ``~/.ssh/id_ed25519``
where they exist. Only Ed25519 keys without a passphrase are read (an SSH agent is not used).
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workbench.exceptions import InputError

NAMESPACE = "aims-workbench"
KEY_VAR = "WORKBENCH_SIGNING_KEY"
DEFAULT_KEYS = ("~/.config/aims-workbench/signing_key", "~/.ssh/id_ed25519")
UNSIGNED = ("seq", "prev", "hash", "signature")  # chain fields: added after signing
_MAGIC = b"SSHSIG"
_HASH = "sha512"


def signed_message(entry: dict) -> bytes:
    """The bytes a ledger entry's signature covers: its canonical JSON without the chain fields."""
    from workbench.pipeline.archive import canonical_json

    return canonical_json({k: v for k, v in entry.items() if k not in UNSIGNED})


def public_key_line(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The OpenSSH public key line (``ssh-ed25519 AAAA...``) of a key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def fingerprint(line: str) -> str:
    """The key's fingerprint as ``ssh-keygen -l`` prints it (``SHA256:...``)."""
    blob = base64.b64decode(line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_public_key(line: str) -> Ed25519PublicKey:
    """Parse an OpenSSH public key line; ``ValueError`` says what is allowed."""
    try:
        key = serialization.load_ssh_public_key(line.strip().encode())
    except (ValueError, IndexError, TypeError, AttributeError):
        raise ValueError("must be an OpenSSH public key line such as 'ssh-ed25519 AAAAC3Nza... name'") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("must be an Ed25519 key (ssh-keygen -t ed25519); other key types are not supported")
    return key


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _read_string(data: bytes, at: int) -> tuple[bytes, int]:
    (size,) = struct.unpack(">I", data[at:at + 4])
    end = at + 4 + size
    if end > len(data):
        raise ValueError("truncated")
    return data[at + 4:end], end


def _to_sign(message: bytes) -> bytes:
    return (_MAGIC + _string(NAMESPACE.encode()) + _string(b"") + _string(_HASH.encode())
            + _string(hashlib.sha512(message).digest()))


def sign_bytes(key: Ed25519PrivateKey, message: bytes) -> str:
    """An ``SSHSIG`` signature of ``message``: the base64 between the armour lines ``ssh-keygen -Y sign`` writes."""
    blob = base64.b64decode(public_key_line(key).split()[1])
    signature = _string(b"ssh-ed25519") + _string(key.sign(_to_sign(message)))
    sshsig = (_MAGIC + struct.pack(">I", 1) + _string(blob) + _string(NAMESPACE.encode()) + _string(b"")
              + _string(_HASH.encode()) + _string(signature))
    return base64.b64encode(sshsig).decode()


def armoured(sshsig: str) -> str:
    """The signature as the file ``ssh-keygen -Y sign`` writes (for ``ssh-keygen -Y verify -s``)."""
    lines = [sshsig[i:i + 70] for i in range(0, len(sshsig), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


def check_bytes(sshsig: str, message: bytes, pinned: list[str]) -> str | None:
    """``None`` if ``sshsig`` signs ``message`` with one of the ``pinned`` key lines, else what is wrong."""
    try:
        data = base64.b64decode(sshsig.replace("\n", ""), validate=True)
        if not data.startswith(_MAGIC) or struct.unpack(">I", data[6:10])[0] != 1:
            return "not an SSHSIG signature"
        blob, at = _read_string(data, 10)
        namespace, at = _read_string(data, at)
        _reserved, at = _read_string(data, at)
        hash_alg, at = _read_string(data, at)
        signature, at = _read_string(data, at)
        kind, inner = _read_string(signature, 0)
        raw, _ = _read_string(signature, inner)
    except (ValueError, struct.error, TypeError):
        return "not an SSHSIG signature"
    if namespace.decode(errors="replace") != NAMESPACE:
        return f"signed for namespace {namespace.decode(errors='replace')!r}, not {NAMESPACE!r}"
    if hash_alg != _HASH.encode() or kind != b"ssh-ed25519":
        return "not an Ed25519 SHA-512 signature"
    blobs = {base64.b64decode(line.split()[1]): line for line in pinned}
    if blob not in blobs:
        return "made with a key that is not pinned for the signer"
    try:
        parse_public_key(blobs[blob]).verify(raw, _to_sign(message))
    except InvalidSignature:
        return "does not match the content (changed after signing)"
    return None


def new_key(path: Path) -> str:
    """Write a new Ed25519 private key (OpenSSH format, readable only by its owner); return its public line."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    line = public_key_line(key)
    path.with_name(path.name + ".pub").write_text(line + "\n", encoding="utf-8")
    return line


def key_ring() -> list[Path]:
    """The private key files this process holds (see the module docstring)."""
    named = os.environ.get(KEY_VAR, "")
    if named:
        return [Path(p).expanduser() for p in named.split(os.pathsep) if p]
    return [p for p in (Path(d).expanduser() for d in DEFAULT_KEYS) if p.is_file()]


@contextmanager
def holding(paths: list[Path]) -> Iterator[None]:
    """Use these key files as the key ring for the duration (the demo acts as each of its people)."""
    before = os.environ.get(KEY_VAR)
    os.environ[KEY_VAR] = os.pathsep.join(str(Path(p).resolve()) for p in paths)  # kernels run elsewhere
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(KEY_VAR, None)
        else:
            os.environ[KEY_VAR] = before


def load_key(path: Path) -> Ed25519PrivateKey:
    """Read a private key file; ``InputError`` names the file and what is wrong."""
    try:
        return _load_key(str(path), path.stat().st_mtime_ns)
    except OSError as err:
        raise InputError.single("signing_key", str(path), f"cannot be read ({err.strerror})") from None


@lru_cache(maxsize=32)
def _load_key(path: str, _mtime: int) -> Ed25519PrivateKey:
    data = Path(path).read_bytes()
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except TypeError:
        raise InputError.single("signing_key", path, "is protected by a passphrase; the workbench reads only keys "
                                "without one (keep it where only you can read it)") from None
    except ValueError:
        raise InputError.single("signing_key", path, "is not an OpenSSH private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError.single("signing_key", path, "is not an Ed25519 key; make one with 'workbench key new'")
    return key


@dataclass(frozen=True)
class Signer:
    """A configured person together with the private key that proves it is them.

    ``config`` is the recorded configuration the signer was checked against, ``configuration``
    its SHA-256; every entry they sign names it.
    """

    person: Any  # workbench.config.Person (the configuration imports this module)
    key: Ed25519PrivateKey
    path: Path
    config: Any  # workbench.config.Configuration
    configuration: str

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def roles(self) -> list[str]:
        return list(self.person.roles)

    @property
    def public(self) -> str:
        return public_key_line(self.key)

    def trusts(self, entry: dict) -> bool:
        """Whether ``entry`` is signed by someone the signer's configuration pins (recovery completes only those)."""
        return entry_problem(entry, self.config) is None

    def sign(self, entry: dict) -> dict:
        """``entry`` with the configuration it was made under and the signer's ``signature`` added."""
        entry = {**{k: v for k, v in entry.items() if k not in UNSIGNED}, "configuration": self.configuration}
        return {**entry, "signature": {"by": self.id, "key": fingerprint(self.public),
                                       "sshsig": sign_bytes(self.key, signed_message(entry))}}


def entry_problem(entry: dict, config) -> str | None:
    """``None`` if ``entry`` carries a valid signature by a person of ``config`` with a key pinned for them."""
    signature = entry.get("signature")
    if not isinstance(signature, dict) or not isinstance(signature.get("sshsig"), str):
        return "is not signed"
    people = {p.id: p for p in config.people}
    by = signature.get("by")
    if by not in people:
        return f"is signed by {by!r}, who is not a person in the configuration in force"
    problem = check_bytes(signature["sshsig"], signed_message(entry), list(people[by].keys))
    return f"signature by {by} {problem}" if problem else None
