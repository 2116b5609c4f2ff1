"""The register tables of supplier management: every version of every supplier, every version of
each system's customer obligations, and one row per supplier assessment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class SupplierRow(Base):
    """One version of one supplier of an AI system (ledger kind ``supplier``)."""

    __tablename__ = "suppliers"
    system_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    supplies: Mapped[list] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    contract: Mapped[str] = mapped_column(Text)
    contract_ends: Mapped[date | None] = mapped_column(Date)
    responsibilities: Mapped[list] = mapped_column(JSON)
    obligations: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CustomerObligationsRow(Base):
    """One version of one system's customer record (ledger kind ``customer-obligations``)."""

    __tablename__ = "customer_obligations"
    system_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_facing: Mapped[bool] = mapped_column(Boolean)
    customers: Mapped[str] = mapped_column(Text)
    obligations: Mapped[list] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SupplierAssessmentRow(Base):
    """One assessment of one supplier."""

    __tablename__ = "supplier_assessments"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    supplier_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(10))
    conclusion: Mapped[str] = mapped_column(String(30))
    concerns: Mapped[list] = mapped_column(JSON)
