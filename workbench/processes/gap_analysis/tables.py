"""The register tables of the gap analysis."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class GapActionRow(Base):
    """A planned action of a gap analysis's implementation plan."""

    __tablename__ = "gap_actions"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
