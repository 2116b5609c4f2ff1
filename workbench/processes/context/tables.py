"""The register tables of the context of the organisation: its issues, the requirements of its
interested parties, and the AI systems the AIMS scope decides on, one row each per run."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class ContextIssueRow(Base):
    """An internal or external issue relevant to AI (4.1) and its effect on the AIMS."""

    __tablename__ = "context_issues"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    issue_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    effect: Mapped[str] = mapped_column(Text)
    addressed_by: Mapped[list] = mapped_column(JSON)


class PartyRequirementRow(Base):
    """A requirement of an interested party (4.2), and whether and how the AIMS addresses it."""

    __tablename__ = "context_requirements"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    requirement_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[str] = mapped_column(String(64))
    party: Mapped[str] = mapped_column(String(200))
    requirement: Mapped[str] = mapped_column(Text)
    addressed: Mapped[bool] = mapped_column(Boolean)
    how: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    addressed_by: Mapped[list] = mapped_column(JSON)


class ScopedSystemRow(Base):
    """An AI system the AIMS scope (4.3) puts in or out, with the organisation's AI roles for it."""

    __tablename__ = "context_scope"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    ai_system_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64))
    in_scope: Mapped[bool] = mapped_column(Boolean)
    roles: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
