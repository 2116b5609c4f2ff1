"""The register tables of the internal audit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, Text, DateTime
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class AuditRow(Base):
    __tablename__ = "audits"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[str] = mapped_column(Text)
    clauses: Mapped[list] = mapped_column(JSON)
    controls: Mapped[list] = mapped_column(JSON)
    systems: Mapped[list] = mapped_column(JSON)
    criteria: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    auditors: Mapped[list] = mapped_column(JSON)
    planned_by: Mapped[str] = mapped_column(String(64))
    planned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
