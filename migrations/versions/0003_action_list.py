"""action list: action items (handlingsplansrader) with their linked networks and
municipalities, and imports waiting for confirmation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 03:13:50.602384

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_action_import_network_id_network')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_action_import_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_import')),
    sa.UniqueConstraint('token', name=op.f('uq_action_import_token'))
    )
    with op.batch_alter_table('action_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_import_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_import_person_id'), ['person_id'], unique=False)

    op.create_table('action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('sub_goal_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=500), nullable=False),
    sa.Column('cost', sa.String(length=200), nullable=False),
    sa.Column('time_text', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_action_item_created_by_id_person')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['person.id'], name=op.f('fk_action_item_deleted_by_id_person')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_action_item_network_id_network')),
    sa.ForeignKeyConstraint(['sub_goal_id'], ['sub_goal.id'], name=op.f('fk_action_item_sub_goal_id_sub_goal')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['person.id'], name=op.f('fk_action_item_updated_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item'))
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_sub_goal_id'), ['sub_goal_id'], unique=False)

    op.create_table('action_item_municipality',
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'], name=op.f('fk_action_item_municipality_action_item_id_action_item')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_action_item_municipality_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('action_item_id', 'municipality_id', name=op.f('pk_action_item_municipality'))
    )
    op.create_table('action_item_network',
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_item.id'], name=op.f('fk_action_item_network_action_item_id_action_item')),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_action_item_network_network_id_network')),
    sa.PrimaryKeyConstraint('action_item_id', 'network_id', name=op.f('pk_action_item_network'))
    )


def downgrade():
    op.drop_table('action_item_network')
    op.drop_table('action_item_municipality')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_sub_goal_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_network_id'))

    op.drop_table('action_item')
    with op.batch_alter_table('action_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_import_person_id'))
        batch_op.drop_index(batch_op.f('ix_action_import_network_id'))

    op.drop_table('action_import')
