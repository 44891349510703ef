"""indexes found by the benchmark at the scale of all Swedish municipalities

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # A network's live action rows in order, read from the index alone (lists, counts, the
    # combined plan).
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("ix_action_item_network_deleted_position",
                              ["network_id", "deleted_at", "position"], unique=False)
    # Current members per municipality and network from the index alone (coverage totals).
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_municipality_network_dates",
                              ["municipality_id", "network_id", "from_date", "to_date"],
                              unique=False)
    # Network name order: the combined plan's first page without sorting every row.
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_name"), ["name"], unique=False)


def downgrade():
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_name"))
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_network_deleted_position")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_municipality_network_dates")
