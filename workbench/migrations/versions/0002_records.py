"""The registers of the rest of the AIMS an auditor samples: the context of the organisation (4.1 to
4.3), the AI policy and its acknowledgements (5.2, 7.3), suppliers and customers (A.10.2 to A.10.4),
risk treatment and per-risk acceptance (8.3), model release records (A.6.2) and the fundamental
rights impact assessment (EU AI Act Art. 27). A register at 0001 gains them empty, and ``workbench
register rebuild`` fills them from the ledger and the archive; a register that has them already (made
by the register itself) keeps them.

The tables are frozen here, as they were at this revision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

metadata = sa.MetaData()

sa.Table('evidence', metadata,  # referred to only, made by 0001
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('run_id'),
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
    sa.PrimaryKeyConstraint('system_id', 'seq'),
)
sa.Table('policy_acknowledgements', metadata,
    sa.Column('policy_run', sa.String(length=40), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('policy_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('policy_run', 'person'),
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
    sa.Column('contract_ends', sa.Date()),
    sa.Column('responsibilities', sa.JSON(), nullable=False),
    sa.Column('obligations', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('system_id', 'supplier_id', 'seq'),
)
sa.Table('ai_policies', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id'),
)
sa.Index('ix_ai_policies_version', metadata.tables['ai_policies'].c.version, unique=False)
sa.Table('context_issues', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('issue_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('addressed_by', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id', 'issue_id'),
)
sa.Table('context_requirements', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('requirement_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('party_id', sa.String(length=64), nullable=False),
    sa.Column('party', sa.String(length=200), nullable=False),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('addressed', sa.Boolean(), nullable=False),
    sa.Column('how', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('addressed_by', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id', 'requirement_id'),
)
sa.Table('context_scope', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('ai_system_id', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('in_scope', sa.Boolean(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id', 'ai_system_id'),
)
sa.Table('fundamental_rights_assessments', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('impact_assessment', sa.String(length=80), nullable=False),
    sa.Column('owed', sa.Boolean(), nullable=False),
    sa.Column('risks', sa.Integer(), nullable=False),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('missing_groups', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id'),
)
sa.Index('ix_fundamental_rights_assessments_system_id', metadata.tables['fundamental_rights_assessments'].c.system_id, unique=False)
sa.Table('model_releases', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('criteria', sa.Integer(), nullable=False),
    sa.Column('unmet', sa.Integer(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('checked_by', sa.String(length=64), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('deployed_on', sa.Date()),
    sa.Column('training_data', sa.JSON(), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id'),
)
sa.Index('ix_model_releases_item_id', metadata.tables['model_releases'].c.item_id, unique=False)
sa.Index('ix_model_releases_system_id', metadata.tables['model_releases'].c.system_id, unique=False)
sa.Table('risk_acceptances', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('risk_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('residual_score', sa.Integer(), nullable=False),
    sa.Column('residual_band', sa.String(length=40), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id', 'risk_id'),
)
sa.Index('ix_risk_acceptances_system_id', metadata.tables['risk_acceptances'].c.system_id, unique=False)
sa.Table('risk_treatments', metadata,
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('risk_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('option', sa.String(length=20), nullable=False),
    sa.Column('controls', sa.JSON(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('implementation', sa.Text(), nullable=False),
    sa.Column('effectiveness_check', sa.Text(), nullable=False),
    sa.Column('effectiveness_evidence', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('system_id', 'risk_id', 'seq'),
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
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id']),
    sa.PrimaryKeyConstraint('run_id'),
)
sa.Index('ix_supplier_assessments_item_id', metadata.tables['supplier_assessments'].c.item_id, unique=False)
sa.Index('ix_supplier_assessments_system_id', metadata.tables['supplier_assessments'].c.system_id, unique=False)

NEW = ('customer_obligations', 'policy_acknowledgements', 'suppliers', 'ai_policies', 'context_issues', 'context_requirements', 'context_scope', 'fundamental_rights_assessments', 'model_releases', 'risk_acceptances', 'risk_treatments', 'supplier_assessments')


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=[metadata.tables[name] for name in NEW], checkfirst=True)
