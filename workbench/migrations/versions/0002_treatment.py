"""Risk treatment results (8.3): the tables of each risk's treatment updates and of the acceptances of
residual risks above appetite, made where a register lacks them. Their rows come from ledger entries
this version writes (``treatment-update``, ``risk-acceptance``), so an upgraded register has none to fill.

The tables are frozen here, as they were at this revision.

Revision ID: 0002_treatment
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_treatment"
down_revision = "0001"
branch_labels = None
depends_on = None

metadata = sa.MetaData()

sa.Table("evidence", metadata, sa.Column("run_id", sa.String(length=80), primary_key=True))  # what the keys refer to
sa.Table("risk_treatments", metadata,
    sa.Column("system_id", sa.String(length=64), nullable=False),
    sa.Column("risk_id", sa.String(length=32), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.String(length=80), nullable=False),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("option", sa.String(length=20), nullable=False),
    sa.Column("controls", sa.JSON(), nullable=False),
    sa.Column("owner", sa.String(length=64), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=False),
    sa.Column("implementation", sa.Text(), nullable=False),
    sa.Column("effectiveness_check", sa.Text(), nullable=False),
    sa.Column("effectiveness_evidence", sa.JSON(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("updated_by", sa.String(length=64), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ledger_hash", sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(["run_id"], ["evidence.run_id"]),
    sa.PrimaryKeyConstraint("system_id", "risk_id", "seq"),
)
sa.Table("risk_acceptances", metadata,
    sa.Column("run_id", sa.String(length=80), nullable=False),
    sa.Column("risk_id", sa.String(length=32), nullable=False),
    sa.Column("system_id", sa.String(length=64), nullable=False),
    sa.Column("residual_score", sa.Integer(), nullable=False),
    sa.Column("residual_band", sa.String(length=40), nullable=False),
    sa.Column("person", sa.String(length=64), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ledger_hash", sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(["run_id"], ["evidence.run_id"]),
    sa.PrimaryKeyConstraint("run_id", "risk_id"),
)
sa.Index("ix_risk_acceptances_system_id", metadata.tables["risk_acceptances"].c.system_id, unique=False)


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind, tables=[metadata.tables["risk_treatments"], metadata.tables["risk_acceptances"]],
                        checkfirst=True)  # a register made before schema versions by this version has them
