"""the responses board reads each stage in deadline order from one covering index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_response_board",
                              ["status", "deadline", "id", "network_id"], unique=False)


def downgrade():
    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_response_board")
