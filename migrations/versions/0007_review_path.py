"""review path: municipalities' positions on a joint response and the steps of its review

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 05:54:47.400749

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.String(length=20), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('decision_reference', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_consultation_position_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_consultation_position_recorded_by_id_person')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_position_response_id_consultation_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_position')),
    sa.UniqueConstraint('response_id', 'municipality_id', name=op.f('uq_consultation_position_response_id'))
    )
    with op.batch_alter_table('consultation_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_position_response_id'), ['response_id'], unique=False)

    op.create_table('consultation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=False),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('sent_to', sa.String(length=300), nullable=False),
    sa.Column('old_deadline', sa.Date(), nullable=True),
    sa.Column('new_deadline', sa.Date(), nullable=True),
    sa.Column('presenter_name', sa.String(length=200), nullable=False),
    sa.Column('presenter_title', sa.String(length=200), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_consultation_event_document_id_document')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consultation_event_person_id_person')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_event_response_id_consultation_response')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['consultation_snapshot.id'], name=op.f('fk_consultation_event_snapshot_id_consultation_snapshot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_event'))
    )
    with op.batch_alter_table('consultation_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_event_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consultation_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_event_response_id'))

    op.drop_table('consultation_event')
    with op.batch_alter_table('consultation_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_position_response_id'))

    op.drop_table('consultation_position')
