"""Who is acting: an explicit person id, else ``JUPYTERHUB_USER``, else the operating-system user,
always checked against the people in the configuration."""

from __future__ import annotations

from workbench.config import Person
from workbench.exceptions import InputError
from workbench.pipeline.request import current_user
from workbench.validate import require_slug
from workbench.workspace import Workspace


def acting_person(workspace: Workspace, person: str = "", field: str = "person") -> Person:
    """Return the configured person who is acting.

    Raises
    ------
    InputError
        If the id is not a safe slug or nobody in the configuration has it.
    """
    who = require_slug(field, person or current_user())
    people = {p.id: p for p in workspace.config.people}
    if who not in people:
        raise InputError.single(field, who, f"is not a person in the configuration; allowed: {', '.join(people)}")
    return people[who]
