"""The register table of the explainability assessment: one row per run about a model version."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class ExplainabilityRow(Base):
    """One explainability assessment of one model version."""

    __tablename__ = "explainability"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    top_feature: Mapped[str] = mapped_column(String(100))
    proxies: Mapped[int] = mapped_column(Integer)
    source_sha256: Mapped[str] = mapped_column(String(64))
