"""The register tables of data governance: every version of every dataset, and one row per data
quality assessment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class DatasetRow(Base):
    """One version of one dataset of an AI system (ledger kind ``dataset``)."""

    __tablename__ = "datasets"
    system_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(30))
    acquisition: Mapped[str] = mapped_column(Text)
    supplier: Mapped[str] = mapped_column(String(200))
    licence: Mapped[str] = mapped_column(Text)
    personal_data: Mapped[list] = mapped_column(JSON)
    legal_basis: Mapped[str] = mapped_column(Text)
    special_categories: Mapped[list] = mapped_column(JSON)
    retention: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    derived_from: Mapped[list] = mapped_column(JSON)
    preparation: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DataQualityRow(Base):
    """One data quality assessment of one dataset."""

    __tablename__ = "data_quality"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    dataset_version: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    figures: Mapped[int] = mapped_column(Integer)
    breaches: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
