"""The context of the organisation's register tables (ISO/IEC 42001 4.1 to 4.3): its issues, the
requirements of its interested parties, and the AI systems its AIMS scope decides on. A register
that has them already (made by the register itself) keeps them.

The tables are frozen here, as they were at this revision.

Revision ID: 0002_context
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_context"
down_revision = "0001"
branch_labels = None
depends_on = None


def _tables() -> dict[str, list]:
    def keys(name: str) -> list:
        return [sa.Column("run_id", sa.String(length=80), nullable=False),
                sa.Column(name, sa.String(length=64 if name == "ai_system_id" else 32), nullable=False),
                sa.Column("system_id", sa.String(length=64), nullable=False)]

    def ends(name: str) -> list:
        return [sa.ForeignKeyConstraint(["run_id"], ["evidence.run_id"]), sa.PrimaryKeyConstraint("run_id", name)]

    return {
        "context_issues": keys("issue_id") + [
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("effect", sa.Text(), nullable=False),
            sa.Column("addressed_by", sa.JSON(), nullable=False)] + ends("issue_id"),
        "context_requirements": keys("requirement_id") + [
            sa.Column("party_id", sa.String(length=64), nullable=False),
            sa.Column("party", sa.String(length=200), nullable=False),
            sa.Column("requirement", sa.Text(), nullable=False),
            sa.Column("addressed", sa.Boolean(), nullable=False),
            sa.Column("how", sa.Text(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("addressed_by", sa.JSON(), nullable=False)] + ends("requirement_id"),
        "context_scope": keys("ai_system_id") + [
            sa.Column("in_scope", sa.Boolean(), nullable=False),
            sa.Column("roles", sa.JSON(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False)] + ends("ai_system_id"),
    }


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, parts in _tables().items():
        if name not in existing:
            op.create_table(name, *parts)

