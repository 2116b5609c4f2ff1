"""The register tables of incidents and concerns, each row from one ledger entry, and one row per
incident report run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.register import Base


class IncidentRow(Base):
    """An incident of an AI system, as first recorded (ledger kind ``incident``)."""

    __tablename__ = "incidents"
    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(64))  # the ledger hash of the event that makes reviews due
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentUpdateRow(Base):
    """One entry of an incident's timeline: the whole state after it (``incident``, ``incident-update``)."""

    __tablename__ = "incident_updates"
    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[dict] = mapped_column(JSON)
    changed: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class ConcernRow(Base):
    """A concern about an AI system (ledger kind ``concern``); ``raised_by`` is ``anonymous`` for an anonymous one."""

    __tablename__ = "concerns"
    concern_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    raised_by: Mapped[str] = mapped_column(String(64))
    identity_visible_to: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ledger_hash: Mapped[str] = mapped_column(String(64))


class ConcernRevealRow(Base):
    """An AIMS manager opened an anonymous concern's sealed identity (ledger kind ``concern-reveal``)."""

    __tablename__ = "concern_reveals"
    ledger_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    concern_id: Mapped[str] = mapped_column(String(64), index=True)
    person: Mapped[str] = mapped_column(String(64))
    revealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentReportRow(Base):
    """One incident report run: the timeline it archived and where the authority report stood."""

    __tablename__ = "incident_reports"
    run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    timeline_entries: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(64))
    serious: Mapped[bool] = mapped_column(Boolean)
    authority_report: Mapped[str] = mapped_column(String(20))
    nonconformity: Mapped[str] = mapped_column(String(64))
