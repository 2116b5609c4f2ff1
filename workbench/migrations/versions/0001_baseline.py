"""The register's schema as of the first versioned release, for a new register; a register made
before schema versions (no ``alembic_version`` table) is brought to it: the columns and unique
indexes added since, the tables it lacks, and ``evidence.system_id`` no longer a foreign key to
``systems`` (an organisation-wide record names no system).

The tables are frozen here, as they were at this revision: later changes to the models in
:mod:`workbench.register` or a process's ``tables`` module come with a migration of their own.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

metadata = sa.MetaData()

sa.Table('audits', metadata,
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('controls', sa.JSON(), nullable=False),
    sa.Column('systems', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('auditors', sa.JSON(), nullable=False),
    sa.Column('planned_by', sa.String(length=64), nullable=False),
    sa.Column('planned_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
sa.Table('competence', metadata,
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('competence', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('expires', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_competence_person', metadata.tables['competence'].c.person, unique=False)
sa.Table('datasets', metadata,
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('dataset_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('acquisition', sa.Text(), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('licence', sa.Text(), nullable=False),
    sa.Column('personal_data', sa.JSON(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('special_categories', sa.JSON(), nullable=False),
    sa.Column('retention', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('derived_from', sa.JSON(), nullable=False),
    sa.Column('preparation', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('system_id', 'dataset_id', 'seq')
)
sa.Table('documented_information', metadata,
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('requirement', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('location_sha256', sa.String(length=64), nullable=True),
    sa.Column('last_review', sa.Date(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('doc_id', 'seq')
)
sa.Table('evidence', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('process', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), server_default='', nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('assessor', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('html_sha256', sa.String(length=64), nullable=True),
    sa.Column('notebook_sha256', sa.String(length=64), nullable=True),
    sa.Column('results_sha256', sa.String(length=64), nullable=True),
    sa.Column('answers_sha256', sa.String(length=64), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=True),
    sa.Column('workbench_version', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('headline', sa.Text(), server_default='', nullable=False),
    sa.Column('review_round', sa.Integer(), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_evidence_item_id', metadata.tables['evidence'].c.item_id, unique=False)
sa.Index('ix_evidence_process', metadata.tables['evidence'].c.process, unique=False)
sa.Index('ix_evidence_system_id', metadata.tables['evidence'].c.system_id, unique=False)
sa.Index('uq_evidence_review', metadata.tables['evidence'].c.system_id, metadata.tables['evidence'].c.item_id, metadata.tables['evidence'].c.process, metadata.tables['evidence'].c.period, metadata.tables['evidence'].c.review_round, unique=True)
sa.Table('ledger_head', metadata,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
sa.Table('nonconformities', metadata,
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('grade', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('evidence_ref', sa.String(length=200), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finding_key', sa.String(length=64), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_nonconformities_system_id', metadata.tables['nonconformities'].c.system_id, unique=False)
sa.Index('uq_nonconformities_finding', metadata.tables['nonconformities'].c.finding_key, unique=True)
sa.Table('systems', metadata,
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('lifecycle_stage', sa.String(length=40), nullable=False),
    sa.Column('deployment_context', sa.Text(), nullable=False),
    sa.Column('affected_stakeholders', sa.JSON(), nullable=False),
    sa.Column('personal_data_categories', sa.JSON(), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
sa.Table('action_updates', metadata,
    sa.Column('nc_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=False),
    sa.Column('correction', sa.Text(), nullable=False),
    sa.Column('corrective_action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('effectiveness_check', sa.Text(), nullable=False),
    sa.Column('consequences', sa.Text(), nullable=False),
    sa.Column('similar', sa.Text(), nullable=False),
    sa.Column('aims_changes', sa.Text(), nullable=False),
    sa.Column('effectiveness_evidence', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['nc_id'], ['nonconformities.id'], ),
    sa.PrimaryKeyConstraint('nc_id', 'seq')
)
sa.Table('confirmations', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Table('data_quality', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('dataset_version', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('figures', sa.Integer(), nullable=False),
    sa.Column('breaches', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_data_quality_item_id', metadata.tables['data_quality'].c.item_id, unique=False)
sa.Index('ix_data_quality_system_id', metadata.tables['data_quality'].c.system_id, unique=False)
sa.Table('events', metadata,
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], ),
    sa.PrimaryKeyConstraint('id')
)
sa.Index('ix_events_ledger_hash', metadata.tables['events'].c.ledger_hash, unique=False)
sa.Index('ix_events_system_id', metadata.tables['events'].c.system_id, unique=False)
sa.Table('explainability', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('top_feature', sa.String(length=100), nullable=False),
    sa.Column('proxies', sa.Integer(), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_explainability_item_id', metadata.tables['explainability'].c.item_id, unique=False)
sa.Index('ix_explainability_system_id', metadata.tables['explainability'].c.system_id, unique=False)
sa.Table('gap_actions', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('action_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'action_id')
)
sa.Table('impact_assessments', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('raw', sa.Integer(), nullable=False),
    sa.Column('current', sa.Integer(), nullable=False),
    sa.Column('max', sa.Integer(), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=False),
    sa.Column('fria_required', sa.Boolean(), nullable=False),
    sa.Column('fairness_breaches', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_impact_assessments_system_id', metadata.tables['impact_assessments'].c.system_id, unique=False)
sa.Table('items', metadata,
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], ),
    sa.PrimaryKeyConstraint('system_id', 'id')
)
sa.Index('ix_items_kind', metadata.tables['items'].c.kind, unique=False)
sa.Table('review_actions', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('action_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'action_id')
)
sa.Table('risks', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('risk_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('risk_source', sa.String(length=20), nullable=False),
    sa.Column('inherent_score', sa.Integer(), nullable=False),
    sa.Column('inherent_band', sa.String(length=40), nullable=False),
    sa.Column('residual_score', sa.Integer(), nullable=False),
    sa.Column('residual_band', sa.String(length=40), nullable=False),
    sa.Column('treatment', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('above_appetite', sa.Boolean(), nullable=False),
    sa.Column('controls', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'risk_id')
)
sa.Index('ix_risks_system_id', metadata.tables['risks'].c.system_id, unique=False)
sa.Table('signoffs', metadata,
    sa.Column('signoff_id', sa.String(length=80), nullable=False),
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('record_sha256', sa.String(length=64), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('signoff_id')
)
sa.Index('ix_signoffs_run_id', metadata.tables['signoffs'].c.run_id, unique=False)
sa.Table('soa_controls', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('control_id', sa.String(length=32), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=True),
    sa.Column('risks', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'control_id')
)
sa.Table('system_cards', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stale_inputs', sa.Integer(), nullable=False),
    sa.Column('public_fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_system_cards_system_id', metadata.tables['system_cards'].c.system_id, unique=False)

sa.Table('incidents', metadata,
    sa.Column('incident_id', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('incident_id')
)
sa.Index('ix_incidents_system_id', metadata.tables['incidents'].c.system_id, unique=False)
sa.Table('incident_updates', metadata,
    sa.Column('incident_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('incident_id', 'seq')
)
sa.Index('ix_incident_updates_system_id', metadata.tables['incident_updates'].c.system_id, unique=False)
sa.Table('concerns', metadata,
    sa.Column('concern_id', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('raised_by', sa.String(length=64), nullable=False),
    sa.Column('identity_visible_to', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('concern_id')
)
sa.Index('ix_concerns_system_id', metadata.tables['concerns'].c.system_id, unique=False)
sa.Table('concern_reveals', metadata,
    sa.Column('ledger_hash', sa.String(length=64), nullable=False),
    sa.Column('concern_id', sa.String(length=64), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ledger_hash')
)
sa.Index('ix_concern_reveals_concern_id', metadata.tables['concern_reveals'].c.concern_id, unique=False)
sa.Table('incident_reports', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('timeline_entries', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('severity', sa.String(length=64), nullable=False),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('authority_report', sa.String(length=20), nullable=False),
    sa.Column('nonconformity', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_incident_reports_item_id', metadata.tables['incident_reports'].c.item_id, unique=False)
sa.Index('ix_incident_reports_system_id', metadata.tables['incident_reports'].c.system_id, unique=False)
sa.Table('monitoring', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('labelled_rows', sa.Integer(), nullable=False),
    sa.Column('figures', sa.Integer(), nullable=False),
    sa.Column('breaches', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('max_psi', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id')
)
sa.Index('ix_monitoring_system_id', metadata.tables['monitoring'].c.system_id, unique=False)
sa.Table('objectives', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('objective_id', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('objective', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('measure_id', sa.String(length=64), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'objective_id')
)
sa.Table('measures', metadata,
    sa.Column('run_id', sa.String(length=80), nullable=False),
    sa.Column('measure_id', sa.String(length=64), nullable=False),
    sa.Column('system_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('measured_by', sa.String(length=64), nullable=False),
    sa.Column('evaluated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['evidence.run_id'], ),
    sa.PrimaryKeyConstraint('run_id', 'measure_id')
)
sa.Table('measurements', metadata,
    sa.Column('measure_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=130), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('source_ref', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('plan_run', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('measure_id', 'period', 'subject', 'seq')
)

# the columns registers made before schema versions lack, with the DDL that adds them to existing rows
ADDED_COLUMNS = {"evidence": {"item_id": "VARCHAR(64) NOT NULL DEFAULT ''", "headline": "TEXT NOT NULL DEFAULT ''",
                              "review_round": "INTEGER", "confirmed_by": "VARCHAR(64)"},
                 "nonconformities": {"finding_key": "VARCHAR(64)", "opened_on": "DATE"},
                 "action_updates": {"consequences": "TEXT NOT NULL DEFAULT ''", "similar": "TEXT NOT NULL DEFAULT ''",
                                    "aims_changes": "TEXT NOT NULL DEFAULT ''",
                                    "effectiveness_evidence": "JSON NOT NULL DEFAULT '[]'"},
                 "events": {"ledger_hash": "VARCHAR(64)"}}


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for name, added in ADDED_COLUMNS.items():
        if name in existing:
            have = {c["name"] for c in inspector.get_columns(name)}
            for column, kind in added.items():
                if column not in have:
                    op.execute(f"ALTER TABLE {name} ADD COLUMN {column} {kind}")
    if "evidence" in existing:
        _drop_system_key(bind, inspector)
    metadata.create_all(bind, checkfirst=True)  # the tables a register made before lacks, with their indexes
    for name in existing & set(metadata.tables):  # the indexes added to tables it has
        have = {i["name"] for i in sa.inspect(bind).get_indexes(name)}
        for index in metadata.tables[name].indexes:
            if index.name not in have:
                index.create(bind)


def _drop_system_key(bind, inspector) -> None:
    """``evidence.system_id`` as a plain column: the first registers made it a foreign key to ``systems``."""
    keys = [k for k in inspector.get_foreign_keys("evidence") if k["referred_table"] == "systems"]
    if not keys:
        return
    if bind.dialect.name == "sqlite":  # SQLite drops a constraint by copying the table (foreign keys off)
        with op.batch_alter_table("evidence", recreate="always", copy_from=metadata.tables["evidence"]):
            pass
    else:
        for key in keys:
            op.drop_constraint(key["name"], "evidence", type_="foreignkey")
