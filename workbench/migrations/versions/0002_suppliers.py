"""The tables of suppliers and customers (A.10.2 to A.10.4): the supplier register, the customer
obligations of each system, and the supplier assessments. A register at 0001 gains them empty;
``workbench register rebuild`` fills them from the ledger's ``supplier`` and
``customer-obligations`` entries and the archived assessments.

Revision ID: 0002_suppliers
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_suppliers"
down_revision = "0001"
branch_labels = None
depends_on = None

metadata = sa.MetaData()

sa.Table('evidence', metadata,  # referred to only, made by 0001
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Table('suppliers', metadata,
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('supplier_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('supplies', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('contract', sa.Text(), nullable=False),
    sa.Column('contract_ends', sa.Date(), nullable=True),
    sa.Column('responsibilities', sa.JSON(), nullable=False),
    sa.Column('obligations', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('system_id', 'supplier_id', 'seq')
)
sa.Table('customer_obligations', metadata,
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('customer_facing', sa.Boolean(), nullable=False),
    sa.Column('customers', sa.Text(), nullable=False),
    sa.Column('obligations', sa.JSON(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('system_id', 'seq')
)
sa.Table('supplier_assessments', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('supplier_version', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=False),
    sa.Column('conclusion', sa.String(length=30), nullable=False),
    sa.Column('concerns', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_supplier_assessments_item_id', metadata.tables['supplier_assessments'].c.item_id, unique=False)
sa.Index('ix_supplier_assessments_system_id', metadata.tables['supplier_assessments'].c.system_id, unique=False)

NEW = ('suppliers', 'customer_obligations', 'supplier_assessments')


def upgrade() -> None:
    # checkfirst: a register this version's workbench made before the revision has them already
    metadata.create_all(op.get_bind(), tables=[metadata.tables[name] for name in NEW], checkfirst=True)
