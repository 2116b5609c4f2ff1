"""The register table of the vendor questionnaire: one row per questionnaire about a supplier."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class VendorQuestionnaireRow(Base):
    __tablename__ = "vendor_questionnaires"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    verdict: Mapped[str] = mapped_column(String(30))
    mean_rating: Mapped[float] = mapped_column(Float)
    concerns: Mapped[list] = mapped_column(JSON)
    next_review: Mapped[date] = mapped_column(Date)
