"""Who is acting: the person whose key signs, among the keys this process holds (its key ring, see
:mod:`workbench.signing`), checked against the keys the configuration in force pins.

A person id (``--as``, ``--assessor``) or ``JUPYTERHUB_USER`` only chooses among the keys held;
naming someone whose key you do not hold is refused, so nobody acts under another's name.
"""

from __future__ import annotations

import base64
import os

from workbench.exceptions import InputError
from workbench.signing import DEFAULT_KEYS, KEY_VAR, Signer, key_ring, load_key, public_key_line
from workbench.validate import require_slug

HUB_USER = "JUPYTERHUB_USER"


def acting_person(workspace, person: str = "", field: str = "person", config=None, role: str = "") -> Signer:
    """Return the configured person who acts, with the key that proves it.

    Parameters
    ----------
    workspace : Workspace or None
        Whose configuration in force pins the keys (``None`` with ``config``: a workspace being made).
    person : str
        Which person acts, among those whose keys are held (default: ``JUPYTERHUB_USER``, else
        the only one whose key is held).
    field : str
        The field named in errors (``assessor``, ``person``, ...).
    config : Configuration, optional
        The configuration whose pinned keys count (default: the workspace's configuration in force).
    role : str
        Without ``person``, when several people's keys are held: the one who holds this role.

    Raises
    ------
    InputError
        The person is unknown, or no key held is pinned for them.
    """
    recorded = workspace.recorded_configuration if workspace is not None else None
    if config is None and recorded is None:
        raise InputError.single("configuration", str(workspace.root / "workbench.yaml"),
                                "is not recorded in the ledger yet (the workspace was made by an earlier version): "
                                "an AIMS manager records it first with 'workbench config record -m WHY'")
    config = config or workspace.config
    people = {p.id: p for p in config.people}
    held = _held(workspace, config)
    wanted = person or os.environ.get(HUB_USER, "")
    if wanted:
        require_slug(field, wanted)
        if wanted not in people:
            raise InputError.single(field, wanted, f"is not a person in the configuration; allowed: {', '.join(people)}")
        if wanted not in held:
            raise InputError.single(field, wanted, f"who acts is who signs, and no key you hold is pinned for {wanted}; "
                                    + _holding(held))
    else:
        candidates = list(held) if len(held) == 1 else [pid for pid in held if not role or role in people[pid].roles]
        if len(candidates) != 1:
            raise InputError.single(field, "", ("say which person acts; " if candidates else "") + _holding(held))
        wanted = candidates[0]
    path, key = held[wanted]
    return Signer(people[wanted], key, path, config, recorded[1] if recorded else "")


def signing_people(workspace, role: str = "") -> list:
    """The people of the configuration in force whose keys this process holds (with ``role``, if given):
    whom a form may offer as the one who acts, the likely one (``JUPYTERHUB_USER``) first."""
    config = workspace.config
    held = _held(workspace, config)
    hub = os.environ.get(HUB_USER, "")
    found = [p for p in config.people if p.id in held and (not role or role in p.roles)]
    return sorted(found, key=lambda p: p.id != hub)


def _held(workspace, config) -> dict:
    """The people of ``config`` whose keys the key ring holds: ``{person id: (path, key)}``."""
    pinned = {base64.b64decode(line.split()[1]): p.id for p in config.people for line in p.keys}
    held = {}
    for path in key_ring():
        if workspace is not None and path.resolve().is_relative_to(workspace.root):
            raise InputError.single("signing_key", str(path), "is inside the workspace: keep private keys outside "
                                    "it, where only their owner can read them")
        key = load_key(path)
        owner = pinned.get(base64.b64decode(public_key_line(key).split()[1]))
        if owner:
            held.setdefault(owner, (path, key))
    return held


def _holding(held: dict) -> str:
    if held:
        return "your keys are pinned for: " + ", ".join(f"{pid} ({path})" for pid, (path, _key) in held.items())
    where = os.environ.get(KEY_VAR) or " or ".join(DEFAULT_KEYS)
    return (f"you hold no key the configuration pins (looked in {where}): make one with 'workbench key new' "
            "and ask an AIMS manager to pin its public key for you ('workbench config record')")

