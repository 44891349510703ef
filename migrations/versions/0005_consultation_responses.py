"""consultation responses (remissvar): sections with revisions, comments, snapshots

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 04:02:30.266353

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('referring_body', sa.String(length=200), nullable=False),
    sa.Column('reference_number', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('no_answer_reason', sa.Text(), nullable=False),
    sa.Column('referral_links', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_person_id'], ['person.id'], name=op.f('fk_consultation_response_contact_person_id_person')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_consultation_response_created_by_id_person')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_consultation_response_network_id_network')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_response'))
    )
    with op.batch_alter_table('consultation_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_response_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_response_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_response_status'), ['status'], unique=False)

    op.create_table('consultation_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_consultation_attachment_document_id_document')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_attachment_response_id_consultation_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_attachment')),
    sa.UniqueConstraint('response_id', 'document_id', name=op.f('uq_consultation_attachment_response_id'))
    )
    with op.batch_alter_table('consultation_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_attachment_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_attachment_response_id'), ['response_id'], unique=False)

    op.create_table('consultation_case_number',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_consultation_case_number_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_case_number_response_id_consultation_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_case_number')),
    sa.UniqueConstraint('response_id', 'municipality_id', name=op.f('uq_consultation_case_number_response_id'))
    )
    with op.batch_alter_table('consultation_case_number', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_case_number_response_id'), ['response_id'], unique=False)

    op.create_table('consultation_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['person.id'], name=op.f('fk_consultation_section_deleted_by_id_person')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_section_response_id_consultation_response')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['person.id'], name=op.f('fk_consultation_section_updated_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_section'))
    )
    with op.batch_alter_table('consultation_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_section_response_id'), ['response_id'], unique=False)

    op.create_table('consultation_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_consultation_snapshot_created_by_id_person')),
    sa.ForeignKeyConstraint(['response_id'], ['consultation_response.id'], name=op.f('fk_consultation_snapshot_response_id_consultation_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_snapshot'))
    )
    with op.batch_alter_table('consultation_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_snapshot_response_id'), ['response_id'], unique=False)

    op.create_table('consultation_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_consultation_comment_author_id_person')),
    sa.ForeignKeyConstraint(['parent_id'], ['consultation_comment.id'], name=op.f('fk_consultation_comment_parent_id_consultation_comment')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['person.id'], name=op.f('fk_consultation_comment_resolved_by_id_person')),
    sa.ForeignKeyConstraint(['section_id'], ['consultation_section.id'], name=op.f('fk_consultation_comment_section_id_consultation_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_comment'))
    )
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_comment_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_comment_section_id'), ['section_id'], unique=False)

    op.create_table('consultation_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_consultation_revision_created_by_id_person')),
    sa.ForeignKeyConstraint(['section_id'], ['consultation_section.id'], name=op.f('fk_consultation_revision_section_id_consultation_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_revision')),
    sa.UniqueConstraint('section_id', 'number', name=op.f('uq_consultation_revision_section_id'))
    )
    with op.batch_alter_table('consultation_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_revision_section_id'), ['section_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consultation_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_revision_section_id'))

    op.drop_table('consultation_revision')
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_comment_section_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_comment_parent_id'))

    op.drop_table('consultation_comment')
    with op.batch_alter_table('consultation_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_snapshot_response_id'))

    op.drop_table('consultation_snapshot')
    with op.batch_alter_table('consultation_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_section_response_id'))

    op.drop_table('consultation_section')
    with op.batch_alter_table('consultation_case_number', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_case_number_response_id'))

    op.drop_table('consultation_case_number')
    with op.batch_alter_table('consultation_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_attachment_response_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_attachment_document_id'))

    op.drop_table('consultation_attachment')
    with op.batch_alter_table('consultation_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_response_status'))
        batch_op.drop_index(batch_op.f('ix_consultation_response_network_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_response_deadline'))

    op.drop_table('consultation_response')
