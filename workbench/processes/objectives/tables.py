"""The register tables of the AI objectives: the objectives and measures of each plan (one row each
per run), and every measurement taken or recorded (ledger kind ``measurement``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class ObjectiveRow(Base):
    """One AI objective of a plan (6.2)."""

    __tablename__ = "objectives"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    objective: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    measure_id: Mapped[str] = mapped_column(String(64))
    target: Mapped[float] = mapped_column(Float)
    due_date: Mapped[date] = mapped_column(Date)


class MeasureRow(Base):
    """One measure of a monitoring plan (9.1)."""

    __tablename__ = "measures"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(20))
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    frequency: Mapped[str] = mapped_column(String(20))
    measured_by: Mapped[str] = mapped_column(String(64))
    evaluated_by: Mapped[str] = mapped_column(String(64))


class MeasurementRow(Base):
    """One value of one measure for one period (per system, for a measure taken per system); a
    correction of the same period is the next ``seq``, and the highest counts."""

    __tablename__ = "measurements"
    measure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(130), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300))
    source_ref: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    taken_on: Mapped[date] = mapped_column(Date)
    plan_run: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
