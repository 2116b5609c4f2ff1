"""The register tables of the risk assessment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
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


class RiskTreatmentRow(Base):
    """One update of a risk's treatment (ledger kind ``treatment-update``): the whole state after it.

    A treatment is tracked per risk of an AI system (``system_id``, ``risk_id``) across the system's
    risk assessments; ``run_id`` is the assessment the update was made against.
    """

    __tablename__ = "risk_treatments"
    system_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    risk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"))
    status: Mapped[str] = mapped_column(String(20))
    option: Mapped[str] = mapped_column(String(20))
    controls: Mapped[list] = mapped_column(JSON)
    owner: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    implementation: Mapped[str] = mapped_column(Text)
    effectiveness_check: Mapped[str] = mapped_column(Text)
    effectiveness_evidence: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class RiskAcceptanceRow(Base):
    """The acceptance of one residual risk above appetite (ledger kind ``risk-acceptance``): who, when, why,
    and the residual level accepted."""

    __tablename__ = "risk_acceptances"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    risk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    residual_score: Mapped[int] = mapped_column(Integer)
    residual_band: Mapped[str] = mapped_column(String(40))
    person: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))
