"""documents: files with versions, text pages with revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:13:12.995694

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_document_created_by_id_person')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['person.id'], name=op.f('fk_document_deleted_by_id_person')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_document_network_id_network')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_updated_at'), ['updated_at'], unique=False)

    op.create_table('document_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_tag_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_tag')),
    sa.UniqueConstraint('document_id', 'name', name=op.f('uq_document_tag_document_id'))
    )
    with op.batch_alter_table('document_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_tag_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_tag_name'), ['name'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_document_version_created_by_id_person')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_version_document_id'))
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_version_sha256'), ['sha256'], unique=False)

    op.create_table('page_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_page_revision_created_by_id_person')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_page_revision_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_revision')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_page_revision_document_id'))
    )
    with op.batch_alter_table('page_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_revision_document_id'), ['document_id'], unique=False)



def downgrade():
    with op.batch_alter_table('page_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_revision_document_id'))

    op.drop_table('page_revision')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_version_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_version_document_id'))

    op.drop_table('document_version')
    with op.batch_alter_table('document_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_tag_name'))
        batch_op.drop_index(batch_op.f('ix_document_tag_document_id'))

    op.drop_table('document_tag')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_updated_at'))
        batch_op.drop_index(batch_op.f('ix_document_network_id'))

    op.drop_table('document')
