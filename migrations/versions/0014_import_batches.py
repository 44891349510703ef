"""action_import_batch: every confirmed import of an action plan is one batch that can be
undone in one step; action_item.import_batch_id names the batch a row came in with, and a
pending import of the combined plan (by the secretariat) belongs to no single network

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"],
                                name=op.f("fk_action_import_batch_network_id_network")),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"],
                                name=op.f("fk_action_import_batch_created_by_id_person")),
        sa.ForeignKeyConstraint(["undone_by_id"], ["person.id"],
                                name=op.f("fk_action_import_batch_undone_by_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_import_batch")),
    )
    with op.batch_alter_table("action_import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_import_batch_network_id"), ["network_id"],
                              unique=False)
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_item_import_batch_id"), ["import_batch_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_action_item_import_batch_id_action_import_batch"),
                                    "action_import_batch", ["import_batch_id"], ["id"])
    with op.batch_alter_table("action_import", schema=None) as batch_op:
        batch_op.alter_column("network_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table("action_import", schema=None) as batch_op:
        batch_op.alter_column("network_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_action_item_import_batch_id_action_import_batch"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_item_import_batch_id"))
        batch_op.drop_column("import_batch_id")
    with op.batch_alter_table("action_import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_import_batch_network_id"))
    op.drop_table("action_import_batch")
