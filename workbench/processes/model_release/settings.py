"""The ``model_release`` section of ``workbench.yaml``: who approves a model version's release and how long
its event logs are kept at least, each a setting with its default."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workbench.config import ROLES
from workbench.validate import Strict

SECTION = "model_release"


class ReleaseSettings(Strict):
    """Who approves a release, and the shortest retention of an event log that is not flagged."""

    approval_role: Literal[ROLES] = Field(  # type: ignore[valid-type]
        default="approver", description="the role whose sign-off approves a model version's release (besides the "
                                         "reviewer or approver role every sign-off needs)")
    min_log_retention_months: int = Field(
        default=6, ge=0, le=1200, description="event logs kept for fewer months are flagged (EU AI Act Art. 19 and "
                                              "26(6): at least six months)")
