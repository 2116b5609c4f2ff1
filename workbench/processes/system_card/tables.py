"""The register table of the system cards."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class SystemCardRow(Base):
    """One system card: its version, how many of its inputs are stale, and the fields it publishes."""

    __tablename__ = "system_cards"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    stale_inputs: Mapped[int] = mapped_column(Integer)
    public_fields: Mapped[list] = mapped_column(JSON)
