"""The register tables of the impact assessment."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class ImpactAssessmentRow(Base):
    __tablename__ = "impact_assessments"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(4))
    raw: Mapped[int] = mapped_column(Integer)
    current: Mapped[int] = mapped_column(Integer)
    max: Mapped[int] = mapped_column(Integer)
    classification: Mapped[str] = mapped_column(String(20))
    fria_required: Mapped[bool] = mapped_column(Boolean)
    fairness_breaches: Mapped[int] = mapped_column(Integer)
