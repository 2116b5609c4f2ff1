"""The register table of the fundamental rights impact assessments."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class FundamentalRightsRow(Base):
    """One FRIA: the impact assessment it builds on, whether it is owed, and whether the authority was notified."""

    __tablename__ = "fundamental_rights_assessments"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    impact_assessment: Mapped[str] = mapped_column(String(80))
    owed: Mapped[bool] = mapped_column(Boolean)
    risks: Mapped[int] = mapped_column(Integer)
    notified: Mapped[bool] = mapped_column(Boolean)
    missing_groups: Mapped[int] = mapped_column(Integer)
