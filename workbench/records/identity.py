"""Who is acting: the person whose key signs, among the keys this process holds (its key ring, see
:mod:`workbench.signing`), checked against the keys the configuration in force pins.

A person id (``--as``, ``--assessor``) only chooses among the keys held; naming someone whose key
you do not hold is refused, so nobody acts under another's name.

Under JupyterHub the hub's signed-in user is who acts: the hub's spawner sets ``JUPYTERHUB_USER`` in
their single-user server and its kernels, and that user is the person of the configuration whose
``hub_user`` (else whose id) it is (:func:`hub_person`). A hub user who is no person is refused, and
naming another person is refused however the keys stand; the key must still be held, so the hub's
word alone signs nothing.
"""

from __future__ import annotations

import base64
import os

from workbench.exceptions import InputError, NotYoursError
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
        Which person acts, among those whose keys are held (default: the only one whose key is held).
        Under JupyterHub the hub's user acts (:func:`hub_person`): ``person`` may only name them.
    field : str
        The field named in errors (``assessor``, ``person``, ...).
    config : Configuration, optional
        The configuration whose pinned keys count (default: the workspace's configuration in force).
    role : str
        Without ``person``, when several people's keys are held: the one who holds this role.

    Raises
    ------
    InputError
        The person is unknown, or no key held is pinned for them; :class:`~workbench.exceptions.NotYoursError`
        under JupyterHub when the hub user is no person or ``person`` names someone else.
    """
    recorded = workspace.recorded_configuration if workspace is not None else None
    if config is None and recorded is None:
        raise InputError.single("configuration", str(workspace.root / "workbench.yaml"),
                                "is not recorded in the ledger yet (the workspace was made by an earlier version): "
                                "an AIMS manager records it first with 'workbench config record -m WHY'")
    config = config or workspace.config
    people = {p.id: p for p in config.people}
    hub = os.environ.get(HUB_USER, "")
    wanted = person
    if hub:
        wanted = hub_person(config, hub).id
        if person and person != wanted:
            raise NotYoursError.single(field, person, f"you are signed in to JupyterHub as {hub}, who is {wanted}: "
                                       f"you act as {wanted} only, never as someone else")
    held = _held(workspace, config)
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


def hub_person(config, hub_user: str):
    """The person of ``config`` the JupyterHub user ``hub_user`` is: the one whose ``hub_user`` it is,
    else the one whose id it is and who names no other hub user.

    Raises
    ------
    NotYoursError
        No person is this hub user.
    """
    for person in config.people:
        if (person.hub_user or person.id) == hub_user:
            return person
    raise NotYoursError.single("hub_user", hub_user, "is signed in to JupyterHub but is no person of the "
                               "configuration in force: an AIMS manager adds them to people (their id, or hub_user "
                               "when the hub name differs) and records it with 'workbench config record'")


def signing_people(workspace, role: str = "") -> list:
    """The people of the configuration in force whose keys this process holds (with ``role``, if given):
    whom a form may offer as the one who acts. Under JupyterHub only the hub's user, if their key is held
    (an unknown hub user is refused, see :func:`hub_person`)."""
    config = workspace.config
    held = _held(workspace, config)
    hub = os.environ.get(HUB_USER, "")
    only = hub_person(config, hub).id if hub else None
    return [p for p in config.people if p.id in held and (not role or role in p.roles) and only in (None, p.id)]


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

