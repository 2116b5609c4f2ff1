"""The register table of model release records: one row per record of a model version."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class ModelReleaseRow(Base):
    """One release record of one model version: its verification outcome and deployment."""

    __tablename__ = "model_releases"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(50))
    criteria: Mapped[int] = mapped_column(Integer)
    unmet: Mapped[int] = mapped_column(Integer)
    verified: Mapped[bool] = mapped_column(Boolean)
    checked_by: Mapped[str] = mapped_column(String(64))
    checked_on: Mapped[date] = mapped_column(Date)
    deployed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    training_data: Mapped[list] = mapped_column(JSON)
    flags: Mapped[int] = mapped_column(Integer)
