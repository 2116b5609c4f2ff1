"""The register tables of the AI policy: one row per policy record, and every acknowledgement (ledger
kind ``policy-acknowledgement``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class PolicyRow(Base):
    """One version of the AI policy (5.2)."""

    __tablename__ = "ai_policies"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    review_date: Mapped[date] = mapped_column(Date)


class AcknowledgementRow(Base):
    """A person's acknowledgement of one approved version of the AI policy (7.3)."""

    __tablename__ = "policy_acknowledgements"
    policy_run: Mapped[str] = mapped_column(String(40), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(20))
    policy_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
