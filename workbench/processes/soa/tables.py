"""The register tables of the soa."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class SoAControlRow(Base):
    __tablename__ = "soa_controls"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    control_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    included: Mapped[bool] = mapped_column(Boolean)
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(30))
    risks: Mapped[list] = mapped_column(JSON)
    evidence: Mapped[list] = mapped_column(JSON)
