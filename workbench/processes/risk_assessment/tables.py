"""The register tables of the risk assessment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class RiskRow(Base):
    __tablename__ = "risks"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    risk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    risk_source: Mapped[str] = mapped_column(String(20))
    inherent_score: Mapped[int] = mapped_column(Integer)
    inherent_band: Mapped[str] = mapped_column(String(40))
    residual_score: Mapped[int] = mapped_column(Integer)
    residual_band: Mapped[str] = mapped_column(String(40))
    treatment: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    above_appetite: Mapped[bool] = mapped_column(Boolean)
    controls: Mapped[list] = mapped_column(JSON)
